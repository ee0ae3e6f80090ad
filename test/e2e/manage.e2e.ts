import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  heading,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  type TestPage,
  textOf,
} from './browser.js';

/**
 * Administration of instruments and cycles as the demo coordinator. Mutations happen on a cycle
 * this file creates (scope: Kota Pontianak, period 2019, so the demo's cycles stay first in every
 * list) and on an instrument code of its own; the demo cycles others use are only read.
 */

const COORDINATOR = 'koordinator@mercusuar.test';
const CYCLE_NAME = 'Uji Siklus E2E Kota Pontianak';
const UNIT = 'Dinas Kesehatan Kota Pontianak';

let browser: Browser;
let t: TestPage;
let cycleId = '';

beforeAll(async () => {
  browser = await launchBrowser();
  t = await openPage(browser, {
    // The invalid instrument file below is answered 400 by the server on purpose.
    allowHttpErrors: [/^400 .*\/api\/instruments\/import/],
  });
  await signIn(t.page, COORDINATOR);
});
afterAll(async () => {
  await t?.close();
  await browser?.close();
});

/** Picks an option of a Mantine Select/MultiSelect (role combobox), typing first when searchable. */
async function choose(
  page: Page,
  scope: Locator | Page,
  label: string,
  option: RegExp | string,
  typed?: string,
) {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  await input.click();
  if (typed) await input.fill(typed);
  await page.getByRole('option', { name: option }).click();
}

/** Waits for the page's outcome message (the previous one may still be shown until it changes). */
const flashed = (page: Page, text: string | RegExp) => page.getByTestId('flash').getByText(text).waitFor();

