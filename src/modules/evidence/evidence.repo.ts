import { and, asc, desc, eq, ilike, inArray, isNotNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  assessments,
  cycleAssessors,
  cycles,
  evidence,
  responseEvidence,
  responses,
  units,
  users,
} from '../../db/schema/index.js';

export type EvidenceRow = typeof evidence.$inferSelect;
export type NewEvidence = typeof evidence.$inferInsert;
/** An evidence row with what presenting and authorising it needs. */
export type EvidenceView = EvidenceRow & {
  unitCode: string;
  unitPath: string;
  uploadedByName: string | null;
};

export interface EvidenceFilter {
  q?: string;
  docType?: string;
  kind?: 'file' | 'link';
  /** true: validUntil before `today`; false: not expired (or no validity). */
  expired?: boolean;
  today: string;
  limit: number;
  offset: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The only place that touches the evidence and response_evidence tables. */
export function evidenceRepo(db: DbOrTx) {
  const view = (tx: DbOrTx) =>
    tx
      .select({ e: evidence, unitCode: units.code, unitPath: units.path, uploadedByName: users.name })
      .from(evidence)
      .innerJoin(units, eq(units.id, evidence.unitId))
      .leftJoin(users, eq(users.id, evidence.uploadedBy));
  const flat = (r: { e: EvidenceRow; unitCode: string; unitPath: string; uploadedByName: string | null }) =>
    ({
      ...r.e,
      unitCode: r.unitCode,
      unitPath: r.unitPath,
      uploadedByName: r.uploadedByName,
    }) as EvidenceView;

  return {
    async findById(id: string, tx: DbOrTx = db): Promise<EvidenceView | undefined> {
      const [r] = await view(tx).where(eq(evidence.id, id));
      return r && flat(r);
    },

    async findByIds(ids: string[], tx: DbOrTx = db): Promise<EvidenceView[]> {
      if (ids.length === 0) return [];
      const rows = await view(tx)
        .where(inArray(evidence.id, ids))
        .orderBy(desc(evidence.createdAt), asc(evidence.id));
      return rows.map(flat);
    },

    async findFileInUnit(unitId: string, sha256: string, tx: DbOrTx = db): Promise<EvidenceView | undefined> {
      const [r] = await view(tx).where(and(eq(evidence.unitId, unitId), eq(evidence.sha256, sha256)));
      return r && flat(r);
    },

    async list(unitId: string, f: EvidenceFilter, tx: DbOrTx = db): Promise<EvidenceView[]> {
      const where: (SQL | undefined)[] = [eq(evidence.unitId, unitId)];
      if (f.q) {
        const p = `%${likeEscape(f.q)}%`;
        where.push(or(ilike(evidence.title, p), ilike(evidence.originalName, p), ilike(evidence.url, p)));
      }
      if (f.docType) where.push(eq(evidence.docType, f.docType));
      if (f.kind) where.push(eq(evidence.kind, f.kind));
      if (f.expired === true)
        where.push(and(isNotNull(evidence.validUntil), lt(evidence.validUntil, f.today)));
      if (f.expired === false)
        where.push(sql`(${evidence.validUntil} IS NULL OR ${evidence.validUntil} >= ${f.today})`);
      const rows = await view(tx)
        .where(and(...where))
        .orderBy(desc(evidence.createdAt), asc(evidence.id))
        .limit(f.limit)
        .offset(f.offset);
      return rows.map(flat);
    },

    async insert(v: NewEvidence, tx: DbOrTx = db): Promise<EvidenceRow> {
      const [row] = await tx.insert(evidence).values(v).returning();
      return row!;
    },

    async update(
      id: string,
      patch: Partial<Pick<NewEvidence, 'title' | 'docType' | 'docDate' | 'validUntil'>>,
      tx: DbOrTx = db,
    ) {
      await tx.update(evidence).set(patch).where(eq(evidence.id, id));
    },

    async delete(id: string, tx: DbOrTx = db) {
      await tx.delete(evidence).where(eq(evidence.id, id));
    },

    /** Where each item backs an indicator: assessment, cycle and indicator code. */
    usageOf(evidenceIds: string[], tx: DbOrTx = db) {
      if (evidenceIds.length === 0) return Promise.resolve([]);
      return tx
        .select({
          evidenceId: responseEvidence.evidenceId,
          assessmentId: assessments.id,
          cycleId: cycles.id,
          cycleName: cycles.name,
          indicatorCode: responses.indicatorCode,
        })
        .from(responseEvidence)
        .innerJoin(responses, eq(responses.id, responseEvidence.responseId))
        .innerJoin(assessments, eq(assessments.id, responses.assessmentId))
        .innerJoin(cycles, eq(cycles.id, assessments.cycleId))
        .where(inArray(responseEvidence.evidenceId, evidenceIds))
        .orderBy(asc(cycles.periodStart), asc(responses.indicatorCode));
    },

    /** How many rows (any unit) point at a stored blob: it may be removed only at zero. */
    async countByStorageKey(storageKey: string, tx: DbOrTx = db): Promise<number> {
      const [r] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(evidence)
        .where(eq(evidence.storageKey, storageKey));
      return r?.n ?? 0;
    },

    /** Of `ids`, those that are evidence of `unitId`. */
    async idsInUnit(ids: string[], unitId: string, tx: DbOrTx = db): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await tx
        .select({ id: evidence.id })
        .from(evidence)
        .where(and(inArray(evidence.id, ids), eq(evidence.unitId, unitId)));
      return rows.map((r) => r.id);
    },

    /** Users assigned as assessors of the unit in any cycle (they may read its evidence). */
    async assessorIdsOfUnit(unitId: string, tx: DbOrTx = db): Promise<string[]> {
      const rows = await tx
        .selectDistinct({ userId: cycleAssessors.userId })
        .from(cycleAssessors)
        .where(eq(cycleAssessors.unitId, unitId));
      return rows.map((r) => r.userId);
    },

    async findUnit(ref: { id?: string; code?: string }, tx: DbOrTx = db) {
      if (!ref.id && !ref.code) return undefined;
      const [u] = await tx
        .select({ id: units.id, code: units.code, path: units.path })
        .from(units)
        .where(ref.id ? eq(units.id, ref.id) : eq(units.code, ref.code!));
      return u;
    },
  };
}

export type EvidenceRepo = ReturnType<typeof evidenceRepo>;
