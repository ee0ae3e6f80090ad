/**
 * Web bundle benchmark (issue #5): the gzipped JavaScript a browser must download before a route
 * can render, following the Vite manifest from the entry through the route's lazy chunks and all
 * of their static imports (each file counted once).
 *
 *   npx tsx bench/web-bundle/index.ts             build web/dist when stale, then measure
 *   npx tsx bench/web-bundle/index.ts --build     rebuild first
 *   npx tsx bench/web-bundle/index.ts --analyze   also list the biggest modules per route
 *   (add --chunks to list every chunk's biggest modules too)
 *
 * Floor: at most 350 KB gzipped for the dashboard route. Sizes are gzip level 9 (what the server
 * sends: the build writes .gz/.br files next to each asset) and brotli for comparison.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = path.join(ROOT, 'web');
const FLOOR_KB = 350;

/** The lazy chunks each route needs on top of the entry (manifest keys, relative to web/). */
const ROUTES: Record<string, string[]> = {
  'sign-in (/masuk)': ['src/pages/SignInPage.tsx'],
  'public page (/)': ['src/pages/LandingPage.tsx'],
  'public results (/hasil/:id)': ['src/pages/PublicResultsPage.tsx'],
  'home (/beranda)': ['src/components/AppLayout.tsx', 'src/pages/HomePage.tsx'],
  'dashboard (/dasbor)': ['src/components/AppLayout.tsx', 'src/pages/DashboardPage.tsx'],
  'unit result (/dasbor/unit)': ['src/components/AppLayout.tsx', 'src/pages/dashboard/UnitResultPage.tsx'],
  'units (/admin/unit)': ['src/components/AppLayout.tsx', 'src/pages/admin/UnitsPage.tsx'],
};
const FLOOR_ROUTE = 'dashboard (/dasbor)';
/**
 * Pages whose sections load lazily right after the first render (the dashboard's charts): the
 * total with those sections is printed too, so the floor never hides what the page goes on to load.
 */
const WITH_LAZY_SECTIONS: Record<string, string> = { 'dashboard (/dasbor)': 'src/pages/DashboardPage.tsx' };
/** Chunks loaded only on a reader's choice, never by a page itself: the English texts. */
const ON_DEMAND = new Set(['src/i18n/en.ts']);

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

const args = new Set(process.argv.slice(2));

function ensureBuild() {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts/build-web.mjs'), ...(args.has('--build') ? ['--force'] : [])],
    {
      stdio: 'inherit',
    },
  );
}

function readManifest(dist: string): Manifest {
  return JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Manifest;
}

/** The files a route loads: the entry's and each key's chunk, with every static import, once. */
function filesFor(
  manifest: Manifest,
  keys: string[],
  lazyFrom?: string,
): { js: Set<string>; css: Set<string> } {
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
  if (!entry) throw new Error('no entry in the Vite manifest');
  const js = new Set<string>();
  const css = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk)
      throw new Error(`"${key}" is not in the Vite manifest: update ROUTES in bench/web-bundle/index.ts`);
    if (chunk.file.endsWith('.js')) js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const i of chunk.imports ?? []) visit(i);
  };
  visit(entry);
  for (const k of keys) visit(k);
  // The page's own lazy sections (and theirs), each with its static imports.
  const lazySeen = new Set<string>();
  const visitLazy = (key: string) => {
    // The entry's lazy imports are the other pages; on-demand chunks are not the page's sections.
    if (lazySeen.has(key) || manifest[key]?.isEntry || ON_DEMAND.has(key)) return;
    lazySeen.add(key);
    visit(key);
    for (const i of [...(manifest[key]?.imports ?? []), ...(manifest[key]?.dynamicImports ?? [])])
      visitLazy(i);
  };
  if (lazyFrom) visitLazy(lazyFrom);
  return { js, css };
}

