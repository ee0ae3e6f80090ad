/**
 * Spreadsheet files for the organisation registry: recognising CSV and XLSX by content, reading
 * them into a plain grid of strings (workbooks through lib/workbook-guard.ts, which stops zip
 * bombs and oversized sheets), and writing the export files.
 * No database and no business rules here (see units.import.ts for those).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { UNIT_TYPES } from '../../domain/units.js';
import { UnsupportedMediaTypeError, ValidationError } from '../../lib/errors.js';
import {
  detectBinaryFormat,
  inflateWorkbook,
  isZip,
  loadWorkbook,
  refuseWith,
  sanitizeWorkbook as sanitizeEntries,
  startsWithBytes,
  type WorkbookGuard,
  type WorkbookLimits,
} from '../../lib/workbook-guard.js';

export const SPREADSHEET_FORMATS = ['csv', 'xlsx'] as const;
export type SpreadsheetFormat = (typeof SPREADSHEET_FORMATS)[number];

/**
 * Limits for an uploaded unit workbook (see lib/workbook-guard.ts for what each one guards).
 * Import allows 5,000 data rows of 9 columns (45,000 cells); formatting adds empty rows.
 */
export const XLSX_LIMITS: WorkbookLimits = {
  maxUncompressedBytes: 50 * 1024 * 1024,
  maxEntries: 2_000,
  maxRows: 50_000,
  maxCells: 500_000,
  maxSharedStrings: 500_000,
};
export type XlsxLimits = WorkbookLimits;

/** One sheet read into strings: the header row and every following row with its sheet row number. */
export interface Grid {
  format: SpreadsheetFormat;
  /** Sheet row number (1-based) of the header row. */
  headerRow: number;
  headers: string[];
  rows: Array<{ row: number; cells: string[] }>;
}

/** An error located in a file: sheet row (header = 1) and column header name. */
export interface RowError {
  row: number;
  column: string | null;
  message: string;
  messageEn: string;
}

export class FileRejectedError extends ValidationError {
  constructor(message: string, messageEn: string, errors: RowError[] = []) {
    super(message, errors, messageEn);
  }
}

const notSpreadsheet = (what: string, whatEn: string) =>
  new UnsupportedMediaTypeError(
    `Berkas bukan CSV atau XLSX (${what}). Simpan berkas sebagai CSV UTF-8 atau Excel Workbook (.xlsx).`,
    { accepted: SPREADSHEET_FORMATS },
    `The file is not CSV or XLSX (${whatEn}). Save it as CSV UTF-8 or Excel Workbook (.xlsx).`,
  );

/**
 * Decides the format from the content: a zip is a workbook candidate, text is CSV, anything else
 * is refused (415). A declared format that contradicts the content is refused too.
 */
export function sniffFormat(buf: Buffer, declared?: SpreadsheetFormat): SpreadsheetFormat {
  if (buf.length === 0) {
    throw new FileRejectedError('Berkas kosong.', 'The file is empty.');
  }
  let detected: SpreadsheetFormat;
  if (isZip(buf)) detected = 'xlsx';
  else {
    const binary = detectBinaryFormat(buf);
    if (binary) throw notSpreadsheet(`terdeteksi ${binary}`, `detected ${binary}`);
    if (hasControlBytes(buf)) throw notSpreadsheet('berisi data biner', 'binary data');
    detected = 'csv';
  }
  if (declared && declared !== detected) {
    throw new UnsupportedMediaTypeError(
      `Isi berkas adalah ${detected.toUpperCase()}, bukan ${declared.toUpperCase()} seperti yang disebutkan.`,
      { declared, detected },
      `The file content is ${detected.toUpperCase()}, not ${declared.toUpperCase()} as declared.`,
    );
  }
  return detected;
}

/** NUL and other C0 control bytes (except tab, LF, FF, CR) never occur in a text CSV. */
function hasControlBytes(buf: Buffer): boolean {
  const n = Math.min(buf.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return true;
  }
  return false;
}

/** Reads a CSV or XLSX file into a grid; throws 415 for other content and 400 for unreadable files. */
export async function readGrid(buf: Buffer, declared?: SpreadsheetFormat): Promise<Grid> {
  const format = sniffFormat(buf, declared);
  return format === 'csv' ? readCsv(buf) : readXlsx(buf);
}

// ---------------------------------------------------------------- CSV

/** UTF-8 with or without BOM; Windows-1252 (Excel's "CSV (Comma delimited)") as a fallback. */
export function decodeText(buf: Buffer): string {
  let bytes = buf;
  if (startsWithBytes(bytes, [0xef, 0xbb, 0xbf])) bytes = bytes.subarray(3);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** The delimiter of the header line (outside quotes): ';' from Indonesian Excel, ',' otherwise, or tab. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (counts[',']! + counts[';']! + counts['\t']! > 0) break;
    } else if (!quoted && ch in counts) counts[ch]!++;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

function readCsv(buf: Buffer): Grid {
  const text = decodeText(buf);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new FileRejectedError(
      `CSV tidak dapat dibaca${e.lines ? ` (sekitar baris ${e.lines})` : ''}: periksa tanda kutip.`,
      `The CSV cannot be read${e.lines ? ` (near line ${e.lines})` : ''}: ${e.message ?? 'parse error'}`,
      e.lines
        ? [
            {
              row: e.lines,
              column: null,
              message: 'Tanda kutip tidak seimbang',
              messageEn: String(e.message),
            },
          ]
        : [],
    );
  }
  // A record is a spreadsheet row (a quoted multi-line cell stays in one row), so row = index + 1.
  return toGrid(
    'csv',
    records.map((cells, i) => ({ row: i + 1, cells })),
  );
}

