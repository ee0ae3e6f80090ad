import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { assessments, cycles, instrumentVersions, scoreSnapshots, units } from '../../db/schema/index.js';

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
    /** The frozen snapshot of every published assessment of a cycle (unit data as it was at finalisation). */
    publishedSnapshots(cycleId: string, tx: DbOrTx = db) {
      return tx
        .select({
          snapshotId: scoreSnapshots.id,
          unit: sql<{
            code: string;
            name: string;
            shortName: string | null;
            type: string;
          }>`${scoreSnapshots.inputs}->'unit'`,
          indexValue: scoreSnapshots.indexValue,
          predicate: scoreSnapshots.predicate,
          nodes: sql<Array<{
            code: string;
            name: string;
            depth: number;
            kind: string;
            index: { reported: string; predicate: string | null } | null;
          }> | null>`${scoreSnapshots.result}->'nodes'`,
          inputsHash: scoreSnapshots.inputsHash,
          finalizedAt: scoreSnapshots.createdAt,
        })
        .from(assessments)
        .innerJoin(scoreSnapshots, eq(scoreSnapshots.id, assessments.currentSnapshotId))
        .where(and(eq(assessments.cycleId, cycleId), eq(assessments.state, 'published')));
    },
  };
}
