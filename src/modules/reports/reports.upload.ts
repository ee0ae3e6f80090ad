/**
 * Opening an uploaded workbook safely. An XLSX is a zip: before exceljs sees a byte, yauzl reads
 * the archive and checks the entry count, the declared uncompressed sizes and the real inflated
 * size of every entry (a zip bomb disguised as .xlsx stops here), then the worksheets are checked
 * for size and stripped of data-validation and merged ranges (exceljs expands both cell by cell,
 * so one range over a million rows would exhaust memory; reading a template needs neither).
 */
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { AppError, UnsupportedMediaTypeError, ValidationError } from '../../lib/errors.js';

export const UPLOAD_LIMITS = {
  maxUncompressedBytes: 20 * 1024 * 1024,
  maxEntries: 500,
  maxRows: 5_000,
  maxCells: 100_000,
};

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

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

/** Inflates the archive under the limits; throws 415 for non-workbooks and 400 for bombs and damage. */
export async function inflateWorkbook(buf: Buffer, limits = UPLOAD_LIMITS): Promise<Map<string, Buffer>> {
  if (buf.length === 0) throw new WorkbookRejectedError('Berkas kosong.', 'The file is empty.');
  if (!ZIP_MAGIC.every((b, i) => buf[i] === b)) {
    const head = buf.subarray(0, 8).toString('latin1');
    throw notWorkbook(
      head.startsWith('%PDF')
        ? 'terdeteksi PDF'
        : buf[0] === 0xd0 && buf[1] === 0xcf
          ? 'format Excel 97–2003 (.xls)'
          : 'bukan arsip ZIP',
      head.startsWith('%PDF') ? 'a PDF' : 'not a zip archive',
    );
  }
  const mb = Math.round(limits.maxUncompressedBytes / 1024 / 1024);
  const tooBig = () =>
    new WorkbookRejectedError(
      `Berkas ditolak: isinya melebihi ${mb} MB setelah diekstrak (kemungkinan "zip bomb").`,
      `File rejected: it expands beyond ${mb} MB when unzipped (a likely zip bomb).`,
    );
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
      err || !z ? reject(err ?? new Error('zip')) : resolve(z),
    ),
  ).catch(() => {
    throw notWorkbook('arsip ZIP rusak', 'damaged zip archive');
  });
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new WorkbookRejectedError(
      `Berkas ditolak: terlalu banyak bagian di dalam arsip (${zip.entryCount}).`,
      `File rejected: too many parts (${zip.entryCount}).`,
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
        if (entry.isEncrypted()) return reject(notWorkbook('arsip terenkripsi', 'encrypted archive'));
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
    throw new WorkbookRejectedError(
      'Berkas ditolak: arsipnya rusak atau isinya tidak sesuai ukuran yang dinyatakan.',
      `File rejected: the archive is damaged or its entries do not match their declared sizes (${(err as Error).message}).`,
    );
  } finally {
    zip.close();
  }
  if (!entries.has('xl/workbook.xml'))
    throw notWorkbook('arsip ZIP yang bukan buku kerja Excel', 'a zip that is not a workbook');
  return entries;
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const ROW_TAG = /<(?:\w+:)?row[\s>/]/g;
const CELL_TAG = /<(?:\w+:)?c[\s>/]/g;
const EXPANDED = /<((?:\w+:)?)(dataValidations|mergeCells)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1\2>)/g;

/** A stored (uncompressed) zip of the given entries. */
function storedZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(20, 6);
    head.writeUInt16LE(0x0800, 8);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(data.length, 20);
    head.writeUInt32LE(data.length, 24);
    head.writeUInt16LE(fileName.length, 28);
    head.writeUInt32LE(offset, 42);
    parts.push(local, fileName, data);
    central.push(head, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/**
 * Loads an untrusted workbook: inflate under limits, check the worksheets' size, strip the
 * ranges exceljs would expand, and only then hand it to exceljs.
 */
export async function loadUploadedWorkbook(buf: Buffer, limits = UPLOAD_LIMITS): Promise<ExcelJS.Workbook> {
  const entries = await inflateWorkbook(buf, limits);
  let rows = 0;
  let cells = 0;
  const out: Array<{ name: string; data: Buffer }> = [];
  for (const [name, data] of entries) {
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name)) {
      const xml = data.toString('utf8');
      rows += count(xml, ROW_TAG);
      cells += count(xml, CELL_TAG);
      out.push({ name, data: Buffer.from(xml.replace(EXPANDED, ''), 'utf8') });
    } else out.push({ name, data });
  }
  if (rows > limits.maxRows || cells > limits.maxCells) {
    throw new WorkbookRejectedError(
      `Berkas ditolak: terlalu besar untuk sebuah templat penilaian (${rows} baris, ${cells} sel).`,
      `File rejected: too large for a self-assessment template (${rows} rows, ${cells} cells).`,
    );
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(storedZip(out) as unknown as ExcelJS.Buffer);
  } catch {
    throw new WorkbookRejectedError('Berkas XLSX tidak dapat dibaca.', 'The XLSX file cannot be read.');
  }
  return wb;
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
