import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rawRows, statement } from '../../db/raw.js';
import { loginThrottle, roleAssignments, sessions, units, users } from '../../db/schema/index.js';
import type { Actor, Role } from '../../domain/policy/policy.js';

/** A timestamp parameter that PGlite and node-postgres bind identically. */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export function authRepo(db: DbOrTx) {
  return {
    findUserByEmail(email: string, tx: DbOrTx = db) {
      return tx.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
    },

    async loadActor(userId: string, tx: DbOrTx = db): Promise<Actor | null> {
      const user = await tx.query.users.findFirst({ where: eq(users.id, userId) });
      if (!user?.active) return null;
      const rows = await tx
        .select({ role: roleAssignments.role, unitId: roleAssignments.unitId, unitPath: units.path })
        .from(roleAssignments)
        .innerJoin(units, eq(units.id, roleAssignments.unitId))
        .where(eq(roleAssignments.userId, userId));
      return {
        id: user.id,
        email: user.email,
        assignments: rows.map((r) => ({ role: r.role as Role, unitId: r.unitId, unitPath: r.unitPath })),
      };
    },

    async createSession(
      v: {
        tokenHash: string;
        userId: string;
        csrfToken: string;
        ip?: string;
        userAgent?: string;
        expiresAt: Date;
      },
      tx: DbOrTx = db,
    ) {
      const [row] = await tx.insert(sessions).values(v).returning();
      return row!;
    },

    /**
     * The live session with this token hash and its user's actor, in one round trip: this runs
     * before every API request, so it is hand-written SQL (see src/db/raw.ts).
     */
    async findLiveSessionActor(tokenHash: string, now: Date) {
      const [row] = await rawRows<LiveSessionRow>(db, LIVE_SESSION, [tokenHash, now.toISOString()]);
      if (!row) return undefined;
      const session = {
        id: row.id,
        tokenHash: row.token_hash,
        userId: row.user_id,
        csrfToken: row.csrf_token,
        expiresAt: new Date(row.expires_at),
      };
      const actor: Actor | null = row.active
        ? {
            id: row.user_id,
            email: row.email,
            assignments: (row.assignments ?? []).map((a) => ({
              role: a.role as Role,
              unitId: a.unitId,
              unitPath: a.unitPath,
            })),
          }
        : null;
      return { session, actor };
    },

    /** Slides a live session's expiry forward; returns nothing when it has expired meanwhile. */
    async extendSession(id: string, expiresAt: Date, tx: DbOrTx = db) {
      const now = new Date();
      const [row] = await tx
        .update(sessions)
        .set({ lastSeenAt: now, expiresAt })
        .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
        .returning({ id: sessions.id });
      return row;
    },

    deleteSession(tokenHash: string, tx: DbOrTx = db) {
      return tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    },

    deleteUserSessions(userId: string, tx: DbOrTx = db) {
      return tx.delete(sessions).where(eq(sessions.userId, userId));
    },

    deleteExpiredSessions(tx: DbOrTx = db) {
      return tx.delete(sessions).where(lt(sessions.expiresAt, new Date()));
    },

    getThrottle(key: string, tx: DbOrTx = db) {
      return tx.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, key) });
    },

    /**
     * Counts one failure atomically and locks the key when the count reaches `max`. Failures older
     * than `windowMs` and expired locks are forgotten, so occasional typos never add up to a lock.
     */
    async recordFailure(key: string, max: number, lockoutMs: number, windowMs: number, tx: DbOrTx = db) {
      const now = new Date();
      const lockUntil = new Date(now.getTime() + lockoutMs);
      const windowStart = new Date(now.getTime() - windowMs);
      const stale = sql`((${loginThrottle.lockedUntil} IS NOT NULL AND ${loginThrottle.lockedUntil} <= ${at(now)})
        OR (${loginThrottle.lockedUntil} IS NULL AND ${loginThrottle.lastFailureAt} < ${at(windowStart)}))`;
      const failures = sql`CASE WHEN ${stale} THEN 1 ELSE ${loginThrottle.failures} + 1 END`;
      const [row] = await tx
        .insert(loginThrottle)
        .values({ key, failures: 1, lastFailureAt: now, lockedUntil: max <= 1 ? lockUntil : null })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures,
            // Lock when this failure reaches the limit; keep a lock that is still running.
            lockedUntil: sql`CASE WHEN ${failures} >= ${max}::int THEN
                COALESCE(CASE WHEN ${stale} THEN NULL ELSE ${loginThrottle.lockedUntil} END, ${at(lockUntil)})
              ELSE NULL END`,
            lastFailureAt: now,
          },
        })
        .returning();
      return row!;
    },

    /** Forgets counters whose failures are old and whose lock (if any) has run out. */
    deleteStaleThrottles(windowMs: number, tx: DbOrTx = db) {
      const now = new Date();
      return tx
        .delete(loginThrottle)
        .where(
          and(
            lt(loginThrottle.lastFailureAt, new Date(now.getTime() - windowMs)),
            sql`(${loginThrottle.lockedUntil} IS NULL OR ${loginThrottle.lockedUntil} <= ${at(now)})`,
          ),
        );
    },

    clearThrottle(key: string, tx: DbOrTx = db) {
      return tx.delete(loginThrottle).where(eq(loginThrottle.key, key));
    },

    updatePassword(userId: string, passwordHash: string, tx: DbOrTx = db) {
      return tx
        .update(users)
        .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
        .where(eq(users.id, userId));
    },
  };
}

export type AuthRepo = ReturnType<typeof authRepo>;

interface LiveSessionRow {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  expires_at: Date | string;
  email: string;
  active: boolean;
  assignments: Array<{ role: string; unitId: string; unitPath: string }> | null;
}

/** One round trip before every API request: the SQL function is in migration 0004_hot_path_functions. */
const LIVE_SESSION = statement(
  'auth_live_session_actor',
  'select * from mercusuar_session_actor($1::text, $2::timestamptz)',
);
