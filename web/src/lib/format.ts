import type { Lang } from '../i18n';

/** Kalimantan Barat keeps Western Indonesian Time (WIB, UTC+7). */
export const TIME_ZONE = 'Asia/Pontianak';
const LOCALES: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

/** 1234.5 → "1.234,5" in Indonesian. Decimal strings from the API are formatted without float maths when possible. */
export function formatNumber(
  value: number | string,
  lang: Lang,
  digits?: { min?: number; max?: number },
): string {
  const n = typeof value === 'string' ? Number(value) : value;
  if (!Number.isFinite(n)) return String(value);
  const key = `n:${lang}:${digits?.min ?? ''}:${digits?.max ?? ''}`;
  return formatter(
    key,
    () =>
      new Intl.NumberFormat(LOCALES[lang], {
        minimumFractionDigits: digits?.min,
        maximumFractionDigits: digits?.max ?? 2,
      }),
  ).format(n);
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/** "12 Mar 2026 14.05 WIB" */
export function formatDateTime(value: string | Date, lang: Lang): string {
  const f = formatter(
    `dt:${lang}`,
    () =>
      new Intl.DateTimeFormat(LOCALES[lang], {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: TIME_ZONE,
      }),
  );
  return `${f.format(toDate(value))} WIB`;
}

/** "12 Maret 2026" */
export function formatDate(value: string | Date, lang: Lang): string {
  return formatter(
    `d:${lang}`,
    () => new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: TIME_ZONE }),
  ).format(toDate(value));
}

export function formatBytes(bytes: number, lang: Lang): string {
  if (bytes < 1024) return `${formatNumber(bytes, lang)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, lang, { max: 1 })} KB`;
  return `${formatNumber(bytes / 1024 / 1024, lang, { max: 1 })} MB`;
}

/** A calendar day picked in WIB (YYYY-MM-DD) as the instant it starts / ends, for API filters. */
export const wibDayStart = (day: string) => `${day}T00:00:00.000+07:00`;
export const wibDayEnd = (day: string) => `${day}T23:59:59.999+07:00`;

/**
 * An exact decimal from the API ("3.45") in the reader's format ("3,45"), without passing it
 * through a binary float: scores are shown exactly as computed and published.
 */
export function formatDecimal(value: string | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !/^-?\d+(\.\d+)?$/.test(value)) return value ?? '—';
  const [int, frac] = value.split('.') as [string, string | undefined];
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const group = lang === 'id' ? '.' : ',';
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${frac === undefined ? '' : (lang === 'id' ? ',' : '.') + frac}`;
}

/** Orders decimal strings exactly (null last), for sorting published scores. */
export function compareDecimal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const neg = (s: string) => s.startsWith('-');
  if (neg(a) !== neg(b)) return neg(a) ? -1 : 1;
  const abs = (s: string) => (neg(s) ? s.slice(1) : s).split('.') as [string, string | undefined];
  const [ai, af = ''] = abs(a);
  const [bi, bf = ''] = abs(b);
  const width = Math.max(af.length, bf.length);
  const ka = ai.replace(/^0+(?=\d)/, '').padStart(32, '0') + af.padEnd(width, '0');
  const kb = bi.replace(/^0+(?=\d)/, '').padStart(32, '0') + bf.padEnd(width, '0');
  const cmp = ka < kb ? -1 : ka > kb ? 1 : 0;
  return neg(a) ? -cmp : cmp;
}
