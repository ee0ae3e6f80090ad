/**
 * How reports write numbers and dates for Indonesian readers: decimal comma ("2,55"), dates in
 * WIB ("31 Maret 2026 pukul 23.59 WIB"), and the generator's identity for every footer.
 */
import { readFileSync } from 'node:fs';
import { formatDecimal, formatPercent } from '../../domain/charts/index.js';
import { formatWib } from '../../domain/workflow/time.js';

export { formatDecimal, formatPercent, formatWib };

/** The version in package.json: every generated report names the code that produced it. */
export const GENERATOR_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const GENERATOR = `Mercusuar ${GENERATOR_VERSION}`;

const MONTHS_ID = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

/** "2026-03-31" → "31 Maret 2026". */
export function formatDateId(isoDate: string | null | undefined): string {
  if (!isoDate) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  return `${Number(m[3])} ${MONTHS_ID[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** An index for people: "2,55" (the reported text, padded to the instrument's decimals). */
export const fmtIndex = (v: string | null | undefined, decimals = 2) =>
  formatDecimal(v ?? null, { decimals });

/** A change: "+0,12", "−0,30", "0,00". */
export const fmtChange = (v: string | null | undefined, decimals = 2) =>
  formatDecimal(v ?? null, { decimals, signed: true });

/** A Date as the wall-clock time in WIB, for spreadsheet cells (Excel has no time zones). */
export function wibWallClock(d: Date): Date {
  return new Date(d.getTime() + 7 * 3600_000);
}

/** "sesuai" → label from the workflow catalogue, falling back to the code. */
export function labelOf<T extends string>(
  labels: Record<T, { id: string }>,
  code: string | null | undefined,
): string {
  if (!code) return '–';
  return (labels as Record<string, { id: string }>)[code]?.id ?? code;
}

/** Level for display: 1–5, "N/A", or "–" when unanswered. */
export function fmtLevel(level: number | null | undefined, notApplicable = false): string {
  if (notApplicable) return 'N/A';
  return level === null || level === undefined ? '–' : String(level);
}

/** A byte count as "1,2 MB". */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${formatDecimal(n / 1024, { decimals: 1 })} KB`;
  return `${formatDecimal(n / 1024 / 1024, { decimals: 1 })} MB`;
}
