import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import {
  assessments,
  auditLog,
  cycleAssessors,
  cycles,
  evidence,
  instrumentVersions,
  responseEvidence,
  responses,
  units,
} from '../../db/schema/index.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import {
  elfBytes,
  type FilePart,
  filesUnder,
  minimalPdf,
  multipartBody,
  storedZip,
  tinyPng,
} from './evidence.test-helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = 'application/pdf';

let t: TestApp;
let dataDir: string;
let filesDir: string;
let diskominfo: Client;
let kepala: Client;
let dinkes: Client;
let asesor: Client;
let gubernur: Client;
let unitId: { diskominfo: string; dinkes: string; root: string };

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-evidence-'));
  filesDir = path.join(dataDir, 'files');
  t = await createTestApp({ dataDir });
  await seedDemoIfEmpty(t.database, t.app.services);
  [diskominfo, kepala, dinkes, asesor, gubernur] = await Promise.all(
    [
      'operator.diskominfo@mercusuar.test',
      'kepala.diskominfo@mercusuar.test',
      'operator.dinkes@mercusuar.test',
      'asesor@mercusuar.test',
      'gubernur@mercusuar.test',
    ].map((e) => login(t.app, e)),
  );
  const idOf = async (code: string) =>
    (await t.database.db.select({ id: units.id }).from(units).where(eq(units.code, code)))[0]!.id;
  unitId = {
    diskominfo: await idOf('61-DISKOMINFO'),
    dinkes: await idOf('61-DINKES'),
    root: await idOf('61'),
  };
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function upload(
  client: Client,
  fields: Record<string, string>,
  files: FilePart[],
  after?: Record<string, string>,
) {
  const { payload, headers } = multipartBody(fields, files, after);
  return client.request('POST', '/api/evidence', payload, headers);
}
const uploadPdf = (
  client: Client,
  note: string,
  fields: Record<string, string> = {},
  filename = 'laporan.pdf',
) =>
  upload(client, { unitCode: '61-DISKOMINFO', ...fields }, [
    { filename, content: minimalPdf(note), contentType: PDF },
  ]);

const rowsWithSha = (h: string) => t.database.db.select().from(evidence).where(eq(evidence.sha256, h));
const blobPath = (h: string) => path.join(filesDir, h.slice(0, 2), h.slice(2, 4), h);
const tempFiles = () => filesUnder(path.join(filesDir, '.tmp'));

/** Puts evidence behind an indicator of an assessment, the way the assessments module will. */
let fixture: { assessmentId: string; cycleName: string } | undefined;
async function linkToIndicator(evidenceId: string, indicatorCode: string) {
  const db = t.database.db;
  if (!fixture) {
    const [iv] = await db
      .insert(instrumentVersions)
      .values({
        code: 'test-ev',
        version: '1',
        title: 'Uji',
        content: {},
        contentHash: 'x',
        status: 'published',
      })
      .returning();
    const [cy] = await db
      .insert(cycles)
      .values({
        name: 'Siklus Uji Bukti',
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        instrumentVersionId: iv!.id,
        scopeUnitId: unitId.root,
        phases: [],
      })
      .returning();
    const [as] = await db
      .insert(assessments)
      .values({ cycleId: cy!.id, unitId: unitId.diskominfo })
      .returning();
    fixture = { assessmentId: as!.id, cycleName: cy!.name };
  }
  const [resp] = await db
    .insert(responses)
    .values({ assessmentId: fixture.assessmentId, indicatorCode, level: 3 })
    .onConflictDoNothing()
    .returning();
  const responseId =
    resp?.id ??
    (
      await db
        .select({ id: responses.id })
        .from(responses)
        .where(
          and(eq(responses.assessmentId, fixture.assessmentId), eq(responses.indicatorCode, indicatorCode)),
        )
    )[0]!.id;
  await db.insert(responseEvidence).values({ responseId, evidenceId });
  return fixture;
}

