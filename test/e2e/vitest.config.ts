import { defineConfig } from 'vitest/config';

/**
 * Browser tests: the real server (`node bin/mercusuar.js serve`, embedded PGlite, demo data) on a
 * free port with a fresh data folder, driven by playwright-core through Debian's Chromium.
 * Run with `npm run test:e2e`. Screenshots land in test-results/screenshots/ (not committed).
 */
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    // One server and one demo database for all files: run them one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
