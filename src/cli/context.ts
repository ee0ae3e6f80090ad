import { buildServices, type Services } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { systemContext } from '../lib/context.js';
import { openConfiguredDatabase } from '../runtime.js';

/**
 * Opens the configured database for one CLI command and closes it afterwards. On the embedded
 * default the data-folder lock applies: a running server must be stopped first.
 */
export async function withRuntime<T>(
  fn: (rt: { config: Config; database: Database; services: Services }) => Promise<T>,
  opts: { builtins?: boolean } = {},
) {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    const services = buildServices(database, config);
    // Built-in instruments load as at server start, except where an empty database matters (restore).
    if (opts.builtins) await services.instruments.loadBuiltins(systemContext('cli'));
    return await fn({ config, database, services });
  } finally {
    await database.close();
  }
}
