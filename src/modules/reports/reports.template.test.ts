import archiver from 'archiver';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { addLinkEvidence, ensureIdpd, fillDirect, phasesAround } from '../cycles/cycles.test-helpers.js';
import { META_SHEET, TEMPLATE_COLUMNS, TEMPLATE_SHEET } from './reports.template.js';

let t: TestApp;
let coordinator: Client;
let operator: Client;
let instrumentVersionId: string;
let assessmentId: string; // Diskominfo, cycle A
let dinkesAssessmentId: string; // Dinkes, cycle B
let otherCycleAssessmentId: string; // Diskominfo, cycle C
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function openCycle(name: string, scopeUnitCode: string) {
  const created = await coordinator.post('/api/cycles', {
    name,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    instrumentVersionId,
    scopeUnitCode,
    phases: phasesAround('open'),
    targetIndex: '2.60',
    evidenceThreshold: 2,
    requireSignoff: false,
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const id = created.json().id;
  const opened = await coordinator.post(`/api/cycles/${id}/open`);
  if (opened.statusCode !== 200) throw new Error(opened.body);
  const list = await coordinator.get(`/api/cycles/${id}/assessments`);
  return list.json().items[0].id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  instrumentVersionId = await ensureIdpd(t.database, t.app.services);
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
  operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
  assessmentId = await openCycle('Evaluasi Templat A', '61-DISKOMINFO');
  dinkesAssessmentId = await openCycle('Evaluasi Templat B', '61-DINKES');
  otherCycleAssessmentId = await openCycle('Evaluasi Templat C', '61-DISKOMINFO');
});
afterAll(() => t?.close());

const upload = (client: Client, id: string, body: Buffer, query = '') =>
  client.request('POST', `/api/assessments/${id}/template${query}`, body, { 'content-type': XLSX });

async function download(client: Client, id: string) {
  const res = await client.get(`/api/assessments/${id}/template.xlsx`);
  expect(res.statusCode, res.body).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
  return wb;
}

const col = (key: (typeof TEMPLATE_COLUMNS)[number]['key']) =>
  TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;
function rowOf(wb: ExcelJS.Workbook, code: string) {
  const ws = wb.getWorksheet(TEMPLATE_SHEET)!;
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === code) return ws.getRow(r);
  throw new Error(`no row ${code}`);
}
const toBuffer = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

async function responses(id: string) {
  const detail = (await operator.get(`/api/assessments/${id}`)).json();
  return detail.responses as Array<{
    indicatorCode: string;
    level: number | null;
    notApplicable: boolean;
    metricValue: string | null;
    justification: string | null;
    version: number;
  }>;
}

async function firstCodes() {
  const detail = (await operator.get(`/api/assessments/${assessmentId}`)).json();
  const tree = (await operator.get(detail.instrument.treeUrl)).json();
  const inds: Array<{ code: string; kind: string; naAllowed?: boolean }> = [];
  const walk = (nodes: any[]) => {
    for (const n of nodes) {
      if (n.children) walk(n.children);
      else if (detail.applicableIndicators.includes(n.code)) inds.push(n);
    }
  };
  walk(tree.content.nodes);
  return {
    maturity: inds.filter((i) => i.kind === 'maturity'),
    metric: inds.filter((i) => i.kind === 'metric'),
    noNa: inds.filter((i) => i.kind === 'maturity' && !i.naAllowed),
  };
}

