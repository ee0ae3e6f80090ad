import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, no database) and `db` (HTTP and repository tests on a real
 * database: embedded PGlite by default, PostgreSQL when DATABASE_URL is set). `npm run test:db`
 * runs only the second; CI runs it again against PostgreSQL 15.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: [
            'src/domain/**/*.test.ts',
            'src/lib/**/*.test.ts',
            'instruments/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'db',
          sequence: { groupOrder: 1 },
          include: [
            'src/modules/**/*.test.ts',
            'src/db/**/*.test.ts',
            'src/seed/**/*.test.ts',
            'test/db/**/*.test.ts',
          ],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each PGlite instance takes ~650 MB: two files at a time fits a 2-core CI machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
