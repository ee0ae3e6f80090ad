import { parseDecimal } from '../instrument/decimal.js';
import type { DecimalInput } from '../instrument/schema.js';
import type { CompiledInstrument } from './compile.js';
import { INDEX_FORMULA } from './formula.js';
import {
  add,
  cmp,
  type ExactValue,
  exactValue,
  type Fraction,
  frac,
  mul,
  sub,
  toFixedHalfUp,
  ZERO,
} from './fraction.js';
import type { NodeScore, ScoreResult } from './score.js';

/** An exact quantity with a display form (half-up, 4 decimals). */
export interface ReceiptValue {
  exact: ExactValue;
  display: string;
}

export interface ReceiptNode {
  code: string;
  name: string;
  kind: NodeScore['kind'];
  status: NodeScore['status'];
  /** Declared weight (share of the whole index in the instrument's weight units). */
  weight: string;
  /** Share of the whole index after NA renormalisation (0 for NA / missing / no index). */
  effectiveShare: ReceiptValue;
  /** Indicators only. */
  level: number | null;
  /** Index points this node contributes to the whole index: Σ effectiveShare × level. */
  points: ReceiptValue;
  /** Points lost against level 5 on every indicator below it. */
  lostVsMax: ReceiptValue;
  /** Points lost against the target level (0 where the level is at or above the target). */
  lostVsTarget: ReceiptValue;
  children: ReceiptNode[];
}

export interface RaiseOption {
  code: string;
  name: string;
  level: number;
  /** Exact gain of the whole index when this indicator goes up one level. */
  gain: ReceiptValue;
}

export interface ScoreReceipt {
  instrument: { code: string; version: string };
  formula: string;
  index: ReceiptValue | null;
  reported: string | null;
  predicate: string | null;
  targetLevel: number;
  targetIndex: string | null;
  /** targetIndex − index (exact), or null without target; ≤ 0 means reached. */
  gapToTarget: ReceiptValue | null;
  /** Totals over all indicators; `points` sums exactly to the index. */
  totals: { points: ReceiptValue; lostVsMax: ReceiptValue; lostVsTarget: ReceiptValue };
  tree: ReceiptNode[];
  /** +1 level on one indicator, largest exact gain first (ties by instrument order). */
  raises: RaiseOption[];
  /**
   * Fewest level steps that lift the REPORTED index to targetIndex: the largest-gain indicator is
   * raised first, up to level 5, then the next. Null without targetIndex or when unreachable.
   */
  planToTarget: Array<{ code: string; fromLevel: number; toLevel: number; gain: ReceiptValue }> | null;
}

export interface ReceiptOptions {
  /** Target level per indicator for `lostVsTarget` (default 5). */
  targetLevel?: number;
  /** Target index, e.g. "2.60" (lowest value of predicate Baik). */
  targetIndex?: DecimalInput;
}

function rv(f: Fraction): ReceiptValue {
  return { exact: exactValue(f), display: toFixedHalfUp(f, 4) };
}

/**
 * Explains a score: every indicator's effective share of the whole index (after renormalising NA
 * siblings), the points it contributes (share × level; all points add up exactly to the index), the
 * points lost against level 5 and a target, and which one-level raises would lift the index most.
 */
