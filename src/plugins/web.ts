import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The built single-page app (scripts/build-web.mjs writes it; `npm start` builds it when stale). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Vite names files under assets/ by content hash: a changed file gets a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `relativePath` may name the pre-compressed sibling (index.html.br) that is actually sent. */
export function cacheControlFor(relativePath: string): string {
  const file = relativePath.replace(/\.(br|gz)$/, '');
  if (file === 'index.html') return 'no-cache';
  if (file.startsWith('assets/')) return IMMUTABLE;
  return 'public, max-age=3600';
}

const isApiPath = (url: string) => {
  const p = url.split('?')[0]!;
  return p === '/api' || p.startsWith('/api/');
};
const acceptsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * Serves web/dist at `/`: files as they are (with their pre-compressed .br/.gz siblings when the
 * browser accepts them), and index.html for any other GET that asks for HTML, so the app's own
 * routes (/masuk, /admin/unit, …) load on a reload or a shared link. `/api/*` and requests for
 * missing files keep their JSON 404. Registered after the API routes; skipped, with a hint in the
 * log, when the app has not been built.
 */
export async function registerWeb(app: FastifyInstance, { distDir = WEB_DIST_DIR } = {}): Promise<boolean> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn(
      { distDir },
      'web app not built (web/dist/index.html is missing): serving the API only. Run `npm run build:web`.',
    );
    return false;
  }

  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    // One route per file, found at start-up: no catch-all, so unknown paths reach the fallback below.
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    serveDotFiles: false,
    globIgnore: ['**/*.gz', '**/*.br'],
    setHeaders(res, filePath) {
      res.setHeader(
        'cache-control',
        cacheControlFor(path.relative(distDir, filePath).split(path.sep).join('/')),
      );
    },
  });

  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    if (isApiPath(request.url) || !acceptsHtml(request)) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
  return true;
}
