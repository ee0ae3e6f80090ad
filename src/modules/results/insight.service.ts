import type { Db } from '../../db/client.js';
import { type Actor, can, scopePaths } from '../../domain/policy/policy.js';
import { meanDecimalText, medianDecimalText } from '../../domain/results/ranking.js';
import {
  type AnswerValue,
  buildReceipt,
  type ReceiptNode,
  type ScoreResult,
  scoreAssessment,
} from '../../domain/scoring/index.js';
import { NotFoundError } from '../../lib/errors.js';
import type { ReportsData } from '../reports/reports.data.js';
import { insightRepo } from './insight.repo.js';
import type { ResultsService } from './results.service.js';

type Ledger = { level: number | null; notApplicable: boolean; metricValue: string | null };

/** A stored numeric ("3.0000") written with the instrument's decimals ("3.00"), never losing digits. */
function withDecimals(v: string | null, decimals: number): string | null {
  if (v === null) return null;
  const [int, frac = ''] = v.split('.') as [string, string?];
  const kept = frac.replace(/0+$/, '');
  const digits = kept.length > decimals ? kept : kept.padEnd(decimals, '0');
  return digits ? `${int}.${digits}` : int;
}

/**
 * The level every indicator would need for the whole index to reach the cycle target: the target
 * rounded up to a whole level (2.60 → 3), 5 without a target. "Points lost vs target" are counted
 * against it.
 */
export function targetLevelOf(targetIndex: string | null): number {
  if (targetIndex === null) return 5;
  const [int, frac = ''] = targetIndex.split('.') as [string, string?];
  const whole = Number(int) + (/[1-9]/.test(frac) ? 1 : 0);
  return Math.min(5, Math.max(1, whole));
}

/**
 * Insight behind the leadership screens that the cycle results do not carry: one unit's result
 * with its score receipt drilled down to levels, evidence and verifier, and the index across
 * cycles. Authorises first (results.read on the unit, or within the actor's subtrees); outside
 * scope the answer is 404.
 */
