import { compareDecimal, type Decimal, parseDecimal, toScaled } from '../instrument/decimal.js';
import type { Instrument, InstrumentNode, UnitType } from '../instrument/schema.js';
import { type Fraction, frac } from './fraction.js';

export type CompiledNodeKind = 'root' | 'group' | 'maturity' | 'metric';

export interface CompiledMetric {
  direction: 'higher-is-better' | 'lower-is-better';
  unit: string;
  thresholds: readonly Decimal[];
  valueMin: Decimal | undefined;
  valueMax: Decimal | undefined;
}

/**
 * An instrument flattened for fast, exact scoring ("compile once, score many").
 *
 * Nodes are numbered in pre-order; node 0 is the virtual root (the whole index), so every parent
 * has a smaller number than its children and one descending pass folds children into parents.
 * Indicator weights are scaled to integers (×10^weightScale) so that, with integer levels 1–5,
 * every sum is an exact integer.
 */
export interface CompiledInstrument {
  readonly instrument: Instrument;
  readonly decimals: number;
  /** 10^decimals as a number and as a BigInt. */
  readonly roundUnit: number;
  readonly weightScale: number;
  readonly nodeCount: number;
  readonly nodeCode: readonly string[];
  readonly nodeSource: readonly (InstrumentNode | undefined)[];
  readonly nodeKind: readonly CompiledNodeKind[];
  readonly nodeDepth: Int32Array;
  readonly parent: Int32Array;
  readonly children: readonly (readonly number[])[];
  /** Scaled integer weight of every node: indicators as declared, groups as the sum of their indicators. */
  readonly nodeWeight: Float64Array;
  readonly indicatorCount: number;
  /** Node number of indicator i (indicators numbered in pre-order too). */
  readonly indicatorNode: Int32Array;
  readonly indicatorCode: readonly string[];
  readonly indicatorWeight: Float64Array;
  /** Indicator number of a node, or -1 for groups. */
  readonly nodeIndicator: Int32Array;
  readonly indicatorByCode: ReadonlyMap<string, number>;
  readonly nodeByCode: ReadonlyMap<string, number>;
  readonly naAllowed: Uint8Array;
  readonly applicability: readonly (ReadonlySet<UnitType> | null)[];
  readonly metric: readonly (CompiledMetric | undefined)[];
  /** Predicate names in instrument order; lookup table from reported units (offset by `scaleMinUnits`). */
  readonly predicateNames: readonly string[];
  readonly predicateByUnits: Int16Array;
  readonly scaleMinUnits: number;
  readonly scaleMaxUnits: number;
  /** Exact declared weight of each node as a Fraction of the scaled integer unit. */
  readonly nodeWeightFraction: readonly Fraction[];
}

function mustDecimal(v: string | number, what: string): Decimal {
  const d = parseDecimal(v);
  if (!d) throw new Error(`compileInstrument: ${what} is not a decimal: ${String(v)}`);
  return d;
}

/**
 * Compiles a VALIDATED instrument (see validateInstrument) into flat arrays. Group weights used
 * in computation are the sums of their indicators' weights (the validator guarantees they match
 * the declared group weights within 0.0001), so the whole tree is consistent to the last digit.
 */