/** The page is no wider than the screen (nothing to scroll sideways but the tables' own scrollers). */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('instruments and cycles (koordinator@mercusuar.test)', () => {
  it('browses a version: the tree with weights, an indicator’s five criteria and thresholds, bands and sources', async () => {
    const { page } = t;
    await page
      .getByRole('navigation', { name: 'Navigasi utama' })
      .getByRole('link', { name: 'Instrumen' })
      .click();
    await heading(page, 'Instrumen').waitFor();
    const versions = page.getByTestId('instrument-versions-idpd');
    expect(await textOf(versions)).toContain('Terbit');
    await screenshot(page, 'manage-instruments');

    await versions.getByRole('link', { name: 'Lihat isi idpd versi 1' }).click();
    await heading(page, /Indeks Digitalisasi Perangkat Daerah \(IDPD\) · versi 1/).waitFor();
    expect(await textOf(page.getByTestId('content-hash'))).toMatch(/^[0-9a-f]{64}$/);

    // Domain → indicator, with the weight on each.
    await page.getByRole('button', { name: /INF Infrastruktur TIK/ }).click();
    const indicatorButton = page.getByRole('button', { name: /INF-01 Konektivitas internet per pegawai/ });
    expect(await textOf(indicatorButton)).toContain('bobot 4');
    await indicatorButton.click();
    const indicator = page.getByTestId('indicator-INF-01');
    const text = await textOf(indicator);
    // A level criterion, the metric threshold that leads to it, and the indicator's sources.
    expect(text).toContain('Bandwidth internet kantor 4 Mbps per pegawai atau lebih.');
    expect(text).toContain('4 atau lebih Mbps per pegawai');
    expect(text).toContain('Makin tinggi makin baik');
    expect(text).toContain('Disusun sendiri');

    // Predicate bands and the reference sources with their confirmation status.
    expect(await textOf(page.getByRole('table', { name: 'Rentang predikat' }))).toContain('Memuaskan');
    const sources = await textOf(page.getByTestId('version-sources'));
    expect(sources).toContain('Mercusuar PRODUCT.md');
    expect(sources).toContain('Disusun sendiri');
    await screenshot(page, 'manage-instrument-version');

    // Searching finds an indicator inside a closed domain.
    await page.getByRole('button', { name: 'Tutup semua' }).click();
    await page.getByRole('searchbox', { name: 'Cari indikator' }).fill('INF-02');
    await page.getByRole('button', { name: /INF-02/ }).waitFor();
    t.assertNoErrors();
  });

  it('imports an instrument file: the problems with their paths first, then a draft that is published', async () => {
    const { page } = t;
    await page.goto('/admin/instrumen');
    await heading(page, 'Instrumen').waitFor();
    const input = page.getByTestId('instrument-dropzone').locator('input[type=file]');

    const doc = JSON.parse(readFileSync(new URL('../../instruments/idpd-1.json', import.meta.url), 'utf8'));
    const mine = { ...doc, code: 'uji-e2e', version: '1', title: 'Instrumen Uji E2E' };
    delete mine.$schema;
    const broken = { ...mine, predicateBands: [], nodes: [{ ...mine.nodes[0], weight: 'dua puluh' }] };
    await input.setInputFiles({
      name: 'uji-e2e.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(broken)),
    });
    await page.getByRole('button', { name: 'Impor sebagai draf' }).click();
    const problems = await textOf(page.getByTestId('instrument-import-errors'));
    expect(problems).toContain('$.predicateBands');
    expect(problems).toContain('$.nodes[0].weight');
    await screenshot(page, 'manage-instrument-import-errors');

    await input.setInputFiles({
      name: 'uji-e2e.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(mine)),
    });
    await page.getByRole('button', { name: 'Impor sebagai draf' }).click();
    expect(await textOf(page.getByTestId('instrument-imported'))).toContain('Draf uji-e2e versi 1 diimpor.');
    const versions = page.getByTestId('instrument-versions-uji-e2e');
    expect(await textOf(versions)).toContain('Draf');

    await versions.getByRole('button', { name: 'Terbitkan uji-e2e versi 1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Terbitkan uji-e2e versi 1?' });
    await dialog.getByRole('button', { name: 'Terbitkan' }).click();
    await flashed(page, 'uji-e2e versi 1 telah terbit.');
    await versions.locator('[data-status=published]').waitFor();
    t.assertNoErrors();
  });

  it('creates a cycle with the wizard (after a validation error), assigns an assessor and opens it', async () => {
    const { page } = t;
    await page.goto('/admin/siklus');
    await heading(page, 'Siklus evaluasi').waitFor();
    await page.getByRole('link', { name: 'Siklus baru' }).click();
    await heading(page, 'Siklus baru').waitFor();
    const wizard = page.getByTestId('cycle-wizard');

    // Step 1 refuses to go on without a name and an instrument; the messages sit by the fields.
    await wizard.getByRole('button', { name: 'Lanjut' }).click();
    await wizard.getByText('Nama minimal 3 karakter').waitFor();
    await wizard.getByText('Pilih versi instrumen yang terbit').waitFor();
    await screenshot(page, 'manage-wizard-error');
    await wizard.getByLabel('Nama siklus').fill(CYCLE_NAME);
    await wizard.getByLabel('Awal periode').fill('2019-01-01');
    await wizard.getByLabel('Akhir periode').fill('2019-12-31');
    await choose(page, wizard, 'Versi instrumen', /Indeks Digitalisasi Perangkat Daerah \(IDPD\) · versi 1/);
    await wizard.getByRole('button', { name: 'Lanjut' }).click();

    // Step 2: scope by subtree; the preview counts the units.
    await heading(page, 'Cakupan', 2).waitFor();
    await choose(
      page,
      wizard,
      'Unit lingkup (akar cakupan)',
      /^Kota Pontianak \(61\.71\)$/,
      'Kota Pontianak',
    );
    expect(await textOf(page.getByTestId('scope-preview'))).toContain('15 unit akan dinilai');
    await screenshot(page, 'manage-wizard-scope');
    await wizard.getByRole('button', { name: 'Lanjut' }).click();

    // Step 3: the schedule in WIB, with its own checks.
    await heading(page, 'Jadwal', 2).waitFor();
    const end = wizard.getByLabel('Selesai Penilaian mandiri (WIB)');
    const start = await wizard.getByLabel('Mulai Penilaian mandiri (WIB)').inputValue();
    await end.fill(start.replace(/T.*/, 'T07:00'));
    await wizard.getByRole('button', { name: 'Lanjut' }).click();
    await wizard.getByText('Waktu selesai harus setelah waktu mulai').waitFor();
    await screenshot(page, 'manage-wizard-schedule');
    await end.fill(start.replace(/T.*/, 'T23:59'));
    await wizard.getByRole('button', { name: 'Lanjut' }).click();

    // Step 4: settings; step 5: review.
    await heading(page, 'Pengaturan', 2).waitFor();
    await wizard.getByLabel('Target indeks').fill('2,75');
    await wizard.getByLabel('Bukti dukung wajib').selectOption({ label: 'Tidak pernah wajib' });
    await wizard.getByRole('button', { name: 'Lanjut' }).click();
    await heading(page, 'Tinjau', 2).waitFor();
    const review = await textOf(page.getByTestId('cycle-review'));
    expect(review).toContain('Kota Pontianak (61.71)');
    expect(review).toContain('2,75');
    await screenshot(page, 'manage-wizard-review');
    await wizard.getByRole('button', { name: 'Buat siklus' }).click();

    await page.waitForURL(/\/admin\/siklus\/[0-9a-f-]{36}$/);
    cycleId = page.url().split('/').pop()!;
    await heading(page, CYCLE_NAME).waitFor();
    await flashed(page, `Siklus ${CYCLE_NAME} dibuat sebagai draf.`);
    const units = page.getByTestId('cycle-units');
    await expect.poll(() => units.locator('tbody tr').count()).toBe(15);

    // Assessor for one unit, from the assessors whose scope covers it.
    await units.getByRole('button', { name: `Atur asesor ${UNIT}` }).click();
    const dialog = page.getByRole('dialog', { name: `Asesor untuk ${UNIT}` });
    await choose(page, dialog, 'Asesor', /Asesor Demo/);
    await dialog.getByRole('heading', { name: `Asesor untuk ${UNIT}` }).click(); // closes the option list
    await dialog.getByRole('button', { name: 'Simpan' }).click();
    await flashed(page, `Asesor ${UNIT} disimpan.`);
    const row = units.locator('tbody tr').filter({ hasText: UNIT });
    await expect.poll(() => textOf(row)).toContain('Asesor Demo');
    await screenshot(page, 'manage-cycle-draft');

    // Edit while draft.
    await page.getByRole('button', { name: 'Ubah siklus' }).click();
    const edit = page.getByRole('dialog', { name: 'Ubah siklus' });
    await edit.getByLabel('Target indeks').fill('2,8');
    await edit.getByRole('button', { name: 'Simpan' }).click();
    await flashed(page, 'Perubahan siklus disimpan.');
    await expect.poll(() => textOf(page.getByTestId('cycle-facts'))).toContain('2,8');

    // Open: one assessment per unit.
    await page.getByRole('button', { name: 'Buka siklus' }).click();
    const confirm = page.getByRole('dialog', { name: 'Buka siklus ini?' });
    await confirm.getByRole('button', { name: 'Buka siklus' }).click();
    await flashed(page, 'Siklus dibuka: 15 penilaian dibuat');
    await expect.poll(() => textOf(row)).toMatch(/0 dari \d+ indikator terjawab/);
    expect(await textOf(row)).toContain('Draf');
    await screenshot(page, 'manage-cycle-open');

    // The progress board knows it too.
    await page.getByRole('link', { name: 'Papan kemajuan' }).click();
    await heading(page, 'Siklus evaluasi').waitFor();
    expect(await page.getByLabel('Siklus', { exact: true }).inputValue()).toBe(cycleId);
    t.assertNoErrors();
  });

  it('grants one unit a deadline extension with a reason', async () => {
    const { page } = t;
    await page.goto(`/admin/siklus/${cycleId}`);
    const row = page.getByTestId('cycle-units').locator('tbody tr').filter({ hasText: UNIT });
    await row.getByRole('button', { name: `Perpanjang tenggat ${UNIT}` }).click();
    const dialog = page.getByRole('dialog', { name: `Perpanjangan tenggat: ${UNIT}` });
    await dialog.getByLabel('Batas baru (WIB)').fill('2031-01-31T23:59');
    await dialog.getByLabel('Alasan').fill('ok');
    await dialog.getByRole('button', { name: 'Simpan perpanjangan' }).click();
    await dialog.getByText('Alasan minimal 5 karakter').waitFor();
    await dialog.getByLabel('Alasan').fill('Server dinas padam seminggu karena banjir.');
    await dialog.getByRole('button', { name: 'Simpan perpanjangan' }).click();
    await flashed(page, `Tenggat ${UNIT} diperpanjang.`);
    await expect.poll(() => textOf(row)).toContain('diperpanjang');
    expect(await textOf(row)).toContain('2031');
    await screenshot(page, 'manage-cycle-extension');

    const api = await apiClient(COORDINATOR);
    const detail = (await api('GET', `/api/cycles/${cycleId}`)) as {
      units: Array<{ name: string; assessmentId: string }>;
    };
    const id = detail.units.find((u) => u.name === UNIT)!.assessmentId;
    const a = (await api('GET', `/api/assessments/${id}`)) as {
      extension: { until: string; reason: string } | null;
    };
    expect(a.extension).toEqual({
      until: '2031-01-31T23:59:00+07:00',
      reason: 'Server dinas padam seminggu karena banjir.',
    });
    t.assertNoErrors();
  });
});

