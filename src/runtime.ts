import path from 'node:path';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';

/** Opens the configured database (PGlite in DATA_DIR/pglite unless DATABASE_URL) and migrates it. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
  });
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** Demo data goes in on the embedded default unless SEED_DEMO=0, on a server only with SEED_DEMO=1. */
export function shouldSeedDemo(config: Pick<Config, 'seedDemo' | 'databaseUrl'>): boolean {
  return config.seedDemo ?? config.databaseUrl === undefined;
}
