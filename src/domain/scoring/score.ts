import { compareDecimal, parseDecimal } from '../instrument/decimal.js';
import type { UnitType } from '../instrument/schema.js';
import { type CompiledInstrument, type CompiledNodeKind, metricLevel, predicateForUnits } from './compile.js';
import {
  type ExactValue,
  exactValue,
  type Fraction,
  formatUnits,
  frac,
  roundHalfUpUnits,
} from './fraction.js';

/*
 * Scoring rules (see docs/instruments/scoring.md):
 *
 * - An indicator's value is its level 1–5 (maturity) or the level its measured value maps to via the
 *   thresholds (metric).
 * - The index of a group node (aspect, domain, …) and of the whole instrument is the weighted mean
 *   of its children's indices: I(p) = Σ w_c · I(c) / Σ w_c. Without not-applicable answers this is
 *   exactly Σ(weight × level) / Σ weight over the node's own indicators (Indeks SPBE formula).
 * - Not applicable (NA): the indicator drops out and the weights of its remaining siblings are
 *   renormalised, i.e. the sums above run only over children that have an index. A group whose
 *   indicators are all NA has no index and drops out of its own parent the same way. The parent's
 *   weight in ITS parent is unchanged, so an NA moves weight only among siblings, never between
 *   domains.
 * - Partial scoring treats unanswered indicators like NA for the computation and reports coverage.
 * - Arithmetic is exact: weights are scaled integers, levels are integers, so every sum is an
 *   integer and every index an exact fraction. Rounding (half-up, instrument's decimals) is applied
 *   once, to the reported value, and the predicate is read from the reported value.
 */

/** A level (1–5), 'NA', or for metric indicators a measured value (number or decimal string). */
export type AnswerValue = number | string;

export type Answers =
  | ReadonlyMap<string, AnswerValue>
  | Readonly<Record<string, AnswerValue>>
  | ReadonlyArray<{ readonly code: string; readonly value: AnswerValue }>;

export interface ScoreOptions {
  /** Score what is answered and report coverage instead of failing on missing answers. */
  partial?: boolean;
  /** Unit type of the assessed unit: indicators not applicable to it count as NA automatically. */
  unitType?: UnitType;
}

export type ScoreErrorCode =
  | 'unknown_indicator'
  | 'duplicate_answer'
  | 'level_out_of_range'
  | 'invalid_value'
  | 'value_out_of_range'
  | 'na_not_allowed'
  | 'not_applicable_to_unit'
  | 'missing_answers';

export interface ScoreError {
  code: ScoreErrorCode;
  /** Indicator code the error is about (absent for missing_answers, see `codes`). */
  indicator?: string;
  codes?: string[];
  message: string;
  messageEn: string;
}

export interface IndexValue {
  /** Exact value as a reduced fraction (and its decimal expansion when it terminates). */
  exact: ExactValue;
  /** Rounded half-up by the instrument's rule, e.g. "2.55". */
  reported: string;
  /** `reported` as a number, for charts and JSON output (never used in computation). */
  value: number;
  /** Predicate of the reported value. */
  predicate: string | null;
}

export interface Coverage {
  indicatorCount: number;
  applicableCount: number;
  answeredCount: number;
  notApplicableCount: number;
  missingCount: number;
  /** Weights as decimal strings in the instrument's weight units. */
  applicableWeight: string;
  answeredWeight: string;
  /** answered / applicable, rounded half-up to 4 decimals ("1.0000" when complete). */
  countShare: string;
  weightShare: string;
}

export type NodeStatus = 'scored' | 'not_applicable' | 'missing' | 'no_index';

export interface NodeScore {
  code: string;
  name: string;
  kind: Exclude<CompiledNodeKind, 'root'>;
  nodeType: string | undefined;
  parentCode: string | null;
  depth: number;
  weight: string;
  status: NodeStatus;
  /** Indicators: the level used (from the answer or the metric thresholds). */
  level: number | null;
  /** Metric indicators: the measured value as given. */
  measured: string | null;
  index: IndexValue | null;
  coverage: Coverage;
}

