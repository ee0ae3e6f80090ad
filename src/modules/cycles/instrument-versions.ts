import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { instrumentVersions } from '../../db/schema/index.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { type CompiledInstrument, compileInstrument } from '../../domain/scoring/index.js';

export type InstrumentVersionRow = typeof instrumentVersions.$inferSelect;

/**
 * Read access to instrument versions for the evaluation workflow, with compiled forms cached by
 * content hash. Safe to cache per process: a published version's content never changes (a database
 * trigger enforces it), and a changed draft gets a new hash.
 */
const compiledCache = new Map<string, CompiledInstrument>();

export function compiledOf(row: Pick<InstrumentVersionRow, 'content' | 'contentHash'>): CompiledInstrument {
  let c = compiledCache.get(row.contentHash);
  if (!c) {
    c = compileInstrument(row.content as Instrument);
    compiledCache.set(row.contentHash, c);
  }
  return c;
}

const META = {
  id: instrumentVersions.id,
  code: instrumentVersions.code,
  version: instrumentVersions.version,
  title: instrumentVersions.title,
  status: instrumentVersions.status,
  contentHash: instrumentVersions.contentHash,
};

/** Published (immutable) versions by id: the hot path of saving answers needs no query at all. */
const publishedById = new Map<string, { meta: InstrumentMeta; compiled: CompiledInstrument }>();

export interface InstrumentMeta {
  id: string;
  code: string;
  version: string;
  title: string;
  status: string;
  contentHash: string;
}

export function instrumentVersionsReader(db: DbOrTx) {
  return {
    /** Metadata and compiled form of a version; cached for versions that can no longer change. */
    async compiledById(id: string, tx: DbOrTx = db) {
      const hit = publishedById.get(id);
      if (hit) return hit;
      const row = await tx.query.instrumentVersions.findFirst({ where: eq(instrumentVersions.id, id) });
      if (!row) return undefined;
      const { content: _c, createdBy: _b, createdAt: _a, updatedAt: _u, ...rest } = row;
      const entry = {
        meta: {
          id: rest.id,
          code: rest.code,
          version: rest.version,
          title: rest.title,
          status: rest.status,
          contentHash: rest.contentHash,
        },
        compiled: compiledOf(row),
      };
      if (row.status !== 'draft') publishedById.set(id, entry);
      return entry;
    },
    findById(id: string, tx: DbOrTx = db) {
      return tx.query.instrumentVersions.findFirst({ where: eq(instrumentVersions.id, id) });
    },
    /** Metadata only (no content). */
    metaByIds(ids: string[], tx: DbOrTx = db) {
      if (ids.length === 0) return Promise.resolve([]);
      return tx.select(META).from(instrumentVersions).where(inArray(instrumentVersions.id, ids));
    },
    async metaById(id: string, tx: DbOrTx = db) {
      const [row] = await tx.select(META).from(instrumentVersions).where(eq(instrumentVersions.id, id));
      return row;
    },
  };
}