describe('uploading files', () => {
  it('stores a PDF by its SHA-256 and returns 201 with the item', async () => {
    const pdf = minimalPdf('upload-1');
    const res = await upload(
      diskominfo,
      {
        unitCode: '61-DISKOMINFO',
        title: 'SK Tim SPBE 2026',
        docType: 'SK',
        docDate: '2026-01-15',
        validUntil: '2026-12-31',
      },
      [{ filename: 'sk-tim.pdf', content: pdf, contentType: PDF }],
    );
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      kind: 'file',
      unitId: unitId.diskominfo,
      unitCode: '61-DISKOMINFO',
      title: 'SK Tim SPBE 2026',
      docType: 'SK',
      docDate: '2026-01-15',
      validUntil: '2026-12-31',
      sha256: sha(pdf),
      sizeBytes: pdf.length,
      mimeType: PDF,
      originalName: 'sk-tim.pdf',
      uploadedBy: diskominfo.userId,
      url: null,
      duplicate: false,
      downloadUrl: `/api/evidence/${body.id}/download`,
      previewUrl: `/api/evidence/${body.id}/preview`,
      indicatorCodes: [],
    });
    expect(body).not.toHaveProperty('storageKey');
    expect(fs.readFileSync(blobPath(sha(pdf)))).toEqual(pdf);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, body.id));
    expect(audit.map((a) => a.action)).toEqual(['evidence.upload']);
    expect(audit[0]!.actorId).toBe(diskominfo.userId);
  });

  it('downloads the identical bytes as an attachment with safe headers', async () => {
    const pdf = minimalPdf('download-1');
    const { id } = (await uploadPdf(diskominfo, 'download-1')).json();
    const res = await diskominfo.get(`/api/evidence/${id}/download`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload).toEqual(pdf);
    expect(res.headers['content-type']).toBe(PDF);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="laporan.pdf"; filename*=UTF-8''laporan.pdf`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toMatch(/default-src 'none'; sandbox/);
    expect(res.headers['content-length']).toBe(String(pdf.length));
  });

  it('stores the same file in the same unit once and answers 200 with duplicate: true', async () => {
    const first = await uploadPdf(diskominfo, 'dup-1', { title: 'Pertama' });
    const again = await uploadPdf(kepala, 'dup-1', { title: 'Kedua' }, 'nama-lain.pdf');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, title: 'Pertama', duplicate: true });
    const h = sha(minimalPdf('dup-1'));
    expect(await rowsWithSha(h)).toHaveLength(1);
    expect(filesUnder(filesDir).filter((f) => f.endsWith(h))).toHaveLength(1);
  });

  it('keeps one blob when another unit uploads the same file, as its own item', async () => {
    const a = await uploadPdf(diskominfo, 'shared-1');
    const b = await upload(dinkes, { unitCode: '61-DINKES' }, [
      { filename: 'x.pdf', content: minimalPdf('shared-1'), contentType: PDF },
    ]);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).not.toBe(a.json().id);
    expect(b.json().unitCode).toBe('61-DINKES');
    const h = sha(minimalPdf('shared-1'));
    expect(await rowsWithSha(h)).toHaveLength(2);
    expect(filesUnder(filesDir).filter((f) => f.endsWith(h))).toHaveLength(1);
  });

  it('answers concurrent uploads of the same file with one item', async () => {
    const [a, b] = await Promise.all([uploadPdf(diskominfo, 'race-1'), uploadPdf(kepala, 'race-1')]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(await rowsWithSha(sha(minimalPdf('race-1')))).toHaveLength(1);
  });

  it('accepts a PNG and an XLSX, typed by their content', async () => {
    const png = await upload(diskominfo, { unitId: unitId.diskominfo }, [
      { filename: 'foto-ruang-server.png', content: tinyPng(), contentType: 'application/octet-stream' },
    ]);
    expect(png.statusCode).toBe(201);
    expect(png.json()).toMatchObject({ mimeType: 'image/png', title: 'foto-ruang-server' });

    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Aset').addRow(['Server', 3]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'inventaris', content: xlsx },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      originalName: 'inventaris.xlsx',
      previewUrl: null,
    });
  });

  it('accepts an ODT, recognised by the mimetype entry inside the zip', async () => {
    const odt = storedZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.text' },
      { name: 'content.xml', data: '<office:document-content/>' },
    ]);
    const res = await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'notulen.odt', content: odt },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      mimeType: 'application/vnd.oasis.opendocument.text',
      originalName: 'notulen.odt',
    });
  });

  it('refuses an executable renamed .pdf with 415 and keeps nothing', async () => {
    const before = filesUnder(filesDir);
    const res = await upload(diskominfo, { unitCode: '61-DISKOMINFO', title: 'Bukan PDF' }, [
      { filename: 'evil.pdf', content: elfBytes(), contentType: PDF },
    ]);
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      details: { detected: 'application/x-elf' },
    });
    expect(await rowsWithSha(sha(elfBytes()))).toHaveLength(0);
    expect(await t.database.db.select().from(evidence).where(eq(evidence.title, 'Bukan PDF'))).toHaveLength(
      0,
    );
    expect(filesUnder(filesDir)).toEqual(before);
  });

  it('refuses a plain zip named .docx and a text file with 415', async () => {
    const zip = storedZip([{ name: 'isi.txt', data: 'bukan dokumen' }]);
    const before = filesUnder(filesDir);
    const z = await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'laporan.docx', content: zip },
    ]);
    expect(z.statusCode).toBe(415);
    const txt = await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'catatan.pdf', content: Buffer.from('hanya teks biasa'), contentType: PDF },
    ]);
    expect(txt.statusCode).toBe(415);
    expect(filesUnder(filesDir)).toEqual(before);
  });

  it('neutralises path parts and control characters in the file name', async () => {
    const res = await uploadPdf(diskominfo, 'name-1', {}, '../../etc/passwd\u0007.pdf');
    expect(res.statusCode).toBe(201);
    expect(res.json().originalName).toBe('passwd.pdf');
    const dl = await diskominfo.get(`/api/evidence/${res.json().id}/download`);
    expect(dl.headers['content-disposition']).toBe(
      `attachment; filename="passwd.pdf"; filename*=UTF-8''passwd.pdf`,
    );
    expect(filesUnder(dataDir).some((f) => f.includes('passwd'))).toBe(false);
  });

  it('keeps a non-ASCII name and gives a PDF named .exe the extension of its content', async () => {
    const a = await uploadPdf(diskominfo, 'name-2', {}, 'Laporan Evaluasi – Ω.pdf');
    expect(a.json().originalName).toBe('Laporan Evaluasi – Ω.pdf');
    const dl = await diskominfo.get(`/api/evidence/${a.json().id}/download`);
    expect(dl.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('Laporan Evaluasi – Ω.pdf')}`,
    );
    const b = await uploadPdf(diskominfo, 'name-3', {}, 'setup.exe');
    expect(b.json().originalName).toBe('setup.exe.pdf');
  });

  it('refuses a form whose file is not the last part, keeping nothing', async () => {
    const pdf = minimalPdf('order-1');
    const res = await upload(
      diskominfo,
      { unitCode: '61-DISKOMINFO' },
      [{ filename: 'a.pdf', content: pdf }],
      {
        title: 'Judul setelah berkas',
      },
    );
    expect(res.statusCode).toBe(400);
    expect(await rowsWithSha(sha(pdf))).toHaveLength(0);
    expect(fs.existsSync(blobPath(sha(pdf)))).toBe(false);
  });

  it('refuses bad forms with 400: no file, no unit, unknown field, bad date, two files', async () => {
    const noFile = await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, []);
    expect(noFile.statusCode).toBe(400);
    const noUnit = await upload(diskominfo, { title: 'x' }, [
      { filename: 'a.pdf', content: minimalPdf('bad-1') },
    ]);
    expect(noUnit.statusCode).toBe(400);
    expect(noUnit.json().details[0].path).toBe('unitId');
    const unknown = await upload(diskominfo, { unitCode: '61-DISKOMINFO', storageKey: '../x' }, [
      { filename: 'a.pdf', content: minimalPdf('bad-2') },
    ]);
    expect(unknown.statusCode).toBe(400);
    const badDate = await upload(diskominfo, { unitCode: '61-DISKOMINFO', docDate: '2026-02-30' }, [
      { filename: 'a.pdf', content: minimalPdf('bad-3') },
    ]);
    expect(badDate.statusCode).toBe(400);
    const two = await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'a.pdf', content: minimalPdf('bad-4') },
      { filename: 'b.pdf', content: minimalPdf('bad-5') },
    ]);
    expect(two.statusCode).toBe(400);
    for (const n of ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5']) {
      expect(await rowsWithSha(sha(minimalPdf(n)))).toHaveLength(0);
    }
    expect(tempFiles()).toEqual([]);
  });

  it('asks for a session (401) and a CSRF token (403)', async () => {
    const { payload, headers } = multipartBody({ unitCode: '61-DISKOMINFO' }, [
      { filename: 'a.pdf', content: minimalPdf('anon') },
    ]);
    expect((await t.app.inject({ method: 'POST', url: '/api/evidence', payload, headers })).statusCode).toBe(
      401,
    );
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/evidence',
      payload,
      headers: { ...headers, cookie: diskominfo.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
  });
});