function toGrid(format: SpreadsheetFormat, all: Array<{ row: number; cells: string[] }>): Grid {
  const nonBlank = all.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = nonBlank[0];
  if (!header) throw new FileRejectedError('Berkas tidak berisi data.', 'The file contains no data.');
  return {
    format,
    headerRow: header.row,
    headers: header.cells.map((c) => c.trim()),
    rows: nonBlank.slice(1),
  };
}

// ---------------------------------------------------------------- XLSX

/** This module's wording for a refused workbook: 415 when it is no workbook, 400 otherwise. */
const rejectXlsx = refuseWith({
  notWorkbook: (reason) => notSpreadsheet(reason.id, reason.en),
  refuse: (message, messageEn) => new FileRejectedError(message, messageEn),
  prefix: { id: 'Berkas XLSX ditolak', en: 'XLSX rejected' },
  reasons: {
    tooManyCells: (counts) => ({
      id: `terlalu besar untuk diimpor (${counts.id}). Salin hanya data unit ke buku kerja baru`,
      en: `too large to import (${counts.en}). Copy only the unit data into a new workbook`,
    }),
  },
});

const guardWith = (limits: XlsxLimits): WorkbookGuard => ({ limits, reject: rejectXlsx });

/** The workbook guard's inflating step with this module's limits and errors. */
export const inflateZip = (buf: Buffer, limits: XlsxLimits = XLSX_LIMITS) =>
  inflateWorkbook(buf, guardWith(limits));

/** The workbook guard's size check and range stripping with this module's limits and errors. */
export const sanitizeWorkbook = (entries: Map<string, Buffer>, limits: XlsxLimits = XLSX_LIMITS) =>
  sanitizeEntries(entries, guardWith(limits));

async function readXlsx(buf: Buffer): Promise<Grid> {
  const wb = await loadWorkbook(buf, guardWith(XLSX_LIMITS));
  const sheet = wb.worksheets.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden');
  if (!sheet)
    throw new FileRejectedError('Buku kerja tidak berisi lembar kerja.', 'The workbook has no sheet.');
  const rows: Array<{ row: number; cells: string[] }> = [];
  let tooWide = false;
  sheet.eachRow({ includeEmpty: false }, (r) => {
    const cells: string[] = [];
    r.eachCell({ includeEmpty: false }, (cell, col) => {
      if (col > MAX_COLUMNS) tooWide = true;
      else cells[col - 1] = cellText(cell.value);
    });
    rows.push({ row: r.number, cells: Array.from(cells, (c) => c ?? '') });
  });
  if (tooWide) {
    throw new FileRejectedError(
      `Lembar kerja berisi data di luar kolom ke-${MAX_COLUMNS}.`,
      `The sheet has data beyond column ${MAX_COLUMNS}.`,
    );
  }
  return toGrid('xlsx', rows);
}

/** More columns than any unit file needs (9) and few enough to keep a sparse row cheap. */
const MAX_COLUMNS = 100;

/** Any exceljs cell value as the text a person sees. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v)
      return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v) return typeof v.text === 'string' ? v.text : cellText(v.text as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/** Spreadsheet column letters: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

// ---------------------------------------------------------------- writing

export interface SheetColumn {
  header: string;
  width: number;
  kind: 'text' | 'number' | 'boolean' | 'unitType';
}

export type SheetValue = string | number | boolean | null;

/** CSV with a UTF-8 BOM (so Excel shows non-ASCII names correctly) unless `bom: false`. */
export function writeCsv(columns: SheetColumn[], rows: SheetValue[][], opts: { bom?: boolean } = {}): Buffer {
  const text = stringifyCsv(
    rows.map((r) => r.map((v) => (v === null ? '' : String(v)))),
    { header: true, columns: columns.map((c) => c.header), record_delimiter: 'windows' },
  );
  return Buffer.from((opts.bom === false ? '' : '\uFEFF') + text, 'utf8');
}

/** An XLSX with a frozen, filterable header row, sensible widths, text-formatted code columns. */
export async function writeXlsx(
  sheetName: string,
  columns: SheetColumn[],
  rows: SheetValue[][],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mercusuar';
  wb.created = new Date();
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.header,
    width: c.width,
    style: c.kind === 'text' ? { numFmt: '@' } : {},
  }));
  for (const r of rows) ws.addRow(r);
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const lastRow = Math.max(rows.length + 1, 2) + 1000;
  columns.forEach((c, i) => {
    const range = `${columnLetter(i)}2:${columnLetter(i)}${lastRow}`;
    const dv = (ws as unknown as { dataValidations: { add(a: string, v: object): void } }).dataValidations;
    if (c.kind === 'unitType') {
      dv.add(range, {
        type: 'list',
        allowBlank: false,
        formulae: [`"${UNIT_TYPES.join(',')}"`],
        showErrorMessage: true,
        errorTitle: 'Jenis unit',
        error: 'Pilih salah satu jenis unit dari daftar.',
      });
    } else if (c.kind === 'boolean') {
      dv.add(range, { type: 'list', allowBlank: true, formulae: ['"TRUE,FALSE"'] });
    }
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