describe('self-assessment template download', () => {
  it('has a row per indicator with criteria, a 1–5/NA drop-down on editable cells only, and a very hidden meta sheet', async () => {
    const wb = await download(operator, assessmentId);
    const ws = wb.getWorksheet(TEMPLATE_SHEET)!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(TEMPLATE_COLUMNS.map((c) => c.header));
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const { maturity } = await firstCodes();
    const row = rowOf(wb, maturity[0]!.code);
    expect(String(row.getCell(col('criteria')).value)).toMatch(/^1: .+\n2: .+\n3: .+\n4: .+\n5: .+$/s);
    const level = row.getCell(col('level'));
    expect(level.dataValidation.type).toBe('list');
    expect(level.dataValidation.formulae[0]).toMatch(/^"1,2,3,4,5(,NA)?"$/);
    expect(level.protection?.locked).toBe(false);
    // Excel locks every cell by default; the sheet is protected so only the unlocked cells can change.
    expect(row.getCell(col('code')).protection?.locked).not.toBe(false);
    expect((ws as unknown as { sheetProtection: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    const meta = wb.getWorksheet(META_SHEET)!;
    expect(meta.state).toBe('veryHidden');
    const values = new Map<string, string>();
    meta.eachRow((r) => values.set(String(r.getCell(1).value), String(r.getCell(2).value)));
    expect(values.get('assessmentId')).toBe(assessmentId);
    expect(values.get('unitCode')).toBe('61-DISKOMINFO');
    expect(values.get('instrumentHash')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 404 for an assessment of another unit', async () => {
    expect((await operator.get(`/api/assessments/${dinkesAssessmentId}/template.xlsx`)).statusCode).toBe(404);
  });
});

describe('self-assessment template upload', () => {
  it('round trip: exactly the edited answers change, through the same save (audited), verified values untouched', async () => {
    const { maturity, metric } = await firstCodes();
    const [m1, m2, m3] = maturity;
    // Answers saved in the app first.
    for (const [code, level] of [
      [m1!.code, 2],
      [m2!.code, 3],
      [m3!.code, 4],
    ] as const) {
      const r = await operator.put(`/api/assessments/${assessmentId}/responses/${code}`, {
        level,
        justification: `awal ${code}`,
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const before = await responses(assessmentId);
    const wb = await download(operator, assessmentId);
    rowOf(wb, m1!.code).getCell(col('level')).value = 4; // changed
    rowOf(wb, m2!.code).getCell(col('justification')).value =
      'Kebijakan sudah ditetapkan dengan SK Kepala Dinas.'; // changed
    rowOf(wb, metric[0]!.code).getCell(col('metric')).value = '12,5'; // new, with a decimal comma
    rowOf(wb, m3!.code).getCell(col('verified')).value = 5; // informational column: ignored

    const res = await upload(operator, assessmentId, await toBuffer(wb));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().saved.sort()).toEqual([m1!.code, m2!.code, metric[0]!.code].sort());
    expect(res.json().problems).toEqual([]);

    const after = await responses(assessmentId);
    const by = (list: typeof after) => new Map(list.map((r) => [r.indicatorCode, r]));
    const b = by(before);
    const a = by(after);
    expect(a.get(m1!.code)).toMatchObject({ level: 4, justification: `awal ${m1!.code}`, version: 2 });
    expect(a.get(m2!.code)).toMatchObject({
      level: 3,
      justification: 'Kebijakan sudah ditetapkan dengan SK Kepala Dinas.',
      version: 2,
    });
    expect(a.get(metric[0]!.code)).toMatchObject({ metricValue: '12.5', version: 1 });
    expect(a.get(m3!.code)).toEqual(b.get(m3!.code));
    expect(after.length).toBe(before.length + 1);

    const audit = await t.database.db.query.auditLog.findMany();
    expect(
      audit.filter(
        (x) =>
          x.action === 'response.save' &&
          (x.after as { assessmentId?: string })?.assessmentId === assessmentId,
      ).length,
    ).toBe(6);
    expect(audit.some((x) => x.action === 'assessment.template_import' && x.entityId === assessmentId)).toBe(
      true,
    );
    expect(await t.database.db.query.verifications.findMany()).toEqual([]);
  });

  it('saves nothing when the same answers come back', async () => {
    const wb = await download(operator, assessmentId);
    const res = await upload(operator, assessmentId, await toBuffer(wb));
    expect(res.statusCode).toBe(200);
    expect(res.json().saved).toEqual([]);
    expect(res.json().unchanged).toBeGreaterThanOrEqual(4);
  });

  it('reports every bad value by sheet, row and column and writes nothing; importValid saves only the good rows', async () => {
    const { maturity, metric, noNa } = await firstCodes();
    const before = await responses(assessmentId);
    const wb = await download(operator, assessmentId);
    const good = maturity[5]!.code;
    rowOf(wb, good).getCell(col('level')).value = 5;
    const outOfRange = rowOf(wb, maturity[6]!.code);
    outOfRange.getCell(col('level')).value = 7;
    const text = rowOf(wb, maturity[7]!.code);
    text.getCell(col('level')).value = 'tiga';
    const textInNumber = rowOf(wb, metric[1]!.code);
    textInNumber.getCell(col('metric')).value = 'banyak';
    const naRow = rowOf(
      wb,
      noNa.find((i) => ![maturity[5], maturity[6], maturity[7]].some((m) => m!.code === i.code))!.code,
    );
    naRow.getCell(col('level')).value = 'NA';
    const buf = await toBuffer(wb);

    const res = await upload(operator, assessmentId, buf);
    expect(res.statusCode).toBe(400);
    const problems = res.json().details as Array<{
      sheet: string;
      row: number;
      column: string;
      message: string;
    }>;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          sheet: TEMPLATE_SHEET,
          row: outOfRange.number,
          column: 'G',
          message: expect.stringContaining('1–5'),
        }),
        expect.objectContaining({
          sheet: TEMPLATE_SHEET,
          row: text.number,
          column: 'G',
          message: expect.stringContaining('"tiga"'),
        }),
        expect.objectContaining({
          sheet: TEMPLATE_SHEET,
          row: textInNumber.number,
          column: 'H',
          message: expect.stringContaining('"banyak"'),
        }),
        expect.objectContaining({ sheet: TEMPLATE_SHEET, row: naRow.number, column: 'G' }),
      ]),
    );
    expect(problems.length).toBe(4);
    expect(await responses(assessmentId)).toEqual(before);

    const partial = await upload(operator, assessmentId, buf, '?importValid=true');
    expect(partial.statusCode, partial.body).toBe(200);
    expect(partial.json().saved).toEqual([good]);
    expect(partial.json().problems.length).toBe(4);
    expect((await responses(assessmentId)).find((r) => r.indicatorCode === good)?.level).toBe(5);
  });

  it('refuses a template whose answer changed in the app after download (no overwrite)', async () => {
    const { maturity } = await firstCodes();
    const code = maturity[0]!.code;
    const wb = await download(operator, assessmentId);
    const current = (await responses(assessmentId)).find((r) => r.indicatorCode === code)!;
    const saved = await operator.put(`/api/assessments/${assessmentId}/responses/${code}`, {
      level: 1,
      justification: 'diubah di aplikasi',
      expectedVersion: current.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    rowOf(wb, code).getCell(col('level')).value = 3;
    const res = await upload(operator, assessmentId, await toBuffer(wb));
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0]).toMatchObject({
      row: rowOf(wb, code).number,
      column: 'G',
      message: expect.stringContaining('diubah di aplikasi'),
    });
    expect((await responses(assessmentId)).find((r) => r.indicatorCode === code)?.level).toBe(1);
  });

  it('refuses edited headers, naming the column', async () => {
    const wb = await download(operator, assessmentId);
    wb.getWorksheet(TEMPLATE_SHEET)!.getRow(1).getCell(col('level')).value = 'Nilai';
    const res = await upload(operator, assessmentId, await toBuffer(wb));
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      expect.objectContaining({
        sheet: TEMPLATE_SHEET,
        row: 1,
        column: 'G',
        message: expect.stringContaining('"Nilai"'),
      }),
    ]);
  });

  it('refuses a template of another unit and of another cycle, naming them', async () => {
    const dinkes = await download(coordinator, dinkesAssessmentId);
    let res = await upload(operator, assessmentId, await toBuffer(dinkes));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('unit lain');
    expect(res.json().message).toContain('61-DINKES');

    const other = await download(operator, otherCycleAssessmentId);
    res = await upload(operator, assessmentId, await toBuffer(other));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('siklus lain');
    expect(res.json().message).toContain('Evaluasi Templat C');
  });

  it('refuses files that are not workbooks and zip bombs before reading them', async () => {
    let res = await upload(operator, assessmentId, Buffer.from('%PDF-1.4\n%…'));
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toContain('bukan buku kerja Excel');
    res = await upload(operator, assessmentId, Buffer.from('kode,tingkat\nINF-01,3\n'));
    expect(res.statusCode).toBe(415);

    const bomb = await zipOf([{ name: 'xl/workbook.xml', data: Buffer.alloc(64 * 1024 * 1024, 0x20) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    res = await upload(operator, assessmentId, bomb);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('zip bomb');

    const notXlsx = await zipOf([{ name: 'readme.txt', data: Buffer.from('halo') }]);
    res = await upload(operator, assessmentId, notXlsx);
    expect(res.statusCode).toBe(415);
  });

  it('never touches a locked (submitted) assessment: changes are refused and nothing is written', async () => {
    const evidenceId = await addLinkEvidence(t.database, '61-DISKOMINFO', 'Bukti uji templat');
    await fillDirect(t.database, otherCycleAssessmentId, { evidenceId });
    const wb = await download(operator, otherCycleAssessmentId);
    const submitted = await operator.post(`/api/assessments/${otherCycleAssessmentId}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const before = await responses(otherCycleAssessmentId);
    const { maturity } = await firstCodes();
    rowOf(wb, maturity[0]!.code).getCell(col('level')).value = 5;
    const res = await upload(operator, otherCycleAssessmentId, await toBuffer(wb), '?importValid=true');
    expect(res.statusCode).toBe(200);
    expect(res.json().saved).toEqual([]);
    expect(res.json().problems[0].message).toContain('tidak dapat diubah');
    expect(await responses(otherCycleAssessmentId)).toEqual(before);
  });

  it('refuses an upload by a user who may not edit the unit’s answers', async () => {
    const wb = await download(coordinator, assessmentId);
    const res = await upload(coordinator, assessmentId, await toBuffer(wb));
    expect(res.statusCode).toBe(403);
  });
});

describe('self-assessment template dry run (?dryRun=true)', () => {
  const writes = async () => {
    const audit = await t.database.db.query.auditLog.findMany();
    return {
      audit: audit.length,
      saves: audit.filter((x) => x.action === 'response.save').length,
      imports: audit.filter((x) => x.action === 'assessment.template_import').length,
    };
  };

  it('lists exactly the edited rows with before → after and the problems, and writes nothing', async () => {
    const { maturity, metric } = await firstCodes();
    const [levelCode, justCode, badCode] = [maturity[8]!.code, maturity[9]!.code, maturity[10]!.code];
    const r = await operator.put(`/api/assessments/${assessmentId}/responses/${justCode}`, {
      level: 2,
      justification: 'sebelum templat',
    });
    expect(r.statusCode, r.body).toBe(200);
    const metricCode = metric[0]!.code; // 12.5 since the round trip above
    const wb = await download(operator, assessmentId);
    const levelRow = rowOf(wb, levelCode);
    levelRow.getCell(col('level')).value = 3; // new answer
    const justRow = rowOf(wb, justCode);
    justRow.getCell(col('justification')).value = 'sesudah templat';
    const metricRow = rowOf(wb, metricCode);
    metricRow.getCell(col('metric')).value = '13,75';
    const badRow = rowOf(wb, badCode);
    badRow.getCell(col('level')).value = 9;
    const buf = await toBuffer(wb);

    const before = await responses(assessmentId);
    const counts = await writes();
    const res = await upload(operator, assessmentId, buf, '?dryRun=true');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: true, saved: [], importValid: false });
    expect(body.unchanged).toBeGreaterThan(0);
    const byCode = new Map(
      (body.changes as Array<{ indicatorCode: string }>).map((c) => [c.indicatorCode, c]),
    );
    expect([...byCode.keys()].sort()).toEqual([levelCode, justCode, metricCode].sort());
    expect(byCode.get(levelCode)).toEqual({
      indicatorCode: levelCode,
      sheet: TEMPLATE_SHEET,
      row: levelRow.number,
      before: null,
      after: { level: 3, notApplicable: false, metricValue: null, justification: null },
      fields: ['level'],
    });
    expect(byCode.get(justCode)).toMatchObject({
      row: justRow.number,
      before: { level: 2, notApplicable: false, metricValue: null, justification: 'sebelum templat' },
      after: { level: 2, notApplicable: false, metricValue: null, justification: 'sesudah templat' },
      fields: ['justification'],
    });
    expect(byCode.get(metricCode)).toMatchObject({
      row: metricRow.number,
      before: { metricValue: '12.5' },
      after: { metricValue: '13.75' },
      fields: expect.arrayContaining(['metricValue']),
    });
    expect(body.problems).toEqual([
      expect.objectContaining({
        sheet: TEMPLATE_SHEET,
        row: badRow.number,
        column: 'G',
        indicatorCode: badCode,
      }),
    ]);

    // Nothing written: no answer, no audit record of any kind.
    expect(await responses(assessmentId)).toEqual(before);
    expect(await writes()).toEqual(counts);

    // The same file with importValid saves exactly the rows the dry run listed.
    const real = await upload(operator, assessmentId, buf, '?importValid=true');
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json().dryRun).toBe(false);
    expect([...real.json().saved].sort()).toEqual([levelCode, justCode, metricCode].sort());
    expect(real.json().changes).toEqual(body.changes);
    const after = await writes();
    expect(after.saves - counts.saves).toBe(3);
    expect(after.imports - counts.imports).toBe(1);
  });

  it('reports no change for an unchanged template and still writes nothing', async () => {
    const wb = await download(operator, assessmentId);
    const counts = await writes();
    const res = await upload(operator, assessmentId, await toBuffer(wb), '?dryRun=true');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, saved: [], changes: [], problems: [] });
    expect(await writes()).toEqual(counts);
  });

  it('refuses what a real import refuses: another unit’s template (400), a non-workbook (415), no edit right (403)', async () => {
    const counts = await writes();
    const dinkes = await download(coordinator, dinkesAssessmentId);
    let res = await upload(operator, assessmentId, await toBuffer(dinkes), '?dryRun=true');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('unit lain');
    res = await upload(operator, assessmentId, Buffer.from('%PDF-1.4\n'), '?dryRun=true');
    expect(res.statusCode).toBe(415);
    const own = await download(coordinator, assessmentId);
    res = await upload(coordinator, assessmentId, await toBuffer(own), '?dryRun=true');
    expect(res.statusCode).toBe(403);
    expect(await writes()).toEqual(counts);
  });
});

function zipOf(entries: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = archiver('zip', { zlib: { level: 9 } });
    const chunks: Buffer[] = [];
    archive.on('data', (c: Buffer) => chunks.push(c));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    for (const e of entries) archive.append(e.data, { name: e.name });
    void archive.finalize();
  });
}
