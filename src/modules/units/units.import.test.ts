import { crc32, deflateRawSync } from 'node:zlib';
import { eq, like } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { auditLog, units } from '../../db/schema/index.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { inflateZip, readGrid, sanitizeWorkbook, XLSX_LIMITS } from './units.files.js';

let t: TestApp;
let admin: Client;
let coordinator: Client;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  admin = await login(t.app, 'admin@mercusuar.test');
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
});
afterAll(() => t.close());

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const upload = (c: Client, body: Buffer | string, query = 'dryRun=false', type = 'text/csv') =>
  c.request('POST', `/api/units/import?${query}`, Buffer.from(body), { 'content-type': type });

const countUnits = async (prefix: string) =>
  (
    await t.database.db
      .select()
      .from(units)
      .where(like(units.code, `${prefix}%`))
  ).length;

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A minimal deflate zip; `declaredSize` lets a test lie about an entry's inflated size. */
function zip(entries: Array<{ name: string; data: Buffer | string; declaredSize?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data);
    const packed = deflateRawSync(data, { level: 9 });
    const name = Buffer.from(e.name);
    const size = e.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

describe('unit import', () => {
  it('creates the units of a valid CSV, parents before children in any row order, with one audit entry each', async () => {
    const csv = [
      'code,name,shortName,type,parentCode,active,address,latitude,longitude',
      'A1-SEKSI,Seksi Jaringan,,bidang,A1-BIDANG,,,,',
      'A1-BIDANG,Bidang Infrastruktur TIK,Bid. Infra,bidang,61-DISKOMINFO,true,"Jl. Ahmad Yani, Pontianak",-0.0263,109.3425',
      'A1-UPT,UPT Data Center,,UPT,61-DISKOMINFO,ya,,,',
    ].join('\n');
    const res = await upload(admin, csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      dryRun: false,
      summary: { create: 3, update: 0, unchanged: 0 },
      rows: [
        { row: 2, code: 'A1-SEKSI', action: 'create', changes: [] },
        { row: 3, code: 'A1-BIDANG', action: 'create', changes: [] },
        { row: 4, code: 'A1-UPT', action: 'create', changes: [] },
      ],
    });
    const units = (await admin.get('/api/units?root=A1-BIDANG')).json().items;
    expect(units).toHaveLength(2);
    expect(units.find((u: { code: string }) => u.code === 'A1-SEKSI')).toMatchObject({
      parentCode: 'A1-BIDANG',
      depth: 3,
    });
    expect(units.find((u: { code: string }) => u.code === 'A1-BIDANG')).toMatchObject({
      address: 'Jl. Ahmad Yani, Pontianak',
      latitude: '-0.026300',
      shortName: 'Bid. Infra',
    });
    const audits = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'unit.create'));
    const audited = audits.map((a) => (a.after as { code: string }).code);
    expect(audited).toEqual(expect.arrayContaining(['A1-SEKSI', 'A1-BIDANG', 'A1-UPT']));
    const mine = audits.filter((a) => (a.after as { code: string }).code.startsWith('A1-'));
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((a) => a.requestId)).size).toBe(1);
    expect(mine[0]!.actorEmail).toBe('admin@mercusuar.test');
  });

  it('reads semicolon-separated CSV with a BOM, Indonesian headers and decimal commas', async () => {
    const csv =
      '\uFEFFKode;Nama;Singkatan;Jenis;Kode_Induk;Aktif;Alamat;Lintang;Bujur\r\n' +
      'B1-UPT;UPT Laboratorium Kesehatan;Labkes;upt;61-DINKES;tidak;"Jl. Sutan Syahrir; No. 1";-0,0301;109,3333\r\n';
    const res = await upload(admin, csv, 'dryRun=false&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toEqual({ create: 1, update: 0, unchanged: 0 });
    const [u] = (await admin.get('/api/units?q=B1-UPT')).json().items;
    expect(u).toMatchObject({
      code: 'B1-UPT',
      shortName: 'Labkes',
      active: false,
      address: 'Jl. Sutan Syahrir; No. 1',
      latitude: '-0.030100',
      longitude: '109.333300',
    });
  });

  it('reads an XLSX workbook (numbers and booleans in cells)', async () => {
    const file = await xlsx([
      ['kode', 'nama', 'jenis', 'kode induk', 'aktif', 'lintang', 'bujur'],
      ['C1-BIDANG', 'Bidang Statistik', 'bidang', '61-DISKOMINFO', true, 0.5, 109.1],
      ['C1-SEKSI', 'Seksi Statistik Sektoral', 'bidang', 'C1-BIDANG', false, null, null],
    ]);
    const res = await upload(admin, file, 'dryRun=false&format=xlsx', XLSX_TYPE);
    expect(res.statusCode).toBe(200);
    expect(res.json().summary.create).toBe(2);
    const [seksi] = (await admin.get('/api/units?q=C1-SEKSI')).json().items;
    expect(seksi).toMatchObject({ parentCode: 'C1-BIDANG', active: false, depth: 3 });
  });

  it('writes nothing when one row is bad and lists every bad row with its row and column', async () => {
    const csv = [
      'code,name,type,parentCode,latitude',
      'D1-OK,Unit Baik,upt,61-DISKOMINFO,',
      'D1-BAD TYPE,Unit Buruk,kantor,61-DISKOMINFO,',
      'D1-NOPARENT,Tanpa Induk,upt,XX-TIDAK-ADA,',
      'D1-OK,Duplikat,upt,61-DISKOMINFO,',
      'D1-LAT,Lintang Salah,upt,61-DISKOMINFO,123',
      'D1-KAB,Kabupaten Salah Tempat,kabupaten,61-DISKOMINFO,',
    ].join('\n');
    const before = await countUnits('D1-');
    const res = await upload(admin, csv);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_ERROR');
    const where = body.details.map((d: { row: number; column: string }) => `${d.row}:${d.column}`);
    expect(where).toEqual(
      expect.arrayContaining(['3:code', '3:type', '4:parentCode', '5:code', '6:latitude', '7:type']),
    );
    expect(where.some((w: string) => w.startsWith('2:'))).toBe(false);
    for (const d of body.details) {
      expect(typeof d.message).toBe('string');
      expect(typeof d.messageEn).toBe('string');
    }
    expect(body.details.find((d: { row: number }) => d.row === 5).message).toContain('baris 2');
    expect(await countUnits('D1-')).toBe(before);
  });

  it('reports cycles inside the file as errors on every row of the cycle', async () => {
    const csv = [
      'code,name,type,parentCode',
      'E1-A,Bidang A,bidang,E1-B',
      'E1-B,Bidang B,bidang,E1-C',
      'E1-C,Bidang C,bidang,E1-A',
      'E1-SELF,Bidang Diri,bidang,E1-SELF',
      'E1-FINE,Bidang Baik,bidang,61-DISKOMINFO',
    ].join('\n');
    const res = await upload(admin, csv, 'dryRun=true');
    expect(res.statusCode).toBe(400);
    const rows = res.json().details.map((d: { row: number; column: string }) => [d.row, d.column]);
    expect(rows).toEqual([
      [2, 'parentCode'],
      [3, 'parentCode'],
      [4, 'parentCode'],
      [5, 'parentCode'],
    ]);
    expect(res.json().details[0].message).toContain('Siklus');
  });

  it('dry-run returns the preview and writes nothing', async () => {
    const csv = 'code,name,type,parentCode\nF1-UPT,UPT Pratinjau,upt,61-DISKOMINFO\n';
    const auditsBefore = await t.database.db.$count(auditLog);
    const res = await upload(admin, csv, 'dryRun=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      dryRun: true,
      summary: { create: 1, update: 0, unchanged: 0 },
      rows: [{ row: 2, code: 'F1-UPT', action: 'create' }],
    });
    expect(await countUnits('F1-')).toBe(0);
    expect(await t.database.db.$count(auditLog)).toBe(auditsBefore);
  });

  it('updates units whose code exists (upsert), moves them, and says which columns change', async () => {
    const csv = [
      'code,name,type,parentCode,active',
      'A1-UPT,UPT Pusat Data Provinsi,upt,61-DISKOMINFO,true',
      'A1-SEKSI,Seksi Jaringan,bidang,A1-UPT,',
      'A1-BIDANG,Bidang Infrastruktur TIK,bidang,61-DISKOMINFO,false',
    ].join('\n');
    const preview = await upload(admin, csv, 'dryRun=true');
    expect(preview.json().rows).toEqual([
      { row: 2, code: 'A1-UPT', action: 'update', changes: ['name'] },
      { row: 3, code: 'A1-SEKSI', action: 'update', changes: ['parentCode'] },
      { row: 4, code: 'A1-BIDANG', action: 'update', changes: ['active'] },
    ]);
    const res = await upload(admin, csv);
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toEqual({ create: 0, update: 3, unchanged: 0 });
    const [seksi] = (await admin.get('/api/units?q=A1-SEKSI')).json().items;
    expect(seksi).toMatchObject({ parentCode: 'A1-UPT', depth: 3 });
    const [bidang] = (await admin.get('/api/units?q=A1-BIDANG')).json().items;
    // Columns absent from the file keep their values; given ones change.
    expect(bidang).toMatchObject({
      active: false,
      address: 'Jl. Ahmad Yani, Pontianak',
      shortName: 'Bid. Infra',
    });
    const updates = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'unit.update'));
    const seksiAudit = updates.find((a) => (a.after as { code: string }).code === 'A1-SEKSI')!;
    expect(seksiAudit.before).toMatchObject({ parentCode: 'A1-BIDANG' });
    expect(seksiAudit.after).toMatchObject({ parentCode: 'A1-UPT' });
  });

  it('moves an existing subtree under a unit created in the same file, parents first', async () => {
    const first = 'code,name,type,parentCode\nK1-A,Bidang A,bidang,61-DISKOMINFO\nK1-B,Seksi B,bidang,K1-A\n';
    expect((await upload(admin, first)).statusCode).toBe(200);
    const second = [
      'code,name,type,parentCode',
      'K1-B,Seksi B Baru,bidang,K1-A',
      'K1-A,Bidang A,bidang,K1-NEW',
      'K1-NEW,Bidang Baru,bidang,61-DINKES',
    ].join('\n');
    const res = await upload(admin, second);
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toEqual({ create: 1, update: 2, unchanged: 0 });
    const tree = (await admin.get('/api/units?root=61-DINKES')).json().items;
    const depth = Object.fromEntries(tree.map((u: { code: string; depth: number }) => [u.code, u.depth]));
    expect(depth).toMatchObject({ 'K1-NEW': 2, 'K1-A': 3, 'K1-B': 4 });
    const [b] = (await admin.get('/api/units?q=K1-B')).json().items;
    expect(b.name).toBe('Seksi B Baru');
  });

  it('rejects a type change that its existing children cannot sit under', async () => {
    const res = await upload(
      admin,
      'code,name,type,parentCode\n61,Provinsi Kalimantan Barat,kabupaten,\n',
      'dryRun=true',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0]).toMatchObject({ row: 2, column: 'type' });
    expect(res.json().details[0].message).toContain('Kabupaten/kota hanya dapat berada di bawah provinsi');
  });

  it('round-trips: an exported CSV and XLSX import back as all unchanged', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const exp = await admin.get(`/api/units/export?format=${format}`);
      expect(exp.statusCode).toBe(200);
      expect(exp.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="unit-\\d{8}\\.${format}"$`),
      );
      const file = exp.rawPayload;
      const res = await upload(admin, file, 'dryRun=true', format === 'csv' ? 'text/csv' : XLSX_TYPE);
      expect(res.statusCode).toBe(200);
      const { summary, rows } = res.json();
      expect(summary.create + summary.update).toBe(0);
      expect(summary.unchanged).toBe(await t.database.db.$count(units));
      expect(rows.every((r: { action: string }) => r.action === 'unchanged')).toBe(true);
    }
  });

  it('exports an XLSX with machine headers, a frozen header row and a filter', async () => {
    const exp = await admin.get('/api/units/export?format=xlsx&root=61-DISKOMINFO');
    expect(exp.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exp.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'code',
      'name',
      'shortName',
      'type',
      'parentCode',
      'active',
      'address',
      'latitude',
      'longitude',
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getCell('A2').value).toBe('61-DISKOMINFO');
    expect(ws.getCell('E2').value).toBe('61');
  });

  it('exports only units in the actor’s scope', async () => {
    const operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
    const res = await operator.get('/api/units/export?format=csv');
    expect(res.statusCode).toBe(200);
    const codes = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(codes[0]).toBe('61-DISKOMINFO');
    expect(codes).toContain('A1-UPT');
    expect(codes).not.toContain('61-DINKES');
    expect(codes).not.toContain('61');
    expect((await operator.get('/api/units/export?root=61-DINKES')).statusCode).toBe(404);
  });

  it('refuses a file that is not a spreadsheet with 415', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    const res = await upload(admin, png, 'dryRun=true', 'application/octet-stream');
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const plainZip = zip([{ name: 'readme.txt', data: 'halo' }]);
    expect((await upload(admin, plainZip, 'dryRun=true', XLSX_TYPE)).statusCode).toBe(415);
    const wrongType = await admin.request('POST', '/api/units/import', Buffer.from('{}'), {
      'content-type': 'application/json',
    });
    expect(wrongType.statusCode).toBe(415);
  });

  it('refuses a zip bomb disguised as .xlsx with a clear error and writes nothing', async () => {
    const before = await t.database.db.$count(units);
    const bomb = zip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook/>' },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await upload(admin, bomb, 'dryRun=false&format=xlsx', XLSX_TYPE);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('50 MB');
    expect(await t.database.db.$count(units)).toBe(before);
  });

  it('reads a workbook whose merged cells and validations span the whole sheet without expanding them', async () => {
    const entries = await inflateZip(
      await xlsx([
        ['code', 'name', 'type', 'parentCode'],
        ['H1-UPT', 'UPT Gabungan', 'upt', '61-DISKOMINFO'],
      ]),
    );
    const sheet = entries.get('xl/worksheets/sheet1.xml')!.toString('utf8');
    const bomb = sheet.replace(
      '</sheetData>',
      '</sheetData><mergeCells count="1"><mergeCell ref="A10:XFD1048576"/></mergeCells>' +
        '<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations>',
    );
    expect(bomb).not.toBe(sheet);
    entries.set('xl/worksheets/sheet1.xml', Buffer.from(bomb));
    const file = zip([...entries].map(([name, data]) => ({ name, data })));
    const res = await upload(admin, file, 'dryRun=true', XLSX_TYPE);
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([{ row: 2, code: 'H1-UPT', action: 'create', changes: [] }]);
  });

  it('answers 413 for a file over the import size limit', async () => {
    const big = Buffer.alloc(t.config.importMaxBytes + 1, 0x61);
    const res = await upload(admin, big, 'dryRun=true');
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('forbids an operator to import (403) and rejects rows outside a coordinator’s scope', async () => {
    const operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
    const csv = 'code,name,type,parentCode\nG1-UPT,UPT Lain,upt,61-DISKOMINFO\n';
    expect((await upload(operator, csv, 'dryRun=true')).statusCode).toBe(403);

    const created = await admin.post('/api/users', {
      email: 'koordinator.ptk@mercusuar.test',
      name: 'Koordinator Kota Pontianak',
      password: 'rahasia-sekali-123',
      roles: [{ role: 'coordinator', unitCode: '61.71' }],
    });
    expect(created.statusCode).toBe(201);
    const kota = await login(t.app, 'koordinator.ptk@mercusuar.test', 'rahasia-sekali-123');
    const mixed = [
      'code,name,type,parentCode',
      'G1-PTK,UPT Kota,upt,61.71-DISKOMINFO',
      'G1-PROV,UPT Provinsi,upt,61-DISKOMINFO',
      '61-DINKES,Dinas Kesehatan Baru,dinas,61',
      'G1-ROOT,Kabupaten Baru,kabupaten,',
    ].join('\n');
    const res = await upload(kota, mixed, 'dryRun=false');
    expect(res.statusCode).toBe(400);
    const bad = res.json().details.map((d: { row: number; column: string }) => `${d.row}:${d.column}`);
    expect(bad, JSON.stringify(res.json().details)).toEqual(['3:parentCode', '4:code', '5:parentCode']);
    expect(await countUnits('G1-')).toBe(0);
    // The coordinator of the province may import under the province.
    expect(
      (await upload(coordinator, mixed.split('\n').slice(0, 3).join('\n'), 'dryRun=true')).statusCode,
    ).toBe(200);
  });

  it('rejects unknown columns and a missing code column on the header row', async () => {
    const res = await upload(admin, 'nama,jenis,warna\nUnit,upt,merah\n', 'dryRun=true');
    expect(res.statusCode).toBe(400);
    const where = res.json().details.map((d: { row: number; column: string }) => `${d.row}:${d.column}`);
    expect(where).toEqual(expect.arrayContaining(['1:warna', '1:code']));
  });
});

describe('spreadsheet files', () => {
  it('numbers rows as the spreadsheet does: header is row 1, blank rows keep their number', async () => {
    const grid = await readGrid(Buffer.from('code,name\n\nX,"Baris\ndua baris"\nY,Z\n'));
    expect(grid.headerRow).toBe(1);
    expect(grid.rows.map((r) => r.row)).toEqual([3, 4]);
  });

  it('reads CSV saved by Excel as Windows-1252 and refuses UTF-16 text', async () => {
    const latin = Buffer.from('code;name\nX;Caf\xe9 Pelayanan\n', 'latin1');
    expect((await readGrid(latin)).rows[0]!.cells).toEqual(['X', 'Café Pelayanan']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('code,name\n', 'utf16le')]);
    await expect(readGrid(utf16)).rejects.toMatchObject({ statusCode: 415 });
  });

  it('rejects a workbook with more cells than an import can hold', async () => {
    const entries = await inflateZip(
      await xlsx([['code', 'name'], ...Array.from({ length: 20 }, (_, i) => [`X${i}`, 'Nama'])]),
    );
    expect(() => sanitizeWorkbook(entries, { ...XLSX_LIMITS, maxCells: 30 })).toThrow(/terlalu besar/);
    expect(sanitizeWorkbook(entries, { ...XLSX_LIMITS, maxCells: 50 })).toBeInstanceOf(Buffer);
  });

  it('rejects a zip whose entries inflate beyond their declared size', async () => {
    const entries = [
      { name: 'xl/workbook.xml', data: '<workbook/>' },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(2 * 1024 * 1024, 0x20) },
    ];
    const real = zip(entries);
    // The big entry claims 100 bytes: a library trusting the header would inflate it unchecked.
    const lying = zip([entries[0]!, { ...entries[1]!, declaredSize: 100 }]);
    await expect(
      inflateZip(real, { ...XLSX_LIMITS, maxUncompressedBytes: 4 * 1024 * 1024 }).then((e) => e.size),
    ).resolves.toBe(2);
    await expect(
      inflateZip(lying, { ...XLSX_LIMITS, maxUncompressedBytes: 4 * 1024 * 1024 }),
    ).rejects.toMatchObject({ messageEn: expect.stringContaining('too many bytes') });
  });
});
