import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authedContext, requireActor } from '../../plugins/auth.js';
import {
  createUserBody,
  setRolesBody,
  updateUserBody,
  userDto,
  userIdParams,
  userListQuery,
} from './users.schemas.js';
import type { UsersService } from './users.service.js';

export const usersRoutes: FastifyPluginAsyncZod<{ users: UsersService }> = async (app, { users }) => {
  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        tags: ['users'],
        querystring: userListQuery,
        response: { 200: z.object({ items: z.array(userDto) }) },
      },
    },
    async (request) => ({ items: await users.list(requireActor(request), request.query) }),
  );

  app.get(
    '/users/:id',
    { schema: { operationId: 'getUser', tags: ['users'], params: userIdParams, response: { 200: userDto } } },
    async (request) => users.get(requireActor(request), request.params.id),
  );

  app.post(
    '/users',
    {
      schema: {
        operationId: 'createUser',
        tags: ['users'],
        body: createUserBody,
        response: { 201: userDto },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await users.create(authedContext(request), request.body)),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags: ['users'],
        params: userIdParams,
        body: updateUserBody,
        response: { 200: userDto },
      },
    },
    async (request) => users.update(authedContext(request), request.params.id, request.body),
  );

  app.put(
    '/users/:id/roles',
    {
      schema: {
        operationId: 'setUserRoles',
        tags: ['users'],
        params: userIdParams,
        body: setRolesBody,
        response: { 200: userDto },
      },
    },
    async (request) => users.setRoles(authedContext(request), request.params.id, request.body.roles),
  );
};
