import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadBuiltinInstruments } from '../../../instruments/index.js';
import type { Db } from '../../db/client.js';
import {
  contentHash,
  type Instrument,
  type InstrumentNode,
  isGroup,
  validateInstrument,
} from '../../domain/instrument/index.js';
import { type Actor, can } from '../../domain/policy/policy.js';
import { buildReceipt, type CompiledInstrument, scoreAssessment } from '../../domain/scoring/index.js';
import type { RequestContext } from '../../lib/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { compiledOf } from '../cycles/instrument-versions.js';
import { type InstrumentVersionRow, instrumentsRepo } from './instruments.repo.js';
import type { VersionMeta } from './instruments.schemas.js';
import { instrumentFromWorkbook, instrumentToWorkbook } from './instruments.xlsx.js';

export type InstrumentFormat = 'json' | 'yaml' | 'xlsx';

type Ctx = RequestContext & { actor: Actor | null };

export function countIndicators(nodes: InstrumentNode[]): number {
  return nodes.reduce((n, node) => n + (isGroup(node) ? countIndicators(node.children) : 1), 0);
}

function meta(row: InstrumentVersionRow): VersionMeta {
  const { content: _c, createdBy: _b, updatedAt: _u, ...rest } = row;
  return { ...rest, status: rest.status as VersionMeta['status'] };
}

/** Parses an uploaded instrument file; every format goes through the same validation afterwards. */
export async function parseInstrumentFile(body: Buffer, format: InstrumentFormat): Promise<unknown> {
  if (format === 'xlsx') return instrumentFromWorkbook(body);
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ValidationError(
      `Berkas ${format.toUpperCase()} tidak dapat dibaca: ${(err as Error).message}`,
      [{ path: '$', message: (err as Error).message }],
      `The ${format.toUpperCase()} file cannot be parsed`,
    );
  }
}

/** Validates a parsed document; throws a ValidationError listing every JSON path and message. */
export function validateOrThrow(doc: unknown): Instrument {
  const result = validateInstrument(doc);
  if (!result.ok) {
    throw new ValidationError(
      `Instrumen tidak valid (${result.errors.length} kesalahan).`,
      result.errors.map((e) => ({ path: e.path, message: e.message, messageEn: e.messageEn })),
      `Invalid instrument (${result.errors.length} errors).`,
    );
  }
  return result.instrument;
}

/**
 * Instruments as versioned data: import (draft) → publish (immutable, hash fixed) → retire.
 * Compiled forms are cached by content hash; published content never changes, so the cache is safe
 * across app instances.
 */
