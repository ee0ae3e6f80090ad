import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authedContext, requireActor } from '../../plugins/auth.js';
import {
  assessorsDto,
  assessorsInput,
  cycleDetailDto,
  cycleDto,
  cycleIdParams,
  cycleInput,
  cyclePatch,
  cycleUnitDto,
  openResultDto,
} from './cycles.schemas.js';
import type { CyclesService } from './cycles.service.js';

export const cyclesRoutes: FastifyPluginAsyncZod<{ cycles: CyclesService }> = async (app, { cycles }) => {
  app.get(
    '/cycles',
    {
      schema: {
        operationId: 'listCycles',
        tags: ['cycles'],
        description: 'Cycles the signed-in user may see (scope overlap or assessor assignment).',
        response: { 200: z.object({ items: z.array(cycleDto) }) },
      },
    },
    async (request) => ({ items: await cycles.list(requireActor(request)) }),
  );

  app.post(
    '/cycles',
    {
      schema: {
        operationId: 'createCycle',
        tags: ['cycles'],
        body: cycleInput,
        response: { 201: cycleDto },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await cycles.create(authedContext(request), request.body)),
  );

  app.get(
    '/cycles/:id',
    {
      schema: {
        operationId: 'getCycle',
        tags: ['cycles'],
        params: cycleIdParams,
        response: { 200: cycleDetailDto },
      },
    },
    async (request) => cycles.get(requireActor(request), request.params.id),
  );

  app.patch(
    '/cycles/:id',
    {
      schema: {
        operationId: 'updateCycle',
        tags: ['cycles'],
        params: cycleIdParams,
        body: cyclePatch,
        response: { 200: cycleDto },
      },
    },
    async (request) => cycles.update(authedContext(request), request.params.id, request.body),
  );

  app.post(
    '/cycles/:id/open',
    {
      schema: {
        operationId: 'openCycle',
        tags: ['cycles'],
        description:
          'Creates one assessment per unit in scope, carrying answers over from the previous cycle.',
        params: cycleIdParams,
        response: { 200: openResultDto },
      },
    },
    async (request) => cycles.open(authedContext(request), request.params.id),
  );

  app.get(
    '/cycles/:id/assessors',
    {
      schema: {
        operationId: 'getCycleAssessors',
        tags: ['cycles'],
        params: cycleIdParams,
        response: { 200: assessorsDto },
      },
    },
    async (request) => cycles.getAssessors(requireActor(request), request.params.id),
  );

  app.put(
    '/cycles/:id/assessors',
    {
      schema: {
        operationId: 'setCycleAssessors',
        tags: ['cycles'],
        description: 'Replaces the assessors of each listed unit; units not listed keep theirs.',
        params: cycleIdParams,
        body: assessorsInput,
        response: { 200: z.object({ units: z.array(cycleUnitDto) }) },
      },
    },
    async (request) =>
      cycles.setAssessors(authedContext(request), request.params.id, request.body.assignments),
  );

  app.post(
    '/cycles/:id/publish',
    {
      schema: {
        operationId: 'publishCycle',
        tags: ['cycles'],
        description:
          'Publishes the cycle; every assessment must be final (409 CYCLE_NOT_READY lists those that are not).',
        params: cycleIdParams,
        response: { 200: cycleDto },
      },
    },
    async (request) => cycles.publish(authedContext(request), request.params.id),
  );
};
