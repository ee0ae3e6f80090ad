import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { contentHash, type Instrument, validateInstrument } from '../../domain/instrument/index.js';
import { idpd, idpdRaw, spbe, tinyInstrument } from '../../domain/scoring/fixtures.test-helpers.js';
import { systemContext } from '../../lib/context.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import {
  assertSafeWorkbook,
  instrumentFromWorkbook,
  instrumentToWorkbook,
  columnLetter as letter,
  SHEETS,
  XLSX_MIME,
} from './instruments.xlsx.js';

function valid(doc: unknown): Instrument {
  const r = validateInstrument(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2));
  return r.instrument;
}

async function load(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
}

async function save(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Column number of a header in row 1. */
function column(ws: ExcelJS.Worksheet, header: string): number {
  for (let c = 1; c <= ws.columnCount; c++) if (ws.getRow(1).getCell(c).value === header) return c;
  throw new Error(`no column ${header}`);
}

/** Row number of the node with this code in the Node sheet. */
function nodeRow(ws: ExcelJS.Worksheet, code: string): number {
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === code) return r;
  throw new Error(`no node ${code}`);
}

async function details(
  p: Promise<unknown>,
): Promise<Array<{ path: string; jsonPath?: string; code: string }>> {
  const err = await p.then(
    () => {
      throw new Error('expected a ValidationError');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).details as Array<{ path: string; jsonPath?: string; code: string }>;
}

/** Edits one cell of an exported workbook and returns the new file. */
async function edit(
  instrument: Instrument,
  fn: (wb: ExcelJS.Workbook) => void | Promise<void>,
): Promise<Buffer> {
  const wb = await load(await instrumentToWorkbook(instrument));
  await fn(wb);
  return save(wb);
}

describe('instrument workbook round trip', () => {
  for (const [name, instrument] of [
    ['spbe-2020', spbe],
    ['idpd', idpd],
  ] as const) {
    it(`${name}: JSON → XLSX → JSON gives a deep-equal document with the same content hash`, async () => {
      const back = await instrumentFromWorkbook(await instrumentToWorkbook(instrument));
      expect(back).toEqual(instrument);
      expect(JSON.parse(JSON.stringify(back))).toStrictEqual(JSON.parse(JSON.stringify(instrument)));
      expect(contentHash(back)).toBe(contentHash(instrument));
    });
  }

  it('keeps JSON numbers as numbers and decimal strings as text cells, so the hash survives either spelling', async () => {
    const doc = tinyInstrument(['0.595', '0.405']);
    doc.nodes[0].children[0].weight = 0.595; // a JSON number
    const instrument = valid(doc);
    const buf = await instrumentToWorkbook(instrument);
    const ws = (await load(buf)).getWorksheet(SHEETS.nodes)!;
    const w = column(ws, 'weight');
    expect(ws.getRow(nodeRow(ws, 'I1')).getCell(w).value).toBe(0.595);
    expect(ws.getRow(nodeRow(ws, 'I2')).getCell(w).value).toBe('0.405');
    expect(ws.getRow(nodeRow(ws, 'G')).getCell(w).value).toBe('1');
    const back = await instrumentFromWorkbook(buf);
    expect(back.nodes[0]!.weight).toBe('1');
    expect((back.nodes[0] as { children: Array<{ weight: unknown }> }).children.map((c) => c.weight)).toEqual(
      [0.595, '0.405'],
    );
    expect(contentHash(back)).toBe(contentHash(instrument));
  });

  it('round-trips every optional field, awkward texts and lists, metric fields and the crosswalk', async () => {
    const doc = idpdRaw();
    doc.version = '9-test';
    doc.crosswalk = {
      fromVersion: '1',
      map: { 'INF-01': 'INF-01', 'old,code': 'SDM-01' },
      notes: 'dipetakan',
    };
    const first = doc.nodes[0];
    first.aliases = ['Infra, jaringan', 'Baris\nkedua'];
    first.notes = '  spasi di depan dan belakang  ';
    first.description = 'Teks _x0041_ harfiah, CR\r\nLF dan kontrol \u0007 tetap utuh.';
    const ind = first.children[0];
    ind.criteriaEn = ['one', 'two', '', 'four', 'five'];
    ind.aliases = [];
    ind.sourceRefs = ['product'];
    ind.criteriaSource = 'sumber kriteria';
    ind.applicability = ['dinas', 'badan'];
    doc.levelModels[0].levels[0].meaningEn = 'Initial';
    doc.levelModels[0].levels[0].status = 'own';
    doc.predicateBands[0].notes = 'batas atas termasuk';
    doc.sources[0].url = 'https://example.go.id/a?b=c';
    const instrument = valid(doc);
    const back = await instrumentFromWorkbook(await instrumentToWorkbook(instrument));
    expect(back).toStrictEqual(instrument);
    expect(contentHash(back)).toBe(contentHash(instrument));
  });

  it('lays the workbook out for people: named sheets, frozen headers, widths, wrapped criteria', async () => {
    const wb = await load(await instrumentToWorkbook(spbe));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Instrumen',
      'Node',
      'Model Level',
      'Predikat',
      'Sumber',
      'Crosswalk',
      'Petunjuk',
    ]);
    const ws = wb.getWorksheet('Node')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const c1 = column(ws, 'criteria1');
    expect(ws.getColumn(c1).width).toBeGreaterThanOrEqual(40);
    expect(ws.getRow(nodeRow(ws, '1')).getCell(c1).alignment?.wrapText).toBe(true);
    // one row per node, pre-order: D1, A1, 1, …
    expect([2, 3, 4].map((r) => ws.getRow(r).getCell(1).value)).toEqual(['D1', 'A1', '1']);
    expect(ws.rowCount).toBe(1 + 4 + 8 + 47);
    const meta = wb.getWorksheet('Instrumen')!;
    const rows = meta.getSheetValues().slice(2) as unknown[][];
    expect(rows.find((r) => r[1] === 'rounding.decimals')?.[2]).toBe(2);
    expect(rows.find((r) => r[1] === 'totalWeight')?.[2]).toBe('100');
  });

  it('reads decimals typed by hand (number cells, decimal comma) and cells Excel stores as numbers', async () => {
    const buf = await edit(spbe, (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const w = column(ws, 'weight');
      ws.getRow(nodeRow(ws, '1')).getCell(w).value = 1.3;
      ws.getRow(nodeRow(ws, '2')).getCell(w).value = '1,3';
    });
    const back = await instrumentFromWorkbook(buf);
    const a1 = (back.nodes[0] as { children: Array<{ children: Array<{ weight: unknown }> }> }).children[0]!;
    expect(a1.children[0]!.weight).toBe(1.3);
    expect(a1.children[1]!.weight).toBe('1.3');
  });
});

