import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { loginThrottle, roleAssignments, sessions, units, users } from '../../db/schema/index.js';
import type { Actor, Role } from '../../domain/policy/policy.js';

export function authRepo(db: DbOrTx) {
  return {
    findUserByEmail(email: string, tx: DbOrTx = db) {
      return tx.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
    },

    async loadActor(userId: string, tx: DbOrTx = db): Promise<Actor | null> {
      const user = await tx.query.users.findFirst({ where: eq(users.id, userId) });
      if (!user || !user.active) return null;
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

    /** Finds a live session and slides its expiry in one statement. */
    async touchSession(tokenHash: string, ttlMs: number, tx: DbOrTx = db) {
      const now = new Date();
      const [row] = await tx
        .update(sessions)
        .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + ttlMs) })
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
        .returning();
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

    /** Counts one failure atomically; locks the key when the count reaches `max`. */
    async recordFailure(key: string, max: number, lockoutMs: number, tx: DbOrTx = db) {
      const lockUntil = new Date(Date.now() + lockoutMs);
      const [row] = await tx
        .insert(loginThrottle)
        .values({ key, failures: 1, lastFailureAt: new Date() })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: sql`CASE WHEN ${loginThrottle.lockedUntil} IS NOT NULL AND ${loginThrottle.lockedUntil} < now() THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
            lockedUntil: sql`CASE WHEN ${loginThrottle.lockedUntil} IS NOT NULL AND ${loginThrottle.lockedUntil} < now() THEN NULL ELSE ${loginThrottle.lockedUntil} END`,
            lastFailureAt: new Date(),
          },
        })
        .returning();
      if (row && row.failures >= max && !row.lockedUntil) {
        await tx.update(loginThrottle).set({ lockedUntil: lockUntil }).where(eq(loginThrottle.key, key));
        return { ...row, lockedUntil: lockUntil };
      }
      return row!;
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
