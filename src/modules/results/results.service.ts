import type { Db } from '../../db/client.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { type Actor, can, scopePaths } from '../../domain/policy/policy.js';
import {
  bottomQuartileCutoff,
  compareDecimalText,
  competitionRanks,
  meanDecimalText,
  medianDecimalText,
  ratioText,
  subtractDecimalText,
} from '../../domain/results/ranking.js';
import {
  type AnswerValue,
  buildReceipt,
  type CompiledInstrument,
  type ExactValue,
  type ScoreResult,
  scoreAssessment,
} from '../../domain/scoring/index.js';
import { NotFoundError } from '../../lib/errors.js';
import type { InstrumentsService } from '../instruments/instruments.service.js';
import { resultsRepo } from './results.repo.js';

type Ledger = { level: number | null; notApplicable: boolean; metricValue: string | null };

export interface UnitResult {
  assessmentId: string;
  unit: { id: string; code: string; name: string; shortName: string | null; type: string; path: string };
  state: string;
  /** True when the values come from a final score snapshot; false = provisional (live, partial). */
  final: boolean;
  snapshotHash: string | null;
  selfIndex: string | null;
  verifiedIndex: string | null;
  predicate: string | null;
  rank: number | null;
  domains: Array<{ code: string; name: string; index: string | null }>;
  previousIndex: string | null;
  change: string | null;
  /** selfIndex − verifiedIndex (positive = the unit claimed more than was verified). */
  gap: string | null;
  evidenceCompleteness: string | null;
  verificationCoverage: string | null;
  belowTarget: boolean;
  inBottomQuartile: boolean;
}

const ANSWER_NA = 'NA';

