import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import {
  checkWorkbook,
  detectBinaryFormat,
  inflateWorkbook,
  isZip,
  loadWorkbook,
  problemText,
  refuseWith,
  sanitizeWorkbook,
  type WorkbookGuard,
  type WorkbookLimits,
  type WorkbookProblem,
} from './workbook-guard.js';

const LIMITS: WorkbookLimits = {
  maxUncompressedBytes: 50 * 1024 * 1024,
  maxEntries: 100,
  maxRows: 1_000,
  maxCells: 10_000,
  maxSharedStrings: 10_000,
};

/** Thrown with the problem attached, so a test can assert which guard fired. */
class Refused extends AppError {
  constructor(readonly problem: WorkbookProblem) {
    super(400, 'REFUSED', problem.kind, problem);
  }
}

const guard = (limits: Partial<WorkbookLimits> = {}): WorkbookGuard => ({
  limits: { ...LIMITS, ...limits },
  reject: (p) => new Refused(p),
});

/** The problem a guarded call was refused with (fails the test if it was accepted). */
async function refusal(run: Promise<unknown> | (() => unknown)): Promise<WorkbookProblem> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (err) {
    if (err instanceof Refused) return err.problem;
    throw err;
  }
  throw new Error('expected the workbook to be refused');
}

interface ZipEntry {
  name: string;
  data: Buffer | string;
  /** The uncompressed size written in the headers (default: the real one). */
  declaredSize?: number;
  encrypted?: boolean;
}

/** Little-endian fields of the given byte widths, as one buffer. */
function fields(...pairs: Array<[width: 2 | 4, value: number]>): Buffer {
  const out = Buffer.alloc(pairs.reduce((n, [w]) => n + w, 0));
  let at = 0;
  for (const [w, v] of pairs) at = w === 2 ? out.writeUInt16LE(v, at) : out.writeUInt32LE(v >>> 0, at);
  return out;
}

/** A hand-made deflate zip that may lie about its sizes or claim to be encrypted. */
function zip(entries: ZipEntry[]): Buffer {
  const body: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data);
    const packed = deflateRawSync(data, { level: 9 });
    const name = Buffer.from(e.name);
    const flags = e.encrypted ? 1 : 0;
    const shared = fields(
      [2, 20], // version needed
      [2, flags],
      [2, 8], // deflate
      [4, 0], // time and date
      [4, crc32(data)],
      [4, packed.length],
      [4, e.declaredSize ?? data.length],
      [2, name.length],
      [2, 0], // extra field
    );
    body.push(fields([4, 0x04034b50]), shared, name, packed);
    directory.push(fields([4, 0x02014b50], [2, 20]), shared, fields([2, 0], [2, 0], [2, 0], [4, 0]));
    directory.push(fields([4, offset]), name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(directory);
  const end = fields([4, 0x06054b50], [2, 0], [2, 0], [2, entries.length], [2, entries.length]);
  return Buffer.concat([...body, dir, end, fields([4, dir.length], [4, offset], [2, 0])]);
}

const WORKBOOK = { name: 'xl/workbook.xml', data: '<workbook/>' };

