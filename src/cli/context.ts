import { buildServices, type Services } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { openConfiguredDatabase } from '../runtime.js';

/**
 * Opens the configured database for one CLI command and closes it afterwards. On the embedded
 * default the data-folder lock applies: a running server must be stopped first.
 */
export async function withRuntime<T>(
  fn: (rt: { config: Config; database: Database; services: Services }) => Promise<T>,
) {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    return await fn({ config, database, services: buildServices(database, config) });
  } finally {
    await database.close();
  }
}
