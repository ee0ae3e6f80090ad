import type { FastifyBaseLogger } from 'fastify';
import type { Services } from './app.js';

/** Start-up work that other modules hook into (built-in instruments arrive with the instruments module). */
export async function loadBuiltinInstrumentsInto(
  _services: Services,
  _log: FastifyBaseLogger,
): Promise<void> {}
