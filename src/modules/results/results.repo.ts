import { and, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  assessments,
  cycles,
  instrumentVersions,
  responseEvidence,
  responses,
  scoreSnapshots,
  units,
  verifications,
} from '../../db/schema/index.js';

/** Read-only queries behind results, laggards and the public pages: a handful of set queries per cycle. */
export function resultsRepo(db: DbOrTx) {
  return {
    findCycle(id: string) {
      return db.query.cycles.findFirst({ where: eq(cycles.id, id) });
    },
    findInstrumentVersion(id: string) {
      return db.query.instrumentVersions.findFirst({ where: eq(instrumentVersions.id, id) });
    },
    assessmentsOf(cycleId: string) {
      return db
        .select({
          id: assessments.id,
          state: assessments.state,
          unitId: units.id,
          unitCode: units.code,
          unitName: units.name,
          unitShortName: units.shortName,
          unitType: units.type,
          unitPath: units.path,
          parentId: units.parentId,
          snapshotId: assessments.currentSnapshotId,
        })
        .from(assessments)
        .innerJoin(units, eq(units.id, assessments.unitId))
        .where(eq(assessments.cycleId, cycleId))
        .orderBy(units.name);
    },
    snapshots(ids: string[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .select({
          id: scoreSnapshots.id,
          assessmentId: scoreSnapshots.assessmentId,
          result: scoreSnapshots.result,
          inputsHash: scoreSnapshots.inputsHash,
          indexValue: scoreSnapshots.indexValue,
          predicate: scoreSnapshots.predicate,
          selfIndexValue: scoreSnapshots.selfIndexValue,
          createdAt: scoreSnapshots.createdAt,
          /** The unit as it was when the assessment was finalised. */
          unit: sql<{
            code: string;
            name: string;
            shortName: string | null;
            type: string;
          }>`${scoreSnapshots.inputs}->'unit'`,
        })
        .from(scoreSnapshots)
        .where(inArray(scoreSnapshots.id, ids));
    },
    /** Unit ledger of every assessment of a cycle, with the number of evidence items per answer. */
    responsesOf(cycleId: string) {
      return db
        .select({
          assessmentId: responses.assessmentId,
          indicatorCode: responses.indicatorCode,
          level: responses.level,
          notApplicable: responses.notApplicable,
          metricValue: responses.metricValue,
          evidenceCount: sql<number>`(select count(*)::int from ${responseEvidence} re where re.response_id = ${responses.id})`,
        })
        .from(responses)
        .innerJoin(assessments, eq(assessments.id, responses.assessmentId))
        .where(eq(assessments.cycleId, cycleId));
    },
    verificationsOf(cycleId: string) {
      return db
        .select({
          assessmentId: verifications.assessmentId,
          indicatorCode: verifications.indicatorCode,
          level: verifications.level,
          notApplicable: verifications.notApplicable,
          metricValue: verifications.metricValue,
        })
        .from(verifications)
        .innerJoin(assessments, eq(assessments.id, verifications.assessmentId))
        .where(eq(assessments.cycleId, cycleId));
    },
    /**
     * The cycle to compare with: the declared previous cycle, else the latest earlier cycle on the
     * same instrument code that has final scores.
     */
    async previousCycle(cycle: typeof cycles.$inferSelect, instrumentCode: string) {
      if (cycle.previousCycleId)
        return db.query.cycles.findFirst({ where: eq(cycles.id, cycle.previousCycleId) });
      const [row] = await db
        .select({ id: cycles.id })
        .from(cycles)
        .innerJoin(instrumentVersions, eq(instrumentVersions.id, cycles.instrumentVersionId))
        .where(
          and(
            eq(instrumentVersions.code, instrumentCode),
            lt(cycles.periodEnd, cycle.periodStart),
            sql`exists (select 1 from ${assessments} a where a.cycle_id = ${cycles.id} and a.current_snapshot_id is not null)`,
          ),
        )
        .orderBy(desc(cycles.periodEnd))
        .limit(1);
      return row ? db.query.cycles.findFirst({ where: eq(cycles.id, row.id) }) : undefined;
    },
    /** Verified index per unit in a cycle (current snapshots only). */
    finalIndicesOf(cycleId: string) {
      return db
        .select({ unitId: assessments.unitId, indexValue: scoreSnapshots.indexValue })
        .from(assessments)
        .innerJoin(scoreSnapshots, eq(scoreSnapshots.id, assessments.currentSnapshotId))
        .where(and(eq(assessments.cycleId, cycleId), isNotNull(scoreSnapshots.indexValue)));
    },
    /** Cycles on the same instrument code with final scores, oldest first (trend). */
    cyclesOnInstrument(instrumentCode: string) {
      return db
        .select({ id: cycles.id, name: cycles.name, periodEnd: cycles.periodEnd, status: cycles.status })
        .from(cycles)
        .innerJoin(instrumentVersions, eq(instrumentVersions.id, cycles.instrumentVersionId))
        .where(eq(instrumentVersions.code, instrumentCode))
        .orderBy(cycles.periodEnd);
    },
  };
}
export type ResultsRepo = ReturnType<typeof resultsRepo>;
