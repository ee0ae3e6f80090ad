import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { cycles, units } from '../../db/schema/index.js';

/** Read-only lookups for open data: which cycles are published right now, and their scope. */
export function opendataRepo(db: DbOrTx) {
  return {
    findCycle(id: string) {
      return db.query.cycles.findFirst({ where: eq(cycles.id, id) });
    },
    findUnit(id: string) {
      return db.query.units.findFirst({ where: eq(units.id, id) });
    },
    /** Of the given cycle ids, those published now (with what the public listing shows). */
    async publishedCycles(ids: string[]) {
      if (ids.length === 0) return [];
      return db
        .select({
          id: cycles.id,
          name: cycles.name,
          periodStart: cycles.periodStart,
          periodEnd: cycles.periodEnd,
          publishedAt: cycles.publishedAt,
          status: cycles.status,
          scopeName: units.name,
        })
        .from(cycles)
        .innerJoin(units, eq(units.id, cycles.scopeUnitId))
        .where(inArray(cycles.id, ids));
    },
  };
}