export interface ScoreResult {
  instrument: { code: string; version: string };
  partial: boolean;
  /** The whole index (null only when nothing applicable was answered). */
  index: IndexValue | null;
  predicate: string | null;
  coverage: Coverage;
  /** Every node except the root, in instrument (pre-)order. */
  nodes: NodeScore[];
}

export type ScoreOutcome = { ok: true; result: ScoreResult } | { ok: false; errors: ScoreError[] };

export class ScoringError extends Error {
  readonly errors: ScoreError[];
  constructor(errors: ScoreError[]) {
    super(errors.map((e) => e.messageEn).join('; '));
    this.name = 'ScoringError';
    this.errors = errors;
  }
}

// ---------------------------------------------------------------------------------------------
// Hot path

/** Level code in the internal level arrays: 0 = not applicable, -1 = missing. */
const NA = 0;
const MISSING = -1;

/**
 * Fast exact kernel. `levels[offset + i]` is the level (1–5) of indicator i in compiled order.
 * Writes each node's reported value in units of 10^-decimals (e.g. 255 for "2.55") to
 * `out[outOffset + node]` (node 0 = whole index) and each node's exact weighted sum Σ(w×level)
 * (scaled integer; index = sum / nodeWeight) to `sums`. Returns false, writing nothing useful,
 * when a level is outside 1–5 (NA, missing, invalid): use scoreAssessment for those.
 *
 * All values are integers below 2^53 (checked at compile time), so the double arithmetic is exact;
 * the one division is corrected to an exact floor.
 */
export function scoreLevelsInto(
  c: CompiledInstrument,
  levels: ArrayLike<number>,
  offset: number,
  out: Int32Array | Float64Array,
  outOffset: number,
  sums: Float64Array,
): boolean {
  const k = c.indicatorCount;
  const n = c.nodeCount;
  const iw = c.indicatorWeight;
  const inode = c.indicatorNode;
  const parent = c.parent;
  const w = c.nodeWeight;
  const twoUnit = 2 * c.roundUnit;
  sums.fill(0, 0, n);
  for (let i = 0; i < k; i++) {
    const level = levels[offset + i]!;
    if (!(level >= 1 && level <= 5) || level !== (level | 0)) return false;
    sums[inode[i]!] = iw[i]! * level;
  }
  for (let node = n - 1; node > 0; node--) sums[parent[node]!]! += sums[node]!;
  for (let node = 0; node < n; node++) {
    const wn = w[node]!;
    const x = twoUnit * sums[node]! + wn;
    const y = 2 * wn;
    let q = Math.floor(x / y);
    if (q * y > x) q--;
    else if ((q + 1) * y <= x) q++;
    out[outOffset + node] = q;
  }
  return true;
}

/**
 * Scores `count` assessments laid out back to back in `levels` (indicatorCount levels each, compiled
 * order). Returns reported units per node (count × nodeCount) and the predicate index of the whole
 * index per assessment (-1 if an assessment needs the exact path because of NA/invalid levels).
 */
export function scoreBatch(
  c: CompiledInstrument,
  levels: ArrayLike<number>,
  count: number,
): { reported: Int32Array; predicate: Int16Array } {
  const n = c.nodeCount;
  const reported = new Int32Array(count * n);
  const predicate = new Int16Array(count);
  const sums = new Float64Array(n);
  const table = c.predicateByUnits;
  const base = c.scaleMinUnits;
  for (let a = 0; a < count; a++) {
    if (scoreLevelsInto(c, levels, a * c.indicatorCount, reported, a * n, sums)) {
      predicate[a] = table[reported[a * n]! - base]!;
    } else {
      predicate[a] = -1;
    }
  }
  return { reported, predicate };
}

// ---------------------------------------------------------------------------------------------
// Full API

function answerEntries(answers: Answers): Array<[string, AnswerValue]> {
  if (answers instanceof Map) return [...answers.entries()];
  if (Array.isArray(answers))
    return answers.map((a: { code: string; value: AnswerValue }) => [a.code, a.value]);
  return Object.entries(answers as Record<string, AnswerValue>);
}

interface Normalised {
  levels: Int8Array;
  measured: (string | null)[];
  errors: ScoreError[];
}