describe('scope', () => {
  let itemId: string;
  beforeAll(async () => {
    itemId = (await uploadPdf(diskominfo, 'scope-1', { title: 'Rahasia Diskominfo' })).json().id;
  });

  it('hides another unit’s evidence from an operator with 404 everywhere', async () => {
    for (const url of [
      `/api/evidence/${itemId}/download`,
      `/api/evidence/${itemId}/preview`,
      `/api/evidence/${itemId}`,
      '/api/units/61-DISKOMINFO/evidence',
      `/api/units/${unitId.diskominfo}/evidence`,
    ]) {
      const res = await dinkes.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Rahasia');
    }
    expect((await dinkes.patch(`/api/evidence/${itemId}`, { title: 'x' })).statusCode).toBe(404);
    expect((await dinkes.delete(`/api/evidence/${itemId}`)).statusCode).toBe(404);
  });

  it('refuses an upload into another unit with 404 and stores nothing', async () => {
    const pdf = minimalPdf('scope-2');
    const res = await upload(dinkes, { unitCode: '61-DISKOMINFO' }, [{ filename: 'a.pdf', content: pdf }]);
    expect(res.statusCode).toBe(404);
    expect(fs.existsSync(blobPath(sha(pdf)))).toBe(false);
    const link = await dinkes.post('/api/evidence', {
      kind: 'link',
      unitCode: '61-DISKOMINFO',
      url: 'https://example.go.id',
      title: 'x',
    });
    expect(link.statusCode).toBe(404);
  });

  it('lets an assessor read a unit’s evidence only once assigned to it, and never change it', async () => {
    expect((await asesor.get(`/api/evidence/${itemId}/download`)).statusCode).toBe(404);
    await linkToIndicator((await uploadPdf(diskominfo, 'scope-fixture')).json().id, 'SCOPE.1');
    const [a] = await t.database.db
      .select()
      .from(assessments)
      .where(eq(assessments.unitId, unitId.diskominfo));
    await t.database.db
      .insert(cycleAssessors)
      .values({ cycleId: a!.cycleId, unitId: unitId.diskominfo, userId: asesor.userId });
    const dl = await asesor.get(`/api/evidence/${itemId}/download`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload).toEqual(minimalPdf('scope-1'));
    expect((await asesor.get('/api/units/61-DISKOMINFO/evidence')).statusCode).toBe(200);
    expect((await asesor.get('/api/units/61-DINKES/evidence')).statusCode).toBe(404);
    expect((await asesor.patch(`/api/evidence/${itemId}`, { title: 'x' })).statusCode).toBe(403);
    expect((await asesor.delete(`/api/evidence/${itemId}`)).statusCode).toBe(403);
    const up = await upload(asesor, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'a.pdf', content: minimalPdf('scope-3') },
    ]);
    expect(up.statusCode).toBe(403);
  });

  it('lets the leader read but not upload', async () => {
    expect((await gubernur.get(`/api/evidence/${itemId}/download`)).statusCode).toBe(200);
    const up = await upload(gubernur, { unitCode: '61-DISKOMINFO' }, [
      { filename: 'a.pdf', content: minimalPdf('scope-4') },
    ]);
    expect(up.statusCode).toBe(403);
    expect(await rowsWithSha(sha(minimalPdf('scope-4')))).toHaveLength(0);
  });
});

