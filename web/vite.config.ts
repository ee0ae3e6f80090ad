import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes `.gz` and `.br` siblings of every text asset after the build, so the server can send
 * them as they are (@fastify/static `preCompressed`) without compressing on each request: the
 * app is used over weak connections and the server has no compression middleware.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'mercusuar-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      const files = [...Object.keys(bundle), 'index.html', 'favicon.svg'];
      for (const name of new Set(files)) {
        if (!/\.(js|css|html|svg|json)$/.test(name) || name.startsWith('.vite/')) continue;
        const file = path.join(outDir, name);
        let raw: Buffer;
        try {
          raw = readFileSync(file);
        } catch {
          continue;
        }
        if (raw.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // bench/web-bundle follows the manifest to add up what each route loads.
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev` serves the API on :3000; `npm run dev:web` serves this app with hot reload.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
