import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../../plugins/auth.js';
import { idParams, trendResponse, unitResultResponse } from './insight.schemas.js';
import type { InsightService } from './insight.service.js';

export { insightServiceFactory } from './insight.service.js';

export const insightRoutes: FastifyPluginAsyncZod<{ insight: InsightService }> = async (app, { insight }) => {
  app.get(
    '/cycles/:id/trend',
    {
      schema: {
        operationId: 'getCycleTrend',
        tags: ['results'],
        description:
          'The index across cycles on the same instrument, up to this cycle: mean and median per cycle over the final units in your scope, and each of those units’ index per cycle.',
        params: idParams,
        response: { 200: trendResponse },
      },
    },
    async (request) => insight.trend(requireActor(request), request.params.id),
  );

  app.get(
    '/assessments/:id/result',
    {
      schema: {
        operationId: 'getAssessmentResult',
        tags: ['results'],
        description:
          'One unit’s result with its score receipt: index → domains → indicators → self and verified levels → evidence → verifier (reason, note, stage), points lost against the target, the plan to reach it, and the unit’s index in earlier cycles. 404 outside your scope.',
        params: idParams,
        response: { 200: unitResultResponse },
      },
    },
    async (request) => insight.unitResult(requireActor(request), request.params.id),
  );
};