export function instrumentsServiceFactory(db: Db) {
  const repo = instrumentsRepo(db);

  function requireManage(actor: Actor | null) {
    if (actor && !can(actor, 'instrument.manage')) {
      throw new ForbiddenError('Hanya koordinator dan administrator yang dapat mengelola instrumen.');
    }
  }
  function requireRead(actor: Actor) {
    if (!can(actor, 'instrument.read')) throw new ForbiddenError();
  }

  async function getRow(code: string, version: string) {
    const row = await repo.find(code, version);
    if (!row) throw new NotFoundError('Instrumen', `${code}@${version}`);
    return row;
  }

  /** Resolves `code` or `code@version` to a row; without a version, the latest published one. */
  async function resolve(code: string, version?: string) {
    if (version) return getRow(code, version);
    const row = await repo.latestPublished(code);
    if (!row) throw new NotFoundError('Instrumen terbit', code);
    return row;
  }

  /** Compiled form of a version, from the one per-process cache keyed by content hash. */
  const compile = (row: Pick<InstrumentVersionRow, 'content' | 'contentHash'>): CompiledInstrument =>
    compiledOf(row);

  async function importDocument(
    ctx: Ctx,
    doc: unknown,
    opts: { replaceDraft?: boolean; builtin?: boolean } = {},
  ) {
    requireManage(ctx.actor);
    const instrument = validateOrThrow(doc);
    const hash = contentHash(instrument);
    const existing = await repo.find(instrument.code, instrument.version);
    if (existing && (existing.status !== 'draft' || !opts.replaceDraft)) {
      throw new ConflictError(
        existing.status === 'draft'
          ? `Draf ${instrument.code} versi ${instrument.version} sudah ada. Pilih "ganti draf" untuk menimpanya.`
          : `${instrument.code} versi ${instrument.version} sudah ${existing.status === 'published' ? 'terbit' : 'dipensiunkan'} dan tidak dapat diubah. Gunakan nomor versi baru.`,
        { code: instrument.code, version: instrument.version, status: existing.status },
        `${instrument.code}@${instrument.version} already exists (${existing.status}).`,
      );
    }
    let previousVersionId: string | null = null;
    if (instrument.crosswalk) {
      const prev = await repo.find(instrument.code, instrument.crosswalk.fromVersion);
      if (!prev) {
        throw new ValidationError(
          `Versi asal crosswalk ${instrument.code}@${instrument.crosswalk.fromVersion} tidak ditemukan.`,
          [{ path: '$.crosswalk.fromVersion', message: 'Versi tidak ditemukan' }],
        );
      }
      previousVersionId = prev.id;
    }
    const row = await db.transaction(async (tx) => {
      const values = {
        code: instrument.code,
        version: instrument.version,
        title: instrument.title,
        content: instrument,
        contentHash: hash,
        previousVersionId,
        builtin: opts.builtin ?? false,
      };
      const saved = existing
        ? await repo.update(existing.id, values, tx)
        : await repo.insert({ ...values, status: 'draft', createdBy: ctx.actor?.id ?? null }, tx);
      await writeAudit(tx, ctx, {
        action: existing ? 'instrument.replace_draft' : 'instrument.import',
        entityType: 'instrument_version',
        entityId: saved.id,
        before: existing ? { contentHash: existing.contentHash } : undefined,
        after: {
          code: saved.code,
          version: saved.version,
          contentHash: hash,
          indicators: countIndicators(instrument.nodes),
        },
      });
      return saved;
    });
    return meta(row);
  }

  async function setStatus(ctx: Ctx, code: string, version: string, to: 'published' | 'retired') {
    requireManage(ctx.actor);
    const row = await getRow(code, version);
    const allowed = to === 'published' ? row.status === 'draft' : row.status === 'published';
    if (!allowed) {
      throw new ConflictError(
        `Status ${code}@${version} adalah "${row.status}"; tidak dapat diubah menjadi "${to}".`,
        { status: row.status },
        `Cannot change ${code}@${version} from ${row.status} to ${to}.`,
      );
    }
    // Re-validate and re-hash at publication: the hash pins exactly what was published.
    const instrument = validateOrThrow(row.content);
    const hash = contentHash(instrument);
    const updated = await db.transaction(async (tx) => {
      const saved = await repo.update(
        row.id,
        to === 'published'
          ? { status: 'published', publishedAt: new Date(), contentHash: hash }
          : { status: 'retired', retiredAt: new Date() },
        tx,
      );
      await writeAudit(tx, ctx, {
        action: to === 'published' ? 'instrument.publish' : 'instrument.retire',
        entityType: 'instrument_version',
        entityId: row.id,
        before: { status: row.status },
        after: { status: saved.status, contentHash: saved.contentHash },
      });
      return saved;
    });
    return meta(updated);
  }

  return {
    compile,
    resolve,
    getById: (id: string) => repo.findById(id),

    async list(actor: Actor) {
      requireRead(actor);
      const rows = await repo.listMeta();
      const byCode = new Map<string, { code: string; title: string; versions: VersionMeta[] }>();
      for (const r of rows) {
        const entry = byCode.get(r.code) ?? { code: r.code, title: r.title, versions: [] };
        entry.title = r.title;
        entry.versions.push({ ...r, status: r.status as VersionMeta['status'] });
        byCode.set(r.code, entry);
      }
      return [...byCode.values()];
    },

    async get(actor: Actor, code: string, version: string) {
      requireRead(actor);
      const row = await getRow(code, version);
      const content = row.content as Instrument;
      return {
        ...meta(row),
        content: content as unknown as Record<string, unknown>,
        indicatorCount: countIndicators(content.nodes),
      };
    },

    /** Imports a JSON/YAML/XLSX file as a draft version. */
    async importFile(
      ctx: Ctx,
      body: Buffer,
      format: InstrumentFormat,
      opts: { replaceDraft?: boolean } = {},
    ) {
      requireManage(ctx.actor);
      return importDocument(ctx, await parseInstrumentFile(body, format), opts);
    },
    importDocument,

    publish: (ctx: Ctx, code: string, version: string) => setStatus(ctx, code, version, 'published'),
    retire: (ctx: Ctx, code: string, version: string) => setStatus(ctx, code, version, 'retired'),

    async export(actor: Actor | null, code: string, version: string | undefined, format: InstrumentFormat) {
      if (actor) requireRead(actor);
      const row = await resolve(code, version);
      const content = row.content as Instrument;
      const base = `${row.code}-${row.version}`;
      if (format === 'xlsx') return { filename: `${base}.xlsx`, body: await instrumentToWorkbook(content) };
      if (format === 'yaml') return { filename: `${base}.yaml`, body: Buffer.from(stringifyYaml(content)) };
      return { filename: `${base}.json`, body: Buffer.from(`${JSON.stringify(content, null, 2)}\n`) };
    },

    /** Stateless scoring for simulations: nothing is stored; the call is audited as a read of a version. */
    async score(
      actor: Actor | null,
      input: {
        instrument: string;
        version?: string;
        answers: Record<string, number | string> | Array<{ code: string; value: number | string }>;
        partial?: boolean;
        unitType?: string;
        targetIndex?: string;
        targetLevel?: number;
      },
    ) {
      if (actor) requireRead(actor);
      const row = await resolve(input.instrument, input.version);
      const c = compile(row);
      const outcome = scoreAssessment(c, input.answers, {
        partial: input.partial,
        unitType: input.unitType as never,
      });
      if (!outcome.ok) {
        throw new ValidationError(
          `Jawaban tidak valid (${outcome.errors.length} kesalahan).`,
          outcome.errors.map((e) => ({
            path: e.indicator ? `answers.${e.indicator}` : 'answers',
            code: e.code,
            codes: e.codes,
            message: e.message,
            messageEn: e.messageEn,
          })),
          'Invalid answers',
        );
      }
      const receipt = buildReceipt(c, outcome.result, {
        targetIndex: input.targetIndex,
        targetLevel: input.targetLevel,
      });
      return { result: outcome.result, receipt, instrumentVersionId: row.id, contentHash: row.contentHash };
    },

    /**
     * Loads the built-in instrument files as published versions, idempotently: a version already
     * present is left alone (published content is immutable); a changed built-in file with the same
     * version is reported, not applied.
     */
    async loadBuiltins(ctx: Ctx) {
      const out: Array<{ code: string; version: string; action: 'created' | 'unchanged' | 'conflict' }> = [];
      for (const instrument of await loadBuiltinInstruments()) {
        const existing = await repo.find(instrument.code, instrument.version);
        const hash = contentHash(instrument);
        if (existing) {
          out.push({
            code: instrument.code,
            version: instrument.version,
            action: existing.contentHash === hash ? 'unchanged' : 'conflict',
          });
          continue;
        }
        await db.transaction(async (tx) => {
          const row = await repo.insert(
            {
              code: instrument.code,
              version: instrument.version,
              title: instrument.title,
              content: instrument,
              contentHash: hash,
              status: 'published',
              builtin: true,
              publishedAt: new Date(),
            },
            tx,
          );
          await writeAudit(tx, ctx, {
            action: 'instrument.builtin_load',
            entityType: 'instrument_version',
            entityId: row.id,
            after: { code: row.code, version: row.version, contentHash: hash },
          });
        });
        out.push({ code: instrument.code, version: instrument.version, action: 'created' });
      }
      return out;
    },
  };
}

export type InstrumentsService = ReturnType<typeof instrumentsServiceFactory>;
