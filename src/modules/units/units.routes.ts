import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authedContext, requireActor } from '../../plugins/auth.js';
import { unitDto, unitIdParams, unitInput, unitListQuery, unitPatch } from './units.schemas.js';
import type { UnitsService } from './units.service.js';

export const unitsRoutes: FastifyPluginAsyncZod<{ units: UnitsService }> = async (app, { units }) => {
  app.get(
    '/units',
    {
      schema: {
        operationId: 'listUnits',
        tags: ['units'],
        querystring: unitListQuery,
        response: { 200: z.object({ items: z.array(unitDto) }) },
      },
    },
    async (request) => {
      const { active, ...rest } = request.query;
      const items = await units.list(requireActor(request), {
        ...rest,
        active: active === undefined ? undefined : active === 'true',
      });
      return { items };
    },
  );

  app.get(
    '/units/:id',
    { schema: { operationId: 'getUnit', tags: ['units'], params: unitIdParams, response: { 200: unitDto } } },
    async (request) => units.get(requireActor(request), request.params.id),
  );

  app.post(
    '/units',
    { schema: { operationId: 'createUnit', tags: ['units'], body: unitInput, response: { 201: unitDto } } },
    async (request, reply) =>
      reply.status(201).send(await units.create(authedContext(request), request.body)),
  );

  app.patch(
    '/units/:id',
    {
      schema: {
        operationId: 'updateUnit',
        tags: ['units'],
        params: unitIdParams,
        body: unitPatch,
        response: { 200: unitDto },
      },
    },
    async (request) => units.update(authedContext(request), request.params.id, request.body),
  );
};