export function insightServiceFactory(
  db: Db,
  deps: {
    results: Pick<ResultsService, 'compute'>;
    reportsData: Pick<ReportsData, 'unitReport'>;
  },
) {
  const repo = insightRepo(db);

  /** Scores one ledger (partial), as the results service does for provisional values. */
  function scoreLedger(
    c: Awaited<ReturnType<ResultsService['compute']>>['c'],
    ledger: Map<string, Ledger>,
    unitType: string,
  ): ScoreResult | null {
    if (ledger.size === 0) return null;
    const answers: Record<string, AnswerValue> = {};
    for (let i = 0; i < c.indicatorCount; i++) {
      const code = c.indicatorCode[i]!;
      const v = ledger.get(code);
      if (!v) continue;
      if (v.notApplicable) answers[code] = 'NA';
      else if (c.metric[i] && v.metricValue !== null) answers[code] = v.metricValue;
      else if (v.level !== null) answers[code] = v.level;
    }
    const out = scoreAssessment(c, answers, { partial: true, unitType: unitType as never });
    return out.ok ? out.result : null;
  }

  /** Mean and median per cycle, and each unit's value per cycle, from final index rows. */
  function trendOf(
    rows: Awaited<ReturnType<typeof repo.finalIndices>>,
    decimals: number,
  ): {
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
  } {
    const cycleOrder: string[] = [];
    const cycleInfo = new Map<string, { name: string; periodEnd: string; values: string[] }>();
    const unitInfo = new Map<
      string,
      {
        code: string;
        name: string;
        shortName: string | null;
        type: string;
        by: Map<string, [string, string | null]>;
      }
    >();
    for (const r of rows) {
      let c = cycleInfo.get(r.cycleId);
      if (!c) {
        c = { name: r.cycleName, periodEnd: r.periodEnd, values: [] };
        cycleInfo.set(r.cycleId, c);
        cycleOrder.push(r.cycleId);
      }
      c.values.push(r.indexValue!);
      let u = unitInfo.get(r.unitId);
      if (!u) {
        u = {
          code: r.unitCode,
          name: r.unitName,
          shortName: r.unitShortName,
          type: r.unitType,
          by: new Map(),
        };
        unitInfo.set(r.unitId, u);
      }
      u.by.set(r.cycleId, [r.indexValue!, r.predicate]);
    }
    return {
      cycles: cycleOrder.map((id) => {
        const c = cycleInfo.get(id)!;
        return {
          id,
          name: c.name,
          periodEnd: c.periodEnd,
          unitCount: c.values.length,
          mean: meanDecimalText(c.values, decimals),
          median: medianDecimalText(c.values, decimals),
        };
      }),
      units: [...unitInfo.entries()]
        .map(([id, u]) => ({
          id,
          code: u.code,
          name: u.name,
          shortName: u.shortName,
          type: u.type,
          values: cycleOrder.map((cid) => {
            const v = u.by.get(cid);
            return { index: v?.[0] ?? null, predicate: v?.[1] ?? null };
          }),
        }))
        .sort((a, b) => a.name.localeCompare(b.name, 'id')),
    };
  }

  return {
    /**
     * The index of every cycle on the same instrument up to this one: the mean and median over the
     * final units the actor may see, and each of those units' values (null where it had none).
     */
    async trend(actor: Actor, cycleId: string) {
      if (!can(actor, 'results.read')) throw new NotFoundError('Siklus', cycleId);
      const comp = await deps.results.compute(cycleId);
      const rows = await repo.finalIndices({
        instrumentCode: comp.version.code,
        periodEnd: comp.cycle.periodEnd,
        paths: scopePaths(actor, 'results.read'),
      });
      return {
        cycle: {
          id: comp.cycle.id,
          name: comp.cycle.name,
          targetIndex: withDecimals(comp.cycle.targetIndex, comp.decimals),
        },
        instrument: { code: comp.version.code, decimals: comp.decimals },
        ...trendOf(rows, comp.decimals),
      };
    },

    /**
     * One unit's result with the score receipt drilled down: index → domains → indicators → levels
     * (self and verified) → evidence → verifier, the points lost against the target and the fewest
     * level steps that reach it. Final units read their frozen snapshot; others are provisional
     * (scored live from the verifier's ledger so far).
     */
    async unitResult(actor: Actor, assessmentId: string) {
      const where = await repo.assessmentScope(assessmentId);
      if (!where || !can(actor, 'results.read', { unitPath: where.unitPath }))
        throw new NotFoundError('Penilaian', assessmentId);
      const comp = await deps.results.compute(where.cycleId);
      const row = comp.results.find((r) => r.assessmentId === assessmentId);
      if (!row) throw new NotFoundError('Penilaian', assessmentId);
      const [report, times, history] = await Promise.all([
        deps.reportsData.unitReport(assessmentId, comp),
        repo.verificationTimes(assessmentId),
        repo.finalIndices({
          instrumentCode: comp.version.code,
          periodEnd: comp.cycle.periodEnd,
          paths: scopePaths(actor, 'results.read'),
        }),
      ]);
      const c = comp.c;
      const verifiedAt = new Map(times.map((x) => [x.indicatorCode, x.updatedAt]));

      const selfLedger = new Map<string, Ledger>();
      const verLedger = new Map<string, Ledger>();
      for (const ind of report.indicators) {
        if (ind.self) selfLedger.set(ind.code, ind.self);
        if (ind.verified) verLedger.set(ind.code, ind.verified);
      }
      const snap = comp.snapshots.get(assessmentId);
      const verified = snap ? (snap.result as ScoreResult) : scoreLedger(c, verLedger, row.unit.type);
      const self = scoreLedger(c, selfLedger, row.unit.type);
      const targetIndex = withDecimals(comp.cycle.targetIndex, comp.decimals);
      const targetLevel = targetLevelOf(targetIndex);
      const receipt = verified?.index
        ? buildReceipt(c, verified, { targetIndex: targetIndex ?? undefined, targetLevel })
        : null;

      const receiptByCode = new Map<string, ReceiptNode>();
      const walk = (nodes: ReceiptNode[]) => {
        for (const n of nodes) {
          receiptByCode.set(n.code, n);
          walk(n.children);
        }
      };
      walk(receipt?.tree ?? []);
      const scoreByCode = new Map((verified?.nodes ?? []).map((n) => [n.code, n]));
      const selfByCode = new Map((self?.nodes ?? []).map((n) => [n.code, n]));
      const indicatorByCode = new Map(report.indicators.map((i) => [i.code, i]));
      const evidenceByIndicator = new Map<string, typeof report.evidence>();
      for (const e of report.evidence)
        for (const code of e.indicators) {
          const list = evidenceByIndicator.get(code) ?? [];
          list.push(e);
          evidenceByIndicator.set(code, list);
        }
      const nameOf = (code: string) => {
        const i = c.indicatorByCode.get(code);
        return i === undefined ? code : (c.nodeSource[c.indicatorNode[i]!]?.name ?? code);
      };

      // Every node of the instrument in pre-order (node 0 is the virtual root).
      const nodes = [];
      for (let n = 1; n < c.nodeCount; n++) {
        const code = c.nodeCode[n]!;
        const src = c.nodeSource[n]!;
        const score = scoreByCode.get(code);
        const rec = receiptByCode.get(code);
        const ind = indicatorByCode.get(code);
        const parent = c.parent[n]!;
        nodes.push({
          code,
          name: src.name,
          depth: c.nodeDepth[n]!,
          parentCode: parent > 0 ? c.nodeCode[parent]! : null,
          kind: c.nodeKind[n] as 'group' | 'maturity' | 'metric',
          weight: String(src.weight),
          status: score?.status ?? null,
          index: score?.index?.reported ?? null,
          selfIndex: selfByCode.get(code)?.index?.reported ?? null,
          effectiveShare: rec?.effectiveShare.display ?? null,
          points: rec?.points.display ?? null,
          lostVsMax: rec?.lostVsMax.display ?? null,
          lostVsTarget: rec?.lostVsTarget.display ?? null,
          indicator: ind
            ? {
                metricUnit: ind.metricUnit,
                applicable: ind.applicable,
                criteria: ind.criteria,
                self: ind.self,
                verified: ind.verified ? { ...ind.verified, verifiedAt: verifiedAt.get(code) ?? null } : null,
                evidence: (evidenceByIndicator.get(code) ?? []).map(({ indicators: _i, ...e }) => e),
              }
            : null,
        });
      }

      const unitHistory = history.filter((h) => h.unitId === row.unit.id);
      const trend = trendOf(history, comp.decimals);

      return {
        cycle: {
          id: comp.cycle.id,
          name: comp.cycle.name,
          status: comp.cycle.status,
          periodStart: comp.cycle.periodStart,
          periodEnd: comp.cycle.periodEnd,
          targetIndex,
        },
        instrument: report.instrument,
        unit: report.unit,
        assessment: {
          id: assessmentId,
          state: row.state,
          stateLabel: report.assessment.stateLabel,
          final: row.final,
          finalizedAt: report.assessment.finalizedAt,
          snapshotHash: row.snapshotHash,
        },
        result: {
          selfIndex: row.selfIndex,
          verifiedIndex: row.verifiedIndex,
          predicate: row.predicate,
          rank: row.rank,
          rankedCount: report.rankedCount,
          previousIndex: row.previousIndex,
          change: row.change,
          gap: row.gap,
          evidenceCompleteness: row.evidenceCompleteness,
          verificationCoverage: row.verificationCoverage,
          belowTarget: row.belowTarget,
          inBottomQuartile: row.inBottomQuartile,
          domains: row.domains.map((d) => ({
            ...d,
            selfIndex: selfByCode.get(d.code)?.index?.reported ?? null,
          })),
        },
        cycleDomainMeans: report.cycleDomainMeans,
        receipt: receipt
          ? {
              formula: receipt.formula,
              index: receipt.index?.display ?? null,
              reported: receipt.reported,
              predicate: receipt.predicate,
              targetIndex: receipt.targetIndex,
              targetLevel: receipt.targetLevel,
              gapToTarget: receipt.gapToTarget?.display ?? null,
              totals: {
                points: receipt.totals.points.display,
                lostVsMax: receipt.totals.lostVsMax.display,
                lostVsTarget: receipt.totals.lostVsTarget.display,
              },
              planToTarget:
                receipt.planToTarget?.map((p) => ({
                  code: p.code,
                  name: nameOf(p.code),
                  fromLevel: p.fromLevel,
                  toLevel: p.toLevel,
                  gain: p.gain.display,
                })) ?? null,
            }
          : null,
        nodes,
        recommendations: report.recommendations,
        history: unitHistory.map((h) => ({
          cycleId: h.cycleId,
          cycleName: h.cycleName,
          periodEnd: h.periodEnd,
          index: h.indexValue,
          predicate: h.predicate,
          cycleMean: trend.cycles.find((x) => x.id === h.cycleId)?.mean ?? null,
        })),
      };
    },
  };
}

export type InsightService = ReturnType<typeof insightServiceFactory>;
