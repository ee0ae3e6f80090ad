import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Actor } from '../domain/policy/policy.js';
import type { RequestContext } from '../lib/context.js';
import { safeEqual } from '../lib/crypto.js';
import { AppError, UnauthorizedError } from '../lib/errors.js';
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
 * Resolves the session cookie on every API request, then guards mutations: an Origin header, when
 * sent, must be our own; a request whose cookie opens a live session must carry that session's
 * X-CSRF-Token header. A cookie that opens no session (expired, revoked) grants nothing, so such a
 * request is treated as anonymous: login and logout still work, everything else answers 401.
 */
export function registerAuth(
  app: FastifyInstance,
  auth: AuthService,
  config: Pick<Config, 'publicOrigin'> & Partial<Pick<Config, 'cookieSecure' | 'sessionTtlMs'>>,
) {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const mutating = MUTATING.has(request.method);
    if (mutating) checkOrigin(request, config.publicOrigin);
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await auth.resolveSession(token);
    if (!session) return;
    request.actor = session.actor;
    request.csrfToken = session.csrfToken;
    request.sessionToken = token;
    // The expiry slid forward: let the browser keep the cookie as long as the server keeps the session.
    if (session.renewed && config.sessionTtlMs)
      setSessionCookie(reply, token, config.cookieSecure ?? false, config.sessionTtlMs);

    // A stale or foreign session on the login form is not an attack: login replaces it.
    if (mutating && request.url.split('?')[0] !== '/api/auth/login') {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
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

/**
 * Mutations must come from our own origin when the browser names one. `Origin: null` (sandboxed
 * frames, some redirects) is refused too: a page that hides its origin is not ours.
 */
function checkOrigin(request: FastifyRequest, publicOrigin: string | undefined) {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let ok = false;
  try {
    const o = new URL(origin);
    ok =
      (publicOrigin !== undefined && o.origin === publicOrigin) ||
      (o.host === request.headers.host && (o.protocol === 'http:' || o.protocol === 'https:'));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new AppError(
      403,
      'ORIGIN_REJECTED',
      `Permintaan dari asal ${origin} ditolak.`,
      { origin },
      `Requests from origin ${origin} are refused.`,
    );
  }
}

/** The request's actor, or 401 (telling a user whose session ran out that it did). */
export function requireActor(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  if (request.cookies?.[SESSION_COOKIE]) {
    throw new UnauthorizedError(
      'Sesi Anda telah berakhir. Silakan masuk kembali.',
      'Your session has expired. Please sign in again.',
    );
  }
  throw new UnauthorizedError();
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
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
}
