/** Exact non-negative rationals on BigInt, kept in lowest terms. Used off the hot path. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function frac(num: bigint, den = 1n): Fraction {
  if (den === 0n) throw new RangeError('zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const ZERO: Fraction = { num: 0n, den: 1n };

export function add(a: Fraction, b: Fraction): Fraction {
  return a.den === b.den ? frac(a.num + b.num, a.den) : frac(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Fraction, b: Fraction): Fraction {
  return add(a, { num: -b.num, den: b.den });
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return frac(a.num * b.num, a.den * b.den);
}

export function div(a: Fraction, b: Fraction): Fraction {
  return frac(a.num * b.den, a.den * b.num);
}

export function cmp(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const x = a.num * b.den;
  const y = b.num * a.den;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** floor(num / den) for den > 0, also for negative num. */
function floorDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den !== 0n && num < 0n ? q - 1n : q;
}

/**
 * Rounds half-up (ties away from zero for the non-negative values we score) to `decimals` places
 * and returns the result as an integer count of 10^-decimals units.
 */
export function roundHalfUpUnits(f: Fraction, decimals: number): bigint {
  const p = 10n ** BigInt(decimals);
  if (f.num >= 0n) return floorDiv(2n * f.num * p + f.den, 2n * f.den);
  return -floorDiv(2n * -f.num * p + f.den, 2n * f.den);
}

/** Formats `units / 10^decimals` with exactly `decimals` fraction digits, e.g. (255n, 2) -> "2.55". */
export function formatUnits(units: bigint | number, decimals: number): string {
  const neg = units < 0;
  let s = (neg ? -units : units).toString();
  if (decimals > 0) {
    s = s.padStart(decimals + 1, '0');
    s = `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
  }
  return neg ? `-${s}` : s;
}

/** Rounds half-up and formats: ("2.5486") -> "2.55" for decimals 2. */
export function toFixedHalfUp(f: Fraction, decimals: number): string {
  return formatUnits(roundHalfUpUnits(f, decimals), decimals);
}

/** The exact decimal expansion if the fraction terminates (denominator of the form 2^a·5^b), else null. */
export function terminatingDecimal(f: Fraction): string | null {
  let d = f.den;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) return null;
  const places = Math.max(twos, fives);
  const units = (f.num * 10n ** BigInt(places)) / f.den;
  const text = formatUnits(units, places);
  return places > 0 ? text.replace(/\.?0+$/, '') : text;
}

/** JSON-friendly form of a fraction. */
export interface ExactValue {
  numerator: string;
  denominator: string;
  /** Terminating decimal expansion, or null when the fraction does not terminate (e.g. 1/3). */
  decimal: string | null;
}

export function exactValue(f: Fraction): ExactValue {
  return { numerator: f.num.toString(), denominator: f.den.toString(), decimal: terminatingDecimal(f) };
}
