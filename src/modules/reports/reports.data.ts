/**
 * The data behind every report, assembled FROM the results service (so a report shows exactly the
 * numbers the screens show) plus the two ledgers, the evidence and the score receipt. Plain
 * objects out: the Excel and PDF writers do no queries and no arithmetic.
 */
import type { Db } from '../../db/client.js';
import type { Instrument, InstrumentNode } from '../../domain/instrument/index.js';
import { type Actor, scopePaths } from '../../domain/policy/policy.js';
import { meanDecimalText } from '../../domain/results/ranking.js';
import {
  type AnswerValue,
  buildReceipt,
  type CompiledInstrument,
  type ScoreResult,
  scoreAssessment,
} from '../../domain/scoring/index.js';
import {
  indicatorViews,
  STAGE_LABELS,
  STATE_LABELS,
  VERIFICATION_REASON_LABELS,
} from '../../domain/workflow/index.js';
import { NotFoundError } from '../../lib/errors.js';
import type { ResultsService, UnitResult } from '../results/results.service.js';
import { GENERATOR_VERSION, labelOf } from './reports.format.js';
import { reportsRepo } from './reports.repo.js';

/**
 * Command-line and batch work see everything: an actor holding a read role at the root of every
 * path ('/'), so the results service's own scope filter lets every row through.
 */
export const SYSTEM_READER: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  email: 'system',
  assignments: [{ role: 'admin', unitId: '00000000-0000-0000-0000-000000000000', unitPath: '/' }],
};

export type Computed = Awaited<ReturnType<ResultsService['compute']>>;
export type CycleResults = Awaited<ReturnType<ResultsService['forActor']>>;
export type Laggards = Awaited<ReturnType<ResultsService['laggards']>>;

export interface InstrumentInfo {
  code: string;
  version: string;
  title: string;
  indexName: string | null;
  contentHash: string;
  decimals: number;
  bands: Array<{ name: string; min: string; max: string }>;
  domains: Array<{ code: string; name: string; weight: string }>;
}

export interface CycleInfo {
  id: string;
  name: string;
  /** The organisation node the cycle evaluates (e.g. "Provinsi Kalimantan Barat"). */
  scopeName: string;
  status: string;
  periodStart: string;
  periodEnd: string;
  targetIndex: string | null;
  publishedAt: Date | null;
}

export interface IndicatorRow {
  code: string;
  name: string;
  domainCode: string;
  domainName: string;
  kind: 'maturity' | 'metric';
  metricUnit: string | null;
  weight: string;
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
  } | null;
}

export interface Recommendation {
  code: string;
  name: string;
  domainName: string;
  level: number;
  nextLevel: number;
  /** The next level's criterion text from the instrument. */
  criterion: string;
  /** Exact gain of the whole index for +1 level, shown with 4 decimals ("0.0400"). */
  gain: string;
  /** Part of the fewest steps that lift the reported index to the cycle target. */
  neededForTarget: boolean;
}

export interface EvidenceItem {
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
  indicators: string[];
}

export interface UnitReportData {
  generatedAt: Date;
  generatorVersion: string;
  cycle: CycleInfo;
  instrument: InstrumentInfo;
  assessment: { id: string; state: string; stateLabel: string; final: boolean; finalizedAt: Date | null };
  unit: { id: string; code: string; name: string; shortName: string | null; type: string };
  result: UnitResult;
  /** Number of ranked (final) units in the cycle: "rank 3 of 42". */
  rankedCount: number;
  /** Cycle mean per domain over final units, for comparison charts. */
  cycleDomainMeans: Array<{ code: string; name: string; index: string | null }>;
  indicators: IndicatorRow[];
  recommendations: Recommendation[];
  evidence: EvidenceItem[];
  signatories: { heads: string[]; assessors: string[] };
}

export interface CycleReportData {
  generatedAt: Date;
  generatorVersion: string;
  cycle: CycleInfo;
  instrument: InstrumentInfo;
  results: CycleResults;
  laggards: Laggards['items'];
  trend: Array<{ cycleId: string; cycleName: string; periodEnd: string; mean: string | null; units: number }>;
}

export interface MatrixData {
  generatedAt: Date;
  generatorVersion: string;
  cycle: CycleInfo;
  instrument: InstrumentInfo;
  indicators: Array<{ code: string; name: string; domainCode: string; weight: string; kind: string }>;
  rows: MatrixRow[];
}

export interface MatrixRow {
  unitCode: string;
  unitName: string;
  unitType: string;
  state: string;
  final: boolean;
  verifiedIndex: string | null;
  predicate: string | null;
  /** One entry per indicator, in instrument order: level, 'NA', or null (unanswered / not applicable to the unit type → 'NA'). */
  self: Array<number | 'NA' | null>;
  verified: Array<number | 'NA' | null>;
}

