import { and, asc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { roleAssignments, units, users } from '../../db/schema/index.js';
import { escapeLike } from '../../lib/sql.js';

export type UserRow = typeof users.$inferSelect;

export function usersRepo(db: DbOrTx) {
  return {
    findById(id: string, tx: DbOrTx = db) {
      return tx.query.users.findFirst({ where: eq(users.id, id) });
    },
    async insert(v: typeof users.$inferInsert, tx: DbOrTx = db) {
      const [row] = await tx.insert(users).values(v).returning();
      return row!;
    },
    async update(id: string, patch: Partial<typeof users.$inferInsert>, tx: DbOrTx = db) {
      const [row] = await tx
        .update(users)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(users.id, id))
        .returning();
      return row;
    },
    list(f: { q?: string; role?: string; unitPath?: string }, tx: DbOrTx = db) {
      const where: (SQL | undefined)[] = [];
      if (f.q) {
        const q = `%${escapeLike(f.q)}%`;
        where.push(or(ilike(users.email, q), ilike(users.name, q)));
      }
      if (f.role || f.unitPath) {
        const sub = tx
          .select({ id: roleAssignments.userId })
          .from(roleAssignments)
          .innerJoin(units, eq(units.id, roleAssignments.unitId))
          .where(
            and(
              f.role ? eq(roleAssignments.role, f.role) : undefined,
              f.unitPath ? sql`${units.path} LIKE ${`${f.unitPath}%`}` : undefined,
            ),
          );
        where.push(inArray(users.id, sub));
      }
      return tx
        .select()
        .from(users)
        .where(and(...where))
        .orderBy(asc(users.email))
        .limit(1000);
    },
    rolesOf(userIds: string[], tx: DbOrTx = db) {
      if (userIds.length === 0) return Promise.resolve([]);
      return tx
        .select({
          userId: roleAssignments.userId,
          role: roleAssignments.role,
          unitId: roleAssignments.unitId,
          unitCode: units.code,
          unitName: units.name,
          unitPath: units.path,
        })
        .from(roleAssignments)
        .innerJoin(units, eq(units.id, roleAssignments.unitId))
        .where(inArray(roleAssignments.userId, userIds));
    },
    async replaceRoles(userId: string, roles: Array<{ role: string; unitId: string }>, tx: DbOrTx = db) {
      await tx.delete(roleAssignments).where(eq(roleAssignments.userId, userId));
      if (roles.length) await tx.insert(roleAssignments).values(roles.map((r) => ({ userId, ...r })));
    },
  };
}