/** Results, ranking, laggards and trends of a cycle, computed from frozen snapshots (final) or live (provisional). */
export function resultsServiceFactory(db: Db, instruments: Pick<InstrumentsService, 'compile'>) {
  const repo = resultsRepo(db);

  function answersOf(c: CompiledInstrument, ledger: Map<string, Ledger>): Record<string, AnswerValue> {
    const out: Record<string, AnswerValue> = {};
    for (let i = 0; i < c.indicatorCount; i++) {
      const code = c.indicatorCode[i]!;
      const v = ledger.get(code);
      if (!v) continue;
      if (v.notApplicable) out[code] = ANSWER_NA;
      else if (c.metric[i] && v.metricValue !== null) out[code] = v.metricValue;
      else if (v.level !== null) out[code] = v.level;
    }
    return out;
  }

  function liveScore(c: CompiledInstrument, ledger: Map<string, Ledger> | undefined, unitType: string) {
    if (!ledger || ledger.size === 0) return null;
    const outcome = scoreAssessment(c, answersOf(c, ledger), { partial: true, unitType: unitType as never });
    return outcome.ok ? outcome.result : null;
  }

  function group<T extends { assessmentId: string; indicatorCode: string }>(rows: T[]) {
    const m = new Map<string, Map<string, T>>();
    for (const r of rows) {
      const inner = m.get(r.assessmentId) ?? new Map<string, T>();
      m.set(r.assessmentId, inner);
      inner.set(r.indicatorCode, r);
    }
    return m;
  }

  /** Everything about a cycle's results, before any scope filtering. */
  async function compute(cycleId: string) {
    const cycle = await repo.findCycle(cycleId);
    if (!cycle) throw new NotFoundError('Siklus', cycleId);
    const version = (await repo.findInstrumentVersion(cycle.instrumentVersionId))!;
    const instrument = version.content as Instrument;
    const c = instruments.compile(version);
    const decimals = instrument.rounding.decimals;

    const [rows, responseRows, verificationRows, previous] = await Promise.all([
      repo.assessmentsOf(cycleId),
      repo.responsesOf(cycleId),
      repo.verificationsOf(cycleId),
      repo.previousCycle(cycle, version.code),
    ]);
    const snapshots = new Map(
      (await repo.snapshots(rows.map((r) => r.snapshotId).filter((x): x is string => !!x))).map((s) => [
        s.assessmentId,
        s,
      ]),
    );
    const prevIndex = new Map(
      previous ? (await repo.finalIndicesOf(previous.id)).map((p) => [p.unitId, p.indexValue]) : [],
    );
    const selfLedgers = group(responseRows);
    const verLedgers = group(verificationRows);
    const topLevel = instrument.nodes.map((n) => ({ code: n.code, name: n.name }));
    const threshold = cycle.evidenceThreshold;

    const results: UnitResult[] = rows.map((a) => {
      const snap = snapshots.get(a.id);
      const selfLedger = selfLedgers.get(a.id);
      const verLedger = verLedgers.get(a.id);
      const verified: ScoreResult | null = snap
        ? (snap.result as ScoreResult)
        : liveScore(c, verLedger, a.unitType);
      const self = snap?.selfIndexValue ?? liveScore(c, selfLedger, a.unitType)?.index?.reported ?? null;
      const verifiedIndex = snap ? snap.indexValue : (verified?.index?.reported ?? null);

      // Completeness over the unit's applicable indicators (by the scoring engine's applicability).
      let applicable = 0;
      let needEvidence = 0;
      let withEvidence = 0;
      let verifiedCount = 0;
      for (let i = 0; i < c.indicatorCount; i++) {
        const rule = c.applicability[i];
        if (rule && !(rule as ReadonlySet<string>).has(a.unitType)) continue;
        const code = c.indicatorCode[i]!;
        applicable++;
        const r = selfLedger?.get(code);
        if (r && !r.notApplicable && r.level !== null && r.level >= threshold) {
          needEvidence++;
          if (r.evidenceCount > 0) withEvidence++;
        }
        const v = verLedger?.get(code);
        if (v && (v.notApplicable || v.level !== null)) verifiedCount++;
      }
      const previousIndex = prevIndex.get(a.unitId) ?? null;
      return {
        assessmentId: a.id,
        unit: {
          id: a.unitId,
          code: a.unitCode,
          name: a.unitName,
          shortName: a.unitShortName,
          type: a.unitType,
          path: a.unitPath,
        },
        state: a.state,
        final: !!snap,
        snapshotHash: snap?.inputsHash ?? null,
        selfIndex: self,
        verifiedIndex,
        predicate: snap ? snap.predicate : (verified?.predicate ?? null),
        rank: null,
        domains: topLevel.map((d) => ({
          ...d,
          index: verified?.nodes.find((n) => n.code === d.code)?.index?.reported ?? null,
        })),
        previousIndex,
        change:
          snap && verifiedIndex && previousIndex ? subtractDecimalText(verifiedIndex, previousIndex) : null,
        gap: self && verifiedIndex ? subtractDecimalText(self, verifiedIndex) : null,
        evidenceCompleteness:
          needEvidence === 0 ? (selfLedger ? '1.0000' : null) : ratioText(withEvidence, needEvidence),
        verificationCoverage: ratioText(verifiedCount, applicable),
        belowTarget: false,
        inBottomQuartile: false,
      };
    });

    // Rank, quartile and target only over final (verified, frozen) values.
    const finals = results.filter((r) => r.final && r.verifiedIndex !== null);
    const ranks = competitionRanks(finals.map((r) => r.verifiedIndex));
    finals.forEach((r, i) => {
      r.rank = ranks[i] ?? null;
    });
    const cutoff = bottomQuartileCutoff(finals.map((r) => r.verifiedIndex!));
    const target = cycle.targetIndex;
    for (const r of finals) {
      r.inBottomQuartile =
        cutoff !== null && finals.length >= 4 && compareDecimalText(r.verifiedIndex!, cutoff) <= 0;
      r.belowTarget = target !== null && compareDecimalText(r.verifiedIndex!, target) < 0;
    }
    return { cycle, version, instrument, c, decimals, results, snapshots, previous };
  }

  function aggregate(rows: UnitResult[], decimals: number, bands: Instrument['predicateBands']) {
    const finals = rows.filter((r) => r.final && r.verifiedIndex !== null).map((r) => r.verifiedIndex!);
    const states: Record<string, number> = {};
    for (const r of rows) states[r.state] = (states[r.state] ?? 0) + 1;
    const gaps = rows.filter((r) => r.final && r.gap !== null).map((r) => r.gap!);
    return {
      unitCount: rows.length,
      finalCount: finals.length,
      meanIndex: meanDecimalText(finals, decimals),
      medianIndex: medianDecimalText(finals, decimals),
      meanGap: meanDecimalText(gaps, decimals),
      overClaimingUnits: gaps.filter((g) => compareDecimalText(g, '0') > 0).length,
      predicateDistribution: bands.map((b) => ({
        predicate: b.name,
        count: rows.filter((r) => r.final && r.predicate === b.name).length,
      })),
      stateCounts: states,
    };
  }

  /** Rows the actor may see (results.read over the unit's subtree). */
  function visible(actor: Actor, rows: UnitResult[]) {
    const paths = scopePaths(actor, 'results.read');
    return rows.filter((r) => paths.some((p) => r.unit.path.startsWith(p)));
  }

  function methodOf(instrument: Instrument, version: { code: string; version: string; contentHash: string }) {
    return {
      instrument: {
        code: version.code,
        version: version.version,
        title: instrument.title,
        contentHash: version.contentHash,
      },
      indexName: instrument.indexName ?? null,
      legalBasis: instrument.legalBasis ?? null,
      formula:
        'Indeks = Σ(bobot × tingkat) / Σ bobot atas indikator yang berlaku; indikator N/A dikeluarkan dan bobot saudaranya dinormalkan ulang; dibulatkan setengah ke atas sekali pada nilai yang dilaporkan.',
      rounding: instrument.rounding,
      predicateBands: instrument.predicateBands,
      domains: instrument.nodes.map((n) => ({ code: n.code, name: n.name, weight: String(n.weight) })),
      sources: instrument.sources,
    };
  }

  return {
    compute,

    /** Results of a cycle for a signed-in actor: rows limited to their scope, ranks from the whole cycle. */
    async forActor(actor: Actor, cycleId: string) {
      const r = await compute(cycleId);
      const rows = visible(actor, r.results);
      if (rows.length === 0 && !can(actor, 'results.read', { unitPath: undefined }))
        throw new NotFoundError('Siklus', cycleId);
      return {
        cycle: {
          id: r.cycle.id,
          name: r.cycle.name,
          status: r.cycle.status,
          periodStart: r.cycle.periodStart,
          periodEnd: r.cycle.periodEnd,
          targetIndex: r.cycle.targetIndex,
          previousCycleId: r.previous?.id ?? null,
        },
        method: methodOf(r.instrument, r.version),
        aggregate: aggregate(rows, r.decimals, r.instrument.predicateBands),
        units: rows.sort(
          (a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.unit.name.localeCompare(b.unit.name, 'id'),
        ),
      };
    },

    /**
     * Laggards: final units below the cycle target or in the bottom quartile, each with the three
     * indicators that cost it the most weighted points (exact, from the score receipt).
     */
    async laggards(actor: Actor, cycleId: string) {
      const r = await compute(cycleId);
      const rows = visible(actor, r.results).filter((u) => u.final && (u.belowTarget || u.inBottomQuartile));
      return {
        cycle: { id: r.cycle.id, name: r.cycle.name, targetIndex: r.cycle.targetIndex },
        items: rows
          .sort((a, b) => compareDecimalText(a.verifiedIndex!, b.verifiedIndex!))
          .map((u) => {
            const snap = r.snapshots.get(u.assessmentId)!;
            const receipt = buildReceipt(r.c, snap.result as ScoreResult, {
              targetIndex: r.cycle.targetIndex ?? undefined,
            });
            const indicators: Array<{
              code: string;
              name: string;
              level: number | null;
              lostPoints: string;
              lost: ExactValue;
            }> = [];
            const walk = (nodes: typeof receipt.tree) => {
              for (const n of nodes) {
                if (n.children.length) walk(n.children);
                else if (n.level !== null)
                  indicators.push({
                    code: n.code,
                    name: n.name,
                    level: n.level,
                    lostPoints: n.lostVsMax.display,
                    lost: n.lostVsMax.exact,
                  });
              }
            };
            walk(receipt.tree);
            // Exact comparison of fractions: a/b > c/d  ⇔  a·d > c·b (denominators are positive).
            indicators.sort((x, y) => {
              const l = BigInt(y.lost.numerator) * BigInt(x.lost.denominator);
              const r = BigInt(x.lost.numerator) * BigInt(y.lost.denominator);
              return l > r ? 1 : l < r ? -1 : 0;
            });
            return {
              ...u,
              reasons: [
                ...(u.belowTarget ? (['below_target'] as const) : []),
                ...(u.inBottomQuartile ? (['bottom_quartile'] as const) : []),
              ],
              holdingBack: indicators.slice(0, 3).map(({ lost: _l, ...rest }) => rest),
              planToTarget: receipt.planToTarget,
            };
          }),
      };
    },

    /** Published results for the public: verified values only, no provisional data. */
    async published(cycleId: string) {
      const r = await compute(cycleId);
      if (r.cycle.status !== 'published') throw new NotFoundError('Siklus terbit', cycleId);
      return {
        cycle: {
          id: r.cycle.id,
          name: r.cycle.name,
          periodStart: r.cycle.periodStart,
          periodEnd: r.cycle.periodEnd,
          publishedAt: r.cycle.publishedAt,
        },
        method: methodOf(r.instrument, r.version),
        aggregate: aggregate(
          r.results.filter((u) => u.final),
          r.decimals,
          r.instrument.predicateBands,
        ),
        units: r.results
          .filter((u) => u.final)
          .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9))
          .map((u) => ({
            unit: { code: u.unit.code, name: u.unit.name, shortName: u.unit.shortName, type: u.unit.type },
            index: u.verifiedIndex,
            predicate: u.predicate,
            rank: u.rank,
            domains: u.domains,
            change: u.change,
            snapshotHash: u.snapshotHash,
          })),
      };
    },
  };
}

export type ResultsService = ReturnType<typeof resultsServiceFactory>;
