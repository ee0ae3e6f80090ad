import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  apiClient,
  baseURL,
  heading,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  textOf,
} from './browser.js';

let browser: Browser;
/** Last year's demo cycle: published, with results and open data (src/seed/demo-cycles.ts). */
let pastCycleId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const leader = await apiClient('gubernur@mercusuar.test');
  const { items } = (await leader('GET', '/api/cycles')) as {
    items: Array<{ id: string; status: string; name: string }>;
  };
  // Other test files may publish more cycles: the demo's past one is the one named after last year.
  const lastYear = new Date().getFullYear() - 1;
  pastCycleId = items.find((c) => c.status === 'published' && c.name.includes(String(lastYear)))!.id;
});
afterAll(async () => {
  await browser?.close();
});

const SERVICE_TYPES = ['Dinas', 'Rumah Sakit', 'Kecamatan', 'Kelurahan', 'UPT'];

/** Decimal comma text ("3,45", "−0,10") as a number, for comparing the order of rows. */
const num = (s: string) => Number(s.replace('−', '-').replace(/\./g, '').replace(',', '.'));

async function columnTexts(page: Page, index: number) {
  return page
    .getByTestId('ranking-table')
    .locator(`tbody tr td:nth-child(${index + 1})`)
    .allTextContents();
}

/** Clicks a download link and returns the downloaded file's name and first bytes. */
async function download(page: Page, click: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return { name: file.suggestedFilename(), head: await headOf(file) };
}

async function headOf(file: Download) {
  const path = await file.path();
  return (await readFile(path)).subarray(0, 4).toString('latin1');
}

