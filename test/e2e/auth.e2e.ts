import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heading, launchBrowser, openPage, screenshot, signIn, textOf } from './browser.js';

const DEMO = [
  {
    email: 'admin@mercusuar.test',
    name: 'Admin Demo (Diskominfo)',
    role: 'Administrator',
    nav: 'Pengguna & peran',
  },
  {
    email: 'koordinator@mercusuar.test',
    name: 'Koordinator Demo TP2DD',
    role: 'Koordinator TP2DD',
    nav: 'Log audit',
  },
  { email: 'asesor@mercusuar.test', name: 'Asesor Demo', role: 'Asesor', nav: 'Antrian verifikasi' },
  {
    email: 'operator.diskominfo@mercusuar.test',
    name: 'Operator Demo Diskominfo',
    role: 'Operator Perangkat Daerah',
    nav: 'Penilaian mandiri',
  },
  {
    email: 'kepala.diskominfo@mercusuar.test',
    name: 'Kepala Demo Diskominfo',
    role: 'Kepala Perangkat Daerah',
    nav: 'Penilaian mandiri',
  },
  {
    email: 'operator.dinkes@mercusuar.test',
    name: 'Operator Demo Dinkes',
    role: 'Operator Perangkat Daerah',
    nav: 'Penilaian mandiri',
  },
  {
    email: 'gubernur@mercusuar.test',
    name: 'Gubernur (Akun Demo)',
    role: 'Pimpinan',
    nav: 'Dasbor pimpinan',
  },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-in', () => {
  it.each(DEMO)('$email signs in and lands on a home page for their role', async (account) => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, account.email);
      const welcome = await textOf(t.page.getByTestId('welcome-card'));
      expect(welcome).toContain(`Selamat datang, ${account.name}`);
      expect(welcome).toContain(account.role);
      const nav = t.page.getByRole('navigation', { name: 'Navigasi utama' });
      await nav.getByRole('link', { name: new RegExp(account.nav) }).waitFor();
      await screenshot(t.page, `home-${account.email.split('@')[0]}`);
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('shows the Indonesian error in place for a wrong password and stays on the form', async () => {
    const t = await openPage(browser, { allowHttpErrors: [/^401 .*\/api\/auth\/login$/] });
    try {
      await t.page.goto('/masuk');
      await screenshot(t.page, 'sign-in');
      await t.page.getByLabel('Email').fill('admin@mercusuar.test');
      await t.page.getByLabel(/^Kata sandi/).fill('salah-sekali');
      await t.page.getByRole('button', { name: 'Masuk', exact: true }).click();
      expect(await textOf(t.page.getByTestId('sign-in-error'))).toBe('Email atau kata sandi salah.');
      expect(new URL(t.page.url()).pathname).toBe('/masuk');
      await screenshot(t.page, 'sign-in-wrong-password');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('asks for both fields before calling the server', async () => {
    const t = await openPage(browser);
    try {
      await t.page.goto('/masuk');
      await t.page.getByRole('button', { name: 'Masuk', exact: true }).click();
      await t.page.getByText('Email wajib diisi').waitFor();
      await t.page.getByText('Kata sandi wajib diisi').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('sends a signed-out visitor of a deep link to sign in and back to that page', async () => {
    const t = await openPage(browser);
    try {
      await t.page.goto('/admin/audit?action=demo.seed');
      await t.page.waitForURL('**/masuk?next=*');
      expect(new URL(t.page.url()).searchParams.get('next')).toBe('/admin/audit?action=demo.seed');
      await t.page.getByLabel('Email').fill('admin@mercusuar.test');
      await t.page.getByLabel(/^Kata sandi/).fill('mercusuar-demo');
      await t.page.getByRole('button', { name: 'Masuk', exact: true }).click();
      await t.page.waitForURL('**/admin/audit?action=demo.seed');
      await heading(t.page, 'Log audit').waitFor();
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });

  it('signs out from the user menu and keeps the app closed afterwards', async () => {
    const t = await openPage(browser);
    try {
      await signIn(t.page, 'gubernur@mercusuar.test');
      await t.page.getByTestId('user-menu').click();
      await t.page.getByRole('menuitem', { name: 'Keluar' }).click();
      await t.page.waitForURL('**/masuk');
      await t.page.getByText('Anda telah keluar.').waitFor();
      await t.page.goto('/beranda');
      await t.page.waitForURL('**/masuk?next=%2Fberanda');
      t.assertNoErrors();
    } finally {
      await t.close();
    }
  });
});
