import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { formatDecimal } from '../../domain/charts/index.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { buildFinishedCycle, type FixtureCycle } from './fixtures.test-helpers.js';
import { SYSTEM_READER } from './reports.data.js';
import { cycleSummaryDoc, unitReportDoc } from './reports.pdf.js';

let t: TestApp;
let previous: FixtureCycle;
let current: FixtureCycle;
let open: FixtureCycle;
let coordinator: Client;
let operator: Client;
let leader: Client;
let assessor: Client;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-reports-'));

const INCLUDE = ['61-DISKOMINFO', '61-DINKES'];

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  previous = await buildFinishedCycle(t.database, t.app.services, {
    name: 'Evaluasi Digitalisasi SKPD 2025',
    periodStart: '2025-01-01',
    periodEnd: '2025-12-31',
    include: INCLUDE,
    seed: 7,
    shift: -0.4,
  });
  current = await buildFinishedCycle(t.database, t.app.services, {
    include: INCLUDE,
    unitCount: 10,
    previousCycleId: previous.cycleId,
    seed: 11,
  });
  open = await buildFinishedCycle(t.database, t.app.services, {
    name: 'Evaluasi Digitalisasi SKPD 2027',
    periodStart: '2027-01-01',
    periodEnd: '2027-12-31',
    include: INCLUDE,
    unitCount: 4,
    unfinished: 2,
    status: 'open',
    seed: 5,
  });
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
  operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
  leader = await login(t.app, 'gubernur@mercusuar.test');
  assessor = await login(t.app, 'asesor@mercusuar.test');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function workbook(res: { rawPayload: Buffer }) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
  return wb;
}

const cellValue = (v: ExcelJS.CellValue) => (v === undefined ? null : v);
const numOrNull = (s: string | null | undefined) => (s === null || s === undefined ? null : Number(s));

function pdfText(buf: Buffer, name: string) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, buf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  return { text, pages, info };
}