const trimDecimal = (v: string | null) =>
  v === null ? null : v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;

function instrumentInfo(computed: Computed): InstrumentInfo {
  const i = computed.instrument;
  return {
    code: computed.version.code,
    version: computed.version.version,
    title: i.title,
    indexName: i.indexName ?? null,
    contentHash: computed.version.contentHash,
    decimals: i.rounding.decimals,
    bands: i.predicateBands.map((b) => ({ name: b.name, min: String(b.min), max: String(b.max) })),
    domains: i.nodes.map((n) => ({ code: n.code, name: n.name, weight: String(n.weight) })),
  };
}

function cycleInfo(computed: Computed, scopeName: string): CycleInfo {
  const c = computed.cycle;
  return {
    id: c.id,
    name: c.name,
    scopeName,
    status: c.status,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    targetIndex: c.targetIndex === null ? null : trimDecimal(c.targetIndex),
    publishedAt: c.publishedAt,
  };
}

/** Top-level node (domain) of every indicator, by compiled indicator number. */
function domainsOfIndicators(c: CompiledInstrument) {
  const out: Array<{ code: string; name: string }> = [];
  for (let i = 0; i < c.indicatorCount; i++) {
    let node = c.indicatorNode[i]!;
    while (c.nodeDepth[node]! > 1) node = c.parent[node]!;
    const src = c.nodeSource[node]!;
    out.push({ code: src.code, name: src.name });
  }
  return out;
}

type LedgerEntry = { level: number | null; notApplicable: boolean; metricValue: string | null };

/** The scoring engine's answers from one ledger (as the results service reads them). */
function answersOf(c: CompiledInstrument, ledger: ReadonlyMap<string, LedgerEntry>) {
  const out: Record<string, AnswerValue> = {};
  for (let i = 0; i < c.indicatorCount; i++) {
    const code = c.indicatorCode[i]!;
    const v = ledger.get(code);
    if (!v) continue;
    if (v.notApplicable) out[code] = 'NA';
    else if (c.metric[i] && v.metricValue !== null) out[code] = v.metricValue;
    else if (v.level !== null) out[code] = v.level;
  }
  return out;
}

/** Level of every indicator in a score result: number, 'NA', or null. */
function levelsOf(result: ScoreResult | null): Map<string, number | 'NA' | null> {
  const m = new Map<string, number | 'NA' | null>();
  if (!result) return m;
  for (const n of result.nodes) {
    if (n.kind !== 'maturity' && n.kind !== 'metric') continue;
    m.set(n.code, n.status === 'not_applicable' ? 'NA' : n.status === 'scored' ? n.level : null);
  }
  return m;
}