describe('preview', () => {
  it('serves PDF and PNG inline under a sandboxing CSP', async () => {
    const { id } = (await uploadPdf(diskominfo, 'preview-1')).json();
    const res = await diskominfo.get(`/api/evidence/${id}/preview`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^inline; /);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; sandbox/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.rawPayload).toEqual(minimalPdf('preview-1'));
  });

  it('refuses to preview a spreadsheet', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['pratinjau']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const { id } = (
      await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [{ filename: 'x.xlsx', content: xlsx }])
    ).json();
    const res = await diskominfo.get(`/api/evidence/${id}/preview`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PREVIEW_NOT_AVAILABLE');
  });
});

describe('links', () => {
  it('registers an https link and explains that it cannot be downloaded', async () => {
    const res = await diskominfo.post('/api/evidence', {
      kind: 'link',
      unitCode: '61-DISKOMINFO',
      url: 'https://data.kalbarprov.go.id/dataset/spbe',
      title: 'Portal Satu Data',
      docType: 'Tautan',
    });
    expect(res.statusCode).toBe(201);
    const item = res.json();
    expect(item).toMatchObject({
      kind: 'link',
      url: 'https://data.kalbarprov.go.id/dataset/spbe',
      sha256: null,
      downloadUrl: null,
      previewUrl: null,
      duplicate: false,
    });
    const dl = await diskominfo.get(`/api/evidence/${item.id}/download`);
    expect(dl.statusCode).toBe(400);
    expect(dl.json()).toMatchObject({ code: 'EVIDENCE_IS_LINK', details: { url: item.url } });
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, item.id));
    expect(audit.map((a) => a.action)).toEqual(['evidence.link']);
  });

  it('refuses javascript:, data:, ftp: and credentialed URLs with 400', async () => {
    for (const url of [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://files.example.go.id/a.pdf',
      'https://user:pass@example.go.id/',
      '/relative/path',
    ]) {
      const res = await diskominfo.post('/api/evidence', {
        kind: 'link',
        unitCode: '61-DISKOMINFO',
        url,
        title: 'Tautan jahat',
      });
      expect(res.statusCode, url).toBe(400);
    }
    expect(
      await t.database.db.select().from(evidence).where(eq(evidence.title, 'Tautan jahat')),
    ).toHaveLength(0);
  });
});

