import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../../plugins/auth.js';
import type { CachedJson } from './results.cache.js';
import { cycleParams, cycleResults, laggardsResponse } from './results.schemas.js';
import type { ResultsService } from './results.service.js';

export const resultsRoutes: FastifyPluginAsyncZod<{ results: ResultsService }> = async (app, { results }) => {
  app.get(
    '/cycles/:id/results',
    {
      schema: {
        operationId: 'getCycleResults',
        tags: ['results'],
        description:
          'Per unit: self and verified index, predicate, rank (ties share a rank), domain indices, change since the previous cycle, gap, evidence completeness, verification coverage; plus the aggregate. Rows are limited to the caller’s scope.',
        params: cycleParams,
        response: { 200: cycleResults },
      },
    },
    async (request, reply) =>
      sendJson(request, reply, await results.forActorJson(requireActor(request), request.params.id)),
  );

  app.get(
    '/cycles/:id/laggards',
    {
      schema: {
        operationId: 'getCycleLaggards',
        tags: ['results'],
        description:
          'Units below the cycle target or in the bottom quartile, each with the three indicators that cost it the most weighted points.',
        params: cycleParams,
        response: { 200: laggardsResponse },
      },
    },
    async (request, reply) =>
      sendJson(request, reply, await results.laggardsJson(requireActor(request), request.params.id)),
  );
};

/**
 * Sends an already serialised (schema-checked) body with its ETag; a reader who has it gets 304.
 * `private, no-cache`: the browser may keep it but must ask again, and shared caches must not.
 */
function sendJson(request: FastifyRequest, reply: FastifyReply, body: CachedJson) {
  reply.header('etag', body.etag).header('cache-control', 'private, no-cache');
  if (request.headers['if-none-match'] === body.etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body.json);
}
