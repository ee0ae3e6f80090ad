import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';

/**
 * Migrates one template database per run (PGlite guardrail 8: migrating per test file is slow):
 * - PGlite: a dump of a migrated instance, loaded by each test file;
 * - PostgreSQL: a template database, copied by each test file with CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `mercusuar_test_tpl_${process.pid}`;
    const admin = await openDatabase({ databaseUrl: url, poolMax: 1 });
    const pool = admin.raw.kind === 'postgres' ? admin.raw.pool : undefined;
    await pool!.query(`DROP DATABASE IF EXISTS ${template}`);
    await pool!.query(`CREATE DATABASE ${template}`);
    await admin.close();
    const tpl = await openDatabase({ databaseUrl: withDatabase(url, template), poolMax: 1 });
    await tpl.migrate();
    await tpl.close();
    project.provide('pgTemplate', template);
    return async () => {
      const a = await openDatabase({ databaseUrl: url, poolMax: 1 });
      if (a.raw.kind === 'postgres')
        await a.raw.pool.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await a.close();
    };
  }
  const database = await openDatabase({});
  await database.migrate();
  if (database.raw.kind !== 'pglite') throw new Error('expected PGlite');
  const dump = await database.raw.client.dumpDataDir('gzip');
  await database.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-test-')), 'template.tar.gz');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteTemplate: string;
  }
}
