/**
 * Opening an uploaded self-assessment template safely, through lib/workbook-guard.ts: the zip is
 * inflated under this module's limits (a zip bomb disguised as .xlsx stops there), the worksheets
 * are checked for size and stripped of the ranges exceljs would expand, and only then does exceljs
 * read it. This module gives the limits and its own wording: 415 for a file that is no workbook,
 * 400 for one refused for its size or damage.
 */
import type ExcelJS from 'exceljs';
import { UnsupportedMediaTypeError, ValidationError } from '../../lib/errors.js';
import { loadWorkbook, refuseWith, type WorkbookLimits } from '../../lib/workbook-guard.js';

/** Limits for an uploaded template (lib/workbook-guard.ts says what each one guards). */
export const UPLOAD_LIMITS: WorkbookLimits = {
  maxUncompressedBytes: 20 * 1024 * 1024,
  maxEntries: 500,
  maxRows: 5_000,
  maxCells: 100_000,
  maxSharedStrings: 100_000,
};

export class WorkbookRejectedError extends ValidationError {
  constructor(message: string, messageEn: string) {
    super(message, [{ sheet: null, row: null, column: null, message, messageEn }], messageEn);
  }
}

const notWorkbook = (what: string, whatEn: string) =>
  new UnsupportedMediaTypeError(
    `Berkas bukan buku kerja Excel (.xlsx): ${what}. Unggah templat yang diunduh dari Mercusuar.`,
    { accepted: ['xlsx'] },
    `The file is not an Excel workbook (.xlsx): ${whatEn}.`,
  );

const rejectUpload = refuseWith({
  notWorkbook: (reason) => notWorkbook(reason.id, reason.en),
  refuse: (message, messageEn) => new WorkbookRejectedError(message, messageEn),
  prefix: { id: 'Berkas ditolak', en: 'File rejected' },
  reasons: {
    tooLarge: (size) => ({ id: `${size.id} (kemungkinan "zip bomb")`, en: `${size.en} (a likely zip bomb)` }),
    tooManyCells: (counts) => ({
      id: `terlalu besar untuk sebuah templat penilaian (${counts.id})`,
      en: `too large for a self-assessment template (${counts.en})`,
    }),
  },
});

/**
 * Loads an untrusted template workbook: 415 for a file that is not an Excel workbook, 400 for
 * an empty, oversized (zip bomb, too many parts, rows or cells) or damaged one.
 */
export function loadUploadedWorkbook(buf: Buffer, limits = UPLOAD_LIMITS): Promise<ExcelJS.Workbook> {
  return loadWorkbook(buf, { limits, reject: rejectUpload });
}

/** Any exceljs cell value as the text a person sees. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}
