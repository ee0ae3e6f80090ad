import { and, asc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { units } from '../../db/schema/index.js';
import { escapeLike } from '../../lib/sql.js';

export type UnitRow = typeof units.$inferSelect;
export type NewUnit = Omit<typeof units.$inferInsert, 'id' | 'path' | 'depth'> & { id?: string };

/** The descriptive fields a person edits (everything but code and place in the tree). */
export type UnitFields = Pick<
  UnitRow,
  'name' | 'shortName' | 'type' | 'active' | 'address' | 'latitude' | 'longitude'
>;

/** A unit row with its id, path and depth decided by the caller (bulk import). */
export type NewUnitRow = NewUnit & { id: string; path: string; depth: number };

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
    findByIds(ids: string[], tx: DbOrTx = db) {
      if (ids.length === 0) return Promise.resolve([] as UnitRow[]);
      return tx.select().from(units).where(inArray(units.id, ids));
    },
    /** Direct children of the given units. */
    findChildren(parentIds: string[], tx: DbOrTx = db) {
      if (parentIds.length === 0) return Promise.resolve([] as UnitRow[]);
      return tx.select().from(units).where(inArray(units.parentId, parentIds));
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
            ilike(units.name, `%${escapeLike(f.q)}%`),
            ilike(units.code, `%${escapeLike(f.q)}%`),
            ilike(units.shortName, `%${escapeLike(f.q)}%`),
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
    /**
     * Inserts many units whose ids and paths the caller computed (import). The rows travel as one
     * JSON parameter: far cheaper than thousands of bound parameters, on PGlite above all.
     */
    async insertMany(rows: NewUnitRow[], tx: DbOrTx = db) {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000).map((r) => ({ ...r, parentId: r.parentId ?? null }));
        await tx.execute(sql`
          INSERT INTO ${units} (id, code, name, short_name, type, parent_id, active, address, latitude, longitude, path, depth)
          SELECT id, code, name, "shortName", type, "parentId", active, address, latitude, longitude, path, depth
          FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS r(
            id uuid, code text, name text, "shortName" text, type text, "parentId" uuid, active boolean,
            address text, latitude numeric, longitude numeric, path text, depth int)`);
      }
    },
    /** Sets the descriptive fields of many units at once (import), one JSON parameter per chunk. */
    async updateMany(rows: Array<{ id: string } & UnitFields>, tx: DbOrTx = db) {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000);
        await tx.execute(sql`
          UPDATE ${units} AS u SET
            name = r.name, short_name = r."shortName", type = r.type, active = r.active,
            address = r.address, latitude = r.latitude, longitude = r.longitude, updated_at = now()
          FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS r(
            id uuid, name text, "shortName" text, type text, active boolean, address text,
            latitude numeric, longitude numeric)
          WHERE u.id = r.id`);
      }
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
