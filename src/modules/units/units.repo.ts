import { and, asc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { units } from '../../db/schema/index.js';

export type UnitRow = typeof units.$inferSelect;
export type NewUnit = Omit<typeof units.$inferInsert, 'id' | 'path' | 'depth'> & { id?: string };

export const subtreeOf = (paths: string[]): SQL | undefined =>
  or(...paths.map((p) => sql`${units.path} LIKE ${`${p}%`}`));

/** The only place that touches the units table. */
export function unitsRepo(db: DbOrTx) {
  return {
    findById(id: string, tx: DbOrTx = db) {
      return tx.query.units.findFirst({ where: eq(units.id, id) });
    },
    findByCode(code: string, tx: DbOrTx = db) {
      return tx.query.units.findFirst({ where: eq(units.code, code) });
    },
    findByCodes(codes: string[], tx: DbOrTx = db) {
      if (codes.length === 0) return Promise.resolve([]);
      return tx.select().from(units).where(inArray(units.code, codes));
    },
    list(
      f: { scopePaths: string[]; rootPath?: string; type?: string; q?: string; active?: boolean },
      tx: DbOrTx = db,
    ) {
      if (f.scopePaths.length === 0) return Promise.resolve([] as UnitRow[]);
      const where: (SQL | undefined)[] = [subtreeOf(f.scopePaths)];
      if (f.rootPath) where.push(sql`${units.path} LIKE ${`${f.rootPath}%`}`);
      if (f.type) where.push(eq(units.type, f.type));
      if (f.active !== undefined) where.push(eq(units.active, f.active));
      if (f.q)
        where.push(
          or(
            ilike(units.name, `%${f.q}%`),
            ilike(units.code, `%${f.q}%`),
            ilike(units.shortName, `%${f.q}%`),
          ),
        );
      return tx
        .select()
        .from(units)
        .where(and(...where))
        .orderBy(asc(units.depth), asc(units.name));
    },
    /** Inserts a unit under `parent`, computing its path. */
    async insert(v: NewUnit, parent: Pick<UnitRow, 'path' | 'depth'> | null, tx: DbOrTx = db) {
      const id = v.id ?? crypto.randomUUID();
      const [row] = await tx
        .insert(units)
        .values({ ...v, id, path: `${parent?.path ?? '/'}${id}/`, depth: parent ? parent.depth + 1 : 0 })
        .returning();
      return row!;
    },
    async update(id: string, patch: Partial<NewUnit>, tx: DbOrTx = db) {
      const [row] = await tx
        .update(units)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(units.id, id))
        .returning();
      return row;
    },
    /** Moves a subtree: rewrites the path prefix and depth of the node and all its descendants. */
    async move(node: UnitRow, newParent: UnitRow | null, tx: DbOrTx = db) {
      const newPath = `${newParent?.path ?? '/'}${node.id}/`;
      const depthDelta = (newParent ? newParent.depth + 1 : 0) - node.depth;
      await tx
        .update(units)
        .set({
          path: sql`${newPath} || substr(${units.path}, ${node.path.length + 1})`,
          depth: sql`${units.depth} + ${depthDelta}`,
          updatedAt: new Date(),
        })
        .where(sql`${units.path} LIKE ${`${node.path}%`}`);
      await tx
        .update(units)
        .set({ parentId: newParent?.id ?? null })
        .where(eq(units.id, node.id));
    },
    async countChildren(id: string, tx: DbOrTx = db) {
      const [r] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(units)
        .where(eq(units.parentId, id));
      return r?.n ?? 0;
    },
  };
}

export type UnitsRepo = ReturnType<typeof unitsRepo>;
