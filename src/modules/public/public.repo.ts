import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { assessments, cycles, instrumentVersions, units } from '../../db/schema/index.js';

/** Read-only queries behind the public (no login) endpoints: published cycles only. */
export function publicRepo(db: DbOrTx) {
  return {
    publishedCycles(id?: string, tx: DbOrTx = db) {
      return tx
        .select({
          id: cycles.id,
          name: cycles.name,
          periodStart: cycles.periodStart,
          periodEnd: cycles.periodEnd,
          publishedAt: cycles.publishedAt,
          targetIndex: cycles.targetIndex,
          instrumentVersionId: cycles.instrumentVersionId,
          instrumentCode: instrumentVersions.code,
          instrumentVersion: instrumentVersions.version,
          instrumentTitle: instrumentVersions.title,
          scopeCode: sql<string>`coalesce(${cycles.publishedScope}->>'code', ${units.code})`,
          scopeName: sql<string>`coalesce(${cycles.publishedScope}->>'name', ${units.name})`,
          unitCount: sql<number>`(select count(*)::int from ${assessments} a where a.cycle_id = ${cycles.id})`,
        })
        .from(cycles)
        .innerJoin(units, eq(units.id, cycles.scopeUnitId))
        .innerJoin(instrumentVersions, eq(instrumentVersions.id, cycles.instrumentVersionId))
        .where(and(eq(cycles.status, 'published'), id ? eq(cycles.id, id) : undefined))
        .orderBy(desc(cycles.publishedAt), asc(cycles.name));
    },
    instrumentContent(id: string, tx: DbOrTx = db) {
      return tx.query.instrumentVersions.findFirst({
        where: eq(instrumentVersions.id, id),
        columns: { id: true, code: true, version: true, title: true, content: true, contentHash: true },
      });
    },
  };
}
