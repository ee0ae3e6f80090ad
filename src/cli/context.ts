import type { Services } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import type { Database } from '../db/client.js';

/**
 * Opens the configured database for one CLI command and closes it afterwards. On the embedded
 * default the data-folder lock applies: a running server must be stopped first.
 */
export async function withRuntime<T>(
  fn: (rt: { config: Config; database: Database; services: Services }) => Promise<T>,
  opts: { builtins?: boolean } = {},
) {
  // Loaded lazily: `mercusuar --help` and database-free commands stay fast.
  const [{ buildServices }, { openConfiguredDatabase }, { systemContext }] = await Promise.all([
    import('../app.js'),
    import('../runtime.js'),
    import('../lib/context.js'),
  ]);
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
