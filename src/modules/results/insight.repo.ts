import { and, asc, eq, isNotNull, like, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  assessments,
  cycles,
  instrumentVersions,
  scoreSnapshots,
  units,
  verifications,
} from '../../db/schema/index.js';

/** Read-only queries behind the insight endpoints (one unit's result page, the trend across cycles). */
export function insightRepo(db: DbOrTx) {
  return {
    /** Where an assessment sits (cycle and unit path), for the scope check before anything else. */
    async assessmentScope(id: string) {
      const [row] = await db
        .select({ cycleId: assessments.cycleId, unitId: units.id, unitPath: units.path })
        .from(assessments)
        .innerJoin(units, eq(units.id, assessments.unitId))
        .where(eq(assessments.id, id));
      return row;
    },

    /** When each indicator of one assessment was last verified (the verifier's ledger). */
    verificationTimes(assessmentId: string) {
      return db
        .select({ indicatorCode: verifications.indicatorCode, updatedAt: verifications.updatedAt })
        .from(verifications)
        .where(eq(verifications.assessmentId, assessmentId));
    },

    /**
     * Final verified index per unit of every cycle on one instrument code that ended no later than
     * `periodEnd`, limited to units under one of `paths` (current snapshots only), oldest first.
     * `unitId` narrows it to one unit (its history).
     */
    finalIndices(opts: { instrumentCode: string; periodEnd: string; paths: string[]; unitId?: string }) {
      if (opts.paths.length === 0) return Promise.resolve([]);
      return db
        .select({
          cycleId: cycles.id,
          cycleName: cycles.name,
          periodEnd: cycles.periodEnd,
          unitId: units.id,
          unitCode: units.code,
          unitName: units.name,
          unitShortName: units.shortName,
          unitType: units.type,
          indexValue: scoreSnapshots.indexValue,
          predicate: scoreSnapshots.predicate,
        })
        .from(assessments)
        .innerJoin(cycles, eq(cycles.id, assessments.cycleId))
        .innerJoin(instrumentVersions, eq(instrumentVersions.id, cycles.instrumentVersionId))
        .innerJoin(units, eq(units.id, assessments.unitId))
        .innerJoin(scoreSnapshots, eq(scoreSnapshots.id, assessments.currentSnapshotId))
        .where(
          and(
            eq(instrumentVersions.code, opts.instrumentCode),
            lte(cycles.periodEnd, opts.periodEnd),
            isNotNull(scoreSnapshots.indexValue),
            opts.unitId ? eq(units.id, opts.unitId) : undefined,
            // Materialised paths hold only UUIDs and slashes: no LIKE wildcards to escape.
            or(...opts.paths.map((p) => like(units.path, `${p}%`))),
          ),
        )
        .orderBy(asc(cycles.periodEnd), asc(cycles.id), asc(units.name));
    },
  };
}

export type InsightRepo = ReturnType<typeof insightRepo>;