export function buildReceipt(
  c: CompiledInstrument,
  result: ScoreResult,
  options: ReceiptOptions = {},
): ScoreReceipt {
  const targetLevel = options.targetLevel ?? 5;
  if (!Number.isInteger(targetLevel) || targetLevel < 1 || targetLevel > 5) {
    throw new RangeError('targetLevel must be a whole number 1..5');
  }
  const byCode = new Map(result.nodes.map((n) => [n.code, n]));
  const n = c.nodeCount;
  const hasIndex = (node: number): boolean => node === 0 || byCode.get(c.nodeCode[node]!)?.index != null;

  // Effective share of each node in the whole index, top-down.
  const share: Fraction[] = new Array(n).fill(ZERO);
  share[0] = result.index ? frac(1n) : ZERO;
  for (let node = 0; node < n; node++) {
    if (!hasIndex(node) || share[node]!.num === 0n) continue;
    const kids = c.children[node]!.filter(hasIndex);
    let total = 0n;
    for (const k of kids) total += BigInt(c.nodeWeight[k]!);
    for (const k of kids) share[k] = mul(share[node]!, frac(BigInt(c.nodeWeight[k]!), total));
  }

  const build = (node: number): ReceiptNode => {
    const score = byCode.get(c.nodeCode[node]!)!;
    const children = c.children[node]!.map(build);
    let points = ZERO;
    let lostMax = ZERO;
    let lostTarget = ZERO;
    if (children.length === 0) {
      const level = score.level;
      if (level !== null && score.status === 'scored') {
        const s = share[node]!;
        points = mul(s, frac(BigInt(level)));
        lostMax = mul(s, frac(BigInt(5 - level)));
        lostTarget = mul(s, frac(BigInt(Math.max(0, targetLevel - level))));
      }
    } else {
      for (const ch of children) {
        points = add(points, fracOf(ch.points));
        lostMax = add(lostMax, fracOf(ch.lostVsMax));
        lostTarget = add(lostTarget, fracOf(ch.lostVsTarget));
      }
    }
    return {
      code: score.code,
      name: score.name,
      kind: score.kind,
      status: score.status,
      weight: score.weight,
      effectiveShare: rv(share[node]!),
      level: score.status === 'scored' ? score.level : null,
      points: rv(points),
      lostVsMax: rv(lostMax),
      lostVsTarget: rv(lostTarget),
      children,
    };
  };
  const tree = c.children[0]!.map(build);

  let points = ZERO;
  let lostMax = ZERO;
  let lostTarget = ZERO;
  for (const t of tree) {
    points = add(points, fracOf(t.points));
    lostMax = add(lostMax, fracOf(t.lostVsMax));
    lostTarget = add(lostTarget, fracOf(t.lostVsTarget));
  }

  const raises: RaiseOption[] = [];
  const order: number[] = [];
  for (let i = 0; i < c.indicatorCount; i++) {
    const node = c.indicatorNode[i]!;
    const score = byCode.get(c.nodeCode[node]!)!;
    if (score.status !== 'scored' || score.level === null || score.level >= 5) continue;
    order.push(node);
    raises.push({ code: score.code, name: score.name, level: score.level, gain: rv(share[node]!) });
  }
  const ranked = raises
    .map((r, k) => ({ r, node: order[k]!, k }))
    .sort((a, b) => cmp(share[b.node]!, share[a.node]!) || a.k - b.k);

  const index = result.index ? fracFromExact(result.index.exact) : null;
  let gap: Fraction | null = null;
  let plan: ScoreReceipt['planToTarget'] = null;
  let targetText: string | null = null;
  if (options.targetIndex !== undefined && index) {
    const t = parseDecimal(options.targetIndex);
    if (!t) throw new RangeError('targetIndex must be a decimal');
    const target = frac(t.units, 10n ** BigInt(t.scale));
    targetText = String(options.targetIndex);
    gap = sub(target, index);
    // Reported value reaches the target once exact ≥ target − half a reporting unit.
    const needed = sub(target, frac(1n, 2n * 10n ** BigInt(c.decimals)));
    let current = index;
    plan = [];
    for (const { r, node } of ranked) {
      if (cmp(current, needed) >= 0) break;
      let to = r.level;
      while (to < 5 && cmp(current, needed) < 0) {
        current = add(current, share[node]!);
        to++;
      }
      plan.push({
        code: r.code,
        fromLevel: r.level,
        toLevel: to,
        gain: rv(mul(share[node]!, frac(BigInt(to - r.level)))),
      });
    }
    if (cmp(current, needed) < 0) plan = null;
  }

  return {
    instrument: result.instrument,
    formula: `${INDEX_FORMULA.id} / ${INDEX_FORMULA.en}`,
    index: index ? rv(index) : null,
    reported: result.index?.reported ?? null,
    predicate: result.predicate,
    targetLevel,
    targetIndex: targetText,
    gapToTarget: gap ? rv(gap) : null,
    totals: { points: rv(points), lostVsMax: rv(lostMax), lostVsTarget: rv(lostTarget) },
    tree,
    raises: ranked.map((x) => x.r),
    planToTarget: plan,
  };
}

function fracFromExact(e: ExactValue): Fraction {
  return frac(BigInt(e.numerator), BigInt(e.denominator));
}

function fracOf(v: ReceiptValue): Fraction {
  return fracFromExact(v.exact);
}
