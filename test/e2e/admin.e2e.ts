import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heading, launchBrowser, openPage, screenshot, signIn, type TestPage, textOf } from './browser.js';

let browser: Browser;
let t: TestPage;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Picks an option of a Mantine Select (role combobox) by opening it, or typing when searchable. */
async function choose(page: Page, scope: Locator, label: string, option: string, typed?: string) {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  await input.click();
  if (typed) await input.fill(typed);
  await page.getByRole('option', { name: option }).click();
}

describe('administration (admin@mercusuar.test)', () => {
  beforeAll(async () => {
    t = await openPage(browser, {
      // The duplicate-code check below is answered 409 by the server on purpose.
      allowHttpErrors: [/^409 .*\/api\/units$/],
    });
    await signIn(t.page, 'admin@mercusuar.test');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a unit with the form and sees it selected in the tree', async () => {
    const { page } = t;
    await page
      .getByRole('navigation', { name: 'Navigasi utama' })
      .getByRole('link', { name: 'Unit organisasi' })
      .click();
    await heading(page, 'Unit organisasi').waitFor();
    await page.getByRole('tree', { name: 'Pohon unit organisasi' }).waitFor();
    await screenshot(page, 'admin-units');

    await page.getByRole('button', { name: 'Tambah unit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tambah unit' });
    await dialog.getByLabel(/^Kode/).fill('61-DISKOMINFO-APTIKA');
    await dialog.getByLabel(/^Nama/).fill('Bidang Aplikasi Informatika');
    await dialog.getByLabel('Singkatan').fill('Aptika');
    await choose(page, dialog, 'Jenis unit', 'Bidang');
    await choose(
      page,
      dialog,
      'Unit induk',
      'Dinas Komunikasi dan Informatika (61-DISKOMINFO)',
      'Komunikasi',
    );
    await screenshot(page, 'admin-unit-create-form');
    await dialog.getByRole('button', { name: 'Simpan' }).click();

    expect(await textOf(page.getByTestId('flash'))).toContain(
      'Unit Bidang Aplikasi Informatika ditambahkan.',
    );
    const tree = page.getByRole('tree', { name: 'Pohon unit organisasi' });
    const item = tree.getByRole('treeitem', { name: /Bidang Aplikasi Informatika/ });
    await item.waitFor();
    expect(await item.getAttribute('aria-selected')).toBe('true');
    await heading(page, 'Ubah unit Bidang Aplikasi Informatika', 2).waitFor();

    // Searching finds it from a collapsed tree.
    await page.getByRole('searchbox', { name: 'Cari unit' }).fill('aptika');
    await expect.poll(() => tree.getByRole('treeitem').count()).toBe(3); // province → dinas → bidang
    await tree.getByRole('treeitem', { name: /Bidang Aplikasi Informatika/ }).waitFor();
    t.assertNoErrors();
  });

  it('shows validation errors next to the fields: the form’s own and the server’s', async () => {
    const { page } = t;
    await page.getByRole('button', { name: 'Tambah unit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tambah unit' });
    await dialog.getByLabel(/^Kode/).fill('kode salah!');
    await dialog.getByLabel(/^Nama/).fill('X');
    await dialog.getByRole('button', { name: 'Simpan' }).click();
    await dialog
      .getByText('Kode hanya boleh huruf, angka, titik, garis bawah dan tanda hubung (maks. 64)')
      .waitFor();
    await dialog.getByText('Nama minimal 2 karakter').waitFor();
    await dialog.getByText('Pilih jenis unit').waitFor();

    // A code that exists already: only the server knows, and its answer lands under the code field.
    await dialog.getByLabel(/^Kode/).fill('61-DINKES');
    await dialog.getByLabel(/^Nama/).fill('Dinas Kesehatan Kedua');
    await choose(page, dialog, 'Jenis unit', 'Dinas');
    await choose(page, dialog, 'Unit induk', 'Provinsi Kalimantan Barat (61)', 'Provinsi Kal');
    await dialog.getByRole('button', { name: 'Simpan' }).click();
    await dialog.getByText('Kode sudah dipakai').waitFor();
    await screenshot(page, 'admin-unit-form-errors');
    await dialog.getByRole('button', { name: 'Batal' }).click();
    t.assertNoErrors();
  });

  it('previews a CSV import with its changes, then saves it', async () => {
    const { page } = t;
    await page.goto('/admin/unit/impor');
    await heading(page, 'Impor unit').waitFor();
    await page.locator('input[type=file]').setInputFiles({
      name: 'unit.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'code,name,shortName,type,parentCode\n61-DINKES-LABKES,UPT Laboratorium Kesehatan,Labkes,upt,61-DINKES\n61-DINKES,Dinas Kesehatan,Dinkes,dinas,61\n',
      ),
    });
    expect(await textOf(page.getByTestId('chosen-file'))).toContain('unit.csv');
    await page.getByRole('button', { name: 'Periksa berkas' }).click();
    const summary = await textOf(page.getByTestId('import-summary'));
    expect(summary).toContain('Baru: 1');
    expect(summary).toContain('Tetap: 1');
    expect(await textOf(page.getByTestId('import-preview'))).toContain('61-DINKES-LABKES');
    await screenshot(page, 'admin-unit-import-preview');
    await page.getByRole('button', { name: 'Simpan perubahan' }).click();
    expect(await textOf(page.getByTestId('import-done'))).toContain(
      '1 unit baru dan 0 unit diubah telah disimpan.',
    );
    t.assertNoErrors();
  });

  it('lists the rows to fix when an import file is wrong, and saves nothing', async () => {
    const p = await openPage(browser, { allowHttpErrors: [/^400 .*\/api\/units\/import\?dryRun=true/] });
    try {
      await signIn(p.page, 'koordinator@mercusuar.test');
      await p.page.goto('/admin/unit/impor');
      await p.page.locator('input[type=file]').setInputFiles({
        name: 'salah.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('code,name,type,parentCode\nKODE SALAH,X,bukan-jenis,61\n'),
      });
      await p.page.getByRole('button', { name: 'Periksa berkas' }).click();
      const errors = await textOf(p.page.getByTestId('import-errors'));
      expect(errors).toContain('Kode hanya boleh huruf');
      expect(errors).toMatch(/2\s*code/);
      await screenshot(p.page, 'admin-unit-import-errors');
      p.assertNoErrors();
    } finally {
      await p.close();
    }
  });

  it('creates a user with a role and sees them in the list', async () => {
    const { page } = t;
    await page
      .getByRole('navigation', { name: 'Navigasi utama' })
      .getByRole('link', { name: 'Pengguna & peran' })
      .click();
    await heading(page, 'Pengguna & peran').waitFor();
    await page.getByTestId('users-table').getByText('gubernur@mercusuar.test').waitFor();
    await screenshot(page, 'admin-users');

    await page.getByRole('button', { name: 'Tambah pengguna' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tambah pengguna' });
    await dialog.getByLabel(/^Nama/).fill('Operator Baru Dinkes');
    await dialog.getByLabel(/^Email/).fill('operator.baru@mercusuar.test');
    await dialog.getByLabel(/^Kata sandi awal/).fill('kata-sandi-awal-123');
    await dialog.getByRole('button', { name: 'Tambah peran' }).click();
    await choose(page, dialog, 'Peran', 'Operator Perangkat Daerah');
    await choose(page, dialog, 'Unit', 'Dinas Kesehatan (61-DINKES)', 'Dinas Kesehatan');
    await dialog.getByRole('button', { name: 'Simpan' }).click();
    expect(await textOf(page.getByTestId('flash'))).toContain('Akun operator.baru@mercusuar.test dibuat.');
    const row = page.getByRole('row', { name: /operator\.baru@mercusuar\.test/ });
    expect(await textOf(row)).toContain('61-DINKES');
    t.assertNoErrors();
  });

  it('shows the unit.create entry in the audit log, with its details', async () => {
    const { page } = t;
    await page
      .getByRole('navigation', { name: 'Navigasi utama' })
      .getByRole('link', { name: 'Log audit' })
      .click();
    await heading(page, 'Log audit').waitFor();
    await page.getByLabel('Tindakan').fill('unit.create');
    await page.getByRole('button', { name: 'Terapkan' }).click();
    await page.waitForURL('**/admin/audit?action=unit.create');
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    expect(texts.every((r) => r.includes('unit.create'))).toBe(true);
    expect(texts.some((r) => r.includes('admin@mercusuar.test'))).toBe(true);
    await page
      .getByRole('button', { name: /^Tampilkan rincian: unit\.create/ })
      .first()
      .click();
    await page
      .getByText('"code": "61-DISKOMINFO-APTIKA"')
      .or(page.getByText('"code": "61-DINKES-LABKES"'))
      .first()
      .waitFor();
    await screenshot(page, 'admin-audit');
    t.assertNoErrors();
  });
});