function normaliseAnswers(c: CompiledInstrument, answers: Answers, options: ScoreOptions): Normalised {
  const k = c.indicatorCount;
  const levels = new Int8Array(k).fill(MISSING);
  const measured: (string | null)[] = new Array(k).fill(null);
  const errors: ScoreError[] = [];
  const seen = new Uint8Array(k);
  for (const [code, raw] of answerEntries(answers)) {
    const i = c.indicatorByCode.get(code);
    if (i === undefined) {
      errors.push({
        code: 'unknown_indicator',
        indicator: code,
        message: `Kode indikator "${code}" tidak dikenal dalam instrumen ${c.instrument.code} versi ${c.instrument.version}.`,
        messageEn: `Unknown indicator code "${code}" for instrument ${c.instrument.code} version ${c.instrument.version}.`,
      });
      continue;
    }
    if (seen[i]) {
      errors.push({
        code: 'duplicate_answer',
        indicator: code,
        message: `Indikator "${code}" dijawab lebih dari sekali.`,
        messageEn: `Indicator "${code}" is answered more than once.`,
      });
      continue;
    }
    seen[i] = 1;
    const text = typeof raw === 'string' ? raw.trim() : raw;
    const applicable = c.applicability[i];
    const appliesToUnit = !(options.unitType && applicable && !applicable.has(options.unitType));
    if (typeof text === 'string' && text.toUpperCase() === 'NA') {
      if (!c.naAllowed[i] && appliesToUnit) {
        errors.push({
          code: 'na_not_allowed',
          indicator: code,
          message: `Indikator "${code}" tidak boleh dijawab "tidak berlaku" (NA).`,
          messageEn: `Indicator "${code}" does not allow "not applicable" (NA).`,
        });
      } else {
        levels[i] = NA;
      }
      continue;
    }
    if (!appliesToUnit) {
      errors.push({
        code: 'not_applicable_to_unit',
        indicator: code,
        message: `Indikator "${code}" tidak berlaku untuk jenis unit "${options.unitType}"; jawab NA atau kosongkan.`,
        messageEn: `Indicator "${code}" does not apply to unit type "${options.unitType}"; answer NA or leave it out.`,
      });
      continue;
    }
    const metric = c.metric[i];
    if (metric) {
      const d = typeof text === 'number' || typeof text === 'string' ? parseDecimal(text) : null;
      if (!d) {
        errors.push({
          code: 'invalid_value',
          indicator: code,
          message: `Nilai terukur indikator "${code}" harus berupa angka desimal (misalnya 12.5) atau NA.`,
          messageEn: `Measured value of indicator "${code}" must be a decimal number (e.g. 12.5) or NA.`,
        });
        continue;
      }
      if (
        (metric.valueMin && compareDecimal(d, metric.valueMin) < 0) ||
        (metric.valueMax && compareDecimal(d, metric.valueMax) > 0)
      ) {
        errors.push({
          code: 'value_out_of_range',
          indicator: code,
          message: `Nilai terukur indikator "${code}" (${String(text)}) di luar rentang yang sah.`,
          messageEn: `Measured value of indicator "${code}" (${String(text)}) is outside the valid range.`,
        });
        continue;
      }
      levels[i] = metricLevel(metric, d);
      measured[i] = String(text);
      continue;
    }
    const level = typeof text === 'number' ? text : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(level) || level < 1 || level > 5) {
      errors.push({
        code: 'level_out_of_range',
        indicator: code,
        message: `Tingkat indikator "${code}" harus bilangan bulat 1 sampai 5 atau NA (tertulis ${JSON.stringify(raw)}).`,
        messageEn: `Level of indicator "${code}" must be a whole number 1 to 5 or NA (found ${JSON.stringify(raw)}).`,
      });
      continue;
    }
    levels[i] = level;
  }
  // Indicators that do not apply to the unit type are NA without being answered.
  if (options.unitType) {
    for (let i = 0; i < k; i++) {
      const applicable = c.applicability[i];
      if (levels[i] === MISSING && applicable && !applicable.has(options.unitType)) levels[i] = NA;
    }
  }
  if (!options.partial) {
    const missing: string[] = [];
    for (let i = 0; i < k; i++) if (levels[i] === MISSING && !seen[i]) missing.push(c.indicatorCode[i]!);
    if (missing.length > 0) {
      errors.push({
        code: 'missing_answers',
        codes: missing,
        message: `Jawaban belum lengkap: ${missing.length} indikator belum dijawab (${missing.join(', ')}).`,
        messageEn: `Incomplete answers: ${missing.length} indicator(s) not answered (${missing.join(', ')}).`,
      });
    }
  }
  return { levels, measured, errors };
}

