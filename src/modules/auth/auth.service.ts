import { eq } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { roleAssignments, units, users } from '../../db/schema/index.js';
import type { Actor } from '../../domain/policy/policy.js';
import type { ChangeEpoch } from '../../lib/change-epoch.js';
import type { RequestContext } from '../../lib/context.js';
import { dummyPasswordHash, hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/crypto.js';
import { TooManyRequestsError, UnauthorizedError, ValidationError } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { authRepo } from './auth.repo.js';

export const PASSWORD_MIN_LENGTH = 10;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: string;
  roles: Array<{ role: string; unitId: string; unitCode: string; unitName: string }>;
}

export interface LoginMeta {
  /** The session token the client still sent, closed when the new session opens. */
  previousToken?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/** Accounts and sessions. Tokens leave this service only to be set as cookies. */
const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;

export function authServiceFactory(
  db: Db,
  config: Pick<Config, 'sessionTtlMs' | 'loginMaxFailures' | 'loginLockoutMs'>,
  opts: { epoch?: ChangeEpoch } = {},
) {
  const repo = authRepo(db);

  /*
   * Sessions resolved in the last few seconds, so a burst of reads (a dashboard's requests) does
   * not cost a database round trip each. An entry is used only while the process's access epoch
   * is the one it was read under: logging out, changing a password or a user's roles or status
   * through the API bumps it (src/app.ts), so revocation takes effect on the next request.
   * Changes from outside this process (the CLI, a second server) are seen within SESSION_CACHE_MS.
   */
  type Found = NonNullable<Awaited<ReturnType<typeof repo.findLiveSessionActor>>>;
  const sessionCache = new Map<string, { found: Found; epoch: number; at: number }>();
  function recentSession(tokenHash: string, now: number): Found | undefined {
    const hit = sessionCache.get(tokenHash);
    if (!hit) return undefined;
    if (
      hit.epoch !== opts.epoch?.access ||
      now - hit.at > SESSION_CACHE_MS ||
      hit.found.session.expiresAt.getTime() <= now
    ) {
      sessionCache.delete(tokenHash);
      return undefined;
    }
    return hit.found;
  }
  function rememberSession(tokenHash: string, found: Found, epoch: number, now: number) {
    sessionCache.delete(tokenHash);
    sessionCache.set(tokenHash, { found, epoch, at: now });
    if (sessionCache.size > SESSION_CACHE_MAX) sessionCache.delete(sessionCache.keys().next().value!);
  }

  async function presentUser(userId: string): Promise<SessionUser> {
    const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
    const roles = await db
      .select({
        role: roleAssignments.role,
        unitId: roleAssignments.unitId,
        unitCode: units.code,
        unitName: units.name,
      })
      .from(roleAssignments)
      .innerJoin(units, eq(units.id, roleAssignments.unitId))
      .where(eq(roleAssignments.userId, userId));
    return { id: user!.id, email: user!.email, name: user!.name, locale: user!.locale, roles };
  }

  const lockedMessage = (until: Date) => {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    const minutes = Math.ceil(seconds / 60);
    return new TooManyRequestsError(
      `Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam ${minutes} menit.`,
      seconds,
      `Too many failed sign-in attempts. Try again in ${minutes} minute(s).`,
    );
  };

  // Failures are counted within a window as long as the lockout itself (at least 15 minutes).
  const failureWindowMs = () => Math.max(config.loginLockoutMs, 15 * 60_000);

  async function assertNotLocked(key: string) {
    const throttle = await repo.getThrottle(key);
    if (throttle?.lockedUntil && throttle.lockedUntil > new Date()) throw lockedMessage(throttle.lockedUntil);
  }

  /** Counts a failure; throws the lockout error when this failure locked the key. */
  async function countFailure(key: string) {
    const row = await repo.recordFailure(
      key,
      config.loginMaxFailures,
      config.loginLockoutMs,
      failureWindowMs(),
    );
    if (row.lockedUntil && row.lockedUntil > new Date()) throw lockedMessage(row.lockedUntil);
  }

  return {
    presentUser,

    /**
     * Checks the password and opens a new session with a new token. The answer for a wrong
     * password is the same whether or not the e-mail exists (and whether the account is active);
     * repeated failures lock the e-mail for a while, and while it is locked even the right
     * password is refused. A session the client still presents (`meta.previousToken`) is closed.
     */
    async login(email: string, password: string, meta: LoginMeta) {
      const key = email.trim().toLowerCase();
      await assertNotLocked(key);

      const user = await repo.findUserByEmail(key);
      const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
      if (!user || !ok || !user.active) {
        await countFailure(key);
        throw new UnauthorizedError('Email atau kata sandi salah.', 'Wrong e-mail or password.');
      }

      const token = randomToken();
      const csrfToken = randomToken();
      await db.transaction(async (tx) => {
        await repo.clearThrottle(key, tx);
        if (meta.previousToken) await repo.deleteSession(sha256Hex(meta.previousToken), tx);
        await repo.createSession(
          {
            tokenHash: sha256Hex(token),
            userId: user.id,
            csrfToken,
            ip: meta.ip,
            userAgent: meta.userAgent?.slice(0, 300),
            expiresAt: new Date(Date.now() + config.sessionTtlMs),
          },
          tx,
        );
        await writeAudit(
          tx,
          {
            actor: { id: user.id, email: user.email, assignments: [] },
            requestId: meta.requestId,
            ip: meta.ip,
          },
          { action: 'auth.login', entityType: 'user', entityId: user.id },
        );
      });
      // Housekeeping that needs no timer: expired sessions and forgotten failure counters.
      await repo.deleteExpiredSessions();
      await repo.deleteStaleThrottles(failureWindowMs());
      return { token, csrfToken, user: await presentUser(user.id) };
    },

    /**
     * Resolves a cookie token to its live session and actor. The expiry slides forward, written at
     * most about once a minute per session so that reads do not each cost a write.
     */
    async resolveSession(
      token: string,
    ): Promise<{ actor: Actor; csrfToken: string; userId: string; renewed: boolean } | null> {
      const tokenHash = sha256Hex(token);
      const now = Date.now();
      const epochAtRead = opts.epoch?.access;
      let found = recentSession(tokenHash, now);
      if (!found) {
        found = await repo.findLiveSessionActor(tokenHash, new Date(now));
        if (!found) return null;
        if (!found.actor) {
          await repo.deleteSession(found.session.tokenHash);
          return null;
        }
        if (epochAtRead !== undefined) rememberSession(tokenHash, found, epochAtRead, now);
      }
      const { session, actor } = found;
      if (!actor) return null;
      const slideEveryMs = Math.min(60_000, config.sessionTtlMs / 10);
      let renewed = false;
      if (session.expiresAt.getTime() < now + config.sessionTtlMs - slideEveryMs) {
        const expiresAt = new Date(now + config.sessionTtlMs);
        renewed = (await repo.extendSession(session.id, expiresAt)) !== undefined;
        if (!renewed) {
          sessionCache.delete(tokenHash);
          return null;
        }
        session.expiresAt = expiresAt;
      }
      return { actor, csrfToken: session.csrfToken, userId: session.userId, renewed };
    },

    async logout(ctx: RequestContext, token: string) {
      sessionCache.delete(sha256Hex(token));
      await db.transaction(async (tx) => {
        await repo.deleteSession(sha256Hex(token), tx);
        if (ctx.actor)
          await writeAudit(tx, ctx, { action: 'auth.logout', entityType: 'user', entityId: ctx.actor.id });
      });
    },

    /**
     * Changes the actor's own password after checking the current one; every session of the user
     * is revoked (including the one making the request). Wrong current passwords count towards the
     * same lockout as failed logins.
     */
    async changePassword(ctx: RequestContext, currentPassword: string, newPassword: string) {
      if (!ctx.actor) throw new UnauthorizedError();
      const user = await db.query.users.findFirst({ where: eq(users.id, ctx.actor.id) });
      if (!user) throw new UnauthorizedError();
      await assertNotLocked(user.email);
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        await countFailure(user.email);
        throw new ValidationError(
          'Kata sandi saat ini salah.',
          [{ path: 'currentPassword', message: 'Kata sandi saat ini salah.' }],
          'The current password is wrong.',
        );
      }
      assertPasswordStrength(newPassword, 'newPassword');
      const passwordHash = await hashPassword(newPassword);
      await db.transaction(async (tx) => {
        await repo.updatePassword(user.id, passwordHash, tx);
        await repo.deleteUserSessions(user.id, tx);
        await repo.clearThrottle(user.email, tx);
        await writeAudit(tx, ctx, { action: 'user.password_change', entityType: 'user', entityId: user.id });
      });
    },

    deleteExpiredSessions: () => repo.deleteExpiredSessions(),
  };
}

export type AuthService = ReturnType<typeof authServiceFactory>;

export function assertPasswordStrength(password: string, field: string) {
  if (password.length < PASSWORD_MIN_LENGTH) {
    const message = `Kata sandi minimal ${PASSWORD_MIN_LENGTH} karakter.`;
    throw new ValidationError(
      message,
      [{ path: field, message }],
      `Password must have at least ${PASSWORD_MIN_LENGTH} characters.`,
    );
  }
}
