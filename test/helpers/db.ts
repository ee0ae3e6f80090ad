import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.js';
import { withDatabase } from './global-setup.js';

/**
 * A fresh, migrated database for one test file, on the backend the run was started with.
 * Call `close()` in afterAll.
 */
export async function createTestDatabase(): Promise<Database & { dropAndClose(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `mercusuar_test_${randomBytes(6).toString('hex')}`;
    const admin = await openDatabase({ databaseUrl: url, poolMax: 1 });
    if (admin.raw.kind !== 'postgres') throw new Error('expected PostgreSQL');
    await admin.raw.pool.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
    await admin.close();
    const database = await openDatabase({ databaseUrl: withDatabase(url, name), poolMax: 10 });
    return {
      ...database,
      async dropAndClose() {
        await database.close();
        const a = await openDatabase({ databaseUrl: url, poolMax: 1 });
        if (a.raw.kind === 'postgres') await a.raw.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.close();
      },
    };
  }
  const dump = fs.readFileSync(inject('pgliteTemplate'));
  const database = await openDatabase({ pgliteLoadDataDir: new Blob([dump]) });
  return { ...database, dropAndClose: () => database.close() };
}
