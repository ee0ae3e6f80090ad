import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { instrumentVersions } from '../../db/schema/index.js';

export type InstrumentVersionRow = typeof instrumentVersions.$inferSelect;

export function instrumentsRepo(db: DbOrTx) {
  return {
    findById(id: string, tx: DbOrTx = db) {
      return tx.query.instrumentVersions.findFirst({ where: eq(instrumentVersions.id, id) });
    },
    find(code: string, version: string, tx: DbOrTx = db) {
      return tx.query.instrumentVersions.findFirst({
        where: and(eq(instrumentVersions.code, code), eq(instrumentVersions.version, version)),
      });
    },
    /** The newest published version of an instrument (by publication time). */
    latestPublished(code: string, tx: DbOrTx = db) {
      return tx.query.instrumentVersions.findFirst({
        where: and(eq(instrumentVersions.code, code), eq(instrumentVersions.status, 'published')),
        orderBy: [desc(instrumentVersions.publishedAt)],
      });
    },
    /** Metadata of every version, without the (large) content. */
    listMeta(tx: DbOrTx = db) {
      return tx
        .select({
          id: instrumentVersions.id,
          code: instrumentVersions.code,
          version: instrumentVersions.version,
          title: instrumentVersions.title,
          status: instrumentVersions.status,
          builtin: instrumentVersions.builtin,
          contentHash: instrumentVersions.contentHash,
          previousVersionId: instrumentVersions.previousVersionId,
          publishedAt: instrumentVersions.publishedAt,
          retiredAt: instrumentVersions.retiredAt,
          createdAt: instrumentVersions.createdAt,
        })
        .from(instrumentVersions)
        .orderBy(asc(instrumentVersions.code), asc(instrumentVersions.createdAt));
    },
    async insert(v: typeof instrumentVersions.$inferInsert, tx: DbOrTx = db) {
      const [row] = await tx.insert(instrumentVersions).values(v).returning();
      return row!;
    },
    async update(id: string, patch: Partial<typeof instrumentVersions.$inferInsert>, tx: DbOrTx = db) {
      const [row] = await tx
        .update(instrumentVersions)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(instrumentVersions.id, id))
        .returning();
      return row!;
    },
  };
}
