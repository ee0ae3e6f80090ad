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
  INDEX_FORMULA,
  type ScoreResult,
  scoreAssessment,
} from '../../domain/scoring/index.js';
import type { ChangeEpoch } from '../../lib/change-epoch.js';
import { NotFoundError } from '../../lib/errors.js';
import type { InstrumentsService } from '../instruments/instruments.service.js';
import { etagOf, jsonCache } from './results.cache.js';
import { resultsRepo } from './results.repo.js';
import { cycleResults, laggardsResponse } from './results.schemas.js';

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
export function resultsServiceFactory(
  db: Db,
  instruments: Pick<InstrumentsService, 'compile'>,
  opts: { epoch?: ChangeEpoch; cacheTtlMs?: number } = {},
) {
  const repo = resultsRepo(db);
  // Serialised answers per cycle and reader scope (bench/results: 20 readers of a 60-unit cycle).
  const cache = opts.epoch ? jsonCache(opts.epoch, { ttlMs: opts.cacheTtlMs ?? 30_000, max: 200 }) : null;
  const scopeKey = (actor: Actor) =>
    `${can(actor, 'results.read', { unitPath: undefined }) ? '*' : ''}${scopePaths(actor, 'results.read').join(',')}`;

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

  // Per-process caches of what cannot change, so results stay identical:
  // - a published or retired instrument version keeps its content (trigger on instrument_versions);
  // - a score snapshot is frozen (trigger score_snapshots_frozen; only superseded_at, unread here, may change);
  // - an assessment holds a current snapshot only while final or published (reopening clears it) and its
  //   ledgers cannot change in those states, so the figures drawn from its ledgers are a function of the
  //   snapshot, the unit type (applicability) and the evidence threshold.
  // Without them a finalised 60-unit cycle re-read ~1 MB of snapshot JSON and ~2,500 ledger rows per request.
  type VersionRow = NonNullable<Awaited<ReturnType<typeof repo.findInstrumentVersion>>>;
  type SnapshotRow = Awaited<ReturnType<typeof repo.snapshots>>[number];
  interface LedgerFigures {
    applicable: number;
    needEvidence: number;
    withEvidence: number;
    verifiedCount: number;
    hasSelfLedger: boolean;
    liveSelf: string | null;
  }
  // Bounded, least recently used out first (a parsed snapshot is a few tens of KB: at most 2,000 kept).
  const versionCache = new Map<string, VersionRow>();
  const snapshotCache = new Map<string, SnapshotRow>();
  const frozenFigures = new Map<string, LedgerFigures>();
  const remember = <V>(m: Map<string, V>, k: string, v: V, max = 5_000) => {
    m.delete(k);
    if (m.size >= max) m.delete(m.keys().next().value!);
    m.set(k, v);
  };
  const recall = <V>(m: Map<string, V>, k: string, max?: number) => {
    const v = m.get(k);
    if (v !== undefined) remember(m, k, v, max);
    return v;
  };

  async function instrumentVersion(id: string) {
    const hit = recall(versionCache, id);
    if (hit) return hit;
    const row = (await repo.findInstrumentVersion(id))!;
    if (row.status !== 'draft') remember(versionCache, id, row);
    return row;
  }

  /** Current snapshots by assessment id, read from the database only once each. */
  async function snapshotsByAssessment(ids: string[]) {
    const out = new Map<string, SnapshotRow>();
    const missing: string[] = [];
    for (const id of ids) {
      const s = recall(snapshotCache, id, 2_000);
      if (s) out.set(s.assessmentId, s);
      else missing.push(id);
    }
    for (const s of await repo.snapshots(missing)) {
      remember(snapshotCache, s.id, s, 2_000);
      out.set(s.assessmentId, s);
    }
    return out;
  }

  /** Completeness figures over the unit's applicable indicators (by the scoring engine's applicability). */
  function ledgerFigures(
    c: CompiledInstrument,
    unitType: string,
    threshold: number,
    selfLedger: Map<string, Ledger & { evidenceCount: number }> | undefined,
    verLedger: Map<string, Ledger> | undefined,
    needLiveSelf: boolean,
  ): LedgerFigures {
    let applicable = 0;
    let needEvidence = 0;
    let withEvidence = 0;
    let verifiedCount = 0;
    for (let i = 0; i < c.indicatorCount; i++) {
      const rule = c.applicability[i];
      if (rule && !(rule as ReadonlySet<string>).has(unitType)) continue;
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
    return {
      applicable,
      needEvidence,
      withEvidence,
      verifiedCount,
      hasSelfLedger: !!selfLedger,
      liveSelf: needLiveSelf ? (liveScore(c, selfLedger, unitType)?.index?.reported ?? null) : null,
    };
  }

  /** Everything about a cycle's results, before any scope filtering. */
  async function compute(cycleId: string) {
    const cycle = await repo.findCycle(cycleId);
    if (!cycle) throw new NotFoundError('Siklus', cycleId);
    const version = await instrumentVersion(cycle.instrumentVersionId);
    const instrument = version.content as Instrument;
    const c = instruments.compile(version);
    const decimals = instrument.rounding.decimals;
    const threshold = cycle.evidenceThreshold;
    const frozenKey = (a: { snapshotId: string | null; unitType: string }) =>
      a.snapshotId ? `${a.snapshotId}|${a.unitType}|${threshold}` : null;

    const [rows, previous] = await Promise.all([
      repo.assessmentsOf(cycleId),
      repo.previousCycle(cycle, version.code),
    ]);
    // The ledgers are read only when some unit's figures are not known yet (a live or new final unit).
    const needLedgers = rows.some((a) => !frozenFigures.has(frozenKey(a) ?? ''));
    const [responseRows, verificationRows, snapshots] = await Promise.all([
      needLedgers ? repo.responsesOf(cycleId) : [],
      needLedgers ? repo.verificationsOf(cycleId) : [],
      snapshotsByAssessment(rows.map((r) => r.snapshotId).filter((x): x is string => !!x)),
    ]);
    const prevIndex = new Map(
      previous ? (await repo.finalIndicesOf(previous.id)).map((p) => [p.unitId, p.indexValue]) : [],
    );
    const selfLedgers = group(responseRows);
    const verLedgers = group(verificationRows);
    const topLevel = instrument.nodes.map((n) => ({ code: n.code, name: n.name }));

    const results: UnitResult[] = rows.map((a) => {
      const snap = snapshots.get(a.id);
      const key = frozenKey(a);
      let figures = key ? recall(frozenFigures, key) : undefined;
      if (!figures) {
        const selfLedger = selfLedgers.get(a.id);
        figures = ledgerFigures(
          c,
          a.unitType,
          threshold,
          selfLedger,
          verLedgers.get(a.id),
          !snap || snap.selfIndexValue === null,
        );
        if (key) remember(frozenFigures, key, figures);
      }
      const verified: ScoreResult | null = snap
        ? (snap.result as ScoreResult)
        : liveScore(c, verLedgers.get(a.id), a.unitType);
      const self = snap?.selfIndexValue ?? figures.liveSelf;
      const verifiedIndex = snap ? snap.indexValue : (verified?.index?.reported ?? null);
      const { applicable, needEvidence, withEvidence, verifiedCount } = figures;
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
          needEvidence === 0
            ? figures.hasSelfLedger
              ? '1.0000'
              : null
            : ratioText(withEvidence, needEvidence),
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
      formula: INDEX_FORMULA.id,
      rounding: instrument.rounding,
      predicateBands: instrument.predicateBands,
      domains: instrument.nodes.map((n) => ({ code: n.code, name: n.name, weight: String(n.weight) })),
      sources: instrument.sources,
    };
  }

  const service = {
    compute,

    /**
     * `forActor` / `laggards` as the JSON the routes send, with an ETag. Cached per cycle and
     * reader scope until this process commits any change (or 30 s pass); serialised through the
     * same response schemas, so the bytes are what the schema would have produced.
     */
    async forActorJson(actor: Actor, cycleId: string) {
      const produce = async () => {
        const body = await service.forActor(actor, cycleId);
        return {
          json: JSON.stringify(cycleResults.parse(body)),
          published: body.cycle.status === 'published',
        };
      };
      return cache
        ? cache.get(`results|${cycleId}|${scopeKey(actor)}`, produce)
        : etagged((await produce()).json);
    },
    async laggardsJson(actor: Actor, cycleId: string) {
      const produce = async () => {
        const body = await service.laggards(actor, cycleId);
        return {
          json: JSON.stringify(laggardsResponse.parse(body)),
          published: body.cycle.status === 'published',
        };
      };
      return cache
        ? cache.get(`laggards|${cycleId}|${scopeKey(actor)}`, produce)
        : etagged((await produce()).json);
    },

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
        cycle: {
          id: r.cycle.id,
          name: r.cycle.name,
          status: r.cycle.status,
          targetIndex: r.cycle.targetIndex,
        },
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

    /**
     * A published cycle's results, the one source of what the public sees (GET
     * /api/public/cycles/:id/results) and what open data releases: verified values of final units
     * only, each unit as it was when its assessment was finalised (its frozen snapshot), so that a
     * later rename changes neither.
     */
    async published(cycleId: string) {
      const r = await compute(cycleId);
      if (r.cycle.status !== 'published') throw new NotFoundError('Siklus terbit', cycleId);
      const finals = r.results.filter((u) => u.final);
      return {
        cycle: {
          id: r.cycle.id,
          name: r.cycle.name,
          periodStart: r.cycle.periodStart,
          periodEnd: r.cycle.periodEnd,
          publishedAt: r.cycle.publishedAt,
        },
        method: methodOf(r.instrument, r.version),
        aggregate: aggregate(finals, r.decimals, r.instrument.predicateBands),
        units: finals
          .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9))
          .map((u) => {
            const snap = r.snapshots.get(u.assessmentId)!;
            const nodes = (snap.result as ScoreResult).nodes;
            const frozen = snap.unit;
            return {
              unit: {
                code: frozen?.code ?? u.unit.code,
                name: frozen?.name ?? u.unit.name,
                shortName: frozen ? (frozen.shortName ?? null) : u.unit.shortName,
                type: frozen?.type ?? u.unit.type,
              },
              index: u.verifiedIndex,
              predicate: u.predicate,
              rank: u.rank,
              domains: u.domains.map((d) => ({
                ...d,
                predicate: nodes.find((n) => n.code === d.code)?.index?.predicate ?? null,
              })),
              change: u.change,
              snapshotHash: u.snapshotHash!,
              finalizedAt: snap.createdAt,
            };
          }),
      };
    },
  };
  return service;
}

const etagged = (json: string) => ({ json, etag: etagOf(json) });

export type ResultsService = ReturnType<typeof resultsServiceFactory>;