describe('library listing, editing and deleting', () => {
  it('lists a unit’s evidence with filters, indicator codes and expiry', async () => {
    const old = (
      await uploadPdf(diskominfo, 'list-1', {
        title: 'Renstra Diskominfo 2019',
        docType: 'Renstra',
        docDate: '2019-01-01',
        validUntil: '2020-12-31',
      })
    ).json();
    const current = (
      await uploadPdf(diskominfo, 'list-2', { title: 'Renstra Diskominfo 2025', docType: 'Renstra' })
    ).json();
    await linkToIndicator(current.id, 'I.01');
    await linkToIndicator(current.id, 'I.02');

    const res = await diskominfo.get('/api/units/61-DISKOMINFO/evidence?q=renstra&docType=Renstra');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{
      id: string;
      expired: boolean;
      indicatorCodes: string[];
      usedBy: unknown[];
    }>;
    expect(items.map((i) => i.id).sort()).toEqual([old.id, current.id].sort());
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(old.id)).toMatchObject({ expired: true, indicatorCodes: [] });
    expect(byId.get(current.id)).toMatchObject({ expired: false, indicatorCodes: ['I.01', 'I.02'] });
    expect(byId.get(current.id)!.usedBy[0]).toMatchObject({
      cycleName: 'Siklus Uji Bukti',
      indicatorCode: 'I.01',
    });

    const expired = (await diskominfo.get('/api/units/61-DISKOMINFO/evidence?expired=true')).json().items;
    expect(expired.map((i: { id: string }) => i.id)).toContain(old.id);
    expect(expired.map((i: { id: string }) => i.id)).not.toContain(current.id);
    const none = await diskominfo.get('/api/units/61-DISKOMINFO/evidence?q=%25');
    expect(none.json().items).toEqual([]);
  });

  it('edits the descriptive fields, audited, and checks the dates', async () => {
    const { id } = (await uploadPdf(diskominfo, 'edit-1', { title: 'Lama' })).json();
    const res = await kepala.patch(`/api/evidence/${id}`, {
      title: 'Baru',
      docType: 'SOP',
      docDate: '2026-02-01',
      validUntil: '2027-02-01',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      title: 'Baru',
      docType: 'SOP',
      docDate: '2026-02-01',
      validUntil: '2027-02-01',
    });
    const bad = await kepala.patch(`/api/evidence/${id}`, { validUntil: '2025-01-01' });
    expect(bad.statusCode).toBe(400);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    const upd = audit.find((a) => a.action === 'evidence.update')!;
    expect(upd.before).toMatchObject({ title: 'Lama' });
    expect(upd.after).toMatchObject({ title: 'Baru' });
    expect((await kepala.patch(`/api/evidence/${id}`, { sha256: 'x' })).statusCode).toBe(400);
  });

  it('refuses to delete evidence that backs an indicator, naming where (409)', async () => {
    const { id } = (await uploadPdf(diskominfo, 'del-1')).json();
    const { assessmentId } = await linkToIndicator(id, 'DEL.1');
    const res = await diskominfo.delete(`/api/evidence/${id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('DEL.1');
    expect(res.json().details.usedBy).toEqual([
      expect.objectContaining({ assessmentId, indicatorCode: 'DEL.1', cycleName: 'Siklus Uji Bukti' }),
    ]);
    expect(await rowsWithSha(sha(minimalPdf('del-1')))).toHaveLength(1);
    expect(fs.existsSync(blobPath(sha(minimalPdf('del-1'))))).toBe(true);
  });

  it('deletes unused evidence with its blob, audited; a blob another unit uses stays', async () => {
    const png = Buffer.concat([tinyPng(), Buffer.from('hapus')]);
    const { id } = (
      await upload(diskominfo, { unitCode: '61-DISKOMINFO' }, [{ filename: 'a.png', content: png }])
    ).json();
    expect((await diskominfo.delete(`/api/evidence/${id}`)).statusCode).toBe(204);
    expect(await t.database.db.select().from(evidence).where(eq(evidence.id, id))).toHaveLength(0);
    expect(fs.existsSync(blobPath(sha(png)))).toBe(false);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audit.map((a) => a.action).sort()).toEqual(['evidence.delete', 'evidence.upload']);

    const shared = (await uploadPdf(diskominfo, 'del-shared')).json();
    await upload(dinkes, { unitCode: '61-DINKES' }, [
      { filename: 'b.pdf', content: minimalPdf('del-shared') },
    ]);
    expect((await diskominfo.delete(`/api/evidence/${shared.id}`)).statusCode).toBe(204);
    expect(fs.existsSync(blobPath(sha(minimalPdf('del-shared'))))).toBe(true);
    expect((await diskominfo.get(`/api/evidence/${shared.id}`)).statusCode).toBe(404);
  });
});

describe('evidenceService for the assessments module', () => {
  it('assertBelongsToUnit accepts the unit’s own ids and names the others', async () => {
    const svc = t.app.services.evidence;
    const mine = (await uploadPdf(diskominfo, 'belongs-1')).json().id;
    const theirs = (
      await upload(dinkes, { unitCode: '61-DINKES' }, [
        { filename: 'a.pdf', content: minimalPdf('belongs-2') },
      ])
    ).json().id;
    await expect(svc.assertBelongsToUnit([mine, mine], unitId.diskominfo)).resolves.toBeUndefined();
    await expect(svc.assertBelongsToUnit([mine, theirs], unitId.diskominfo)).rejects.toMatchObject({
      statusCode: 400,
      details: [expect.objectContaining({ ids: [theirs] })],
    });
    const listed = await svc.listByIds([mine]);
    expect(listed.map((e) => e.id)).toEqual([mine]);
  });
});

describe('size limit', () => {
  let small: TestApp;
  let smallDir: string;
  let op: Client;
  beforeAll(async () => {
    smallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-evidence-small-'));
    small = await createTestApp({ dataDir: smallDir, uploadMaxBytes: 1024 });
    await seedDemoIfEmpty(small.database, small.app.services);
    op = await login(small.app, 'operator.diskominfo@mercusuar.test');
  });
  afterAll(async () => {
    await small?.close();
    fs.rmSync(smallDir, { recursive: true, force: true });
  });

  it('answers 413 for a file over the limit and keeps no row, blob or temp file', async () => {
    const big = minimalPdf('big', 2048);
    expect(big.length).toBeGreaterThanOrEqual(2048);
    const res = await upload(op, { unitCode: '61-DISKOMINFO', title: 'Terlalu besar' }, [
      { filename: 'besar.pdf', content: big, contentType: PDF },
    ]);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 1024 } });
    expect(await small.database.db.select().from(evidence)).toHaveLength(0);
    expect(filesUnder(path.join(smallDir, 'files'))).toEqual([]);
  });

  it('accepts a file of exactly the limit', async () => {
    const base = minimalPdf('exact');
    const exact = Buffer.concat([base, Buffer.alloc(1024 - base.length, 0x20)]);
    const res = await upload(op, { unitCode: '61-DISKOMINFO' }, [{ filename: 'pas.pdf', content: exact }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().sizeBytes).toBe(1024);
  });
});
