import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Actor } from '../domain/policy/policy.js';
import type { RequestContext } from '../lib/context.js';
import { safeEqual } from '../lib/crypto.js';
import { AppError, ForbiddenError, UnauthorizedError } from '../lib/errors.js';
import type { AuthService } from '../modules/auth/auth.service.js';

export const SESSION_COOKIE = 'mercusuar_session';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
    sessionToken: string | null;
  }
}

/**
 * Resolves the session cookie on every request, then guards mutations: an Origin header, when
 * sent, must be our own; a request that carries the session cookie must carry the matching
 * X-CSRF-Token header.
 */
export function registerAuth(app: FastifyInstance, auth: AuthService, config: Pick<Config, 'publicOrigin'>) {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    if (MUTATING.has(request.method)) checkOrigin(request, config.publicOrigin);
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await auth.resolveSession(token);
      if (session) {
        request.actor = session.actor;
        request.csrfToken = session.csrfToken;
        request.sessionToken = token;
      }
    }
    if (MUTATING.has(request.method) && token) {
      const sent = request.headers['x-csrf-token'];
      // A stale cookie on the login form is not an attack: let login replace it.
      const isLogin = request.url.split('?')[0] === '/api/auth/login';
      if (
        !isLogin &&
        (!request.csrfToken || typeof sent !== 'string' || !safeEqual(sent, request.csrfToken))
      ) {
        if (!request.actor)
          throw new UnauthorizedError(
            'Sesi Anda telah berakhir. Silakan masuk kembali.',
            'Your session has expired. Please sign in again.',
          );
        throw new AppError(
          403,
          'CSRF_TOKEN_INVALID',
          'Token CSRF tidak ada atau tidak cocok. Muat ulang halaman lalu coba lagi.',
          { header: 'X-CSRF-Token' },
          'Missing or wrong X-CSRF-Token header.',
        );
      }
    }
  });
}

function checkOrigin(request: FastifyRequest, publicOrigin: string | undefined) {
  const origin = request.headers.origin;
  if (!origin || origin === 'null') return;
  const host = request.headers.host;
  let ok = false;
  try {
    const o = new URL(origin);
    ok = (publicOrigin !== undefined && origin === publicOrigin) || o.host === host;
  } catch {
    ok = false;
  }
  if (!ok) throw new ForbiddenError(`Permintaan dari asal ${origin} ditolak.`, { origin });
}

/** The request's actor, or 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError();
  return request.actor;
}

export function contextOf(request: FastifyRequest): RequestContext {
  return { actor: request.actor, requestId: request.id, ip: request.ip };
}

/** Context for a route that needs a signed-in user. */
export function authedContext(request: FastifyRequest): RequestContext & { actor: Actor } {
  return { actor: requireActor(request), requestId: request.id, ip: request.ip };
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeMs: number) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
