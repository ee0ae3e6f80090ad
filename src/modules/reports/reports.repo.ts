import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  assessments,
  cycleAssessors,
  cycles,
  evidence,
  instrumentVersions,
  responseEvidence,
  responses,
  roleAssignments,
  scoreSnapshots,
  units,
  users,
  verifications,
} from '../../db/schema/index.js';

/** Read-only queries behind the reports: one assessment in full, a cycle's ledgers, the trend. */
export function reportsRepo(db: DbOrTx) {
  return {
    /** An assessment with its cycle and unit (no scope check: the service decides). */
    async assessmentContext(id: string) {
      const [row] = await db
        .select({
          assessment: {
            id: assessments.id,
            state: assessments.state,
            cycleId: assessments.cycleId,
            submittedAt: assessments.submittedAt,
            verifiedAt: assessments.verifiedAt,
            finalizedAt: assessments.finalizedAt,
            currentSnapshotId: assessments.currentSnapshotId,
            returnedIndicators: assessments.returnedIndicators,
          },
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
        .where(eq(assessments.id, id));
      return row;
    },
    findCycle(id: string) {
      return db.query.cycles.findFirst({ where: eq(cycles.id, id) });
    },
    findUnit(id: string) {
      return db.query.units.findFirst({ where: eq(units.id, id) });
    },
    findInstrumentVersion(id: string) {
      return db.query.instrumentVersions.findFirst({ where: eq(instrumentVersions.id, id) });
    },
    /** The unit's ledger with the evidence linked to each answer. */
    responsesOf(assessmentIds: string[]) {
      if (assessmentIds.length === 0) return Promise.resolve([]);
      return db
        .select({
          id: responses.id,
          assessmentId: responses.assessmentId,
          indicatorCode: responses.indicatorCode,
          level: responses.level,
          notApplicable: responses.notApplicable,
          metricValue: responses.metricValue,
          justification: responses.justification,
          needsConfirmation: responses.needsConfirmation,
          version: responses.version,
          updatedAt: responses.updatedAt,
        })
        .from(responses)
        .where(inArray(responses.assessmentId, assessmentIds));
    },
    /** The assessor's ledger with the verifier's name. */
    verificationsOf(assessmentIds: string[]) {
      if (assessmentIds.length === 0) return Promise.resolve([]);
      return db
        .select({
          assessmentId: verifications.assessmentId,
          indicatorCode: verifications.indicatorCode,
          level: verifications.level,
          notApplicable: verifications.notApplicable,
          metricValue: verifications.metricValue,
          reasonCode: verifications.reasonCode,
          note: verifications.note,
          stage: verifications.stage,
          verifiedByName: users.name,
          updatedAt: verifications.updatedAt,
        })
        .from(verifications)
        .leftJoin(users, eq(users.id, verifications.verifiedBy))
        .where(inArray(verifications.assessmentId, assessmentIds));
    },
    /** Evidence linked to the answers of one assessment, one row per (evidence, indicator). */
    evidenceOfAssessment(assessmentId: string) {
      return db
        .select({
          id: evidence.id,
          indicatorCode: responses.indicatorCode,
          kind: evidence.kind,
          title: evidence.title,
          docType: evidence.docType,
          docDate: evidence.docDate,
          validUntil: evidence.validUntil,
          url: evidence.url,
          sha256: evidence.sha256,
          sizeBytes: evidence.sizeBytes,
          originalName: evidence.originalName,
          createdAt: evidence.createdAt,
        })
        .from(responseEvidence)
        .innerJoin(responses, eq(responses.id, responseEvidence.responseId))
        .innerJoin(evidence, eq(evidence.id, responseEvidence.evidenceId))
        .where(eq(responses.assessmentId, assessmentId))
        .orderBy(asc(evidence.title), asc(evidence.id));
    },
    async assessorIds(cycleId: string, unitId: string) {
      const rows = await db
        .select({ userId: cycleAssessors.userId })
        .from(cycleAssessors)
        .where(and(eq(cycleAssessors.cycleId, cycleId), eq(cycleAssessors.unitId, unitId)));
      return rows.map((r) => r.userId);
    },
    snapshot(id: string) {
      return db.query.scoreSnapshots.findFirst({ where: eq(scoreSnapshots.id, id) });
    },
    /** Names of the unit's heads (for the signature block) and of the cycle's assessors of the unit. */
    async signatories(cycleId: string, unitId: string) {
      const heads = await db
        .select({ name: users.name })
        .from(roleAssignments)
        .innerJoin(users, eq(users.id, roleAssignments.userId))
        .where(
          and(
            eq(roleAssignments.unitId, unitId),
            eq(roleAssignments.role, 'unit_head'),
            eq(users.active, true),
          ),
        )
        .orderBy(asc(users.name));
      const assessors = await db
        .select({ name: users.name })
        .from(cycleAssessors)
        .innerJoin(users, eq(users.id, cycleAssessors.userId))
        .where(and(eq(cycleAssessors.cycleId, cycleId), eq(cycleAssessors.unitId, unitId)))
        .orderBy(asc(users.name));
      return { heads: heads.map((h) => h.name), assessors: assessors.map((a) => a.name) };
    },
    /** Final (current snapshot) indices of every cycle on an instrument code, with unit paths, for trends. */
    finalIndicesOnInstrument(instrumentCode: string) {
      return db
        .select({
          cycleId: cycles.id,
          cycleName: cycles.name,
          periodEnd: cycles.periodEnd,
          unitId: units.id,
          unitPath: units.path,
          indexValue: scoreSnapshots.indexValue,
        })
        .from(assessments)
        .innerJoin(cycles, eq(cycles.id, assessments.cycleId))
        .innerJoin(instrumentVersions, eq(instrumentVersions.id, cycles.instrumentVersionId))
        .innerJoin(units, eq(units.id, assessments.unitId))
        .innerJoin(scoreSnapshots, eq(scoreSnapshots.id, assessments.currentSnapshotId))
        .where(and(eq(instrumentVersions.code, instrumentCode), isNotNull(scoreSnapshots.indexValue)))
        .orderBy(asc(cycles.periodEnd), asc(cycles.id));
    },
  };
}

export type ReportsRepo = ReturnType<typeof reportsRepo>;
