import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const DEMO_PASSWORD = 'mercusuar-demo';

export const baseURL = () => inject('baseURL');

/** Debian's Chromium, headless, without anything that phones home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far (after the allow-list). */
  errors: string[];
  /** Fails the test when the page logged an error it was not told to expect. */
  assertNoErrors(): void;
  close(): Promise<void>;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /**
   * Expected failed requests, e.g. /401 .*\/api\/auth\/login/ for a wrong password: Chromium logs
   * every 4xx/5xx response as a console error, so each test lists the ones it causes on purpose.
   */
  allowHttpErrors?: RegExp[];
}

/** A fresh context (own cookies and storage) and page that records every console error. */
export async function openPage(browser: Browser, opts: PageOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({
    baseURL: baseURL(),
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    locale: 'id-ID',
    timezoneId: 'Asia/Pontianak',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const allowed = opts.allowHttpErrors ?? [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url ?? '';
    const line = `${msg.text()} @ ${where}`;
    if (/Failed to load resource/.test(line)) {
      const status = /status of (\d{3})/.exec(line)?.[1] ?? '';
      if (allowed.some((re) => re.test(`${status} ${where}`))) return;
    }
    errors.push(line);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    page,
    context,
    errors,
    assertNoErrors() {
      expect(errors, 'browser console errors').toEqual([]);
    },
    async close() {
      await context.close();
    },
  };
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the form and waits for the home page. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Kata sandi/).fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.waitForURL('**/beranda');
  await heading(page, 'Beranda').waitFor();
}

export const heading = (page: Page, name: string | RegExp, level = 1) =>
  page.getByRole('heading', { name, level });

/** Waits until the locator is visible, then returns its text. */
export async function textOf(locator: Locator) {
  await locator.waitFor();
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** A signed-in API client over HTTP, for arranging data a test needs (like the web app would). */
export async function apiClient(email: string, password = DEMO_PASSWORD) {
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
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${baseURL()}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<unknown>;
  };
}

/** A small valid one-page PDF with a line of text (real xref offsets), for upload tests. */
export function samplePdf(text: string): Buffer {
  const stream = `BT /F1 20 Tf 30 100 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 360 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