describe('cycle results workbook', () => {
  it('holds exactly the values of the results API, row by row, with frozen header, filter and number formats', async () => {
    const api = (await coordinator.get(`/api/cycles/${current.cycleId}/results`)).json();
    const res = await coordinator.get(`/api/cycles/${current.cycleId}/reports/results.xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="hasil-evaluasi-digitalisasi-skpd-2026\.xlsx"/,
    );
    const wb = await workbook(res);
    const ws = wb.getWorksheet('Peringkat')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, xSplit: 3 });
    expect(ws.autoFilter).toBeTruthy();
    const headers = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    expect(headers.slice(0, 8)).toEqual([
      'Peringkat',
      'Kode Unit',
      'Nama Unit',
      'Jenis Unit',
      'Status Penilaian',
      'Final',
      'Indeks Terverifikasi',
      'Predikat',
    ]);
    const col = (h: string) => headers.indexOf(h) + 1;
    expect(api.units.length).toBe(10);
    expect(ws.rowCount).toBe(1 + api.units.length);
    api.units.forEach((u: any, i: number) => {
      const row = ws.getRow(i + 2);
      expect(cellValue(row.getCell(col('Peringkat')).value)).toBe(u.rank);
      expect(row.getCell(col('Kode Unit')).value).toBe(u.unit.code);
      expect(row.getCell(col('Nama Unit')).value).toBe(u.unit.name);
      expect(cellValue(row.getCell(col('Indeks Terverifikasi')).value)).toBe(numOrNull(u.verifiedIndex));
      expect(row.getCell(col('Indeks Terverifikasi')).numFmt).toBe('0.00');
      expect(cellValue(row.getCell(col('Predikat')).value)).toBe(u.predicate);
      expect(cellValue(row.getCell(col('Indeks Mandiri')).value)).toBe(numOrNull(u.selfIndex));
      expect(cellValue(row.getCell(col('Perubahan')).value)).toBe(numOrNull(u.change));
      expect(cellValue(row.getCell(col('Indeks Siklus Sebelumnya')).value)).toBe(numOrNull(u.previousIndex));
      expect(cellValue(row.getCell(col('Kelengkapan Bukti')).value)).toBe(numOrNull(u.evidenceCompleteness));
      for (const d of u.domains) {
        const h = headers.find((x) => typeof x === 'string' && x.startsWith(`Indeks ${d.code} `)) as string;
        expect(cellValue(row.getCell(col(h)).value)).toBe(numOrNull(d.index));
      }
      expect(cellValue(row.getCell(col('Hash Snapshot Skor (SHA-256)')).value)).toBe(u.snapshotHash);
      // The number shown is the exact reported text: 2 decimals, no binary noise.
      if (u.verifiedIndex)
        expect(Number(row.getCell(col('Indeks Terverifikasi')).value).toFixed(2)).toBe(u.verifiedIndex);
    });
    // The change column is filled from the previous cycle.
    expect(api.units.some((u: any) => u.change !== null)).toBe(true);
    const dist = wb.getWorksheet('Sebaran Predikat')!;
    const counts = new Map<string, number>();
    dist.eachRow((r, n) => {
      if (n > 1) counts.set(String(r.getCell(1).value), Number(r.getCell(3).value));
    });
    for (const d of api.aggregate.predicateDistribution) expect(counts.get(d.predicate)).toBe(d.count);
    expect(wb.getWorksheet('Keterangan')).toBeTruthy();
  });

  it('limits rows to the caller’s scope: the Diskominfo operator gets only Diskominfo', async () => {
    const res = await operator.get(`/api/cycles/${current.cycleId}/reports/results.xlsx`);
    expect(res.statusCode).toBe(200);
    const ws = (await workbook(res)).getWorksheet('Peringkat')!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(2).value).toBe('61-DISKOMINFO');
  });

  it('answers 404 to an assessor (no results.read) and 401 without a session', async () => {
    expect((await assessor.get(`/api/cycles/${current.cycleId}/reports/results.xlsx`)).statusCode).toBe(404);
    const anon = await t.app.inject({ url: `/api/cycles/${current.cycleId}/reports/results.xlsx` });
    expect(anon.statusCode).toBe(401);
  });
});

describe('units × indicators matrix', () => {
  it('shows each unit’s self level and the frozen verified level of every indicator', async () => {
    const res = await leader.get(`/api/cycles/${current.cycleId}/reports/matrix.xlsx`);
    expect(res.statusCode).toBe(200);
    const wb = await workbook(res);
    const ws = wb.getWorksheet('Matriks')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const headers = (ws.getRow(2).values as ExcelJS.CellValue[]).slice(1) as string[];
    const c = current.compiled;
    expect(headers.length).toBe(7 + 2 * c.indicatorCount);
    const { db } = t.database;
    const responses = await db.query.responses.findMany();
    const snapshots = await db.query.scoreSnapshots.findMany();
    const byAssessment = new Map(current.units.map((u) => [u.code, u.assessmentId]));
    let checked = 0;
    ws.eachRow((row, n) => {
      if (n <= 2) return;
      const code = String(row.getCell(1).value);
      const assessmentId = byAssessment.get(code)!;
      const snap = snapshots.find((s) => s.assessmentId === assessmentId)!;
      const levels = new Map(
        (snap.result as any).nodes.map((x: any) => [x.code, x.status === 'not_applicable' ? 'NA' : x.level]),
      );
      for (let i = 0; i < c.indicatorCount; i++) {
        const ind = c.indicatorCode[i]!;
        const self = responses.find((r) => r.assessmentId === assessmentId && r.indicatorCode === ind);
        const expectedSelf = self ? (self.notApplicable ? 'NA' : self.level) : 'NA';
        expect(cellValue(row.getCell(8 + 2 * i).value), `${code} ${ind} self`).toBe(expectedSelf);
        expect(cellValue(row.getCell(9 + 2 * i).value), `${code} ${ind} verified`).toBe(
          levels.get(ind) ?? null,
        );
        checked++;
      }
    });
    expect(checked).toBe(10 * c.indicatorCount);
  });
});

describe('unit report PDF', () => {
  it('names the unit, index, predicate, rank and snapshot hash, with page X of Y on every page', async () => {
    const unit = current.units.find((u) => u.code === '61-DISKOMINFO')!;
    const api = (await operator.get(`/api/cycles/${current.cycleId}/results`)).json().units[0];
    const res = await operator.get(`/api/assessments/${unit.assessmentId}/report.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages, info } = pdfText(res.rawPayload, 'unit.pdf');
    expect(text).toContain('LAPORAN HASIL EVALUASI');
    expect(text).toContain(unit.name.slice(0, 40));
    expect(text).toContain(formatDecimal(api.verifiedIndex, { decimals: 2 }));
    expect(api.verifiedIndex).toMatch(/^\d\.\d\d$/);
    expect(text).toContain(api.predicate);
    expect(text).toContain(`${api.rank} dari 10 unit`);
    expect(text).toContain(unit.snapshotHash!);
    expect(pages).toBeGreaterThanOrEqual(5);
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Halaman ${p} dari ${pages}`);
    expect(text).toContain('Mercusuar 0.1.0');
    expect(text).toMatch(
      /\d+ (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4} pukul \d\d\.\d\d WIB/,
    );
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(text).toContain('Rekomendasi');
    expect(text).toContain('SHA-256:');
  });

  it('lists recommendations by largest exact gain first with the next level’s criterion', async () => {
    const unit = current.units.find((u) => u.code === '61-DINKES')!;
    const d = await t.app.services.reports.data.unitReport(unit.assessmentId);
    expect(d.recommendations.length).toBeGreaterThan(0);
    const gains = d.recommendations.map((r) => Number(r.gain));
    expect([...gains].sort((a, b) => b - a)).toEqual(gains);
    for (const r of d.recommendations) {
      const i = current.compiled.indicatorByCode.get(r.code)!;
      const node = current.compiled.nodeSource[current.compiled.indicatorNode[i]!] as any;
      expect(r.criterion).toBe(node.criteria[r.level]);
      expect(r.nextLevel).toBe(r.level + 1);
    }
  });

  it('marks a provisional assessment and shows no snapshot hash', async () => {
    const unit = open.units.find((u) => u.state === 'submitted')!;
    const res = await coordinator.get(`/api/assessments/${unit.assessmentId}/report.pdf`);
    expect(res.statusCode).toBe(200);
    const { text } = pdfText(res.rawPayload, 'provisional.pdf');
    expect(text).toContain('nilai sementara');
    expect(text).toContain('belum ada (nilai sementara)');
  });

  it('uses only characters the embedded Roboto can draw (a missing glyph prints as nothing)', async () => {
    const require = createRequire(import.meta.url);
    const fontkit = require('fontkit') as {
      openSync(p: string): { hasGlyphForCodePoint(c: number): boolean };
    };
    const fonts = ['Roboto-Regular.ttf', 'Roboto-Medium.ttf'].map((f) =>
      fontkit.openSync(require.resolve(`pdfmake/fonts/Roboto/${f}`)),
    );
    const unit = current.units.find((u) => u.code === '61-DINKES')!;
    const docs = [
      unitReportDoc(await t.app.services.reports.data.unitReport(unit.assessmentId)),
      cycleSummaryDoc(await t.app.services.reports.data.cycleReport(SYSTEM_READER, current.cycleId)),
    ];
    const texts: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node === 'string') texts.push(node);
      else if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) if (k !== 'svg') walk(v);
      }
    };
    for (const d of docs) {
      walk(d.content);
      walk((d.footer as (p: number, n: number) => unknown)(1, 1));
    }
    const missing = new Set<string>();
    for (const ch of texts.join('')) {
      const cp = ch.codePointAt(0)!;
      if (cp > 0x20 && !fonts.every((f) => f.hasGlyphForCodePoint(cp))) missing.add(ch);
    }
    expect([...missing]).toEqual([]);
  });

  it('answers 404 for another unit’s report', async () => {
    const other = current.units.find((u) => u.code === '61-DINKES')!;
    expect((await operator.get(`/api/assessments/${other.assessmentId}/report.pdf`)).statusCode).toBe(404);
  });
});

describe('cycle summary PDF', () => {
  it('shows ranking, distribution, laggards and trend for leadership with the results hash', async () => {
    const api = (await leader.get(`/api/cycles/${current.cycleId}/results`)).json();
    const res = await leader.get(`/api/cycles/${current.cycleId}/reports/summary.pdf`);
    expect(res.statusCode).toBe(200);
    const { text, pages } = pdfText(res.rawPayload, 'summary.pdf');
    expect(text).toContain('RINGKASAN HASIL EVALUASI');
    expect(text).toContain('Peringkat unit');
    expect(text).toContain('Sebaran predikat');
    expect(text).toContain('Peta panas');
    expect(text).toContain('Unit yang tertinggal');
    expect(text).toContain('Tren antarsiklus');
    expect(text).toContain(formatDecimal(api.aggregate.meanIndex, { decimals: 2 }));
    expect(text).toContain('Evaluasi Digitalisasi SKPD 2025');
    for (const u of api.units) expect(text).toContain(u.unit.name.slice(0, 30));
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Halaman ${p} dari ${pages}`);
    expect(text).toMatch(/Hash hasil siklus \(SHA-256\): [0-9a-f]{64}/);
  });
});