export function compileInstrument(instrument: Instrument): CompiledInstrument {
  const codes: string[] = ['$'];
  const sources: (InstrumentNode | undefined)[] = [undefined];
  const kinds: CompiledNodeKind[] = ['root'];
  const parents: number[] = [-1];
  const depths: number[] = [0];
  const kids: number[][] = [[]];

  const visit = (node: InstrumentNode, parent: number, depth: number): void => {
    const id = codes.length;
    codes.push(node.code);
    sources.push(node);
    kinds.push('children' in node ? 'group' : node.kind);
    parents.push(parent);
    depths.push(depth);
    kids.push([]);
    kids[parent]!.push(id);
    if ('children' in node) for (const c of node.children) visit(c, id, depth + 1);
  };
  for (const n of instrument.nodes) visit(n, 0, 1);

  const nodeCount = codes.length;
  const leafIds: number[] = [];
  for (let i = 0; i < nodeCount; i++) if (kinds[i] === 'maturity' || kinds[i] === 'metric') leafIds.push(i);

  const leafWeights = leafIds.map((id) => mustDecimal(sources[id]!.weight, `weight of ${codes[id]}`));
  const weightScale = Math.max(0, ...leafWeights.map((w) => w.scale));
  const nodeWeightBig: bigint[] = new Array(nodeCount).fill(0n);
  leafIds.forEach((id, i) => {
    nodeWeightBig[id] = toScaled(leafWeights[i]!, weightScale);
  });
  for (let n = nodeCount - 1; n > 0; n--) nodeWeightBig[parents[n]!]! += nodeWeightBig[n]!;

  const decimals = instrument.rounding.decimals;
  const roundUnit = 10 ** decimals;
  // Hot-path integers: 2 × Σ(w × 5) × 10^decimals must stay below 2^53 for exact double integers.
  const bound = 2n * nodeWeightBig[0]! * 5n * 10n ** BigInt(decimals) + nodeWeightBig[0]! * 2n;
  if (bound > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error('compileInstrument: weights too precise for exact integer scoring');
  }

  const nodeIndicator = new Int32Array(nodeCount).fill(-1);
  leafIds.forEach((id, i) => {
    nodeIndicator[id] = i;
  });

  const indicatorByCode = new Map<string, number>();
  const nodeByCode = new Map<string, number>();
  codes.forEach((c, i) => {
    if (i > 0) nodeByCode.set(c, i);
  });
  leafIds.forEach((id, i) => {
    indicatorByCode.set(codes[id]!, i);
  });

  const naAllowed = new Uint8Array(leafIds.length);
  const applicability: (ReadonlySet<UnitType> | null)[] = [];
  const metric: (CompiledMetric | undefined)[] = [];
  leafIds.forEach((id, i) => {
    const node = sources[id]!;
    if ('children' in node) throw new Error('unreachable');
    naAllowed[i] = node.naAllowed ? 1 : 0;
    applicability.push(
      node.applicability === undefined || node.applicability === 'all' ? null : new Set(node.applicability),
    );
    if (node.kind === 'metric') {
      metric.push({
        direction: node.direction,
        unit: node.unit,
        thresholds: node.thresholds.map((t) => mustDecimal(t, `threshold of ${node.code}`)),
        valueMin: node.valueMin === undefined ? undefined : mustDecimal(node.valueMin, 'valueMin'),
        valueMax: node.valueMax === undefined ? undefined : mustDecimal(node.valueMax, 'valueMax'),
      });
    } else {
      metric.push(undefined);
    }
  });

  // Predicate lookup table indexed by reported units (e.g. 255 for "2.55").
  const scaleMinUnits = instrument.scale.min * roundUnit;
  const scaleMaxUnits = instrument.scale.max * roundUnit;
  const bands = instrument.predicateBands.map((b) => ({
    min: mustDecimal(b.min, 'band min'),
    max: mustDecimal(b.max, 'band max'),
  }));
  const table = new Int16Array(scaleMaxUnits - scaleMinUnits + 1).fill(-1);
  for (let u = scaleMinUnits; u <= scaleMaxUnits; u++) {
    const v: Decimal = { units: BigInt(u), scale: decimals };
    const k = bands.findIndex(
      (b) =>
        compareDecimal(v, b.min) >= 0 &&
        (compareDecimal(v, b.max) < 0 || (u === scaleMaxUnits && compareDecimal(v, b.max) === 0)),
    );
    table[u - scaleMinUnits] = k;
  }

  return {
    instrument,
    decimals,
    roundUnit,
    weightScale,
    nodeCount,
    nodeCode: codes,
    nodeSource: sources,
    nodeKind: kinds,
    nodeDepth: Int32Array.from(depths),
    parent: Int32Array.from(parents),
    children: kids,
    nodeWeight: Float64Array.from(nodeWeightBig.map((w) => Number(w))),
    indicatorCount: leafIds.length,
    indicatorNode: Int32Array.from(leafIds),
    indicatorCode: leafIds.map((id) => codes[id]!),
    indicatorWeight: Float64Array.from(leafIds.map((id) => Number(nodeWeightBig[id]!))),
    nodeIndicator,
    indicatorByCode,
    nodeByCode,
    naAllowed,
    applicability,
    metric,
    predicateNames: instrument.predicateBands.map((b) => b.name),
    predicateByUnits: table,
    scaleMinUnits,
    scaleMaxUnits,
    nodeWeightFraction: nodeWeightBig.map((w) => frac(w)),
  };
}

/** Predicate name for a reported value given in units of 10^-decimals (e.g. 255 = "2.55"). */
export function predicateForUnits(compiled: CompiledInstrument, units: number): string | null {
  const k = compiled.predicateByUnits[units - compiled.scaleMinUnits];
  return k === undefined || k < 0 ? null : compiled.predicateNames[k]!;
}

/**
 * Level of a measured metric value by the indicator's thresholds b1 < b2 < b3 < b4 (exact).
 * higher-is-better: value < b1 → 1, b1 ≤ value < b2 → 2, …, value ≥ b4 → 5.
 * lower-is-better:  value ≤ b1 → 5, b1 < value ≤ b2 → 4, …, value > b4 → 1.
 */
export function metricLevel(m: CompiledMetric, value: Decimal): number {
  let count = 0;
  if (m.direction === 'higher-is-better') {
    for (const t of m.thresholds) if (compareDecimal(value, t) >= 0) count++;
    return 1 + count;
  }
  for (const t of m.thresholds) if (compareDecimal(value, t) > 0) count++;
  return 5 - count;
}
