/**
 * The self-assessment form's and the assessor review's working tools: evidence upload with
 * progress, save states on a weak connection, comment threads, history, the Excel template round
 * trip, report downloads, and inline evidence previews.
 *
 * State: the form tests work on Dinas Kesehatan's draft of the open cycle (operator.dinkes); the
 * review test creates its own operator for Dinas Perpustakaan dan Kearsipan and submits that
 * unit's assessment over HTTP, so the Diskominfo draft of the journey tests is never touched.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  baseURL,
  DEMO_PASSWORD,
  heading,
  launchBrowser,
  openPage,
  SCREENSHOTS,
  samplePdf,
  screenshot,
  signIn,
  textOf,
} from './browser.js';

let browser: Browser;
let dinkesId: string;

const DINKES = 'operator.dinkes@mercusuar.test';
const DPK_OPERATOR = 'operator.dpk.e2e@mercusuar.test';
const DPK_HEAD = 'kepala.dpk.e2e@mercusuar.test';
const DPK_PASSWORD = 'sandi-uji-dpk-2026';

/** A 1×1 PNG. */
const tinyPng = () =>
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  );

/** A signed-in HTTP session that can also upload multipart files (apiClient sends JSON only). */
async function session(email: string, password = DEMO_PASSWORD) {
  const res = await fetch(`${baseURL()}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (unitCode: string, title: string, name: string, bytes: Buffer, type: string) => {
    const form = new FormData();
    form.set('unitCode', unitCode);
    form.set('title', title);
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const r = await fetch(`${baseURL()}/api/evidence`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
      body: form,
    });
    if (!r.ok) throw new Error(`upload ${name}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
}

type Api = Awaited<ReturnType<typeof apiClient>>;

async function assessmentOf(api: Api, unitCode: string, status = 'open') {
  const { items: cycles } = (await api('GET', '/api/cycles')) as {
    items: Array<{ id: string; status: string }>;
  };
  const cycle = cycles.find((c) => c.status === status)!;
  const { items } = (await api('GET', `/api/cycles/${cycle.id}/assessments`)) as {
    items: Array<{ id: string; unit: { code: string } }>;
  };
  return items.find((a) => a.unit.code === unitCode)!.id;
}

async function openIndicator(page: Page, code: string) {
  await page.goto(`/penilaian/${dinkesId}?indikator=${code}`);
  await heading(page, new RegExp(`^${code}`), 2).waitFor();
  return page.getByTestId('indicator-form');
}

beforeAll(async () => {
  browser = await launchBrowser();
  dinkesId = await assessmentOf(await apiClient(DINKES), '61-DINKES');
});
afterAll(async () => {
  await browser?.close();
});

describe('self-assessment form: evidence, save states, discussion (operator.dinkes)', () => {
  it('uploads a PDF through the file input with a progress bar and links it to the indicator', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, DINKES);
      const form = await openIndicator(t.page, 'INF-05');
      await form.getByLabel('Berkas bukti').setInputFiles({
        name: 'sop-keamanan.pdf',
        mimeType: 'application/pdf',
        buffer: samplePdf('SOP keamanan informasi (uji e2e)'),
      });
      expect(await textOf(form.getByTestId('upload-selected'))).toContain('sop-keamanan.pdf');
      await form.getByLabel('Judul berkas').fill('SOP Keamanan Informasi (uji unggah)');
      await form.getByLabel('Jenis dokumen').fill('SOP');
      await form.getByLabel('Tanggal dokumen').fill('2026-01-15');
      await form.getByRole('button', { name: 'Unggah dan lampirkan' }).click();

      const progress = t.page.getByRole('progressbar', { name: 'Kemajuan unggahan' });
      await expect.poll(() => progress.getAttribute('aria-valuenow')).toBe('100');
      expect(await textOf(form.getByTestId('upload-done'))).toContain('SOP Keamanan Informasi (uji unggah)');
      // Linked: checked in the evidence list and saved with the answer.
      await form.getByTestId('save-status').getByText('Tersimpan').waitFor();
      const box = form.getByRole('checkbox', { name: 'SOP Keamanan Informasi (uji unggah)' });
      expect(await box.isChecked()).toBe(true);
      await screenshot(t.page, 'work-upload-progress');

      await t.page.reload();
      await heading(t.page, /^INF-05/, 2).waitFor();
      await expect
        .poll(() =>
          t.page
            .getByTestId('indicator-form')
            .getByRole('checkbox', { name: 'SOP Keamanan Informasi (uji unggah)' })
            .isChecked(),
        )
        .toBe(true);
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('shows the server’s refusal of a text file named .pdf and of an oversize file in place', async () => {
    // The server answers 415 and 413 on purpose: the content decides the type, not the name.
    const t = await openPage(browser, { allowHttpErrors: [/^41[35] .*\/api\/evidence$/] });
    try {
      await signIn(t.page, DINKES);
      const form = await openIndicator(t.page, 'INF-05');
      await form.getByLabel('Berkas bukti').setInputFiles({
        name: 'bukan-pdf.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('Ini hanya teks biasa, bukan dokumen PDF.\n'),
      });
      await form.getByLabel('Judul berkas').fill('Berkas palsu (uji)');
      await form.getByRole('button', { name: 'Unggah dan lampirkan' }).click();
      const error = form.getByTestId('upload-error');
      expect(await textOf(error)).toContain('Jenis berkas tidak diizinkan');
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await form.getByRole('checkbox', { name: 'Berkas palsu (uji)' }).count()).toBe(0);
      await screenshot(t.page, 'work-upload-refused');

      // Over the size limit (25 MB in the demo configuration): 413, its message in the same place.
      const big = Buffer.alloc(26 * 1024 * 1024, 0x20);
      samplePdf('besar').copy(big);
      await form.getByLabel('Berkas bukti').setInputFiles({
        name: 'terlalu-besar.pdf',
        mimeType: 'application/pdf',
        buffer: big,
      });
      await form.getByRole('button', { name: 'Unggah dan lampirkan' }).click();
      await error.getByText('Berkas terlalu besar: batasnya 25 MB.').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('posts a comment to the indicator’s thread and opens its change history', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, DINKES);
      const form = await openIndicator(t.page, 'INF-05');
      const thread = form.getByTestId('comment-thread');
      await thread.getByLabel('Tulis komentar').fill('Mohon asesor memeriksa SOP yang baru diunggah.');
      await thread.getByRole('button', { name: 'Kirim komentar' }).click();
      const comment = thread.getByTestId('comment').filter({ hasText: 'Mohon asesor memeriksa SOP' });
      expect(await textOf(comment)).toContain('Operator Demo Dinkes');

      await form.getByRole('button', { name: 'Riwayat perubahan' }).click();
      const dialog = t.page.getByRole('dialog', { name: 'Riwayat perubahan INF-05' });
      const rows = dialog.getByTestId('history-table').locator('tbody tr');
      await rows.first().waitFor();
      // The actor by name, with the e-mail beside it.
      expect(await textOf(rows.first().locator('td').nth(1))).toBe(`Operator Demo Dinkes${DINKES}`);
      expect(await textOf(dialog)).toContain('Jawaban unit');
      await screenshot(t.page, 'work-history');
      await t.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('keeps an answer saved while offline and sends it when the connection is back', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, DINKES);
      const form = await openIndicator(t.page, 'SDM-02');
      await t.context.setOffline(true);
      await form.getByTestId('level-2').click();
      await form.getByLabel('Justifikasi').fill('Diisi saat koneksi terputus (uji e2e).');
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      const status = form.getByTestId('save-status');
      expect(await textOf(status.getByText('Offline, akan dicoba lagi'))).toBe('Offline, akan dicoba lagi');
      await t.page.getByTestId('offline-queue').waitFor();
      await screenshot(t.page, 'work-offline');

      await t.context.setOffline(false);
      await status.getByText('Tersimpan').waitFor();
      await t.page.getByTestId('offline-queue').waitFor({ state: 'detached' });
      await t.page.reload();
      await heading(t.page, /^SDM-02/, 2).waitFor();
      await expect
        .poll(() => t.page.getByTestId('indicator-form').getByLabel('Justifikasi').inputValue())
        .toBe('Diisi saat koneksi terputus (uji e2e).');
      expect(await t.page.getByTestId('level-2').getAttribute('aria-checked')).toBe('true');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
  it('shows a stale save’s conflict with the server’s answer and lets the user choose', async () => {
    // Saving over an answer changed elsewhere answers 409 VERSION_CONFLICT on purpose.
    const t = await openPage(browser, { allowHttpErrors: [/^409 .*\/responses\/SDM-03$/] });
    const api = await apiClient(DINKES);
    const elsewhere = (level: number, justification: string) =>
      api('PUT', `/api/assessments/${dinkesId}/responses/SDM-03`, { level, justification }).then(
        (r) => r as { version: number },
      );
    try {
      await signIn(t.page, DINKES);
      const form = await openIndicator(t.page, 'SDM-03');
      // Someone else answers while this page is open.
      await elsewhere(4, 'Dijawab dari tab lain.');
      await form.getByTestId('level-2').click();
      await form.getByLabel('Justifikasi').fill('Jawaban saya dari formulir.');
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      const conflict = form.getByTestId('save-conflict');
      expect(await textOf(conflict)).toMatch(
        /Jawaban di server \(oleh Operator Demo Dinkes, .+\):Tingkat 4Justifikasi: Dijawab dari tab lain\..*Jawaban Anda:Tingkat 2Justifikasi: Jawaban saya dari formulir\./,
      );
      await screenshot(t.page, 'work-conflict');
      await conflict.getByRole('button', { name: 'Timpa dengan jawaban saya' }).click();
      await form.getByTestId('save-status').getByText('Tersimpan').waitFor();
      const mine = (await api('GET', `/api/assessments/${dinkesId}`)) as {
        responses: Array<{ indicatorCode: string; level: number; justification: string; version: number }>;
      };
      const saved = mine.responses.find((r) => r.indicatorCode === 'SDM-03')!;
      expect([saved.level, saved.justification]).toEqual([2, 'Jawaban saya dari formulir.']);

      // Again, and this time the server's answer wins: the form shows it.
      await api('PUT', `/api/assessments/${dinkesId}/responses/SDM-03`, {
        level: 5,
        justification: 'Dijawab lagi dari tab lain.',
        expectedVersion: saved.version,
      });
      await form.getByTestId('level-3').click();
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      await conflict.getByRole('button', { name: 'Pakai jawaban di server' }).click();
      await expect.poll(() => form.getByTestId('level-5').getAttribute('aria-checked')).toBe('true');
      expect(await form.getByLabel('Justifikasi').inputValue()).toBe('Dijawab lagi dari tab lain.');
      expect(await conflict.count()).toBe(0);
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});

describe('Excel template round trip and report downloads (operator.dinkes)', () => {
  it('downloads the template, previews an unchanged and an edited upload with the server’s dry run, and imports the change', async () => {
    const t = await openPage(browser);
    const uploads: string[] = [];
    t.page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/assessments\/[^/]+\/template/.test(r.url())) uploads.push(r.url());
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'mercusuar-work-'));
    try {
      await signIn(t.page, DINKES);
      await openIndicator(t.page, 'INF-04');
      const [download] = await Promise.all([
        t.page.waitForEvent('download'),
        t.page.getByRole('button', { name: 'Unduh templat Excel' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^templat-penilaian-61-dinkes-.*\.xlsx$/);
      const original = path.join(dir, 'templat.xlsx');
      await download.saveAs(original);

      // Unchanged: nothing would change.
      const fileInput = t.page.getByLabel('Templat terisi (.xlsx)');
      await fileInput.setInputFiles(original);
      const preview = t.page.getByTestId('template-preview');
      expect(await textOf(preview)).toContain('Tidak ada jawaban yang berbeda dari aplikasi.');
      expect(await preview.getByRole('button', { name: 'Konfirmasi impor' }).isDisabled()).toBe(true);

      // Edited: INF-04 level 4 with a justification; the preview lists the row, before → after.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(readFileSync(original) as unknown as ExcelJS.Buffer);
      const ws = wb.getWorksheet('Penilaian Mandiri')!;
      let inf04 = 0;
      let inf05 = 0;
      ws.eachRow((row, n) => {
        if (row.getCell(1).value === 'INF-04') inf04 = n;
        if (row.getCell(1).value === 'INF-05') inf05 = n;
      });
      ws.getRow(inf04).getCell(7).value = 4;
      ws.getRow(inf04).getCell(9).value = 'Diisi lewat templat Excel (uji e2e).';
      const edited = path.join(dir, 'templat-diubah.xlsx');
      await wb.xlsx.writeFile(edited);
      await fileInput.setInputFiles(edited);
      const changes = preview.getByRole('table');
      await changes.waitFor();
      expect(await textOf(preview)).toContain('1 jawaban akan berubah');
      const rows = await changes.locator('tbody tr').allTextContents();
      expect(rows).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${inf04}INF-04.*Justifikasi: .*Tingkat 4Justifikasi: Diisi lewat templat Excel \\(uji e2e\\)\\.$`,
          ),
        ),
      ]);
      await screenshot(t.page, 'work-template-preview');

      // One more row with a level out of range: the dry run names the cell beside the valid change.
      ws.getRow(inf05).getCell(7).value = 7;
      const wrong = path.join(dir, 'templat-salah.xlsx');
      await wb.xlsx.writeFile(wrong);
      await fileInput.setInputFiles(wrong);
      const problems = t.page.getByTestId('template-problems');
      expect(await textOf(problems)).toContain('1 masalah ditemukan; baris itu tidak akan diimpor.');
      const problem = await textOf(problems.locator('tbody tr').first());
      expect(problem).toContain(`Penilaian Mandiri${inf05}G (Tingkat (1–5 / NA))`);
      expect(await textOf(preview)).toContain('1 jawaban dari baris yang valid akan berubah');
      expect(await preview.getByRole('table').locator('tbody tr').count()).toBe(1);
      expect(await t.page.getByRole('button', { name: 'Konfirmasi impor' }).count()).toBe(0);
      await screenshot(t.page, 'work-template-problems');
      // Three checks, all dry runs: nothing was saved before the user chose.
      expect(uploads).toHaveLength(3);
      expect(uploads.every((u) => u.endsWith('?dryRun=true'))).toBe(true);
      const api = await apiClient(DINKES);
      const before = (await api('GET', `/api/assessments/${dinkesId}`)) as {
        responses: Array<{ indicatorCode: string; justification: string | null }>;
      };
      expect(before.responses.find((r) => r.indicatorCode === 'INF-04')?.justification).not.toBe(
        'Diisi lewat templat Excel (uji e2e).',
      );

      // Importing the valid rows saves INF-04 only.
      await problems.getByRole('button', { name: 'Impor baris yang valid saja' }).click();
      expect(await textOf(t.page.getByTestId('template-result'))).toMatch(
        /^1 jawaban disimpan, \d+ tidak berubah\. \(INF-04\)/,
      );
      await t.page.getByRole('link', { name: /^INF-04/ }).click();
      await heading(t.page, /^INF-04/, 2).waitFor();
      await expect
        .poll(() => t.page.getByTestId('indicator-form').getByLabel('Justifikasi').inputValue())
        .toBe('Diisi lewat templat Excel (uji e2e).');
      expect(await t.page.getByTestId('level-4').getAttribute('aria-checked')).toBe('true');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('offers the unit report as PDF and Excel once the assessment is final (last year’s, published)', async () => {
    const t = await openPage(browser);
    try {
      const api = await apiClient(DINKES);
      const pastId = await assessmentOf(api, '61-DINKES', 'published');
      await signIn(t.page, DINKES);
      await t.page.goto(`/penilaian/${pastId}`);
      await heading(t.page, 'Dinas Kesehatan').waitFor();
      const [pdf] = await Promise.all([
        t.page.waitForEvent('download'),
        t.page.getByRole('button', { name: 'Laporan hasil (PDF)' }).click(),
      ]);
      expect(pdf.suggestedFilename()).toMatch(/^laporan-61-dinkes-.*\.pdf$/);
      const bytes = readFileSync((await pdf.path())!);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const [xlsx] = await Promise.all([
        t.page.waitForEvent('download'),
        t.page.getByRole('button', { name: 'Laporan hasil (Excel)' }).click(),
      ]);
      expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
      // The current cycle's draft has no report yet.
      await t.page.goto(`/penilaian/${dinkesId}`);
      await t.page.getByText('Laporan hasil unit tersedia setelah penilaian difinalisasi.').waitFor();
      expect(await t.page.getByRole('button', { name: 'Laporan hasil (PDF)' }).count()).toBe(0);
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('fits the form with its upload zone on a 360-px-wide phone', async () => {
    const t = await openPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await signIn(t.page, DINKES);
      const form = await openIndicator(t.page, 'INF-05');
      await form.getByTestId('evidence-dropzone').scrollIntoViewIfNeeded();
      await form.getByLabel('Berkas bukti').setInputFiles({
        name: 'foto-ruang-server-dengan-nama-berkas-yang-sangat-panjang.png',
        mimeType: 'image/png',
        buffer: tinyPng(),
      });
      await form.getByTestId('upload-selected').getByText('foto-ruang-server').waitFor();
      const overflow = await t.page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      await screenshot(t.page, 'work-form-phone');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});

describe('Dinas Perpustakaan dan Kearsipan: the head’s sign-off, then the assessor’s review', () => {
  let reviewId: string;
  let op: Api;

  beforeAll(async () => {
    // Arrange over HTTP: an operator and a head for Dinas Perpustakaan dan Kearsipan; the operator
    // answers everything with a PDF and a PNG as evidence.
    const admin = await apiClient('admin@mercusuar.test');
    await admin('POST', '/api/users', {
      email: DPK_OPERATOR,
      name: 'Operator Uji DPK',
      password: DPK_PASSWORD,
      roles: [{ role: 'unit_operator', unitCode: '61-DPK' }],
    });
    await admin('POST', '/api/users', {
      email: DPK_HEAD,
      name: 'Kepala Uji DPK',
      password: DPK_PASSWORD,
      roles: [{ role: 'unit_head', unitCode: '61-DPK' }],
    });
    op = await apiClient(DPK_OPERATOR, DPK_PASSWORD);
    const upload = await session(DPK_OPERATOR, DPK_PASSWORD);
    const pdf = await upload(
      '61-DPK',
      'Laporan arsip digital (PDF uji)',
      'laporan-arsip.pdf',
      samplePdf('Laporan arsip digital'),
      'application/pdf',
    );
    const png = await upload(
      '61-DPK',
      'Foto ruang server (PNG uji)',
      'ruang-server.png',
      tinyPng(),
      'image/png',
    );
    reviewId = await assessmentOf(op, '61-DPK');
    const tree = (await op('GET', `/api/assessments/${reviewId}/instrument`)) as {
      applicableIndicators: string[];
      content: { nodes: unknown[] };
    };
    const metric = new Map<string, string>();
    const walk = (nodes: unknown[]) => {
      for (const n of nodes as Array<{
        code: string;
        kind?: string;
        thresholds?: string[];
        children?: unknown[];
      }>) {
        if (n.children) walk(n.children);
        else if (n.kind === 'metric') metric.set(n.code, String(n.thresholds![1]));
      }
    };
    walk(tree.content.nodes);
    for (const code of tree.applicableIndicators) {
      await op('PUT', `/api/assessments/${reviewId}/responses/${code}`, {
        ...(metric.has(code) ? { metricValue: metric.get(code) } : { level: 3 }),
        justification: 'Diisi untuk uji pratinjau bukti (e2e).',
        evidenceIds: [pdf.id, png.id],
        expectedVersion: 0,
      });
    }
  });

  it('shows who signed off and when, and that changing an answer voids the sign-off', async () => {
    const head = await apiClient(DPK_HEAD, DPK_PASSWORD);
    await head('POST', `/api/assessments/${reviewId}/signoff`, {});
    const t = await openPage(browser);
    try {
      await signIn(t.page, DPK_OPERATOR, DPK_PASSWORD);
      await t.page.goto(`/penilaian/${reviewId}?indikator=TKL-01`);
      await heading(t.page, /^TKL-01/, 2).waitFor();
      const panel = t.page.getByTestId('signoff-panel');
      expect(await textOf(panel.getByTestId('signoff-status'))).toMatch(
        /^Disahkan oleh Kepala Uji DPK pada .+ WIB\.$/,
      );
      expect(await panel.getByTestId('signoff-void').count()).toBe(0);

      const form = t.page.getByTestId('indicator-form');
      await form.getByLabel('Justifikasi').fill('Diubah setelah pengesahan kepala unit (uji e2e).');
      await form.getByRole('button', { name: 'Simpan jawaban' }).click();
      await form.getByTestId('save-status').getByText('Tersimpan').waitFor();
      expect(await textOf(panel.getByTestId('signoff-void'))).toContain('Pengesahan tidak berlaku lagi');
      await screenshot(t.page, 'work-signoff-void');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('previews the PDF and the image next to the controls, by keyboard, and discusses the indicator', async () => {
    await op('POST', `/api/assessments/${reviewId}/submit`, {});
    const t = await openPage(browser);
    const evidenceDetails: string[] = [];
    t.page.on('request', (r) => {
      if (/\/api\/evidence\/[0-9a-f-]+$/.test(new URL(r.url()).pathname)) evidenceDetails.push(r.url());
    });
    try {
      await signIn(t.page, 'asesor@mercusuar.test');
      await t.page.goto(`/verifikasi/${reviewId}`);
      await heading(t.page, /Dinas Perpustakaan dan Kearsipan/).waitFor();
      const item = t.page.getByTestId('review-INF-04');

      // Keyboard: focus the preview button and press Enter.
      const show = item.getByRole('button', { name: 'Pratinjau bukti Laporan arsip digital (PDF uji)' });
      await show.focus();
      await t.page.keyboard.press('Enter');
      const pdf = item.getByTestId('pdf-preview');
      await pdf.waitFor();
      expect(await pdf.getAttribute('type')).toBe('application/pdf');
      expect(await pdf.getAttribute('data')).toMatch(/^\/api\/evidence\/[0-9a-f-]+\/preview$/);
      await item
        .getByRole('link', { name: /^Unduh berkas/ })
        .last()
        .waitFor();
      // Beside the verification controls: the preview and the level select share the row.
      const previewBox = (await pdf.boundingBox())!;
      const levelBox = (await item.getByLabel('Tingkat terverifikasi').boundingBox())!;
      expect(previewBox.x + previewBox.width).toBeLessThanOrEqual(levelBox.x);
      expect(await item.getByRole('button', { name: 'Tutup pratinjau' }).getAttribute('aria-expanded')).toBe(
        'true',
      );
      await t.page.waitForTimeout(500); // let the PDF viewer paint for the screenshot
      mkdirSync(SCREENSHOTS, { recursive: true });
      await item.screenshot({
        path: path.join(SCREENSHOTS, 'work-review-pdf-preview.png'),
        style: 'header { visibility: hidden; }',
      });

      await item.getByRole('button', { name: 'Pratinjau bukti Foto ruang server (PNG uji)' }).click();
      const img = item.getByRole('img', { name: 'Bukti: Foto ruang server (PNG uji)' });
      await img.waitFor();
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1);
      expect(await item.getByTestId('pdf-preview').count()).toBe(0);
      // What to preview and how came with the assessment: no evidence item was fetched on its own.
      expect(evidenceDetails).toEqual([]);

      // The discussion opens on demand and takes a comment from the assessor.
      await item.getByRole('button', { name: 'Diskusi (0)' }).click();
      const thread = item.getByTestId('comment-thread');
      await thread.getByLabel('Tulis komentar').fill('Lampirkan juga SK penetapan pusat data.');
      await thread.getByRole('button', { name: 'Kirim komentar' }).click();
      const comment = thread.getByTestId('comment').filter({ hasText: 'SK penetapan pusat data' });
      expect(await textOf(comment)).toContain('Asesor');
      await item.getByRole('button', { name: 'Riwayat perubahan' }).click();
      const dialog = t.page.getByRole('dialog', { name: 'Riwayat perubahan INF-04' });
      expect(await textOf(dialog.getByTestId('history-table').locator('tbody tr').first())).toContain(
        `Operator Uji DPK${DPK_OPERATOR}`,
      );
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});
