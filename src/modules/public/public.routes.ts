import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicCycleDto, publicCycleParams, publicResultsDto } from './public.schemas.js';
import type { PublicService } from './public.service.js';

/** No login: published cycles and their results only. */
export const publicRoutes: FastifyPluginAsyncZod<{ publicResults: PublicService }> = async (
  app,
  { publicResults },
) => {
  app.get(
    '/public/cycles',
    {
      schema: {
        operationId: 'publicCycles',
        tags: ['public'],
        description: 'Published cycles (no login).',
        response: { 200: z.object({ items: z.array(publicCycleDto) }) },
      },
    },
    async () => ({ items: await publicResults.cycles() }),
  );

  app.get(
    '/public/cycles/:id/results',
    {
      schema: {
        operationId: 'publicCycleResults',
        tags: ['public'],
        description:
          'Frozen results of a published cycle and the method behind them; 404 for unpublished cycles.',
        params: publicCycleParams,
        response: { 200: publicResultsDto },
      },
    },
    async (request) => publicResults.results(request.params.id),
  );
};