const sizeCache = new Map<string, { raw: number; gz: number; br: number }>();
function sizes(dist: string, file: string) {
  let s = sizeCache.get(file);
  if (!s) {
    const buf = readFileSync(path.join(dist, file));
    s = {
      raw: buf.length,
      gz: gzipSync(buf, { level: 9 }).length,
      br: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
    sizeCache.set(file, s);
  }
  return s;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function measure(dist: string) {
  const manifest = readManifest(dist);
  const rows: Array<{ route: string; files: number; raw: number; gz: number; br: number; cssGz: number }> =
    [];
  for (const [route, keys] of Object.entries(ROUTES)) {
    const { js, css } = filesFor(manifest, keys);
    const total = { raw: 0, gz: 0, br: 0 };
    for (const f of js) {
      const s = sizes(dist, f);
      total.raw += s.raw;
      total.gz += s.gz;
      total.br += s.br;
    }
    let cssGz = 0;
    for (const f of css) cssGz += sizes(dist, f).gz;
    rows.push({ route, files: js.size, ...total, cssGz });
    const lazyFrom = WITH_LAZY_SECTIONS[route];
    if (lazyFrom) {
      const all = filesFor(manifest, keys, lazyFrom);
      const sum = { raw: 0, gz: 0, br: 0 };
      for (const f of all.js) {
        const s = sizes(dist, f);
        sum.raw += s.raw;
        sum.gz += s.gz;
        sum.br += s.br;
      }
      let lazyCss = 0;
      for (const f of all.css) lazyCss += sizes(dist, f).gz;
      rows.push({ route: `  + lazy sections`, files: all.js.size, ...sum, cssGz: lazyCss });
    }
  }
  console.log(
    '\nJavaScript needed before each route renders (entry + route chunks + their static imports):\n',
  );
  console.log(
    `${'route'.padEnd(28)} ${'files'.padStart(5)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)} ${'brotli'.padStart(10)}   ${'(+ CSS gzip)'}`,
  );
  for (const r of rows) {
    console.log(
      `${r.route.padEnd(28)} ${String(r.files).padStart(5)} ${kb(r.raw).padStart(10)} ${kb(r.gz).padStart(10)} ${kb(r.br).padStart(10)}   (+ ${kb(r.cssGz)})`,
    );
  }
  for (const key of ON_DEMAND) {
    const chunk = manifest[key];
    if (chunk)
      console.log(`on demand: ${key} ${kb(sizes(dist, chunk.file).gz)} gzipped, when a reader chooses it`);
  }
  const dash = rows.find((r) => r.route === FLOOR_ROUTE)!;
  const ok = dash.gz <= FLOOR_KB * 1024;
  console.log(
    `\nfloor: ${FLOOR_ROUTE} ${kb(dash.gz)} gzipped ${ok ? '≤' : '>'} ${FLOOR_KB} KB — ${ok ? 'PASS' : 'FAIL'}`,
  );
  return ok;
}

/** Builds once more into a temporary folder with a plugin that records each module's rendered size. */
async function analyze() {
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  const out = mkdtempSync(path.join(tmpdir(), 'mercusuar-web-analyze-'));
  const perChunk = new Map<string, Map<string, number>>();
  try {
    await build({
      configFile: path.join(WEB, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'error',
      build: { outDir: out, emptyOutDir: true },
      plugins: [
        {
          name: 'bench-analyze',
          generateBundle(_opts, bundle) {
            for (const [file, chunk] of Object.entries(bundle)) {
              if (chunk.type !== 'chunk') continue;
              const agg = new Map<string, number>();
              for (const [id, m] of Object.entries(chunk.modules)) {
                const nm = id.lastIndexOf('node_modules/');
                let key = nm >= 0 ? id.slice(nm + 13) : path.relative(ROOT, id);
                if (nm >= 0)
                  key = key
                    .split('/')
                    .slice(0, key.startsWith('@') ? 2 : 1)
                    .join('/');
                agg.set(key, (agg.get(key) ?? 0) + m.renderedLength);
              }
              perChunk.set(file, agg);
            }
          },
        },
      ],
    });
    if (args.has('--chunks')) {
      for (const [file, agg] of perChunk) {
        const total = [...agg.values()].reduce((a, b) => a + b, 0);
        const top = [...agg].sort((a, b) => b[1] - a[1]).slice(0, 6);
        console.log(`\n${file} (${kb(total)} rendered): ${top.map(([k, v]) => `${k} ${kb(v)}`).join(', ')}`);
      }
    }
    const manifest = readManifest(out);
    for (const [route, keys] of Object.entries(ROUTES)) {
      const { js } = filesFor(manifest, keys);
      const agg = new Map<string, number>();
      for (const f of js) for (const [k, v] of perChunk.get(f) ?? []) agg.set(k, (agg.get(k) ?? 0) + v);
      const top = [...agg].sort((a, b) => b[1] - a[1]).slice(0, 12);
      console.log(`\n${route}: biggest modules (rendered, before compression)`);
      for (const [k, v] of top) console.log(`  ${kb(v).padStart(10)}  ${k}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

ensureBuild();
const ok = measure(path.join(WEB, 'dist'));
if (args.has('--analyze')) await analyze();
process.exitCode = ok ? 0 : 1;
