/**
 * Number formatting for people reading Indonesian: decimal comma, dot for thousands ("2,55",
 * "1.250"). Works on the exact decimal TEXT where one exists, so a reported "2.55" is never
 * re-rounded through binary floating point on its way to a page.
 */

export type ChartLocale = 'id' | 'en';

const PLAIN = /^([+-]?)(\d+)(?:\.(\d+))?$/;

function groupThousands(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/**
 * Formats a decimal written as text ("2.55", "-0.10") or a number for display: Indonesian uses a
 * decimal comma and a dot between thousands, English the reverse. With `decimals`, the text is
 * padded (never rounded: pass already rounded values) or, for numbers, rounded half-up.
 * `signed` prefixes positive values with "+" (changes). Null/undefined/"" give the dash "–".
 */
export function formatDecimal(
  value: string | number | null | undefined,
  opts: { locale?: ChartLocale; decimals?: number; signed?: boolean } = {},
): string {
  if (value === null || value === undefined || value === '') return '–';
  const locale = opts.locale ?? 'id';
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '–';
    text = opts.decimals === undefined ? String(value) : roundHalfUp(value, opts.decimals);
  } else {
    text = value.trim();
  }
  const m = PLAIN.exec(text);
  if (!m) return text;
  const [, sign, intPart, frac = ''] = m;
  let fraction = frac;
  if (opts.decimals !== undefined && fraction.length < opts.decimals)
    fraction = fraction.padEnd(opts.decimals, '0');
  const isZero = /^0*$/.test(intPart! + fraction);
  const dec = locale === 'id' ? ',' : '.';
  const thousands = locale === 'id' ? '.' : ',';
  const body = groupThousands(intPart!, thousands) + (fraction ? dec + fraction : '');
  if (sign === '-' && !isZero) return `−${body}`;
  if (opts.signed && !isZero) return `+${body}`;
  return body;
}

/** Half-up rounding of a JS number for display only (axis ticks, chart labels). */
function roundHalfUp(v: number, decimals: number): string {
  const f = 10 ** decimals;
  const r = (Math.sign(v) * Math.round(Math.abs(v) * f + 1e-9)) / f;
  return r.toFixed(decimals);
}

/** A share ("0.8750") as a percentage with a decimal comma ("87,5%"). */
export function formatPercent(
  share: string | number | null | undefined,
  opts: { locale?: ChartLocale; decimals?: number } = {},
): string {
  if (share === null || share === undefined || share === '') return '–';
  const n = typeof share === 'number' ? share : Number(share);
  if (!Number.isFinite(n)) return '–';
  return `${formatDecimal(n * 100, { locale: opts.locale, decimals: opts.decimals ?? 1 })}%`;
}

/** A decimal text as a number for chart geometry (never for computation); null stays null. */
export function toChartNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