describe('results insight on the leadership dashboard', () => {
  it('sorts and filters the ranking by unit type and peer group, with the heatmap and its table', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page.goto(`/dasbor?siklus=${pastCycleId}`);
      await heading(t.page, 'Dasbor pimpinan').waitFor();
      const table = t.page.getByTestId('ranking-table');
      await table.locator('tbody tr').first().waitFor();
      const total = await table.locator('tbody tr').count();
      expect(total).toBeGreaterThan(40);

      // sort by verified index: highest first, then lowest first
      const indexHeader = table.getByRole('button', { name: /^Indeks terverifikasi/ });
      await indexHeader.click();
      await expect.poll(() => table.locator('th[aria-sort="descending"]').count()).toBe(1);
      let values = (await columnTexts(t.page, 2)).filter((v) => /\d/.test(v)).map(num);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      await indexHeader.click();
      await expect.poll(() => table.locator('th[aria-sort="ascending"]').count()).toBe(1);
      values = (await columnTexts(t.page, 2)).filter((v) => /\d/.test(v)).map(num);
      expect(values).toEqual([...values].sort((a, b) => a - b));

      // filter by unit type
      await t.page.getByLabel('Jenis unit').selectOption({ label: 'Badan' });
      await expect.poll(async () => new Set(await columnTexts(t.page, 6))).toEqual(new Set(['Badan']));
      const shown = await table.locator('tbody tr').count();
      expect(shown).toBeLessThan(total);
      expect(await textOf(t.page.getByTestId('ranking-count'))).toBe(
        `Menampilkan ${shown} dari ${total} unit`,
      );

      // filter by peer group instead: only service units, ranked within their group
      await t.page.getByLabel('Jenis unit').selectOption({ label: 'Semua jenis' });
      await t.page.getByLabel('Kelompok sejawat').selectOption({ label: 'Unit layanan publik' });
      await table.getByRole('button', { name: /^Peringkat dalam kelompok/ }).click();
      await expect
        .poll(async () => (await columnTexts(t.page, 6)).every((ty) => SERVICE_TYPES.includes(ty)))
        .toBe(true);
      const peerRanks = await columnTexts(t.page, 7);
      expect(peerRanks[0]).toBe('1Unit layanan publik');

      // the heatmap (lazy section) follows the filter, and offers the same data as a table
      const heatmap = t.page.getByRole('img', { name: 'Peta panas unit × domain' });
      await heatmap.locator('svg').waitFor();
      const card = t.page.locator('.mantine-Card-root').filter({ has: heatmap });
      await card.getByRole('button', { name: 'Tampilkan tabel' }).click();
      const heatTable = card.getByRole('table', { name: 'Peta panas unit × domain' });
      await heatTable.waitFor();
      expect(await heatTable.locator('tbody tr').count()).toBe(await table.locator('tbody tr').count());
      expect(await textOf(heatTable.locator('thead'))).toContain('INF Infrastruktur TIK');

      await t.page
        .getByRole('img', { name: 'Selisih nilai mandiri dan terverifikasi' })
        .locator('svg')
        .waitFor();
      await t.page.getByRole('img', { name: 'Tren antarsiklus' }).locator('svg').waitFor();
      await t.page.getByRole('img', { name: 'Sebaran predikat' }).locator('svg').waitFor();
      await screenshot(t.page, 'insight-dashboard');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('opens a unit from the ranking and drills its score down to evidence and verifier', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'koordinator@mercusuar.test');
      await t.page.goto(`/dasbor?siklus=${pastCycleId}`);
      await t.page
        .getByTestId('ranking-table')
        .getByRole('link', { name: 'Dinas Komunikasi dan Informatika' })
        .click();
      await t.page.waitForURL('**/dasbor/unit/*');
      await heading(t.page, 'Dinas Komunikasi dan Informatika').waitFor();
      expect(await textOf(t.page.getByTestId('unit-index'))).toMatch(/^\d,\d{2}$/);
      await t.page.getByRole('img', { name: 'Indeks per domain' }).locator('svg').waitFor();

      // index → domain → indicators → both ledgers, evidence, verifier
      const domain = t.page.getByTestId('receipt-INF');
      await domain.locator('summary').first().click();
      const indicators = domain.locator('details');
      const n = await indicators.count();
      expect(n).toBe(5);
      for (let i = 0; i < n; i++) await indicators.nth(i).locator('summary').click();
      await expect
        .poll(() => domain.getByTestId('verifier').first().textContent())
        .toMatch(/^Asesor Demo · /);
      await domain.getByText('Hasil verifikasi').first().waitFor();
      await domain
        .getByRole('link', { name: /^Dokumen pendukung 61-DISKOMINFO/ })
        .first()
        .waitFor();
      expect(
        await textOf(
          domain
            .getByText(/^Tahap$/)
            .first()
            .locator('xpath=following-sibling::dd[1]'),
        ),
      ).toBe('Penilaian dokumen');

      // the unit's own report as PDF
      const pdf = await download(t.page, () =>
        t.page.getByRole('link', { name: 'Laporan unit (PDF)' }).click(),
      );
      expect(pdf.name).toMatch(/\.pdf$/);
      expect(pdf.head).toBe('%PDF');
      await screenshot(t.page, 'insight-unit');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('downloads the summary PDF and results Excel, and builds all unit reports as one ZIP', async () => {
    // The ZIP's file is removed at the end, as the 7-day sweep does: its download then says why.
    const t = await openPage(browser, { allowHttpErrors: [/^410 .*\/api\/jobs\/[^/]+\/download/] });
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page.goto(`/dasbor?siklus=${pastCycleId}`);
      await heading(t.page, 'Unduh laporan', 2).waitFor();

      const summary = await download(t.page, () =>
        t.page.getByRole('link', { name: 'Ringkasan siklus (PDF)' }).click(),
      );
      expect(summary.name).toMatch(/^ringkasan-.*\.pdf$/);
      expect(summary.head).toBe('%PDF');
      const xlsx = await download(t.page, () => t.page.getByRole('link', { name: 'Hasil (Excel)' }).click());
      expect(xlsx.name).toMatch(/^hasil-.*\.xlsx$/);
      expect(xlsx.head).toBe('PK\u0003\u0004');

      await t.page.getByRole('button', { name: 'Semua laporan unit (ZIP)' }).click();
      await t.page.waitForURL(/[?&]zip=/);
      const status = t.page.getByTestId('zip-job');
      await status.getByText(/^Laporan ZIP: /).waitFor();
      // the job id lives in the URL: a reload shows the same job again
      await t.page.reload();
      await t.page
        .getByTestId('zip-job')
        .getByText(/^Laporan ZIP: /)
        .waitFor();
      const link = t.page.getByRole('link', { name: 'Unduh ZIP' });
      await link.waitFor({ timeout: 150_000 });
      const zip = await download(t.page, () => link.click());
      expect(zip.name).toMatch(/\.zip$/);
      expect(zip.head).toBe('PK\u0003\u0004');
      await screenshot(t.page, 'insight-reports');

      const batchDir = path.join(inject('dataDir'), 'reports', 'batch');
      await rm(batchDir, { recursive: true, force: true });
      await link.click();
      await expect
        .poll(() => t.page.getByTestId('download-error').textContent())
        .toMatch(/sudah dihapus \(berkas disimpan 7 hari\)/);
      expect(await t.page.getByRole('alert').filter({ hasText: 'sudah dihapus' }).count()).toBe(1);
      await screenshot(t.page, 'insight-download-refused');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  }, 240_000);

  it('works on a 360-px phone: ranking, unit page and receipt without sideways scrolling', async () => {
    const t = await openPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page.goto(`/dasbor?siklus=${pastCycleId}`);
      await t.page.getByTestId('ranking-table').locator('tbody tr').first().waitFor();
      await t.page.getByRole('img', { name: 'Peta panas unit × domain' }).locator('svg').waitFor();
      expect(await t.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
      await screenshot(t.page, 'insight-dashboard-phone');
      await t.page
        .getByTestId('ranking-table')
        .getByRole('link', { name: 'Dinas Kesehatan' })
        .first()
        .click();
      await t.page.waitForURL('**/dasbor/unit/*');
      await heading(t.page, /^Dinas Kesehatan/).waitFor();
      const domain = t.page.getByTestId('receipt-APL');
      await domain.locator('summary').first().click();
      await domain.locator('details').first().locator('summary').click();
      await domain.getByText('Hasil verifikasi').first().waitFor();
      expect(await t.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
      await screenshot(t.page, 'insight-unit-phone');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});

describe('open data on the public results page', () => {
  it('lists every release’s files with a datapackage link that works without login', async () => {
    const t = await openPage(browser);
    try {
      await t.page.goto(`/hasil/${pastCycleId}`);
      await heading(t.page, 'Data terbuka', 2).waitFor();
      const od = t.page.getByTestId('opendata');
      await od.getByText('Versi 1').first().waitFor();
      await od.getByRole('link', { name: 'hasil-unit.csv' }).first().waitFor();
      await od
        .getByText(/CC BY 4\.0|Creative Commons/)
        .first()
        .waitFor();
      const href = await od.getByRole('link', { name: 'datapackage.json' }).first().getAttribute('href');
      expect(href).toMatch(
        new RegExp(`^/api/public/opendata/${pastCycleId}/versions/\\d+/datapackage\\.json$`),
      );
      // no cookie, no session: anyone can fetch it
      const res = await fetch(`${baseURL()}${href}`);
      expect(res.status).toBe(200);
      const pkg = (await res.json()) as { resources: Array<{ path: string }>; licenses: unknown[] };
      expect(pkg.resources.map((r) => r.path)).toContain('hasil-unit.csv');
      expect(pkg.licenses.length).toBeGreaterThan(0);
      const csv = await download(t.page, () =>
        od.getByRole('link', { name: 'hasil-unit.csv' }).first().click(),
      );
      expect(csv.name).toBe('hasil-unit.csv');
      await screenshot(t.page, 'insight-public-opendata');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});
