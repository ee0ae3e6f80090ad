/**
 * Spreadsheet files for the organisation registry: recognising CSV and XLSX by content, guarding
 * against zip bombs, reading them into a plain grid of strings, and writing the export files.
 * No database and no business rules here (see units.import.ts for those).
 */
import { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { UNIT_TYPES } from '../../domain/units.js';
import { AppError, UnsupportedMediaTypeError, ValidationError } from '../../lib/errors.js';

export const SPREADSHEET_FORMATS = ['csv', 'xlsx'] as const;
export type SpreadsheetFormat = (typeof SPREADSHEET_FORMATS)[number];

/**
 * Guards for untrusted workbooks. An XLSX is a zip, and a zip can inflate far beyond its size;
 * inside, exceljs builds an object per row, cell and shared string, and expands every merged
 * range and data-validation range cell by cell, so a tiny file can still exhaust memory.
 */
export const XLSX_LIMITS = {
  maxUncompressedBytes: 50 * 1024 * 1024,
  maxEntries: 2_000,
  /** <row> elements over all worksheets (import allows 5,000 data rows; formatting adds empty ones). */
  maxRows: 50_000,
  /** <c> elements over all worksheets (5,000 rows × 9 columns is 45,000). */
  maxCells: 500_000,
  maxSharedStrings: 500_000,
};
export type XlsxLimits = typeof XLSX_LIMITS;

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

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const BINARY_SIGNATURES: Array<{ name: string; bytes: number[] }> = [
  { name: 'UTF-16', bytes: [0xff, 0xfe] },
  { name: 'UTF-16', bytes: [0xfe, 0xff] },
  { name: 'XLS (Excel 97–2003) / OLE', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'gzip', bytes: [0x1f, 0x8b] },
  { name: 'RAR', bytes: [0x52, 0x61, 0x72, 0x21] },
  { name: '7z', bytes: [0x37, 0x7a, 0xbc, 0xaf] },
  { name: 'ZIP (empty)', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: 'ZIP (spanned)', bytes: [0x50, 0x4b, 0x07, 0x08] },
];

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

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
  if (startsWith(buf, ZIP_MAGIC)) detected = 'xlsx';
  else {
    const binary = BINARY_SIGNATURES.find((s) => startsWith(buf, s.bytes));
    if (binary) throw notSpreadsheet(`terdeteksi ${binary.name}`, `detected ${binary.name}`);
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
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) bytes = bytes.subarray(3);
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

/**
 * Inflates a zip with yauzl before any other library touches it, enforcing the entry count, the
 * declared sizes and the real inflated size of every entry (yauzl stops an entry that inflates
 * past its declared size), so a small upload cannot expand into gigabytes. Returns the entries.
 */
export async function inflateZip(
  buf: Buffer,
  limits: XlsxLimits = XLSX_LIMITS,
): Promise<Map<string, Buffer>> {
  const mb = Math.round(limits.maxUncompressedBytes / 1024 / 1024);
  const tooBig = () =>
    new FileRejectedError(
      `Berkas XLSX ditolak: isinya melebihi ${mb} MB setelah diekstrak.`,
      `XLSX rejected: it expands beyond ${mb} MB when unzipped.`,
    );
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
      err || !z ? reject(err ?? new Error('zip')) : resolve(z),
    ),
  ).catch(() => {
    throw notSpreadsheet('arsip ZIP rusak', 'damaged zip archive');
  });
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new FileRejectedError(
      `Berkas XLSX ditolak: terlalu banyak bagian (${zip.entryCount}).`,
      `XLSX rejected: too many parts (${zip.entryCount}).`,
    );
  }
  const entries = new Map<string, Buffer>();
  let declared = 0;
  let inflated = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.isEncrypted()) return reject(notSpreadsheet('arsip terenkripsi', 'encrypted archive'));
        declared += entry.uncompressedSize;
        if (declared > limits.maxUncompressedBytes) return reject(tooBig());
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error('zip entry'));
          const chunks: Buffer[] = [];
          stream.on('error', reject);
          stream.pipe(
            new Writable({
              write(chunk: Buffer, _enc, cb) {
                inflated += chunk.length;
                if (inflated > limits.maxUncompressedBytes) return cb(tooBig());
                chunks.push(chunk);
                cb();
              },
            })
              .on('error', reject)
              .on('finish', () => {
                entries.set(entry.fileName, Buffer.concat(chunks));
                zip.readEntry();
              }),
          );
        });
      });
      zip.readEntry();
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    // yauzl's "too many bytes in the stream" (an entry lying about its size) and corrupt data.
    throw new FileRejectedError(
      'Berkas XLSX ditolak: arsipnya rusak atau isinya tidak sesuai ukuran yang dinyatakan.',
      `XLSX rejected: the archive is corrupt or its entries do not match their declared sizes (${(err as Error).message}).`,
    );
  } finally {
    zip.close();
  }
  return entries;
}

const count = (text: string, re: RegExp) => {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text)) n++;
  return n;
};
// Element names may carry a namespace prefix (<x:row>) in files from other producers.
const ROW_TAG = /<(?:\w+:)?row[\s>/]/g;
const CELL_TAG = /<(?:\w+:)?c[\s>/]/g;
const SHARED_STRING_TAG = /<(?:\w+:)?si[\s>/]/g;
const EXPANDED_ELEMENTS = /<((?:\w+:)?)(dataValidations|mergeCells)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1\2>)/g;

/**
 * Checks an inflated workbook against the size limits and returns a copy that exceljs can load
 * safely: worksheets lose their merged ranges and data validations (exceljs expands both cell by
 * cell; an import needs neither), everything else is kept as it was.
 */
export function sanitizeWorkbook(entries: Map<string, Buffer>, limits: XlsxLimits = XLSX_LIMITS): Buffer {
  if (!entries.has('xl/workbook.xml'))
    throw notSpreadsheet(
      'arsip ZIP yang bukan buku kerja Excel',
      'a zip archive that is not an Excel workbook',
    );
  let rows = 0;
  let cells = 0;
  let strings = 0;
  const out: Array<{ name: string; data: Buffer }> = [];
  for (const [name, data] of entries) {
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name)) {
      const xml = data.toString('utf8');
      rows += count(xml, ROW_TAG);
      cells += count(xml, CELL_TAG);
      out.push({ name, data: Buffer.from(xml.replace(EXPANDED_ELEMENTS, ''), 'utf8') });
    } else {
      if (name === 'xl/sharedStrings.xml') strings += count(data.toString('utf8'), SHARED_STRING_TAG);
      out.push({ name, data });
    }
  }
  if (rows > limits.maxRows || cells > limits.maxCells || strings > limits.maxSharedStrings) {
    throw new FileRejectedError(
      `Berkas XLSX ditolak: terlalu besar untuk diimpor (${rows} baris, ${cells} sel, ${strings} teks). Salin hanya data unit ke buku kerja baru.`,
      `XLSX rejected: too large to import (${rows} rows, ${cells} cells, ${strings} strings). Copy only the unit data into a new workbook.`,
    );
  }
  return storedZip(out);
}

/** A zip without compression (the entries are already in memory and bounded). */
function storedZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(fileName.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, fileName, data);
    central.push(dir, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

async function readXlsx(buf: Buffer): Promise<Grid> {
  const safe = sanitizeWorkbook(await inflateZip(buf));
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(safe as unknown as ExcelJS.Buffer);
  } catch {
    throw new FileRejectedError('Berkas XLSX tidak dapat dibaca.', 'The XLSX file cannot be read.');
  }
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