async function smallXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  ws.addRow(['kode', 'nama']);
  ws.addRow(['61-DISKOMINFO', 'Dinas Komunikasi dan Informatika']);
  ws.addRow(['61-DINKES', 'Dinas Kesehatan']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('workbook guard', () => {
  it('builds zips yauzl accepts (the test helper itself)', async () => {
    const entries = await inflateWorkbook(zip([WORKBOOK, { name: 'a.txt', data: 'halo' }]), guard());
    expect([...entries.keys()]).toEqual(['xl/workbook.xml', 'a.txt']);
    expect(entries.get('a.txt')!.toString()).toBe('halo');
  });

  it('refuses a real zip bomb by its declared size before inflating it', async () => {
    const bomb = zip([
      WORKBOOK,
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await refusal(inflateWorkbook(bomb, guard()))).toEqual({
      kind: 'tooLarge',
      limitBytes: 50 * 1024 * 1024,
    });
  });

  it('refuses a zip bomb spread over many honest entries once their sum passes the limit', async () => {
    const parts = Array.from({ length: 6 }, (_, i) => ({
      name: `xl/media/part${i}.bin`,
      data: Buffer.alloc(1024 * 1024, 0x41),
    }));
    const bomb = zip([WORKBOOK, ...parts]);
    expect(
      await refusal(inflateWorkbook(bomb, guard({ maxUncompressedBytes: 5 * 1024 * 1024 }))),
    ).toMatchObject({
      kind: 'tooLarge',
    });
    expect((await inflateWorkbook(bomb, guard({ maxUncompressedBytes: 7 * 1024 * 1024 }))).size).toBe(7);
  });

  it('stops an entry that inflates past the size it declares (a bomb hiding from the size check)', async () => {
    const honest = [
      WORKBOOK,
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(2 * 1024 * 1024, 0x20) },
    ];
    const lying = zip([WORKBOOK, { ...honest[1]!, declaredSize: 100 }]);
    const limits = { maxUncompressedBytes: 1024 * 1024 };
    // Honest, the entry is over the limit; lying, it passes the declared-size check and must be cut off.
    expect(await refusal(inflateWorkbook(zip(honest), guard(limits)))).toMatchObject({ kind: 'tooLarge' });
    const p = await refusal(inflateWorkbook(lying, guard(limits)));
    expect(p).toMatchObject({ kind: 'corrupt', cause: expect.stringContaining('too many bytes') });
  });

  it('refuses more entries than allowed without reading any', async () => {
    const many = zip([
      WORKBOOK,
      ...Array.from({ length: 10 }, (_, i) => ({ name: `p${i}.xml`, data: '<a/>' })),
    ]);
    expect(await refusal(inflateWorkbook(many, guard({ maxEntries: 10 })))).toEqual({
      kind: 'tooManyEntries',
      entries: 11,
      limit: 10,
    });
    expect((await inflateWorkbook(many, guard({ maxEntries: 11 }))).size).toBe(11);
  });

  it('refuses what is not a workbook, naming a recognised format', async () => {
    expect(await refusal(inflateWorkbook(Buffer.alloc(0), guard()))).toEqual({ kind: 'empty' });
    expect(await refusal(inflateWorkbook(Buffer.from('%PDF-1.7\n…'), guard()))).toEqual({
      kind: 'notZip',
      detected: 'PDF',
    });
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(await refusal(inflateWorkbook(xls, guard()))).toEqual({
      kind: 'notZip',
      detected: 'XLS (Excel 97–2003) / OLE',
    });
    expect(await refusal(inflateWorkbook(Buffer.from('kode,nama\n61,Kalbar\n'), guard()))).toEqual({
      kind: 'notZip',
      detected: null,
    });
    const garbage = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect(await refusal(inflateWorkbook(garbage, guard()))).toEqual({ kind: 'damagedZip' });
    const plain = zip([{ name: 'readme.txt', data: 'halo' }]);
    expect(await refusal(inflateWorkbook(plain, guard()))).toEqual({ kind: 'notWorkbook' });
    const locked = zip([{ ...WORKBOOK, encrypted: true }]);
    expect(await refusal(inflateWorkbook(locked, guard()))).toEqual({ kind: 'encrypted' });
  });

  it('recognises zips and common non-workbook formats by their first bytes', () => {
    expect(isZip(zip([WORKBOOK]))).toBe(true);
    expect(isZip(Buffer.from('PK'))).toBe(false);
    expect(detectBinaryFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]))).toBe('PNG');
    expect(detectBinaryFormat(Buffer.from([0xff, 0xfe, 0x41, 0]))).toBe('UTF-16');
    expect(detectBinaryFormat(Buffer.from('code,name\n'))).toBeNull();
  });

  it('loads a valid small xlsx made with exceljs, cell values intact', async () => {
    const wb = await loadWorkbook(await smallXlsx(), guard());
    const ws = wb.getWorksheet('Data')!;
    expect(ws.getRow(2).values).toEqual([undefined, '61-DISKOMINFO', 'Dinas Komunikasi dan Informatika']);
    expect(ws.rowCount).toBe(3);
  });

  it('strips merged and validation ranges exceljs would expand cell by cell, keeping the data', async () => {
    const entries = await inflateWorkbook(await smallXlsx(), guard());
    const sheet = entries.get('xl/worksheets/sheet1.xml')!.toString('utf8');
    const hostile = sheet.replace(
      '</sheetData>',
      '</sheetData><mergeCells count="1"><mergeCell ref="A10:XFD1048576"/></mergeCells>' +
        '<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576">' +
        '<formula1>"a,b"</formula1></dataValidation></dataValidations>',
    );
    expect(hostile).not.toBe(sheet);
    entries.set('xl/worksheets/sheet1.xml', Buffer.from(hostile));
    const file = zip([...entries].map(([name, data]) => ({ name, data })));
    const safe = await checkWorkbook(file, guard());
    const checked = await inflateWorkbook(safe, guard());
    const stripped = checked.get('xl/worksheets/sheet1.xml')!.toString('utf8');
    expect(stripped).not.toMatch(/mergeCell|dataValidation/);
    expect(stripped).toContain('</sheetData>');
    const wb = await loadWorkbook(file, guard());
    expect(wb.getWorksheet('Data')!.getCell('A3').value).toBe('61-DINKES');
  });

  it('counts rows, cells and shared strings over all worksheets against the limits', async () => {
    const entries = await inflateWorkbook(await smallXlsx(), guard());
    const counted = await refusal(() => sanitizeWorkbook(entries, guard({ maxCells: 5 })));
    expect(counted).toEqual({ kind: 'tooManyCells', rows: 3, cells: 6, sharedStrings: 6 });
    expect(sanitizeWorkbook(entries, guard({ maxRows: 3, maxCells: 6, maxSharedStrings: 6 }))).toBeInstanceOf(
      Buffer,
    );
    expect(await refusal(() => sanitizeWorkbook(entries, guard({ maxRows: 2 })))).toMatchObject({
      kind: 'tooManyCells',
    });
    expect(await refusal(() => sanitizeWorkbook(entries, guard({ maxSharedStrings: 5 })))).toMatchObject({
      kind: 'tooManyCells',
    });
    // A shared-string table far larger than the cells that use it is refused too.
    const strings = `<sst>${'<si><t>x</t></si>'.repeat(20_000)}</sst>`;
    entries.set('xl/sharedStrings.xml', Buffer.from(strings));
    expect(await refusal(() => sanitizeWorkbook(entries, guard()))).toMatchObject({ sharedStrings: 20_000 });
  });

  it('answers an unreadable workbook with the caller’s error, not a crash', async () => {
    const broken = zip([
      { name: 'xl/workbook.xml', data: '<workbook><<<' },
      { name: '[Content_Types].xml', data: '<' },
    ]);
    expect(await refusal(loadWorkbook(broken, guard()))).toMatchObject({ kind: 'unreadable' });
  });

  it('throws exactly the error the caller builds (class, status code, details)', async () => {
    const tooBig = (p: WorkbookProblem) => new AppError(413, 'PAYLOAD_TOO_LARGE', p.kind, { p });
    const err = await checkWorkbook(zip([WORKBOOK, { name: 'big', data: Buffer.alloc(4096) }]), {
      limits: { ...LIMITS, maxUncompressedBytes: 1024 },
      reject: tooBig,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'tooLarge' });
  });
});

