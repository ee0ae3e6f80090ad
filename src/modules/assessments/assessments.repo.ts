import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  assessments,
  auditLog,
  comments,
  cycleAssessors,
  cycles,
  evidence,
  responseEvidence,
  responses,
  scoreSnapshots,
  units,
  users,
  verifications,
} from '../../db/schema/index.js';

export type AssessmentRow = typeof assessments.$inferSelect;
export type ResponseRow = typeof responses.$inferSelect;
export type VerificationRow = typeof verifications.$inferSelect;
export type SnapshotRow = typeof scoreSnapshots.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;

const unitColumns = {
  id: units.id,
  code: units.code,
  name: units.name,
  shortName: units.shortName,
  type: units.type,
  path: units.path,
};

const evidenceIdsOf = sql<
  string[]
>`coalesce((select array_agg(re.evidence_id::text order by re.evidence_id) from ${responseEvidence} re where re.response_id = ${responses.id}), '{}')`;

/** The only place that touches assessments, responses, verifications, comments and snapshots. */
export function assessmentsRepo(db: DbOrTx) {
  return {
    /** An assessment with its cycle and unit. */
    async loadContext(id: string, tx: DbOrTx = db) {
      const [row] = await tx
        .select({
          assessment: assessments,
          cycle: cycles,
          unit: unitColumns,
          assessorIds: sql<
            string[]
          >`coalesce((select array_agg(ca.user_id::text order by ca.user_id) from ${cycleAssessors} ca where ca.cycle_id = ${assessments.cycleId} and ca.unit_id = ${assessments.unitId}), '{}')`,
        })
        .from(assessments)
        .innerJoin(cycles, eq(cycles.id, assessments.cycleId))
        .innerJoin(units, eq(units.id, assessments.unitId))
        .where(eq(assessments.id, id));
      return row;
    },
    async lock(id: string, mode: 'update' | 'share', tx: DbOrTx) {
      const [row] = await tx.select().from(assessments).where(eq(assessments.id, id)).for(mode);
      return row!;
    },
    async update(id: string, patch: Partial<typeof assessments.$inferInsert>, tx: DbOrTx) {
      const [row] = await tx
        .update(assessments)
        .set({ ...patch, version: sql`${assessments.version} + 1`, updatedAt: new Date() })
        .where(eq(assessments.id, id))
        .returning();
      return row!;
    },
    /** Sets fields that are not a state change (extension, sign-off): the row version stays. */
    async patch(id: string, patch: Partial<typeof assessments.$inferInsert>, tx: DbOrTx) {
      const [row] = await tx
        .update(assessments)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(assessments.id, id))
        .returning();
      return row!;
    },
    async assessorIds(cycleId: string, unitId: string, tx: DbOrTx = db) {
      const rows = await tx
        .select({ userId: cycleAssessors.userId })
        .from(cycleAssessors)
        .where(and(eq(cycleAssessors.cycleId, cycleId), eq(cycleAssessors.unitId, unitId)));
      return rows.map((r) => r.userId);
    },
    assessorsOfCycle(cycleId: string, tx: DbOrTx = db) {
      return tx
        .select({ unitId: cycleAssessors.unitId, userId: cycleAssessors.userId, name: users.name })
        .from(cycleAssessors)
        .innerJoin(users, eq(users.id, cycleAssessors.userId))
        .where(eq(cycleAssessors.cycleId, cycleId))
        .orderBy(asc(users.name));
    },
    async userNames(ids: string[], tx: DbOrTx = db) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map<string, string>();
      const rows = await tx
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(inArray(users.id, unique));
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    // --- responses (the unit's ledger)
    responses(assessmentId: string, tx: DbOrTx = db) {
      return tx
        .select({ response: responses, evidenceIds: evidenceIdsOf })
        .from(responses)
        .where(eq(responses.assessmentId, assessmentId))
        .orderBy(asc(responses.indicatorCode));
    },
    async responseByCode(assessmentId: string, code: string, tx: DbOrTx, forUpdate = false) {
      const q = tx
        .select()
        .from(responses)
        .where(and(eq(responses.assessmentId, assessmentId), eq(responses.indicatorCode, code)));
      const [row] = forUpdate ? await q.for('update') : await q;
      return row;
    },
    async evidenceIdsOf(responseId: string, tx: DbOrTx) {
      const rows = await tx
        .select({ id: responseEvidence.evidenceId })
        .from(responseEvidence)
        .where(eq(responseEvidence.responseId, responseId));
      return rows.map((r) => r.id);
    },
    /** Inserts the first answer; undefined when another request inserted it first. */
    async insertResponse(v: typeof responses.$inferInsert, tx: DbOrTx) {
      const [row] = await tx.insert(responses).values(v).onConflictDoNothing().returning();
      return row;
    },
    /** Updates an answer if it still has `version`; undefined when someone else changed it. */
    async updateResponse(id: string, version: number, v: Partial<typeof responses.$inferInsert>, tx: DbOrTx) {
      const [row] = await tx
        .update(responses)
        .set({ ...v, version: version + 1, updatedAt: new Date() })
        .where(and(eq(responses.id, id), eq(responses.version, version)))
        .returning();
      return row;
    },
    async setResponseEvidence(responseId: string, evidenceIds: string[], tx: DbOrTx) {
      await tx.delete(responseEvidence).where(eq(responseEvidence.responseId, responseId));
      if (evidenceIds.length > 0) {
        await tx
          .insert(responseEvidence)
          .values(evidenceIds.map((evidenceId) => ({ responseId, evidenceId })));
      }
    },

    // --- evidence library (read only here)
    async evidenceOfUnit(unitId: string, ids: string[], tx: DbOrTx = db) {
      if (ids.length === 0) return [];
      return tx
        .select({ id: evidence.id })
        .from(evidence)
        .where(and(eq(evidence.unitId, unitId), inArray(evidence.id, ids)));
    },
    async evidenceSummaries(ids: string[], tx: DbOrTx = db) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      return tx
        .select({
          id: evidence.id,
          kind: evidence.kind,
          title: evidence.title,
          docType: evidence.docType,
          docDate: evidence.docDate,
          validUntil: evidence.validUntil,
          url: evidence.url,
          originalName: evidence.originalName,
        })
        .from(evidence)
        .where(inArray(evidence.id, unique));
    },

    // --- verifications (the assessor's ledger)
    verifications(assessmentId: string, tx: DbOrTx = db) {
      return tx
        .select()
        .from(verifications)
        .where(eq(verifications.assessmentId, assessmentId))
        .orderBy(asc(verifications.indicatorCode));
    },
    async verificationByCode(assessmentId: string, code: string, tx: DbOrTx, forUpdate = false) {
      const q = tx
        .select()
        .from(verifications)
        .where(and(eq(verifications.assessmentId, assessmentId), eq(verifications.indicatorCode, code)));
      const [row] = forUpdate ? await q.for('update') : await q;
      return row;
    },
    async insertVerification(v: typeof verifications.$inferInsert, tx: DbOrTx) {
      const [row] = await tx.insert(verifications).values(v).onConflictDoNothing().returning();
      return row;
    },
    async updateVerification(
      id: string,
      version: number,
      v: Partial<typeof verifications.$inferInsert>,
      tx: DbOrTx,
    ) {
      const [row] = await tx
        .update(verifications)
        .set({ ...v, version: version + 1, updatedAt: new Date() })
        .where(and(eq(verifications.id, id), eq(verifications.version, version)))
        .returning();
      return row;
    },

    // --- comments (append-only)
    comments(assessmentId: string, indicatorCode: string | undefined, tx: DbOrTx = db) {
      return tx
        .select({ comment: comments, authorName: users.name })
        .from(comments)
        .innerJoin(users, eq(users.id, comments.authorId))
        .where(
          and(
            eq(comments.assessmentId, assessmentId),
            indicatorCode ? eq(comments.indicatorCode, indicatorCode) : undefined,
          ),
        )
        .orderBy(asc(comments.id));
    },
    async commentCounts(assessmentId: string, tx: DbOrTx = db) {
      const rows = await tx
        .select({ code: comments.indicatorCode, n: sql<number>`count(*)::int` })
        .from(comments)
        .where(eq(comments.assessmentId, assessmentId))
        .groupBy(comments.indicatorCode);
      return Object.fromEntries(rows.map((r) => [r.code, r.n]));
    },
    async insertComment(v: typeof comments.$inferInsert, tx: DbOrTx) {
      const [row] = await tx.insert(comments).values(v).returning();
      return row!;
    },

    // --- score snapshots (frozen; only superseding is allowed)
    async insertSnapshot(v: typeof scoreSnapshots.$inferInsert, tx: DbOrTx) {
      const [row] = await tx.insert(scoreSnapshots).values(v).returning();
      return row!;
    },
    async supersedeSnapshot(id: string, reason: string, at: Date, tx: DbOrTx) {
      await tx
        .update(scoreSnapshots)
        .set({ supersededAt: at, reopenReason: reason })
        .where(eq(scoreSnapshots.id, id));
    },
    snapshotById(id: string, tx: DbOrTx = db) {
      return tx.query.scoreSnapshots.findFirst({ where: eq(scoreSnapshots.id, id) });
    },
    async snapshotSummaries(ids: string[], tx: DbOrTx = db) {
      if (ids.length === 0) return [];
      return tx
        .select({
          id: scoreSnapshots.id,
          indexValue: scoreSnapshots.indexValue,
          predicate: scoreSnapshots.predicate,
          selfIndexValue: scoreSnapshots.selfIndexValue,
          selfPredicate: scoreSnapshots.selfPredicate,
          inputsHash: scoreSnapshots.inputsHash,
          createdAt: scoreSnapshots.createdAt,
        })
        .from(scoreSnapshots)
        .where(inArray(scoreSnapshots.id, ids));
    },
    snapshotsOf(assessmentId: string, tx: DbOrTx = db) {
      return tx
        .select({
          id: scoreSnapshots.id,
          indexValue: scoreSnapshots.indexValue,
          predicate: scoreSnapshots.predicate,
          selfIndexValue: scoreSnapshots.selfIndexValue,
          selfPredicate: scoreSnapshots.selfPredicate,
          inputsHash: scoreSnapshots.inputsHash,
          createdAt: scoreSnapshots.createdAt,
          supersededAt: scoreSnapshots.supersededAt,
          reopenReason: scoreSnapshots.reopenReason,
        })
        .from(scoreSnapshots)
        .where(eq(scoreSnapshots.assessmentId, assessmentId))
        .orderBy(desc(scoreSnapshots.createdAt));
    },

    /** Audit rows about one response and one verification: the full history of both ledgers. */
    history(entities: Array<{ type: 'response' | 'verification'; id: string }>, tx: DbOrTx = db) {
      if (entities.length === 0) return Promise.resolve([]);
      return tx
        .select({
          id: auditLog.id,
          at: auditLog.at,
          actorId: auditLog.actorId,
          actorEmail: auditLog.actorEmail,
          action: auditLog.action,
          entityType: auditLog.entityType,
          before: auditLog.before,
          after: auditLog.after,
        })
        .from(auditLog)
        .where(or(...entities.map((e) => and(eq(auditLog.entityType, e.type), eq(auditLog.entityId, e.id)))))
        .orderBy(asc(auditLog.id));
    },
  };
}

export type AssessmentsRepo = ReturnType<typeof assessmentsRepo>;
