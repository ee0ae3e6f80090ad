/**
 * Opening untrusted uploaded workbooks safely. An XLSX is a zip, and a zip can inflate far beyond
 * its size; inside, exceljs builds an object per row, cell and shared string, and expands every
 * merged range and data-validation range cell by cell, so a tiny file can still exhaust memory.
 *
 * Before exceljs sees a byte, yauzl reads the archive and this module enforces the entry count,
 * the declared uncompressed sizes and the real inflated size of every entry; then the worksheets
 * are counted (rows, cells, shared strings) and stripped of merged and data-validation ranges
 * (reading data needs neither), and exceljs loads that checked copy.
 *
 * Limits and wording belong to the caller: each passes a {@link WorkbookGuard} whose `reject`
 * turns a {@link WorkbookProblem} into its own error (class, status code, message, details).
 * {@link problemText} gives the shared Indonesian/English reason a caller can wrap.
 */
import { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { AppError } from './errors.js';

export interface WorkbookLimits {
  /** Total uncompressed bytes, declared and real, over all entries. */
  maxUncompressedBytes: number;
  /** Entries in the zip's central directory. */
  maxEntries: number;
  /** `<row>` elements over all worksheets. */
  maxRows: number;
  /** `<c>` elements over all worksheets. */
  maxCells: number;
  /** `<si>` elements in the shared-string table. */
  maxSharedStrings: number;
}

/** Why a workbook was refused; the caller decides the error it becomes. */
export type WorkbookProblem =
  | { kind: 'empty' }
  /** No zip signature; `detected` names a recognised other format (PDF, XLS, PNG, …). */
  | { kind: 'notZip'; detected: string | null }
  /** yauzl cannot open the archive at all. */
  | { kind: 'damagedZip' }
  | { kind: 'encrypted' }
  | { kind: 'tooManyEntries'; entries: number; limit: number }
  /** The declared or the real inflated size passes `maxUncompressedBytes`. */
  | { kind: 'tooLarge'; limitBytes: number }
  /** Corrupt deflate data, or an entry inflating past its declared size (yauzl: "too many bytes"). */
  | { kind: 'corrupt'; cause: string }
  /** A zip without `xl/workbook.xml`. */
  | { kind: 'notWorkbook' }
  | { kind: 'tooManyCells'; rows: number; cells: number; sharedStrings: number }
  /** exceljs could not load the checked copy. */
  | { kind: 'unreadable'; cause: string };

export interface WorkbookGuard {
  limits: WorkbookLimits;
  /** Builds the caller's error for a problem; the guard throws what it returns. */
  reject(problem: WorkbookProblem): AppError;
}

/** A reason in both languages, lower-case and without a final full stop, to wrap in a sentence. */
export interface ProblemText {
  id: string;
  en: string;
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** The shared wording of each problem. */
export function problemText(p: WorkbookProblem): ProblemText {
  switch (p.kind) {
    case 'empty':
      return { id: 'berkas kosong', en: 'the file is empty' };
    case 'notZip':
      return p.detected
        ? { id: `terdeteksi ${p.detected}`, en: `detected ${p.detected}` }
        : { id: 'bukan arsip ZIP', en: 'not a zip archive' };
    case 'damagedZip':
      return { id: 'arsip ZIP rusak', en: 'damaged zip archive' };
    case 'encrypted':
      return { id: 'arsip terenkripsi', en: 'encrypted archive' };
    case 'tooManyEntries':
      return { id: `terlalu banyak bagian (${p.entries})`, en: `too many parts (${p.entries})` };
    case 'tooLarge':
      return {
        id: `isinya melebihi ${megabytes(p.limitBytes)} MB setelah diekstrak`,
        en: `it expands beyond ${megabytes(p.limitBytes)} MB when unzipped`,
      };
    case 'corrupt':
      return {
        id: 'arsipnya rusak atau isinya tidak sesuai ukuran yang dinyatakan',
        en: `the archive is corrupt or its entries do not match their declared sizes (${p.cause})`,
      };
    case 'notWorkbook':
      return {
        id: 'arsip ZIP yang bukan buku kerja Excel',
        en: 'a zip archive that is not an Excel workbook',
      };
    case 'tooManyCells':
      return {
        id: `${p.rows} baris, ${p.cells} sel, ${p.sharedStrings} teks`,
        en: `${p.rows} rows, ${p.cells} cells, ${p.sharedStrings} strings`,
      };
    case 'unreadable':
      return {
        id: 'isi buku kerja tidak dapat dibaca',
        en: `the workbook content cannot be read (${p.cause})`,
      };
  }
}

/** Problems that mean the file is no workbook at all, rather than a workbook refused. */
const NOT_A_WORKBOOK = new Set<WorkbookProblem['kind']>(['notZip', 'damagedZip', 'encrypted', 'notWorkbook']);

/** How a caller words its refusals (see {@link refuseWith}). */
export interface RefusalWording {
  /** A file that is no workbook: not a zip, a damaged or encrypted zip, a zip without a workbook. */
  notWorkbook(reason: ProblemText): AppError;
  /** Any other refusal, given as whole sentences. */
  refuse(message: string, messageEn: string): AppError;
  /** What starts a refusal, e.g. `{ id: 'Berkas ditolak', en: 'File rejected' }`. */
  prefix: ProblemText;
  /** The caller's own words for some reasons, built on the shared ones. */
  reasons?: { [K in WorkbookProblem['kind']]?: (shared: ProblemText) => ProblemText };
}

/**
 * A `reject` for callers that answer "not a workbook" in one way (typically 415) and every other
 * refusal in another (typically 400): "Berkas kosong.", "Berkas XLSX tidak dapat dibaca." or
 * "<prefix>: <reason>." with the shared reason or the caller's own.
 */
export function refuseWith(wording: RefusalWording): (problem: WorkbookProblem) => AppError {
  return (p) => {
    const shared = problemText(p);
    const reason = wording.reasons?.[p.kind]?.(shared) ?? shared;
    if (NOT_A_WORKBOOK.has(p.kind)) return wording.notWorkbook(reason);
    if (p.kind === 'empty') return wording.refuse('Berkas kosong.', 'The file is empty.');
    if (p.kind === 'unreadable')
      return wording.refuse('Berkas XLSX tidak dapat dibaca.', 'The XLSX file cannot be read.');
    return wording.refuse(`${wording.prefix.id}: ${reason.id}.`, `${wording.prefix.en}: ${reason.en}.`);
  };
}

// ---------------------------------------------------------------- format sniffing

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Formats people upload by mistake, recognised by their first bytes. */
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

export const startsWithBytes = (buf: Buffer, bytes: readonly number[]) => bytes.every((b, i) => buf[i] === b);

/** True when the buffer starts with a zip local file header (every XLSX does). */
export const isZip = (buf: Buffer) => startsWithBytes(buf, ZIP_MAGIC);

/** The name of a known non-workbook binary format the buffer starts with, or null. */
export function detectBinaryFormat(buf: Buffer): string | null {
  return BINARY_SIGNATURES.find((s) => startsWithBytes(buf, s.bytes))?.name ?? null;
}

// ---------------------------------------------------------------- inflating

/**
 * Inflates a workbook archive under the guard's limits and returns its entries (directories
 * left out). yauzl checks every entry against its declared size while inflating (an entry that
 * lies about its size stops at the first byte too many), the declared sizes are summed before
 * anything is inflated, and the real inflated bytes are counted as they arrive.
 */
export async function inflateWorkbook(buf: Buffer, guard: WorkbookGuard): Promise<Map<string, Buffer>> {
  const { limits, reject: fail } = guard;
  if (buf.length === 0) throw fail({ kind: 'empty' });
  if (!isZip(buf)) throw fail({ kind: 'notZip', detected: detectBinaryFormat(buf) });
  const tooLarge = () => fail({ kind: 'tooLarge', limitBytes: limits.maxUncompressedBytes });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
      err || !z ? reject(err ?? new Error('zip')) : resolve(z),
    ),
  ).catch(() => {
    throw fail({ kind: 'damagedZip' });
  });
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw fail({ kind: 'tooManyEntries', entries: zip.entryCount, limit: limits.maxEntries });
  }
  const entries = new Map<string, Buffer>();
  let declared = 0;
  let inflated = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.isEncrypted()) return reject(fail({ kind: 'encrypted' }));
        declared += entry.uncompressedSize;
        if (declared > limits.maxUncompressedBytes) return reject(tooLarge());
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error('zip entry'));
          const chunks: Buffer[] = [];
          stream.on('error', reject);
          stream.pipe(
            new Writable({
              write(chunk: Buffer, _enc, cb) {
                // Defence in depth: with validated entry sizes the declared sum already bounds this.
                inflated += chunk.length;
                if (inflated > limits.maxUncompressedBytes) return cb(tooLarge());
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
    throw fail({ kind: 'corrupt', cause: (err as Error).message });
  } finally {
    zip.close();
  }
  if (!entries.has('xl/workbook.xml')) throw fail({ kind: 'notWorkbook' });
  return entries;
}

// ---------------------------------------------------------------- checking and stripping

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
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;

/**
 * Checks inflated entries against the row, cell and shared-string limits and returns a stored zip
 * exceljs can load safely: worksheets lose their merged ranges and data validations, everything
 * else is kept as it was.
 */
export function sanitizeWorkbook(entries: Map<string, Buffer>, guard: WorkbookGuard): Buffer {
  const { limits } = guard;
  let rows = 0;
  let cells = 0;
  let sharedStrings = 0;
  const out: Array<{ name: string; data: Buffer }> = [];
  for (const [name, data] of entries) {
    if (WORKSHEET.test(name)) {
      const xml = data.toString('utf8');
      rows += count(xml, ROW_TAG);
      cells += count(xml, CELL_TAG);
      out.push({ name, data: Buffer.from(xml.replace(EXPANDED_ELEMENTS, ''), 'utf8') });
    } else {
      if (name === 'xl/sharedStrings.xml') sharedStrings += count(data.toString('utf8'), SHARED_STRING_TAG);
      out.push({ name, data });
    }
  }
  if (rows > limits.maxRows || cells > limits.maxCells || sharedStrings > limits.maxSharedStrings) {
    throw guard.reject({ kind: 'tooManyCells', rows, cells, sharedStrings });
  }
  return storedZip(out);
}

/** Inflates, checks and strips an untrusted workbook: the bytes exceljs may load. */
export async function checkWorkbook(buf: Buffer, guard: WorkbookGuard): Promise<Buffer> {
  return sanitizeWorkbook(await inflateWorkbook(buf, guard), guard);
}

/** Loads an untrusted workbook into exceljs, only after {@link checkWorkbook} accepted it. */
export async function loadWorkbook(buf: Buffer, guard: WorkbookGuard): Promise<ExcelJS.Workbook> {
  const safe = await checkWorkbook(buf, guard);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(safe as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw guard.reject({ kind: 'unreadable', cause: (err as Error).message });
  }
  return wb;
}

// ---------------------------------------------------------------- writing the checked copy

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** A zip without compression (the entries are already in memory and bounded). */
function storedZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    // version 2.0, UTF-8 names, stored, no time; crc; both sizes; name length; no extra field
    const header = [u16(20), u16(0x0800), u16(0), u32(0), u32(crc32(data))];
    const sizes = [u32(data.length), u32(data.length), u16(fileName.length), u16(0)];
    parts.push(u32(0x04034b50), ...header, ...sizes, fileName, data);
    // made by 2.0; no comment, disk 0, no attributes; the local header's offset
    directory.push(u32(0x02014b50), u16(20), ...header, ...sizes, u16(0), u16(0), u16(0), u32(0));
    directory.push(u32(offset), fileName);
    offset += 30 + fileName.length + data.length;
  }
  const central = Buffer.concat(directory);
  const end = [u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length)];
  return Buffer.concat([...parts, central, ...end, u32(central.length), u32(offset), u16(0)]);
}
