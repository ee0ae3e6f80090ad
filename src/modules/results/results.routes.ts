import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../../plugins/auth.js';
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
    async (request) => results.forActor(requireActor(request), request.params.id),
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
    async (request) => results.laggards(requireActor(request), request.params.id),
  );
};