describe('reopening a final assessment', () => {
  it('sends a final assessment back to verified, with a reason', async () => {
    // Arrange through the API: an operator for the unit answers everything and submits, the
    // assessor takes every answer and completes, the coordinator finalises.
    const admin = await apiClient('admin@mercusuar.test');
    await admin('POST', '/api/users', {
      email: 'operator.dinkes.ptk@mercusuar.test',
      name: 'Operator Uji Dinkes Pontianak',
      password: 'mercusuar-demo',
      roles: [{ role: 'unit_operator', unitCode: '61.71-DINKES' }],
    });
    const operator = await apiClient('operator.dinkes.ptk@mercusuar.test');
    const assessor = await apiClient('asesor@mercusuar.test');
    const coordinator = await apiClient(COORDINATOR);
    const detail = (await coordinator('GET', `/api/cycles/${cycleId}`)) as {
      units: Array<{ name: string; assessmentId: string }>;
    };
    const id = detail.units.find((u) => u.name === UNIT)!.assessmentId;
    const tree = (await operator('GET', `/api/assessments/${id}/instrument`)) as {
      applicableIndicators: string[];
      content: { nodes: unknown[] };
    };
    const metric = new Map<string, string>();
    const walk = (nodes: unknown[]) => {
      for (const n of nodes as Array<{ code: string; thresholds?: string[]; children?: unknown[] }>) {
        if (n.children) walk(n.children);
        else if (n.thresholds) metric.set(n.code, String(n.thresholds[2]));
      }
    };
    walk(tree.content.nodes);
    for (const code of tree.applicableIndicators) {
      await operator('PUT', `/api/assessments/${id}/responses/${code}`, {
        ...(metric.has(code) ? { metricValue: metric.get(code) } : { level: 3 }),
        justification: 'Diisi untuk uji e2e administrasi.',
      });
    }
    await operator('POST', `/api/assessments/${id}/submit`, {});
    for (const code of tree.applicableIndicators) {
      await assessor('PUT', `/api/assessments/${id}/verifications/${code}`, {
        reasonCode: 'sesuai',
        stage: 'dokumen',
      });
    }
    await assessor('POST', `/api/assessments/${id}/complete-verification`, {});
    await coordinator('POST', `/api/assessments/${id}/finalize`, {});

    const { page } = t;
    await page.goto(`/admin/siklus/${cycleId}`);
    const row = page.getByTestId('cycle-units').locator('tbody tr').filter({ hasText: UNIT });
    await expect.poll(() => textOf(row)).toContain('Final');
    await row.getByRole('button', { name: `Buka kembali penilaian ${UNIT}` }).click();
    const dialog = page.getByRole('dialog', { name: `Buka kembali penilaian ${UNIT}` });
    await dialog.getByLabel('Alasan').fill('Keliru');
    await dialog.getByRole('button', { name: 'Buka kembali' }).click();
    await dialog.getByText('Alasan minimal 10 karakter').waitFor();
    await dialog.getByLabel('Alasan').fill('Asesor menemukan bukti baru untuk INF-01.');
    await dialog.getByRole('button', { name: 'Buka kembali' }).click();
    await flashed(page, `Penilaian ${UNIT} dibuka kembali.`);
    await expect.poll(() => textOf(row)).toContain('Terverifikasi');
    await screenshot(page, 'manage-cycle-reopened');
    const after = (await coordinator('GET', `/api/assessments/${id}`)) as { state: string };
    expect(after.state).toBe('verified');
    t.assertNoErrors();
  });
});

describe('on a 360-px phone', () => {
  it('shows the cycle page, the wizard and an instrument indicator without sideways scrolling', async () => {
    const p = await openPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      const { page } = p;
      await signIn(page, COORDINATOR);
      await page.goto(`/admin/siklus/${cycleId}`);
      await heading(page, CYCLE_NAME).waitFor();
      await page.getByTestId('cycle-units').waitFor();
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);
      await screenshot(page, 'manage-cycle-phone');

      await page.goto('/admin/siklus/baru');
      await heading(page, 'Siklus baru').waitFor();
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);
      await screenshot(page, 'manage-wizard-phone');

      await page.goto('/admin/instrumen/idpd/1');
      await page.getByRole('button', { name: /INF Infrastruktur TIK/ }).click();
      await page.getByRole('button', { name: /INF-01 Konektivitas internet per pegawai/ }).click();
      await page.getByTestId('indicator-INF-01').waitFor();
      expect(await pageWidth(page)).toBeLessThanOrEqual(360);
      await screenshot(page, 'manage-instrument-phone');
      p.assertNoErrors();
    } finally {
      await p.close();
    }
  });
});