describe('assessment workbook', () => {
  it('holds every answer, justification, verification reason and the evidence with SHA-256', async () => {
    const unit = current.units.find((u) => u.code === '61-DISKOMINFO')!;
    const res = await operator.get(`/api/assessments/${unit.assessmentId}/report.xlsx`);
    expect(res.statusCode).toBe(200);
    const wb = await workbook(res);
    const ws = wb.getWorksheet('Jawaban')!;
    const headers = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1) as string[];
    const col = (h: string) => headers.indexOf(h) + 1;
    const { db } = t.database;
    const responses = (await db.query.responses.findMany()).filter(
      (r) => r.assessmentId === unit.assessmentId,
    );
    const verifications = (await db.query.verifications.findMany()).filter(
      (r) => r.assessmentId === unit.assessmentId,
    );
    let n = 0;
    ws.eachRow((row, r) => {
      if (r === 1) return;
      const code = String(row.getCell(1).value);
      const s = responses.find((x) => x.indicatorCode === code);
      const v = verifications.find((x) => x.indicatorCode === code);
      expect(cellValue(row.getCell(col('Tingkat Mandiri')).value)).toBe(
        s ? (s.notApplicable ? 'NA' : s.level) : null,
      );
      expect(cellValue(row.getCell(col('Justifikasi')).value)).toBe(s?.justification ?? null);
      expect(cellValue(row.getCell(col('Tingkat Terverifikasi')).value)).toBe(
        v ? (v.notApplicable ? 'NA' : v.level) : null,
      );
      if (v?.note) expect(row.getCell(col('Catatan Asesor')).value).toBe(v.note);
      n++;
    });
    expect(n).toBe(current.compiled.indicatorCount);
    const ev = wb.getWorksheet('Bukti')!;
    const shaCol = (ev.getRow(1).values as string[]).indexOf('SHA-256');
    const shas: string[] = [];
    ev.eachRow((row, r) => {
      if (r > 1 && row.getCell(shaCol).value) shas.push(String(row.getCell(shaCol).value));
    });
    expect(shas.length).toBe(1);
    expect(shas[0]).toMatch(/^[0-9a-f]{64}$/);
    const dateCol = (ev.getRow(1).values as string[]).indexOf('Tanggal Dokumen');
    let fileRow = 2;
    while (!ev.getRow(fileRow).getCell(shaCol).value) fileRow++;
    const dated = ev.getRow(fileRow).getCell(dateCol);
    expect(dated.value).toEqual(new Date('2026-01-15T00:00:00Z'));
    expect(dated.numFmt).toBe('dd/mm/yyyy');
  });

  it('lets the assigned assessor read the workbook but not another unit operator', async () => {
    const unit = current.units.find((u) => u.code === '61-DINKES')!;
    expect((await assessor.get(`/api/assessments/${unit.assessmentId}/report.xlsx`)).statusCode).toBe(200);
    expect((await operator.get(`/api/assessments/${unit.assessmentId}/report.xlsx`)).statusCode).toBe(404);
  });
});