describe('workbook refusal wording', () => {
  const reject = refuseWith({
    notWorkbook: (r) => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `Bukan buku kerja: ${r.id}.`, null, r.en),
    refuse: (message, messageEn) => new AppError(400, 'VALIDATION_ERROR', message, null, messageEn),
    prefix: { id: 'Berkas ditolak', en: 'File rejected' },
    reasons: { tooLarge: (r) => ({ id: `${r.id} (zip bomb)`, en: `${r.en} (zip bomb)` }) },
  });

  it('answers "not a workbook" problems one way and every other refusal another', () => {
    for (const p of [
      { kind: 'notZip', detected: 'PDF' },
      { kind: 'damagedZip' },
      { kind: 'encrypted' },
      { kind: 'notWorkbook' },
    ] as const) {
      expect(reject(p).statusCode).toBe(415);
    }
    expect(reject({ kind: 'notZip', detected: 'PDF' }).message).toBe('Bukan buku kerja: terdeteksi PDF.');
    expect(reject({ kind: 'empty' })).toMatchObject({ statusCode: 400, message: 'Berkas kosong.' });
    expect(reject({ kind: 'unreadable', cause: 'x' }).message).toBe('Berkas XLSX tidak dapat dibaca.');
    expect(reject({ kind: 'tooManyEntries', entries: 9, limit: 5 })).toMatchObject({
      statusCode: 400,
      message: 'Berkas ditolak: terlalu banyak bagian (9).',
      messageEn: 'File rejected: too many parts (9).',
    });
  });

  it('lets a caller put its own words on a reason', () => {
    expect(reject({ kind: 'tooLarge', limitBytes: 20 * 1024 * 1024 })).toMatchObject({
      message: 'Berkas ditolak: isinya melebihi 20 MB setelah diekstrak (zip bomb).',
      messageEn: 'File rejected: it expands beyond 20 MB when unzipped (zip bomb).',
    });
  });

  it('words every problem in Indonesian and English', () => {
    const all: WorkbookProblem[] = [
      { kind: 'empty' },
      { kind: 'notZip', detected: null },
      { kind: 'damagedZip' },
      { kind: 'encrypted' },
      { kind: 'tooManyEntries', entries: 3, limit: 2 },
      { kind: 'tooLarge', limitBytes: 1 },
      { kind: 'corrupt', cause: 'too many bytes in the stream' },
      { kind: 'notWorkbook' },
      { kind: 'tooManyCells', rows: 1, cells: 2, sharedStrings: 3 },
      { kind: 'unreadable', cause: 'bad xml' },
    ];
    const texts = all.map(problemText);
    for (const t of texts) {
      expect(t.id).toMatch(/\S/);
      expect(t.en).toMatch(/\S/);
      expect(t.id).not.toBe(t.en);
    }
    expect(new Set(texts.map((t) => t.id)).size).toBe(all.length);
    expect(problemText({ kind: 'corrupt', cause: 'too many bytes in the stream' }).en).toContain(
      'too many bytes',
    );
  });
});
