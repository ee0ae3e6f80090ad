#!/usr/bin/env node
/**
 * Builds the web app (web/) into web/dist, but only when web/dist is missing or older than what
 * it is built from, so `npm start` (prestart) costs nothing on an unchanged checkout.
 *
 *   node scripts/build-web.mjs            build when needed
 *   node scripts/build-web.mjs --force    always build
 *   node scripts/build-web.mjs --check    exit 1 when a build is needed, build nothing
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = path.join(root, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');

/** Everything the bundle is made from: the app, its config, the shared domain code, the lock file. */
const SOURCES = [
  path.join(web, 'src'),
  path.join(web, 'public'),
  path.join(web, 'index.html'),
  path.join(web, 'vite.config.ts'),
  path.join(root, 'src', 'domain'),
  path.join(root, 'package-lock.json'),
];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Why a build is needed, or null when web/dist is current. */
export function staleReason() {
  if (!existsSync(builtIndex)) return 'web/dist is missing';
  const built = statSync(builtIndex).mtimeMs;
  const newest = Math.max(...SOURCES.map(newestMtime));
  return newest > built ? 'web sources changed since the last build' : null;
}

export async function buildWeb({ force = false, quiet = false } = {}) {
  const reason = force ? 'forced' : staleReason();
  if (!reason) {
    if (!quiet) console.log('web: web/dist is up to date');
    return false;
  }
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // A production install without devDependencies: serve what is there (or the API alone).
    console.warn(
      `web: ${reason}, but Vite is not installed (npm install --include=dev); ` +
        (existsSync(builtIndex) ? 'serving the existing build.' : 'the server will run without the web app.'),
    );
    return false;
  }
  // A production bundle whatever the caller's environment says (Vitest, for one, sets NODE_ENV=test,
  // and Vite would then bundle React's development build).
  process.env.NODE_ENV = 'production';
  console.log(`web: building the web app (${reason}) …`);
  const started = Date.now();
  await vite.build({
    configFile: path.join(web, 'vite.config.ts'),
    mode: 'production',
    logLevel: quiet ? 'error' : 'warn',
  });
  console.log(`web: built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--check')) {
    const reason = staleReason();
    console.log(reason ? `web: build needed (${reason})` : 'web: web/dist is up to date');
    process.exit(reason ? 1 : 0);
  }
  buildWeb({ force: args.includes('--force') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