/**
 * Exact hierarchical index of every node (null = no index) for levels that may contain NA/missing.
 * Exported for the receipt and for tests.
 */
export function exactNodeIndices(c: CompiledInstrument, levels: ArrayLike<number>): (Fraction | null)[] {
  const n = c.nodeCount;
  const result: (Fraction | null)[] = new Array(n).fill(null);
  for (let node = n - 1; node >= 0; node--) {
    const ind = c.nodeIndicator[node]!;
    if (ind >= 0) {
      const level = levels[ind]!;
      result[node] = level >= 1 ? frac(BigInt(level)) : null;
      continue;
    }
    // Weighted mean over children that have an index; common denominator = product-free LCM via
    // accumulation of fractions.
    let num = 0n;
    let den = 1n;
    let weight = 0n;
    for (const child of c.children[node]!) {
      const v = result[child];
      if (!v) continue;
      const wc = BigInt(c.nodeWeight[child]!);
      weight += wc;
      // num/den += wc * v.num / v.den
      num = num * v.den + wc * v.num * den;
      den = den * v.den;
      const g = gcdBig(num, den);
      if (g > 1n) {
        num /= g;
        den /= g;
      }
    }
    result[node] = weight === 0n ? null : frac(num, den * weight);
  }
  return result;
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

function indexValue(c: CompiledInstrument, f: Fraction): IndexValue {
  const u = Number(roundHalfUpUnits(f, c.decimals));
  const reported = formatUnits(u, c.decimals);
  return { exact: exactValue(f), reported, value: Number(reported), predicate: predicateForUnits(c, u) };
}

function gcdInt(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Exact index num/den from safe integers (hot path): reduced with integer gcd, no BigInt. */
function fastIndexValue(c: CompiledInstrument, num: number, den: number, units: number): IndexValue {
  const g = gcdInt(num, den);
  const n = num / g;
  const d = den / g;
  let rest = d;
  let twos = 0;
  let fives = 0;
  while (rest % 2 === 0) {
    rest /= 2;
    twos++;
  }
  while (rest % 5 === 0) {
    rest /= 5;
    fives++;
  }
  let decimal: string | null = null;
  if (rest === 1) {
    const places = Math.max(twos, fives);
    const scaled = (n * 10 ** places) / d; // exact: d divides n·10^places, both below 2^53
    decimal = Number.isSafeInteger(scaled)
      ? places > 0
        ? formatUnits(scaled, places).replace(/\.?0+$/, '')
        : String(scaled)
      : exactValue(frac(BigInt(n), BigInt(d))).decimal;
  }
  const reported = formatUnits(units, c.decimals);
  return {
    exact: { numerator: String(n), denominator: String(d), decimal },
    reported,
    value: Number(reported),
    predicate: predicateForUnits(c, units),
  };
}

/** part/whole rounded half-up to 4 decimals, on safe integers (exact floor division). */
function share(part: number, whole: number): string {
  if (whole === 0) return '0.0000';
  const x = 2 * part * 10_000 + whole;
  const y = 2 * whole;
  let q = Math.floor(x / y);
  if (q * y > x) q--;
  else if ((q + 1) * y <= x) q++;
  return formatUnits(q, 4);
}

/**
 * Scores one assessment. Answers are keyed by indicator code (order is irrelevant). Returns
 * errors instead of throwing: unknown codes, levels outside 1–5, NA where not allowed, and missing
 * answers (unless `partial`).
 */
export function scoreAssessment(
  c: CompiledInstrument,
  answers: Answers,
  options: ScoreOptions = {},
): ScoreOutcome {
  const { levels, measured, errors } = normaliseAnswers(c, answers, options);
  if (errors.length > 0) return { ok: false, errors };

  const n = c.nodeCount;
  const units = new Float64Array(n);
  const sums = new Float64Array(n);
  const fast = scoreLevelsInto(c, levels, 0, units, 0, sums);
  const exact: (Fraction | null)[] | null = fast ? null : exactNodeIndices(c, levels);

  // Coverage per node (counts and scaled weights), folded bottom-up.
  const cnt = new Float64Array(n * 5); // indicators, applicable, answered, na, missing
  const wApplicable = new Float64Array(n);
  const wAnswered = new Float64Array(n);
  for (let i = 0; i < c.indicatorCount; i++) {
    const node = c.indicatorNode[i]!;
    const level = levels[i]!;
    cnt[node * 5] = 1;
    if (level === NA) cnt[node * 5 + 3] = 1;
    else {
      cnt[node * 5 + 1] = 1;
      wApplicable[node] = c.indicatorWeight[i]!;
      if (level === MISSING) cnt[node * 5 + 4] = 1;
      else {
        cnt[node * 5 + 2] = 1;
        wAnswered[node] = c.indicatorWeight[i]!;
      }
    }
  }
  for (let node = n - 1; node > 0; node--) {
    const p = c.parent[node]!;
    for (let j = 0; j < 5; j++) cnt[p * 5 + j]! += cnt[node * 5 + j]!;
    wApplicable[p]! += wApplicable[node]!;
    wAnswered[p]! += wAnswered[node]!;
  }
  const coverageOf = (node: number): Coverage => ({
    indicatorCount: cnt[node * 5]!,
    applicableCount: cnt[node * 5 + 1]!,
    answeredCount: cnt[node * 5 + 2]!,
    notApplicableCount: cnt[node * 5 + 3]!,
    missingCount: cnt[node * 5 + 4]!,
    applicableWeight: formatWeight(c, wApplicable[node]!),
    answeredWeight: formatWeight(c, wAnswered[node]!),
    countShare: share(cnt[node * 5 + 2]!, cnt[node * 5 + 1]!),
    weightShare: share(wAnswered[node]!, wApplicable[node]!),
  });

  const nodes: NodeScore[] = [];
  for (let node = 1; node < n; node++) {
    const src = c.nodeSource[node]!;
    const ind = c.nodeIndicator[node]!;
    const f = exact ? (exact[node] ?? null) : null;
    let status: NodeStatus;
    if (ind >= 0)
      status = levels[ind] === NA ? 'not_applicable' : levels[ind] === MISSING ? 'missing' : 'scored';
    else status = f || fast ? 'scored' : 'no_index';
    const parent = c.parent[node]!;
    nodes.push({
      code: c.nodeCode[node]!,
      name: src.name,
      kind: c.nodeKind[node] as Exclude<CompiledNodeKind, 'root'>,
      nodeType: src.nodeType,
      parentCode: parent > 0 ? c.nodeCode[parent]! : null,
      depth: c.nodeDepth[node]!,
      weight: typeof src.weight === 'number' ? String(src.weight) : src.weight,
      status,
      level: ind >= 0 && levels[ind]! >= 1 ? levels[ind]! : null,
      measured: ind >= 0 ? measured[ind]! : null,
      index: fast
        ? fastIndexValue(c, sums[node]!, c.nodeWeight[node]!, units[node]!)
        : f
          ? indexValue(c, f)
          : null,
      coverage: coverageOf(node),
    });
  }
  const root = fast
    ? fastIndexValue(c, sums[0]!, c.nodeWeight[0]!, units[0]!)
    : exact![0]
      ? indexValue(c, exact![0])
      : null;
  return {
    ok: true,
    result: {
      instrument: { code: c.instrument.code, version: c.instrument.version },
      partial: options.partial === true,
      index: root,
      predicate: root?.predicate ?? null,
      coverage: coverageOf(0),
      nodes,
    },
  };
}

function formatWeight(c: CompiledInstrument, scaled: number): string {
  const text = formatUnits(scaled, c.weightScale);
  return c.weightScale > 0 ? text.replace(/\.?0+$/, '') : text;
}

/** Like scoreAssessment but throws ScoringError (with all errors) instead of returning them. */
export function scoreOrThrow(
  c: CompiledInstrument,
  answers: Answers,
  options: ScoreOptions = {},
): ScoreResult {
  const outcome = scoreAssessment(c, answers, options);
  if (!outcome.ok) throw new ScoringError(outcome.errors);
  return outcome.result;
}
