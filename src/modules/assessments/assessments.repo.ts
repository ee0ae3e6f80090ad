import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rawRows, statement } from '../../db/raw.js';
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
import { batcher } from '../../lib/batcher.js';

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
/** Assessment + cycle + unit + its assessors, by id (a value, or a placeholder to prepare it once). */
function loadContextQuery(tx: DbOrTx) {
  return tx
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
    .$dynamic();
}

/** Several contexts at once: `ids` is a JSON array of assessment ids (house rule of src/db/raw.ts). */
function loadContextsQuery(tx: DbOrTx) {
  return loadContextQuery(tx).where(
    sql`${assessments.id} in (select jsonb_array_elements_text(${sql.placeholder('ids')}::jsonb)::uuid)`,
  );
}

export function assessmentsRepo(db: DbOrTx) {
  // Outside a transaction the hot reads and writes of a deadline rush are batched: requests that
  // arrive together share one statement (src/lib/batcher.ts, bench/deadline-rush).
  let contextsPrepared: ReturnType<ReturnType<typeof loadContextsQuery>['prepare']> | undefined;
  const contextBatch = batcher(async (ids: string[]) => {
    contextsPrepared ??= loadContextsQuery(db).prepare('assessment_load_contexts');
    const rows = await contextsPrepared.execute({ ids: JSON.stringify([...new Set(ids)]) });
    const byId = new Map(rows.map((r) => [r.assessment.id, r]));
    return ids.map((id) => byId.get(id));
  });
  const saveBatch = batcher((items: FastSave[]) => saveResponsesBatch(db, items));
  return {
    /** The assessment with its cycle, unit and assessors: read on every assessment request. */
    async loadContext(id: string, tx: DbOrTx = db) {
      if (tx === db) return contextBatch(id);
      const [row] = await loadContextQuery(tx).where(eq(assessments.id, id));
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
    /**
     * Saves one answer in a single statement when nothing stands in the way: the assessment row
     * is still the one the caller checked (same version and extension, share-locked), the answer
     * is still at `expectedVersion` with the same evidence links, and it really changes. Writes the
     * `response.save` audit row in the same statement. Returns undefined when any of that does not
     * hold; the caller then takes the transactional path, which decides the exact outcome
     * (no-op, conflict, refusal). Measured reason: bench/deadline-rush.
     */
    /**
     * The common save in one statement, batched with the saves that arrive at the same time
     * (migration 0005_batched_answer_save has the rules). Undefined when this answer does not
     * qualify, or when its batch failed as a whole (a deadlock with a transaction, say): the
     * caller then decides it in a transaction, which checks everything again.
     */
    async saveResponseFast(v: FastSave) {
      const row = await saveBatch(v).catch(() => undefined);
      if (!row) return undefined;
      const response: ResponseRow = {
        id: row.id,
        assessmentId: row.assessment_id,
        indicatorCode: row.indicator_code,
        level: row.level,
        notApplicable: row.not_applicable,
        metricValue: row.metric_value,
        justification: row.justification,
        needsConfirmation: row.needs_confirmation,
        version: row.version,
        updatedBy: row.updated_by,
        createdAt: new Date(row.created_at),
        updatedAt: new Date(row.updated_at),
      };
      return { response, updatedByName: row.updated_by_name };
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
          mimeType: evidence.mimeType,
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

    /**
     * Audit rows about one response and one verification: the full history of both ledgers, with
     * the actor's display name (null for system entries and deleted users).
     */
    history(entities: Array<{ type: 'response' | 'verification'; id: string }>, tx: DbOrTx = db) {
      if (entities.length === 0) return Promise.resolve([]);
      return tx
        .select({
          id: auditLog.id,
          at: auditLog.at,
          actorId: auditLog.actorId,
          actorEmail: auditLog.actorEmail,
          actorName: users.name,
          action: auditLog.action,
          entityType: auditLog.entityType,
          before: auditLog.before,
          after: auditLog.after,
        })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorId))
        .where(or(...entities.map((e) => and(eq(auditLog.entityType, e.type), eq(auditLog.entityId, e.id)))))
        .orderBy(asc(auditLog.id));
    },
  };
}

export type AssessmentsRepo = ReturnType<typeof assessmentsRepo>;

export interface FastSave {
  assessmentId: string;
  indicatorCode: string;
  /**
   * The facts the caller's decision rested on: the save only happens if the assessment row, the
   * cycle and the unit still hold them.
   */
  assessmentVersion: number;
  deadlineExtension: Date | null;
  cyclePhases: unknown;
  instrumentVersionId: string;
  unitPath: string;
  unitType: string;
  expectedVersion: number;
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
  justification: string | null;
  /** Sorted; must equal the answer's current links (a change of links takes the slow path). */
  evidenceIds: string[];
  actorId: string;
  actorEmail: string;
  unitId: string;
  requestId: string | null;
  ip: string | null;
}

interface FastSavedRow {
  id: string;
  assessment_id: string;
  indicator_code: string;
  level: number | null;
  not_applicable: boolean;
  metric_value: string | null;
  justification: string | null;
  needs_confirmation: boolean;
  version: number;
  updated_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by_name: string | null;
}

/** Several common saves in one round trip: the SQL function is in migration 0005_batched_answer_save. */
const FAST_SAVES = statement(
  'assessment_save_responses_batch',
  'select * from mercusuar_save_responses($1::jsonb, $2::timestamptz)',
);

/** Runs a batch of common saves; one result per item, undefined where the item was not written. */
async function saveResponsesBatch(db: DbOrTx, items: FastSave[]) {
  const payload = items.map((v, idx) => ({
    idx,
    assessment: v.assessmentId,
    code: v.indicatorCode,
    assessment_version: v.assessmentVersion,
    extension: v.deadlineExtension?.toISOString() ?? null,
    phases: v.cyclePhases,
    instrument_version: v.instrumentVersionId,
    unit_type: v.unitType,
    expected: v.expectedVersion,
    level: v.level,
    na: v.notApplicable,
    metric: v.metricValue,
    justification: v.justification,
    evidence: v.evidenceIds,
    actor: v.actorId,
    actor_email: v.actorEmail,
    unit: v.unitId,
    unit_path: v.unitPath,
    request_id: v.requestId,
    ip: v.ip,
  }));
  const rows = await rawRows<FastSavedRow & { idx: number }>(db, FAST_SAVES, [
    JSON.stringify(payload),
    new Date().toISOString(),
  ]);
  const out: Array<FastSavedRow | undefined> = items.map(() => undefined);
  for (const r of rows) out[r.idx] = r;
  return out;
}
