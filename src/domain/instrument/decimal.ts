/**
 * Exact decimal helpers. Instrument weights, thresholds and band bounds are written as decimal
 * strings (or JSON numbers, which are converted through their shortest round-trip text) and are
 * turned into scaled BigInt integers here, so no value ever passes through binary floating point
 * arithmetic.
 */

/** A decimal number as `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_RE = /^-?\d+(?:\.\d+)?$/;

/** Text form accepted for decimals: optional minus, digits, optional fraction. No exponent. */
export const DECIMAL_PATTERN = '^-?\\d+(?:\\.\\d+)?$';

/** Normalises a decimal input (string or JSON number) into its text form, or null if not a plain decimal. */
export function decimalText(input: string | number): string | null {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return null;
    text = String(input);
  } else {
    text = input.trim();
  }
  return DECIMAL_RE.test(text) ? text : null;
}

/** Parses a plain decimal (e.g. "2.75", 13, "-0.5"); returns null for anything else (exponents, NaN, ""). */
export function parseDecimal(input: string | number): Decimal | null {
  const text = decimalText(input);
  if (text === null) return null;
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const intPart = dot < 0 ? body : body.slice(0, dot);
  let fracPart = dot < 0 ? '' : body.slice(dot + 1);
  fracPart = fracPart.replace(/0+$/, '');
  const units = BigInt(intPart + fracPart);
  return { units: negative ? -units : units, scale: fracPart.length };
}

export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** The decimal as an integer count of `10^-scale` units; `scale` must be >= the decimal's own scale. */
export function toScaled(d: Decimal, scale: number): bigint {
  if (scale < d.scale) throw new RangeError(`scale ${scale} is smaller than the decimal's scale ${d.scale}`);
  return d.units * pow10(scale - d.scale);
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const s = Math.max(a.scale, b.scale);
  const x = toScaled(a, s);
  const y = toScaled(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return { units: toScaled(a, s) + toScaled(b, s), scale: s };
}

export function formatDecimal(d: Decimal): string {
  const negative = d.units < 0n;
  let digits = (negative ? -d.units : d.units).toString();
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, '0');
    digits = `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`.replace(/\.?0+$/, '');
  }
  return (negative ? '-' : '') + digits;
}

/** Absolute difference |a - b| <= tolerance, exactly. */
export function withinTolerance(a: Decimal, b: Decimal, tolerance: Decimal): boolean {
  const s = Math.max(a.scale, b.scale, tolerance.scale);
  let diff = toScaled(a, s) - toScaled(b, s);
  if (diff < 0n) diff = -diff;
  return diff <= toScaled(tolerance, s);
}
