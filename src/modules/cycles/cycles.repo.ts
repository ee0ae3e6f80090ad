import { and, asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  assessments,
  cycleAssessors,
  cycles,
  responseEvidence,
  responses,
  roleAssignments,
  units,
  users,
  verifications,
} from '../../db/schema/index.js';

export type CycleRow = typeof cycles.$inferSelect;
export type NewCycle = typeof cycles.$inferInsert;
export type AssessmentRow = typeof assessments.$inferSelect;

const CHUNK = 1000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** The only place that touches cycles, cycle_assessors and (for opening) the bulk creation of assessments. */
export function cyclesRepo(db: DbOrTx) {
  return {
    findById(id: string, tx: DbOrTx = db) {
      return tx.query.cycles.findFirst({ where: eq(cycles.id, id) });
    },
    async findByIdForUpdate(id: string, tx: DbOrTx) {
      const [row] = await tx.select().from(cycles).where(eq(cycles.id, id)).for('update');
      return row;
    },
    /** Every cycle (or one) with its scope unit (path, code, name); few rows, filtered by the service. */
    listWithScope(id?: string, tx: DbOrTx = db) {
      return tx
        .select({
          cycle: cycles,
          scope: { id: units.id, code: units.code, name: units.name, path: units.path, type: units.type },
        })
        .from(cycles)
        .innerJoin(units, eq(units.id, cycles.scopeUnitId))
        .where(id ? eq(cycles.id, id) : undefined)
        .orderBy(sql`${cycles.periodStart} DESC`, asc(cycles.name));
    },
    async insert(v: NewCycle, tx: DbOrTx = db) {
      const [row] = await tx.insert(cycles).values(v).returning();
      return row!;
    },
    async update(id: string, patch: Partial<NewCycle>, tx: DbOrTx = db) {
      const [row] = await tx
        .update(cycles)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(cycles.id, id))
        .returning();
      return row!;
    },

    /** Active and inactive units of a subtree (the service decides which are in scope). */
    subtreeUnits(rootPath: string, tx: DbOrTx = db) {
      return tx
        .select({
          id: units.id,
          code: units.code,
          name: units.name,
          shortName: units.shortName,
          type: units.type,
          path: units.path,
          active: units.active,
        })
        .from(units)
        .where(sql`${units.path} LIKE ${`${rootPath}%`}`)
        .orderBy(asc(units.path));
    },

    /** Cycles in which the user is an assigned assessor. */
    async cycleIdsAssessedBy(userId: string, tx: DbOrTx = db) {
      const rows = await tx
        .selectDistinct({ cycleId: cycleAssessors.cycleId })
        .from(cycleAssessors)
        .where(eq(cycleAssessors.userId, userId));
      return rows.map((r) => r.cycleId);
    },
    /** Cycles with an assessment of a unit inside one of the given subtrees. */
    async cycleIdsWithUnitsUnder(paths: string[], tx: DbOrTx = db) {
      if (paths.length === 0) return [];
      const rows = await tx
        .selectDistinct({ cycleId: assessments.cycleId })
        .from(assessments)
        .innerJoin(units, eq(units.id, assessments.unitId))
        .where(or(...paths.map((p) => sql`${units.path} LIKE ${`${p}%`}`)));
      return rows.map((r) => r.cycleId);
    },
    assessorsOfCycle(cycleId: string, tx: DbOrTx = db) {
      return tx
        .select({
          unitId: cycleAssessors.unitId,
          userId: cycleAssessors.userId,
          name: users.name,
          email: users.email,
        })
        .from(cycleAssessors)
        .innerJoin(users, eq(users.id, cycleAssessors.userId))
        .where(eq(cycleAssessors.cycleId, cycleId))
        .orderBy(asc(users.name));
    },
    async replaceAssessors(cycleId: string, unitId: string, userIds: string[], tx: DbOrTx) {
      await tx
        .delete(cycleAssessors)
        .where(and(eq(cycleAssessors.cycleId, cycleId), eq(cycleAssessors.unitId, unitId)));
      if (userIds.length > 0) {
        await tx.insert(cycleAssessors).values(userIds.map((userId) => ({ cycleId, unitId, userId })));
      }
    },
    /** Users holding the assessor role, with the node the role is scoped to. */
    assessorRoleHolders(userIds?: string[], tx: DbOrTx = db) {
      const where: SQL[] = [eq(roleAssignments.role, 'assessor'), eq(users.active, true)];
      if (userIds) {
        if (userIds.length === 0) return Promise.resolve([]);
        where.push(inArray(users.id, userIds));
      }
      return tx
        .select({
          userId: users.id,
          name: users.name,
          email: users.email,
          unitPath: units.path,
          unitCode: units.code,
        })
        .from(roleAssignments)
        .innerJoin(users, eq(users.id, roleAssignments.userId))
        .innerJoin(units, eq(units.id, roleAssignments.unitId))
        .where(and(...where))
        .orderBy(asc(users.name));
    },

    /** Assessments of a cycle with their unit. */
    assessmentsOfCycle(cycleId: string, tx: DbOrTx = db) {
      return tx
        .select({
          assessment: assessments,
          unit: {
            id: units.id,
            code: units.code,
            name: units.name,
            shortName: units.shortName,
            type: units.type,
            path: units.path,
          },
        })
        .from(assessments)
        .innerJoin(units, eq(units.id, assessments.unitId))
        .where(eq(assessments.cycleId, cycleId))
        .orderBy(asc(units.path));
    },
    async stateCounts(cycleIds: string[], tx: DbOrTx = db) {
      if (cycleIds.length === 0) return [];
      return tx
        .select({ cycleId: assessments.cycleId, state: assessments.state, n: sql<number>`count(*)::int` })
        .from(assessments)
        .where(inArray(assessments.cycleId, cycleIds))
        .groupBy(assessments.cycleId, assessments.state);
    },
    /** Per response of a cycle: the facts progress needs (one row per answer, evidence counted). */
    responseFactsOfCycle(cycleId: string, tx: DbOrTx = db) {
      return tx
        .select({
          assessmentId: responses.assessmentId,
          indicatorCode: responses.indicatorCode,
          level: responses.level,
          notApplicable: responses.notApplicable,
          metricValue: responses.metricValue,
          justification: responses.justification,
          needsConfirmation: responses.needsConfirmation,
          version: responses.version,
          evidenceCount: sql<number>`(select count(*)::int from ${responseEvidence} re where re.response_id = ${responses.id})`,
        })
        .from(responses)
        .innerJoin(assessments, eq(assessments.id, responses.assessmentId))
        .where(eq(assessments.cycleId, cycleId));
    },
    verificationFactsOfCycle(cycleId: string, tx: DbOrTx = db) {
      return tx
        .select({
          assessmentId: verifications.assessmentId,
          indicatorCode: verifications.indicatorCode,
          level: verifications.level,
          notApplicable: verifications.notApplicable,
          metricValue: verifications.metricValue,
          responseVersion: verifications.responseVersion,
        })
        .from(verifications)
        .innerJoin(assessments, eq(assessments.id, verifications.assessmentId))
        .where(eq(assessments.cycleId, cycleId));
    },

    /** The unit's answers in an earlier cycle, with their evidence links, for carry-over. */
    async previousAnswers(previousCycleId: string, unitIds: string[], tx: DbOrTx = db) {
      if (unitIds.length === 0) return [];
      return tx
        .select({
          unitId: assessments.unitId,
          responseId: responses.id,
          indicatorCode: responses.indicatorCode,
          level: responses.level,
          notApplicable: responses.notApplicable,
          metricValue: responses.metricValue,
          justification: responses.justification,
          evidenceIds: sql<
            string[]
          >`coalesce((select array_agg(re.evidence_id::text order by re.evidence_id) from ${responseEvidence} re where re.response_id = ${responses.id}), '{}')`,
        })
        .from(responses)
        .innerJoin(assessments, eq(assessments.id, responses.assessmentId))
        .where(and(eq(assessments.cycleId, previousCycleId), inArray(assessments.unitId, unitIds)));
    },

    async insertAssessments(rows: Array<typeof assessments.$inferInsert>, tx: DbOrTx) {
      const out: AssessmentRow[] = [];
      await insertChunked(rows, async (chunk) => {
        out.push(...(await tx.insert(assessments).values(chunk).returning()));
      });
      return out;
    },
    async insertResponses(rows: Array<typeof responses.$inferInsert>, tx: DbOrTx) {
      const out: Array<{ id: string; assessmentId: string; indicatorCode: string }> = [];
      await insertChunked(rows, async (chunk) => {
        out.push(
          ...(await tx.insert(responses).values(chunk).returning({
            id: responses.id,
            assessmentId: responses.assessmentId,
            indicatorCode: responses.indicatorCode,
          })),
        );
      });
      return out;
    },
    async insertResponseEvidence(rows: Array<typeof responseEvidence.$inferInsert>, tx: DbOrTx) {
      await insertChunked(rows, (chunk) => tx.insert(responseEvidence).values(chunk).onConflictDoNothing());
    },
    /** Moves every final assessment of the cycle to published; returns the rows changed. */
    async publishAssessments(cycleId: string, tx: DbOrTx) {
      return tx
        .update(assessments)
        .set({ state: 'published', version: sql`${assessments.version} + 1`, updatedAt: new Date() })
        .where(and(eq(assessments.cycleId, cycleId), eq(assessments.state, 'final')))
        .returning({ id: assessments.id, unitId: assessments.unitId });
    },
  };
}

export type CyclesRepo = ReturnType<typeof cyclesRepo>;
