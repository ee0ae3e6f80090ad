import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

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
  previousIndex: string | null;
  change: string | null;
  gap: string | null;
  belowTarget: boolean;
  inBottomQuartile: boolean;
}

export interface CycleResults {
  cycle: { id: string; name: string; status: string; targetIndex: string | null };
  method: { predicateBands: Array<Record<string, unknown>> };
  aggregate: {
    unitCount: number;
    finalCount: number;
    meanIndex: string | null;
    medianIndex: string | null;
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
