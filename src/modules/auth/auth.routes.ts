import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  authedContext,
  clearSessionCookie,
  contextOf,
  requireActor,
  SESSION_COOKIE,
  setSessionCookie,
} from '../../plugins/auth.js';
import { changePasswordBody, loginBody, okResponse, sessionResponse } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  cookieSecure: boolean;
  sessionTtlMs: number;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (
  app,
  { auth, cookieSecure, sessionTtlMs },
) => {
  app.post(
    '/auth/login',
    {
      schema: { operationId: 'login', tags: ['auth'], body: loginBody, response: { 200: sessionResponse } },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { token, csrfToken, user } = await auth.login(request.body.email, request.body.password, {
        previousToken: request.cookies[SESSION_COOKIE],
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        requestId: request.id,
      });
      setSessionCookie(reply, token, cookieSecure, sessionTtlMs);
      return { user, csrfToken };
    },
  );

  app.get(
    '/auth/session',
    { schema: { operationId: 'getSession', tags: ['auth'], response: { 200: sessionResponse } } },
    async (request) => {
      const actor = requireActor(request);
      return { user: await auth.presentUser(actor.id), csrfToken: request.csrfToken! };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { operationId: 'logout', tags: ['auth'], response: { 200: okResponse } } },
    async (request, reply) => {
      if (request.sessionToken) await auth.logout(contextOf(request), request.sessionToken);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        operationId: 'changePassword',
        tags: ['auth'],
        body: changePasswordBody,
        response: { 200: okResponse },
      },
    },
    async (request, reply) => {
      await auth.changePassword(
        authedContext(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );
};
