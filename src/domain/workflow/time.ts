/**
 * Times in the workflow are entered and shown in WIB (Waktu Indonesia Barat, UTC+7, the zone of
 * Asia/Pontianak and Asia/Jakarta). Indonesia has no daylight saving, so a fixed offset is exact.
 */

const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;
export const WIB_OFFSET = '+07:00';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** Parses an ISO-8601 date-time; one without an offset is read as WIB. Null when invalid. */
export function parseWib(text: string): Date | null {
  const t = text.trim();
  let withZone: string;
  if (ISO_WITH_ZONE.test(t)) withZone = t;
  else if (ISO_LOCAL.test(t)) withZone = `${t}${WIB_OFFSET}`;
  else return null;
  const d = new Date(withZone);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** ISO-8601 in WIB, e.g. "2026-03-31T23:59:00+07:00" (milliseconds only when not zero). */
export function toWibIso(date: Date): string {
  const s = new Date(date.getTime() + WIB_OFFSET_MS).toISOString();
  const ms = s.slice(19, 23);
  return `${s.slice(0, 19)}${ms === '.000' ? '' : ms}${WIB_OFFSET}`;
}

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
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function wibParts(date: Date) {
  const w = new Date(date.getTime() + WIB_OFFSET_MS);
  return {
    day: w.getUTCDate(),
    month: w.getUTCMonth(),
    year: w.getUTCFullYear(),
    hh: String(w.getUTCHours()).padStart(2, '0'),
    mm: String(w.getUTCMinutes()).padStart(2, '0'),
  };
}

/** "31 Maret 2026 pukul 23.59 WIB" (Indonesian date and time style). */
export function formatWib(date: Date): string {
  const p = wibParts(date);
  return `${p.day} ${MONTHS_ID[p.month]} ${p.year} pukul ${p.hh}.${p.mm} WIB`;
}

/** "31 March 2026, 23:59 WIB". */
export function formatWibEn(date: Date): string {
  const p = wibParts(date);
  return `${p.day} ${MONTHS_EN[p.month]} ${p.year}, ${p.hh}:${p.mm} WIB`;
}