/** Report data builders over the results service. `results` is the same service the screens use. */
export function reportsDataFactory(
  db: Db,
  results: Pick<ResultsService, 'compute' | 'forActor' | 'laggards'>,
  opts: { now?: () => Date } = {},
) {
  const repo = reportsRepo(db);
  const now = opts.now ?? (() => new Date());

  /** Verified score of one assessment: the frozen snapshot when final, else live from the assessor's ledger. */
  function verifiedScore(computed: Computed, row: UnitResult, ledger: ReadonlyMap<string, LedgerEntry>) {
    const snap = computed.snapshots.get(row.assessmentId);
    if (snap) return snap.result as ScoreResult;
    if (ledger.size === 0) return null;
    const outcome = scoreAssessment(computed.c, answersOf(computed.c, ledger), {
      partial: true,
      unitType: row.unit.type as never,
    });
    return outcome.ok ? outcome.result : null;
  }

  async function scopeNameOf(computed: Computed) {
    return (await repo.findUnit(computed.cycle.scopeUnitId))?.name ?? '';
  }

  function domainMeans(computed: Computed) {
    const finals = computed.results.filter((r) => r.final);
    return computed.instrument.nodes.map((n) => ({
      code: n.code,
      name: n.name,
      index: meanDecimalText(
        finals
          .map((r) => r.domains.find((d) => d.code === n.code)?.index ?? null)
          .filter((x): x is string => !!x),
        computed.decimals,
      ),
    }));
  }

  /**
   * Everything in one unit's report. Pass `computed` (results.compute of the cycle) when building
   * many reports of one cycle (batch): the cycle is then computed once.
   */
  async function unitReport(assessmentId: string, computed?: Computed): Promise<UnitReportData> {
    const ctx = await repo.assessmentContext(assessmentId);
    if (!ctx) throw new NotFoundError('Penilaian', assessmentId);
    const comp = computed ?? (await results.compute(ctx.assessment.cycleId));
    const row = comp.results.find((r) => r.assessmentId === assessmentId);
    if (!row) throw new NotFoundError('Penilaian', assessmentId);
    const c = comp.c;

    const [responseRows, verificationRows, evidenceRows, signatories] = await Promise.all([
      repo.responsesOf([assessmentId]),
      repo.verificationsOf([assessmentId]),
      repo.evidenceOfAssessment(assessmentId),
      repo.signatories(ctx.assessment.cycleId, ctx.unit.id),
    ]);
    const selfByCode = new Map(responseRows.map((r) => [r.indicatorCode, r]));
    const verByCode = new Map(verificationRows.map((v) => [v.indicatorCode, v]));
    const evidenceCount = new Map<string, number>();
    for (const e of evidenceRows)
      evidenceCount.set(e.indicatorCode, (evidenceCount.get(e.indicatorCode) ?? 0) + 1);

    const verified = verifiedScore(comp, row, verByCode);
    const frozenLevels = comp.snapshots.has(assessmentId) ? levelsOf(verified) : null;
    const views = indicatorViews(c, row.unit.type);
    const domains = domainsOfIndicators(c);

    const indicators: IndicatorRow[] = views.map((view, i) => {
      const node = c.nodeSource[c.indicatorNode[i]!] as Exclude<InstrumentNode, { children: unknown }>;
      const s = selfByCode.get(view.code);
      const v = verByCode.get(view.code);
      const frozen = frozenLevels?.get(view.code);
      const verifiedLevel = frozen !== undefined ? (frozen === 'NA' ? null : frozen) : (v?.level ?? null);
      const verifiedNa = frozen !== undefined ? frozen === 'NA' : (v?.notApplicable ?? false);
      return {
        code: view.code,
        name: view.name,
        domainCode: domains[i]!.code,
        domainName: domains[i]!.name,
        kind: view.kind,
        metricUnit: view.metric?.unit ?? null,
        weight: String(node.weight),
        applicable: view.applicable,
        criteria: [...node.criteria],
        self: s
          ? {
              level: s.level,
              notApplicable: s.notApplicable,
              metricValue: trimDecimal(s.metricValue),
              justification: s.justification,
              evidenceCount: evidenceCount.get(view.code) ?? 0,
            }
          : null,
        verified:
          v || frozen !== undefined
            ? {
                level: verifiedLevel,
                notApplicable: verifiedNa,
                metricValue: trimDecimal(v?.metricValue ?? null),
                reasonCode: v?.reasonCode ?? null,
                reasonLabel: v ? labelOf(VERIFICATION_REASON_LABELS, v.reasonCode) : null,
                note: v?.note ?? null,
                stage: v?.stage ?? null,
                stageLabel: v ? labelOf(STAGE_LABELS, v.stage) : null,
                verifiedBy: v?.verifiedByName ?? null,
              }
            : null,
      };
    });

    // Recommendations: for every scored indicator below level 5, the next level's criterion,
    // the largest exact gain of the whole index first (score receipt order).
    const recommendations: Recommendation[] = [];
    if (verified?.index) {
      const receipt = buildReceipt(c, verified, {
        targetIndex: comp.cycle.targetIndex ?? undefined,
      });
      const needed = new Set((receipt.planToTarget ?? []).map((p) => p.code));
      for (const r of receipt.raises) {
        const i = c.indicatorByCode.get(r.code)!;
        const node = c.nodeSource[c.indicatorNode[i]!] as Exclude<InstrumentNode, { children: unknown }>;
        recommendations.push({
          code: r.code,
          name: r.name,
          domainName: domains[i]!.name,
          level: r.level,
          nextLevel: r.level + 1,
          criterion: node.criteria[r.level] ?? '',
          gain: r.gain.display,
          neededForTarget: needed.has(r.code),
        });
      }
    }

    const evidenceById = new Map<string, EvidenceItem>();
    for (const e of evidenceRows) {
      const item = evidenceById.get(e.id) ?? {
        id: e.id,
        title: e.title,
        kind: e.kind,
        docType: e.docType,
        docDate: e.docDate,
        validUntil: e.validUntil,
        url: e.url,
        sha256: e.sha256,
        sizeBytes: e.sizeBytes,
        originalName: e.originalName,
        indicators: [],
      };
      if (!item.indicators.includes(e.indicatorCode)) item.indicators.push(e.indicatorCode);
      evidenceById.set(e.id, item);
    }
    const order = new Map(c.indicatorCode.map((code, i) => [code, i]));
    for (const item of evidenceById.values())
      item.indicators.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

    return {
      generatedAt: now(),
      generatorVersion: GENERATOR_VERSION,
      cycle: cycleInfo(comp, await scopeNameOf(comp)),
      instrument: instrumentInfo(comp),
      assessment: {
        id: assessmentId,
        state: row.state,
        stateLabel: labelOf(STATE_LABELS, row.state),
        final: row.final,
        finalizedAt: ctx.assessment.finalizedAt,
      },
      unit: {
        id: row.unit.id,
        code: row.unit.code,
        name: row.unit.name,
        shortName: row.unit.shortName,
        type: row.unit.type,
      },
      result: row,
      rankedCount: comp.results.filter((r) => r.rank !== null).length,
      cycleDomainMeans: domainMeans(comp),
      indicators,
      recommendations,
      evidence: [...evidenceById.values()],
      signatories,
    };
  }

  /** A cycle's results as the actor sees them on screen, with laggards and the trend across cycles. */
  async function cycleReport(actor: Actor, cycleId: string): Promise<CycleReportData> {
    const computed = await results.compute(cycleId);
    const [view, lag] = await Promise.all([
      results.forActor(actor, cycleId),
      results.laggards(actor, cycleId),
    ]);
    const trendRows = await repo.finalIndicesOnInstrument(computed.version.code);
    // The trend covers the same part of the organisation as the rest of the report.
    const paths = scopePaths(actor, 'results.read');
    const byCycle = new Map<string, { cycleName: string; periodEnd: string; values: string[] }>();
    for (const t of trendRows) {
      if (!paths.some((p) => t.unitPath.startsWith(p))) continue;
      if (t.periodEnd > computed.cycle.periodEnd) continue;
      const entry = byCycle.get(t.cycleId) ?? { cycleName: t.cycleName, periodEnd: t.periodEnd, values: [] };
      entry.values.push(t.indexValue!);
      byCycle.set(t.cycleId, entry);
    }
    return {
      generatedAt: now(),
      generatorVersion: GENERATOR_VERSION,
      cycle: cycleInfo(computed, await scopeNameOf(computed)),
      instrument: instrumentInfo(computed),
      results: view,
      laggards: lag.items,
      trend: [...byCycle.entries()].map(([cycleId, e]) => ({
        cycleId,
        cycleName: e.cycleName,
        periodEnd: e.periodEnd,
        mean: meanDecimalText(e.values, computed.decimals),
        units: e.values.length,
      })),
    };
  }

  /** Units × indicators with the self-assessed and verified level of each, for the rows the actor sees. */
  async function matrix(actor: Actor, cycleId: string): Promise<MatrixData> {
    const computed = await results.compute(cycleId);
    const view = await results.forActor(actor, cycleId);
    const shown = new Set(view.units.map((u) => u.assessmentId));
    const rows = view.units.filter((u) => shown.has(u.assessmentId));
    const ids = rows.map((r) => r.assessmentId);
    const [selfRows, verRows] = await Promise.all([repo.responsesOf(ids), repo.verificationsOf(ids)]);
    const group = <T extends { assessmentId: string; indicatorCode: string }>(list: T[]) => {
      const m = new Map<string, Map<string, T>>();
      for (const r of list) {
        let inner = m.get(r.assessmentId);
        if (!inner) {
          inner = new Map();
          m.set(r.assessmentId, inner);
        }
        inner.set(r.indicatorCode, r);
      }
      return m;
    };
    const selfBy = group(selfRows);
    const verBy = group(verRows);
    const c = computed.c;
    const domains = domainsOfIndicators(c);
    const codes = c.indicatorCode;
    const ledgerLevel = (v: LedgerEntry | undefined): number | 'NA' | null =>
      v ? (v.notApplicable ? 'NA' : v.level) : null;
    return {
      generatedAt: now(),
      generatorVersion: GENERATOR_VERSION,
      cycle: cycleInfo(computed, await scopeNameOf(computed)),
      instrument: instrumentInfo(computed),
      indicators: codes.map((code, i) => {
        const node = c.nodeSource[c.indicatorNode[i]!]!;
        return {
          code,
          name: node.name,
          domainCode: domains[i]!.code,
          weight: String(node.weight),
          kind: c.metric[i] ? 'metric' : 'maturity',
        };
      }),
      rows: rows.map((r) => {
        const self = selfBy.get(r.assessmentId) ?? new Map();
        const ver = verBy.get(r.assessmentId) ?? new Map();
        const snap = computed.snapshots.get(r.assessmentId);
        const frozen = snap ? levelsOf(snap.result as ScoreResult) : null;
        const applicable = indicatorViews(c, r.unit.type).map((v) => v.applicable);
        return {
          unitCode: r.unit.code,
          unitName: r.unit.name,
          unitType: r.unit.type,
          state: r.state,
          final: r.final,
          verifiedIndex: r.verifiedIndex,
          predicate: r.predicate,
          self: codes.map((code, i) => (applicable[i] ? ledgerLevel(self.get(code)) : 'NA')),
          verified: codes.map((code, i) =>
            frozen ? (frozen.get(code) ?? null) : applicable[i] ? ledgerLevel(ver.get(code)) : 'NA',
          ),
        };
      }),
    };
  }

  return { repo, unitReport, cycleReport, matrix, verifiedScore };
}

export type ReportsData = ReturnType<typeof reportsDataFactory>;
export type { Instrument };
