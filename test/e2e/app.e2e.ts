import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, heading, launchBrowser, openPage, screenshot, signIn, textOf } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('public page', () => {
  it('shows what Mercusuar is, the published cycles and the way in, without a session probe', async () => {
    const t = await openPage(browser);
    try {
      await t.page.goto('/');
      await heading(t.page, 'Mercusuar').waitFor();
      await heading(t.page, 'Hasil evaluasi yang dipublikasikan', 2).waitFor();
      // The demo data holds last year's published cycle (other files may publish cycles of their own).
      const cycle = t.page.getByTestId('published-cycle').filter({ hasText: '(DEMO)' }).first();
      expect(await textOf(cycle)).toContain('Evaluasi Digitalisasi');
      await screenshot(t.page, 'public-landing');
      await t.page.getByRole('link', { name: 'Masuk' }).click();
      await t.page.waitForURL('**/masuk');
      await heading(t.page, 'Masuk ke Mercusuar').waitFor();
      // No session probe for a visitor who never signed in: no 401 in the console.
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('shows a published cycle to anyone: each unit’s index and predicate, and the method', async () => {
    const t = await openPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await t.page.goto('/');
      await t.page
        .getByTestId('published-cycle')
        .filter({ hasText: '(DEMO)' })
        .first()
        .getByRole('link', { name: /^Lihat hasil/ })
        .click();
      await t.page.waitForURL('**/hasil/*');
      await heading(t.page, /Evaluasi Digitalisasi/).waitFor();
      const table = t.page.getByTestId('public-results-table');
      await table.locator('tbody tr').first().waitFor();
      const [rank, , , index, predicate] = await table
        .locator('tbody tr')
        .first()
        .locator('td')
        .allTextContents();
      // rank 1, an index written the Indonesian way (3,45) and its predicate
      expect(rank).toBe('1');
      expect(index).toMatch(/^\d,\d{2}$/);
      expect(predicate).toMatch(/^(Memuaskan|Sangat Baik|Baik|Cukup|Kurang)$/);
      await heading(t.page, 'Metode penilaian', 2).waitFor();
      await t.page.getByText('Rentang predikat').first().waitFor();
      await t.page.getByRole('img', { name: 'Sebaran predikat' }).locator('svg').waitFor();
      await t.page.getByLabel('Cari perangkat daerah').fill('Kesehatan');
      await expect.poll(() => table.locator('tbody tr').count()).toBeLessThan(5);
      await screenshot(t.page, 'public-results-phone');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('answers an unpublished or unknown cycle with the not-found page', async () => {
    const t = await openPage(browser, { allowHttpErrors: [/^404 .*\/api\/public\/cycles\/.*\/results$/] });
    try {
      await t.page.goto('/hasil/00000000-0000-4000-8000-000000000000');
      await heading(t.page, 'Halaman tidak ditemukan').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('answers an unknown address with the not-found page', async () => {
    const t = await openPage(browser);
    try {
      await t.page.goto('/tidak-ada-halaman-ini');
      await heading(t.page, 'Halaman tidak ditemukan').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});

describe('roles and errors', () => {
  it('gives an operator who opens the users page the not-allowed page, inside the app', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'operator.diskominfo@mercusuar.test');
      const nav = t.page.getByRole('navigation', { name: 'Navigasi utama' });
      expect(await nav.getByRole('link', { name: 'Pengguna & peran' }).count()).toBe(0);
      await t.page.goto('/admin/pengguna');
      await heading(t.page, 'Anda tidak berwenang melihat halaman ini').waitFor();
      await nav.getByRole('link', { name: 'Beranda' }).waitFor();
      await screenshot(t.page, 'not-allowed');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('gives an operator who types another unit’s assessment address the not-allowed page', async () => {
    // Diskominfo's assessment in the open cycle, opened by the operator of Dinas Kesehatan.
    const diskominfo = await apiClient('operator.diskominfo@mercusuar.test');
    const { items: cycles } = (await diskominfo('GET', '/api/cycles')) as {
      items: Array<{ id: string; status: string; name: string }>;
    };
    const open = cycles.find((c) => c.status === 'open' && c.name.includes('(DEMO)'))!;
    const { items } = (await diskominfo('GET', `/api/cycles/${open.id}/assessments`)) as {
      items: Array<{ id: string; unit: { code: string } }>;
    };
    const id = items.find((a) => a.unit.code === '61-DISKOMINFO')!.id;
    // The server answers 404 (existence is not leaked); the browser logs that response.
    const t = await openPage(browser, { allowHttpErrors: [/^404 .*\/api\/assessments\//] });
    try {
      await signIn(t.page, 'operator.dinkes@mercusuar.test');
      await t.page.goto(`/penilaian/${id}`);
      await heading(t.page, 'Anda tidak berwenang melihat halaman ini').waitFor();
      expect(await t.page.getByTestId('indicator-form').count()).toBe(0);
      await screenshot(t.page, 'not-allowed-assessment');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('turns a 403 or 404 from the API into the not-allowed or not-found page', async () => {
    const t = await openPage(browser, { allowHttpErrors: [/^40[34] .*\/api\/audit/] });
    try {
      await signIn(t.page, 'koordinator@mercusuar.test');
      await t.page.route('**/api/audit?**', (route) =>
        route.fulfill({
          status: 403,
          contentType: 'application/json',
          body: JSON.stringify({
            code: 'FORBIDDEN',
            message: 'Hanya administrator dan koordinator yang dapat melihat log audit.',
          }),
        }),
      );
      const nav = t.page.getByRole('navigation', { name: 'Navigasi utama' });
      await nav.getByRole('link', { name: 'Log audit' }).click();
      await heading(t.page, 'Anda tidak berwenang melihat halaman ini').waitFor();
      await t.page.getByText('Hanya administrator dan koordinator yang dapat melihat log audit.').waitFor();

      await t.page.unroute('**/api/audit?**');
      await t.page.route('**/api/audit?**', (route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'NOT_FOUND', message: 'x' }),
        }),
      );
      await nav.getByRole('link', { name: 'Beranda' }).click();
      await heading(t.page, 'Beranda').waitFor();
      await nav.getByRole('link', { name: 'Log audit' }).click();
      await heading(t.page, 'Halaman tidak ditemukan').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('sends a user whose session ended back to sign in, then back to the page', async () => {
    const t = await openPage(browser, { allowHttpErrors: [/^401 .*\/api\/units$/] });
    try {
      await signIn(t.page, 'koordinator@mercusuar.test');
      await t.context.clearCookies(); // the session is gone (expired, revoked, signed out elsewhere)
      await t.page
        .getByRole('navigation', { name: 'Navigasi utama' })
        .getByRole('link', { name: 'Unit organisasi' })
        .click();
      await t.page.waitForURL('**/masuk?next=%2Fadmin%2Funit');
      await t.page.getByText('Sesi Anda telah berakhir. Silakan masuk kembali untuk melanjutkan.').waitFor();
      await t.page.getByLabel('Email').fill('koordinator@mercusuar.test');
      await t.page.getByLabel(/^Kata sandi/).fill('mercusuar-demo');
      await t.page.getByRole('button', { name: 'Masuk', exact: true }).click();
      await t.page.waitForURL('**/admin/unit');
      await heading(t.page, 'Unit organisasi').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});

describe('language, phone, keyboard', () => {
  it('switches the labels to English and keeps the choice after a reload', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'admin@mercusuar.test');
      await t.page.locator('label').filter({ hasText: 'English' }).click();
      await heading(t.page, 'Home').waitFor();
      const nav = t.page.getByRole('navigation', { name: 'Main navigation' });
      await nav.getByRole('link', { name: 'Organisation units' }).waitFor();
      expect(await t.page.getAttribute('html', 'lang')).toBe('en');
      expect(await textOf(t.page.getByTestId('welcome-card'))).toContain('Welcome, Admin Demo');
      await screenshot(t.page, 'home-english');
      await t.page.reload();
      await heading(t.page, 'Home').waitFor();
      // Workflow names come from the shared catalogue in the reader's language, not the server's label.
      await t.page.goto('/admin/siklus');
      expect(await textOf(t.page.locator('[data-state="published"]').first())).toBe('Published');
      expect(await textOf(t.page.locator('[data-state="open"]').first())).toBe('Open');
      await t.page.goto('/beranda');
      await heading(t.page, 'Home').waitFor();
      await t.page.locator('label').filter({ hasText: 'Bahasa Indonesia' }).click();
      await heading(t.page, 'Beranda').waitFor();
      expect(await t.page.getAttribute('html', 'lang')).toBe('id');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('can be used on a 360-px-wide phone: the menu opens, navigates and the page does not overflow', async () => {
    const t = await openPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await signIn(t.page, 'koordinator@mercusuar.test');
      const toggle = t.page.getByRole('button', { name: 'Buka atau tutup menu navigasi' });
      const nav = t.page.getByRole('navigation', { name: 'Navigasi utama' });
      await toggle.waitFor();
      // Closed: off-screen and out of the tab order.
      const box = await nav.getByRole('link', { name: 'Log audit' }).boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(0);
      expect(await t.page.locator('#main-nav').getAttribute('inert')).not.toBeNull();
      await screenshot(t.page, 'phone-home');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await expect
        .poll(async () => (await nav.getByRole('link', { name: 'Log audit' }).boundingBox())?.x ?? -1)
        .toBeGreaterThanOrEqual(0);
      expect(await t.page.locator('#main-nav').getAttribute('inert')).toBeNull();
      await screenshot(t.page, 'phone-menu-open');
      await nav.getByRole('link', { name: 'Unit organisasi' }).click();
      await heading(t.page, 'Unit organisasi').waitFor();
      await t.page.getByRole('tree', { name: 'Pohon unit organisasi' }).waitFor();
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      const overflow = await t.page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      await screenshot(t.page, 'phone-units');
      await t.page.goto('/admin/audit');
      await heading(t.page, 'Log audit').waitFor();
      await t.page
        .getByTestId('audit-row')
        .first()
        .or(t.page.getByText('Tidak ada catatan yang cocok'))
        .waitFor();
      await screenshot(t.page, 'phone-audit');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('starts keyboard users at a visible skip link that moves focus to the page', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page.keyboard.press('Tab');
      const focused = await t.page.evaluate('document.activeElement && document.activeElement.textContent');
      expect(focused).toBe('Lewati ke konten utama');
      await t.page.keyboard.press('Enter');
      expect(await t.page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');

      // The user menu: open with the keyboard, move with the arrows, Escape returns to the button.
      await t.page.getByTestId('user-menu').focus();
      await t.page.keyboard.press('Enter');
      await t.page.getByRole('menu').waitFor();
      await t.page.keyboard.press('ArrowDown');
      expect(await t.page.evaluate('document.activeElement.textContent')).toBe('Ubah kata sandi');
      await t.page.keyboard.press('Escape');
      await expect
        .poll(() => t.page.evaluate('document.activeElement.getAttribute("data-testid")'))
        .toBe('user-menu');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('shows the leader’s dashboard with its chart and the same data as a table', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page
        .getByRole('navigation', { name: 'Navigasi utama' })
        .getByRole('link', { name: 'Dasbor pimpinan' })
        .click();
      await heading(t.page, 'Dasbor pimpinan').waitFor();
      await t.page.getByRole('img', { name: 'Unit aktif menurut jenis' }).locator('svg').waitFor();
      // The units-by-type chart is the last one on the page (the results' charts come first).
      await t.page.getByRole('button', { name: 'Tampilkan tabel' }).last().click();
      const table = await textOf(t.page.getByRole('table', { name: 'Unit aktif menurut jenis' }));
      expect(table).toMatch(/Dinas\s*\d+/);
      await screenshot(t.page, 'dashboard');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('changes the password from the user menu: errors in place, then sign in again with the new one', async () => {
    const admin = await apiClient('admin@mercusuar.test');
    await admin('POST', '/api/users', {
      email: 'sandi.e2e@mercusuar.test',
      name: 'Pengguna Uji Sandi',
      password: 'sandi-lama-123',
      roles: [{ role: 'leader', unitCode: '61' }],
    });
    const t = await openPage(browser, { allowHttpErrors: [/^400 .*\/api\/auth\/password$/] });
    try {
      await signIn(t.page, 'sandi.e2e@mercusuar.test', 'sandi-lama-123');
      await t.page.getByTestId('user-menu').click();
      await t.page.getByRole('menuitem', { name: 'Ubah kata sandi' }).click();
      const dialog = t.page.getByRole('dialog', { name: 'Ubah kata sandi' });
      await dialog.getByLabel(/^Kata sandi saat ini/).fill('bukan-sandi-ini');
      await dialog.getByLabel(/^Kata sandi baru/).fill('sandi-baru-456');
      await dialog.getByLabel(/^Ulangi kata sandi baru/).fill('sandi-baru-457');
      await dialog.getByRole('button', { name: 'Simpan' }).click();
      await dialog.getByText('Kata sandi baru tidak sama').waitFor();
      await dialog.getByLabel(/^Ulangi kata sandi baru/).fill('sandi-baru-456');
      await dialog.getByRole('button', { name: 'Simpan' }).click();
      await dialog.getByText('Kata sandi saat ini salah.').waitFor();
      await screenshot(t.page, 'change-password-errors');
      await dialog.getByLabel(/^Kata sandi saat ini/).fill('sandi-lama-123');
      await dialog.getByRole('button', { name: 'Simpan' }).click();
      await t.page.waitForURL('**/masuk');
      await t.page.getByText('Kata sandi berhasil diubah. Silakan masuk dengan kata sandi baru.').waitFor();
      await signIn(t.page, 'sandi.e2e@mercusuar.test', 'sandi-baru-456');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});