describe('instrument workbook errors name the cell', () => {
  it('a weight that is not a number points at its Node cell', async () => {
    let ref = '';
    const buf = await edit(spbe, (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const w = column(ws, 'weight');
      const r = nodeRow(ws, '12');
      ws.getRow(r).getCell(w).value = 'dua koma lima';
      ref = `Node!${letter(w)}${r}`;
    });
    const d = await details(instrumentFromWorkbook(buf));
    expect(ref).toMatch(/^Node!F\d+$/);
    expect(d).toContainEqual(
      expect.objectContaining({
        path: ref,
        jsonPath: '$.nodes[1].children[0].children[1].weight',
        code: 'decimal_format',
      }),
    );
  });

  it('weights that no longer sum to their parent point at the parent weight cell', async () => {
    let parentRef = '';
    const buf = await edit(spbe, (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const w = column(ws, 'weight');
      ws.getRow(nodeRow(ws, '12')).getCell(w).value = '2.6';
      parentRef = `Node!${letter(w)}${nodeRow(ws, 'A2')}`;
    });
    const d = await details(instrumentFromWorkbook(buf));
    expect(d).toContainEqual(expect.objectContaining({ path: parentRef, code: 'weight_sum' }));
  });

  it('reports structural problems at their cells: unknown parent, metric column on a maturity row, bad kind', async () => {
    const refs: Record<string, string> = {};
    const buf = await edit(idpd, (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const p = column(ws, 'parentCode');
      const t1 = column(ws, 'threshold1');
      const k = column(ws, 'kind');
      const r1 = nodeRow(ws, 'INF-04');
      ws.getRow(r1).getCell(p).value = 'NOPE';
      refs.parent = `Node!${letter(p)}${r1}`;
      const r2 = nodeRow(ws, 'SDM-02');
      expect(ws.getRow(r2).getCell(k).value).toBe('maturity');
      ws.getRow(r2).getCell(t1).value = '10';
      refs.threshold = `Node!${letter(t1)}${r2}`;
      const r3 = nodeRow(ws, 'SDM-03');
      ws.getRow(r3).getCell(k).value = 'indikator';
      refs.kind = `Node!${letter(k)}${r3}`;
    });
    const d = await details(instrumentFromWorkbook(buf));
    expect(d).toContainEqual(expect.objectContaining({ path: refs.parent, code: 'unknown_parent' }));
    expect(d).toContainEqual(expect.objectContaining({ path: refs.threshold, code: 'column_not_for_kind' }));
    expect(d).toContainEqual(expect.objectContaining({ path: refs.kind, code: 'node_kind' }));
  });

  it('reports a parentCode cycle and an indicator used as a parent at the parentCode cells', async () => {
    const refs: string[] = [];
    const buf = await edit(idpd, (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const p = column(ws, 'parentCode');
      for (const [code, parent] of [
        ['INF', 'SDM'],
        ['SDM', 'INF'],
        ['APL-01', 'APL-02'],
      ] as const) {
        const r = nodeRow(ws, code);
        ws.getRow(r).getCell(p).value = parent;
        refs.push(`Node!${letter(p)}${r}`);
      }
    });
    const d = await details(instrumentFromWorkbook(buf));
    expect(d.map((x) => [x.path, x.code])).toEqual([
      [refs[2], 'parent_is_indicator'],
      [refs[0], 'parent_cycle'],
      [refs[1], 'parent_cycle'],
    ]);
  });

  it('a level model out of order points at the Model Level cell, quoted as Excel does', async () => {
    const buf = await edit(idpd, (wb) => {
      const ws = wb.getWorksheet(SHEETS.levels)!;
      ws.getRow(3).getCell(column(ws, 'level')).value = 4;
    });
    const d = await details(instrumentFromWorkbook(buf));
    expect(d).toContainEqual(
      expect.objectContaining({ path: "'Model Level'!E3", jsonPath: '$.levelModels[0].levels[1].level' }),
    );
  });

  it('an empty criterion and an unknown column are reported at their cells', async () => {
    let ref = '';
    const buf = await edit(spbe, (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const c = column(ws, 'criteria3');
      const r = nodeRow(ws, '47');
      ws.getRow(r).getCell(c).value = null;
      ref = `Node!${letter(c)}${r}`;
      wb.getWorksheet(SHEETS.bands)!.getRow(1).getCell(9).value = 'warna';
    });
    const d = await details(instrumentFromWorkbook(buf));
    expect(d).toContainEqual(expect.objectContaining({ code: 'unknown_column', path: 'Predikat!I1' }));
    // structural problems are reported first; fix the column and the criterion surfaces
    const fixed = await load(buf);
    fixed.getWorksheet(SHEETS.bands)!.getRow(1).getCell(9).value = null;
    const d2 = await details(instrumentFromWorkbook(await save(fixed)));
    expect(d2).toContainEqual(expect.objectContaining({ path: ref, code: 'criteria_missing' }));
  });

  it('refuses files that are not workbooks with a ValidationError, never a crash', async () => {
    for (const body of [
      Buffer.from('%PDF-1.7 not a workbook'),
      Buffer.from('kode,nama\n1,a\n'),
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
      Buffer.alloc(0),
    ]) {
      const err = await instrumentFromWorkbook(body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).statusCode).toBe(400);
    }
    const zip = await zipOf([{ name: 'hello.txt', data: Buffer.from('hi') }]);
    const err = await instrumentFromWorkbook(zip).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toContain('bukan buku kerja');
  });

  it('rejects a zip bomb (over 50 MB inflated) with 413 before exceljs inflates it', async () => {
    const bomb = await zipOf([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(51 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = await instrumentFromWorkbook(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).statusCode).toBe(413);
    await expect(
      assertSafeWorkbook(await zipOf([{ name: 'xl/workbook.xml', data: Buffer.alloc(2048) }]), {
        maxUncompressedBytes: 1024,
        maxEntries: 10,
      }),
    ).rejects.toMatchObject({ statusCode: 413 });
  });

  it('rejects a workbook with more rows than an instrument can have (413 naming the count), before exceljs reads it', async () => {
    const rows = Array.from({ length: 50_001 }, (_, i) => `<row r="${i + 1}"/>`).join('');
    const big = await zipOf([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: Buffer.from(`<worksheet><sheetData>${rows}</sheetData></worksheet>`),
      },
    ]);
    expect(big.length).toBeLessThan(200 * 1024);
    const err = await instrumentFromWorkbook(big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', details: { rows: 50_001 } });
    expect((err as AppError).message).toMatch(/terlalu besar untuk sebuah instrumen/);
  });
});

/** A minimal deflated zip (local headers, central directory, end record): enough for yauzl and Excel. */
async function zipOf(entries: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(e.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    central.push(dir, name);
    offset += local.length + name.length + packed.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

describe('instrument workbook through the API', () => {
  let t: TestApp;
  let coord: Client;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.instruments.loadBuiltins(systemContext('test'));
    await seedDemoIfEmpty(t.database, t.app.services);
    coord = await login(t.app, 'koordinator@mercusuar.test');
  });
  afterAll(() => t.close());

  const upload = (body: Buffer, query = '?format=xlsx') =>
    coord.request('POST', `/api/instruments/import${query}`, body, { 'content-type': XLSX_MIME });

  it('imports a workbook as a draft and exports it back as the same document', async () => {
    const doc = idpdRaw();
    doc.version = '1.5-xlsx';
    const instrument = valid(doc);
    const res = await upload(await instrumentToWorkbook(instrument));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ code: 'idpd', version: '1.5-xlsx', status: 'draft' });
    expect(res.json().contentHash).toBe(contentHash(instrument));

    const exp = await coord.get('/api/instruments/idpd/versions/1.5-xlsx/export?format=xlsx');
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-type']).toBe(XLSX_MIME);
    const back = await instrumentFromWorkbook(exp.rawPayload);
    expect(contentHash(back)).toBe(contentHash(instrument));
  });

  it('takes the format from the content type when the query has none', async () => {
    const doc = idpdRaw();
    doc.version = '1.6-xlsx';
    const res = await upload(await instrumentToWorkbook(valid(doc)), '');
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe('draft');
  });

  it('answers 400 naming the cell of a broken weight, and stores nothing', async () => {
    const doc = idpdRaw();
    doc.version = '1.7-broken';
    let ref = '';
    const buf = await edit(valid(doc), (wb) => {
      const ws = wb.getWorksheet(SHEETS.nodes)!;
      const w = column(ws, 'weight');
      const r = nodeRow(ws, 'INF-02');
      ws.getRow(r).getCell(w).value = '-4';
      ref = `Node!${letter(w)}${r}`;
    });
    const res = await upload(buf);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
    expect(res.json().details).toContainEqual(
      expect.objectContaining({ path: ref, code: 'weight_not_positive' }),
    );
    expect((await coord.get('/api/instruments/idpd/versions/1.7-broken')).statusCode).toBe(404);
  });

  it('answers 400 for a body that is not a workbook', async () => {
    const res = await upload(Buffer.from('{"code":"x"}'));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('bukan buku kerja');
  });
});
