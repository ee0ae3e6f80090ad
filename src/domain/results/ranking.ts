import { addDecimal, compareDecimal, type Decimal, parseDecimal } from '../instrument/decimal.js';
import { formatUnits } from '../scoring/fraction.js';

/** Exact comparison of two decimal strings ("2.55" vs "2.5"). */
export function compareDecimalText(a: string, b: string): -1 | 0 | 1 {
  return compareDecimal(mustParse(a), mustParse(b));
}

function mustParse(s: string): Decimal {
  const d = parseDecimal(s);
  if (!d) throw new TypeError(`not a decimal: ${s}`);
  return d;
}

/**
 * a − b, exact, as a decimal string with as many places as the more precise operand as written
 * ("2.55" − "2.40" = "0.15", "2.90" − "2.30" = "0.60", "3.00" − "3.00" = "0.00").
 */
export function subtractDecimalText(a: string, b: string): string {
  const y = mustParse(b);
  const d = addDecimal(mustParse(a), { units: -y.units, scale: y.scale });
  const places = Math.max(placesOf(a), placesOf(b), d.scale);
  return formatUnits(d.units * 10n ** BigInt(places - d.scale), places);
}

const placesOf = (s: string) => (s.trim().split('.')[1] ?? '').length;

/**
 * Standard competition ranking ("1224"): the highest value gets rank 1 and ties share a rank.
 * Items without a value get no rank. Comparison is exact on decimal strings.
 */
export function competitionRanks(values: ReadonlyArray<string | null>): Array<number | null> {
  const order = values
    .map((v, i) => ({ v, i }))
    .filter((x): x is { v: string; i: number } => x.v !== null)
    .sort((a, b) => compareDecimalText(b.v, a.v));
  const ranks: Array<number | null> = values.map(() => null);
  order.forEach((x, pos) => {
    const prev = order[pos - 1];
    ranks[x.i] = prev && compareDecimalText(prev.v, x.v) === 0 ? ranks[prev.i]! : pos + 1;
  });
  return ranks;
}

/**
 * The bottom quartile: the lowest ⌈n/4⌉ values, extended to every value tied with the highest of
 * them (a unit is never split from its equal). Returns the cut-off value (inclusive) or null.
 */
export function bottomQuartileCutoff(values: ReadonlyArray<string>): string | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort(compareDecimalText);
  return sorted[Math.ceil(sorted.length / 4) - 1]!;
}

/** Exact mean of decimal strings, rounded half-up to `decimals`. */
export function meanDecimalText(values: ReadonlyArray<string>, decimals: number): string | null {
  if (values.length === 0) return null;
  const ds = values.map(mustParse);
  const scale = Math.max(...ds.map((d) => d.scale));
  const sum = ds.reduce((s, d) => s + d.units * 10n ** BigInt(scale - d.scale), 0n);
  // mean = sum / (n · 10^scale); rounded half-up to `decimals` → units at 10^-decimals
  const num = sum * 10n ** BigInt(decimals);
  const den = BigInt(values.length) * 10n ** BigInt(scale);
  const q = num >= 0n ? (2n * num + den) / (2n * den) : -((-2n * num + den) / (2n * den));
  return formatUnits(q, decimals);
}

/** Exact median (mean of the two middle values for an even count), rounded half-up. */
export function medianDecimalText(values: ReadonlyArray<string>, decimals: number): string | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort(compareDecimalText);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? meanDecimalText([sorted[mid]!], decimals)
    : meanDecimalText([sorted[mid - 1]!, sorted[mid]!], decimals);
}

/** numerator / denominator as a decimal string with 4 places (half-up), or null when 0/0. */
export function ratioText(numerator: number, denominator: number): string | null {
  if (denominator === 0) return null;
  const n = BigInt(numerator) * 10000n;
  const d = BigInt(denominator);
  return formatUnits((2n * n + d) / (2n * d), 4);
}
