import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { JobRunner } from './modules/jobs/jobs.runner.js';
import { startJobRunner } from './modules/jobs/jobs.start.js';
import { openConfiguredDatabase, shouldSeedDemo } from './runtime.js';
import { seedDemoIfEmpty } from './seed/demo.js';
import { loadBuiltinInstrumentsInto } from './startup.js';

/**
 * The process: opens and migrates the database, seeds demo data when asked, listens, and shuts
 * down gracefully (server first, then database — PGlite guardrail 6).
 */
export async function startServer(config: Config) {
  const database = await openConfiguredDatabase(config);
  const app = await buildApp({
    config,
    database,
    logger: {
      level: config.logLevel,
      ...(process.stdout.isTTY ? { transport: undefined } : {}),
      redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    },
  });
  let jobRunner: JobRunner | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    timer.unref();
    try {
      await jobRunner?.stop();
      await app.close();
    } finally {
      await database.close();
      app.log.info('database closed');
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await loadBuiltinInstrumentsInto(app.services, app.log);
    if (shouldSeedDemo(config)) {
      const seeded = await seedDemoIfEmpty(database, app.services, { cycles: true });
      if (seeded) app.log.info(seeded, 'demo data seeded (demo accounts use the password mercusuar-demo)');
    }
    app.server.requestTimeout = 120_000;
    app.server.headersTimeout = 30_000;
    await app.listen({ port: config.port, host: config.host });
    jobRunner = startJobRunner(database, app.services, { log: app.log });
  } catch (err) {
    await app.close().catch(() => {});
    await database.close();
    throw err;
  }
  return app;
}
