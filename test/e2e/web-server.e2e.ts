import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseURL } from './browser.js';

/** How src/plugins/web.ts serves web/dist, checked over real HTTP against the running server. */
describe('serving the web app', () => {
  const manifest = JSON.parse(
    readFileSync(new URL('../../web/dist/.vite/manifest.json', import.meta.url), 'utf8'),
  ) as Record<string, { file: string; isEntry?: boolean }>;
  const entry = Object.values(manifest).find((c) => c.isEntry)!.file;

  it('serves index.html at / and at the app’s own routes, never cached', async () => {
    for (const path of ['/', '/masuk', '/admin/unit', '/beranda?x=1']) {
      const res = await fetch(`${baseURL()}${path}`, {
        headers: { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'br, gzip' },
      });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets for a year, pre-compressed when the browser accepts it', async () => {
    const br = await fetch(`${baseURL()}/${entry}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toContain('javascript');
    const plain = await fetch(`${baseURL()}/${entry}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect((await plain.text()).length).toBeGreaterThan(1000);
  });

  it('keeps JSON 404s for unknown API paths and for missing files', async () => {
    const api = await fetch(`${baseURL()}/api/tidak-ada`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { code: string }).code).toBe('NOT_FOUND');
    const asset = await fetch(`${baseURL()}/assets/tidak-ada.js`, { headers: { accept: '*/*' } });
    expect(asset.status).toBe(404);
    const dotfile = await fetch(`${baseURL()}/.vite/manifest.json`, { headers: { accept: 'text/html' } });
    expect(await dotfile.text()).not.toContain('"isEntry"');
  });

  it('sends the security headers with the app too', async () => {
    const res = await fetch(`${baseURL()}/`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
