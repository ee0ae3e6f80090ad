import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { acquireDataDirLock } from './lock.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Repositories accept either the database or a transaction (guardrail 3: inside a transaction use only tx). */
export type DbOrTx = Db | Tx;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /** Runs the committed migrations folder in process. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The raw driver, for backup/restore and tests. */
  raw: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; pool: pg.Pool };
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface DatabaseOptions {
  databaseUrl?: string;
  /** Folder of the embedded database (DATA_DIR/pglite); ignored with databaseUrl. */
  pgliteDir?: string;
  /** An embedded database restored from a dump (tests); implies no lock and no folder. */
  pgliteLoadDataDir?: Blob;
  poolMax?: number;
}

// Return numeric/bigint/date columns as strings, never as floats; timestamptz stays a Date via Drizzle.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/** Opens the database: PostgreSQL when a URL is given, otherwise embedded PGlite. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolMax ?? 10 });
    pool.on('error', () => {
      // idle client errors (server restart) are reported on the next query
    });
    await pool.query('select 1');
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      raw: { kind: 'postgres', pool },
      migrate: () => migratePg(db as never, { migrationsFolder: MIGRATIONS_DIR }),
      close: () => pool.end(),
    };
  }

  let release = () => {};
  let client: PGlite;
  if (opts.pgliteLoadDataDir) {
    client = await PGlite.create({ loadDataDir: opts.pgliteLoadDataDir });
  } else if (opts.pgliteDir) {
    // Guardrail 2: create the parent first; guardrail 1: one process per folder.
    fs.mkdirSync(path.dirname(opts.pgliteDir), { recursive: true });
    release = acquireDataDirLock(path.dirname(opts.pgliteDir));
    try {
      client = await PGlite.create(opts.pgliteDir);
    } catch (err) {
      release();
      throw err;
    }
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    raw: { kind: 'pglite', client },
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR }),
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
