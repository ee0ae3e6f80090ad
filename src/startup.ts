import type { FastifyBaseLogger } from 'fastify';
import type { Services } from './app.js';
import { systemContext } from './lib/context.js';

/** Loads the built-in instruments (idempotent: existing versions are left alone). */
export async function loadBuiltinInstrumentsInto(services: Services, log: FastifyBaseLogger): Promise<void> {
  const loaded = await services.instruments.loadBuiltins(systemContext('startup'));
  for (const l of loaded) {
    if (l.action === 'conflict') {
      log.warn(
        l,
        'built-in instrument file differs from the published version in the database; keeping the published one',
      );
    } else if (l.action === 'created') log.info(l, 'built-in instrument loaded');
  }
}
