import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

export interface DomainIndex {
  code: string;
  name: string;
  index: string | null;
}

/** One unit of GET /api/cycles/:id/results (src/modules/results/results.schemas.ts `unitResult`). */
export interface UnitResult {
  assessmentId: string;
  unit: { id: string; code: string; name: string; shortName: string | null; type: string };
  state: string;
  final: boolean;
  selfIndex: string | null;
  verifiedIndex: string | null;
  predicate: string | null;
  rank: number | null;
  domains: DomainIndex[];
  previousIndex: string | null;
  change: string | null;
  gap: string | null;
  evidenceCompleteness: string | null;
  verificationCoverage: string | null;
  belowTarget: boolean;
  inBottomQuartile: boolean;
}

export interface PredicateBand {
  name: string;
  min: string | number;
  max: string | number;
}

export interface CycleResults {
  cycle: {
    id: string;
    name: string;
    status: string;
    targetIndex: string | null;
    previousCycleId: string | null;
  };
  method: {
    rounding: { decimals: number; mode: string };
    predicateBands: PredicateBand[];
    domains: Array<{ code: string; name: string; weight: string }>;
  };
  aggregate: {
    unitCount: number;
    finalCount: number;
    meanIndex: string | null;
    medianIndex: string | null;
    meanGap: string | null;
    overClaimingUnits: number;
    predicateDistribution: Array<{ predicate: string; count: number }>;
  };
  units: UnitResult[];
}

export interface Laggard extends UnitResult {
  reasons: Array<'below_target' | 'bottom_quartile'>;
  holdingBack: Array<{ code: string; name: string; level: number | null; lostPoints: string }>;
}

export function useCycleResults(cycleId: string | null) {
  return useQuery({
    queryKey: ['results', cycleId],
    queryFn: ({ signal }) => api<CycleResults>(`/api/cycles/${cycleId}/results`, { signal }),
    enabled: !!cycleId,
    throwOnError: false,
  });
}

export function useLaggards(cycleId: string | null) {
  return useQuery({
    queryKey: ['laggards', cycleId],
    queryFn: ({ signal }) =>
      api<{ items: Laggard[] }>(`/api/cycles/${cycleId}/laggards`, { signal }).then((r) => r.items),
    enabled: !!cycleId,
    throwOnError: false,
  });
}

/** GET /api/cycles/:id/trend (src/modules/results/insight.schemas.ts `trendResponse`). */
export interface CycleTrend {
  cycle: { id: string; name: string; targetIndex: string | null };
  instrument: { code: string; decimals: number };
  cycles: Array<{
    id: string;
    name: string;
    periodEnd: string;
    unitCount: number;
    mean: string | null;
    median: string | null;
  }>;
  units: Array<{
    id: string;
    code: string;
    name: string;
    shortName: string | null;
    type: string;
    values: Array<{ index: string | null; predicate: string | null }>;
  }>;
}

export function useCycleTrend(cycleId: string | null) {
  return useQuery({
    queryKey: ['trend', cycleId],
    queryFn: ({ signal }) => api<CycleTrend>(`/api/cycles/${cycleId}/trend`, { signal }),
    enabled: !!cycleId,
    throwOnError: false,
  });
}

export interface ReceiptNodeDto {
  code: string;
  name: string;
  depth: number;
  parentCode: string | null;
  kind: 'group' | 'maturity' | 'metric';
  weight: string;
  status: string | null;
  index: string | null;
  selfIndex: string | null;
  effectiveShare: string | null;
  points: string | null;
  lostVsMax: string | null;
  lostVsTarget: string | null;
  indicator: {
    metricUnit: string | null;
    applicable: boolean;
    criteria: string[];
    self: {
      level: number | null;
      notApplicable: boolean;
      metricValue: string | null;
      justification: string | null;
      evidenceCount: number;
    } | null;
    verified: {
      level: number | null;
      notApplicable: boolean;
      metricValue: string | null;
      reasonCode: string | null;
      reasonLabel: string | null;
      note: string | null;
      stage: string | null;
      stageLabel: string | null;
      verifiedBy: string | null;
      verifiedAt: string | null;
    } | null;
    evidence: Array<{
      id: string;
      title: string;
      kind: string;
      docType: string | null;
      docDate: string | null;
      validUntil: string | null;
      url: string | null;
      sha256: string | null;
      sizeBytes: number | null;
      originalName: string | null;
    }>;
  } | null;
}

/** GET /api/assessments/:id/result (`unitResultResponse`): one unit with its score receipt. */
export interface UnitInsight {
  cycle: {
    id: string;
    name: string;
    status: string;
    periodStart: string;
    periodEnd: string;
    targetIndex: string | null;
  };
  instrument: {
    code: string;
    version: string;
    title: string;
    indexName: string | null;
    contentHash: string;
    decimals: number;
    bands: PredicateBand[];
    domains: Array<{ code: string; name: string; weight: string }>;
  };
  unit: { id: string; code: string; name: string; shortName: string | null; type: string };
  assessment: {
    id: string;
    state: string;
    stateLabel: string;
    final: boolean;
    finalizedAt: string | null;
    snapshotHash: string | null;
  };
  result: {
    selfIndex: string | null;
    verifiedIndex: string | null;
    predicate: string | null;
    rank: number | null;
    rankedCount: number;
    previousIndex: string | null;
    change: string | null;
    gap: string | null;
    evidenceCompleteness: string | null;
    verificationCoverage: string | null;
    belowTarget: boolean;
    inBottomQuartile: boolean;
    domains: Array<DomainIndex & { selfIndex: string | null }>;
  };
  cycleDomainMeans: DomainIndex[];
  receipt: {
    formula: string;
    index: string | null;
    reported: string | null;
    predicate: string | null;
    targetIndex: string | null;
    targetLevel: number;
    gapToTarget: string | null;
    totals: { points: string; lostVsMax: string; lostVsTarget: string };
    planToTarget: Array<{
      code: string;
      name: string;
      fromLevel: number;
      toLevel: number;
      gain: string;
    }> | null;
  } | null;
  nodes: ReceiptNodeDto[];
  recommendations: Array<{
    code: string;
    name: string;
    domainName: string;
    level: number;
    nextLevel: number;
    criterion: string;
    gain: string;
    neededForTarget: boolean;
  }>;
  history: Array<{
    cycleId: string;
    cycleName: string;
    periodEnd: string;
    index: string | null;
    predicate: string | null;
    cycleMean: string | null;
  }>;
}

/** A unit's result page data; 403/404 render the status page (the query throws them). */
export function useUnitInsight(assessmentId: string) {
  return useQuery({
    queryKey: ['unit-result', assessmentId],
    queryFn: ({ signal }) =>
      api<UnitInsight>(`/api/assessments/${encodeURIComponent(assessmentId)}/result`, { signal }),
  });
}
