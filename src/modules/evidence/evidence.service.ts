import type { Readable } from 'node:stream';
import type { Db, DbOrTx } from '../../db/client.js';
import { type Actor, can, hasRole } from '../../domain/policy/policy.js';
import type { RequestContext } from '../../lib/context.js';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  isForeignKeyViolation,
  isUniqueViolation,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../lib/errors.js';
import {
  BlobNotFoundError,
  type BlobStorage,
  BlobTooLargeError,
  sanitizeFilename,
} from '../../lib/storage/index.js';
import { writeAudit } from '../audit/audit.repo.js';
import { type EvidenceView, evidenceRepo } from './evidence.repo.js';
import type {
  EvidenceDto,
  EvidenceListQuery,
  EvidencePatch,
  EvidenceUsage,
  FileUploadFields,
  LinkInput,
} from './evidence.schemas.js';
import { ALLOWED_LABELS, type AllowedType, detectFileType, typeByMime } from './file-types.js';

type Ctx = RequestContext & { actor: Actor };
type UsageRow = EvidenceUsage & { evidenceId: string };

export interface EvidenceServiceDeps {
  storage: BlobStorage;
  uploadMaxBytes: number;
}

export interface UploadResult {
  evidence: EvidenceDto;
  /** The same file was already in the unit's library; `evidence` is that item. */
  duplicate: boolean;
}

/** Today's date in WIB (UTC+7, no daylight saving), the zone validity dates are meant in. */
export const todayWib = (now = new Date()) =>
  new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);

export function presentEvidence(
  v: EvidenceView,
  usage: readonly UsageRow[] = [],
  today = todayWib(),
): EvidenceDto {
  const mine = usage.filter((u) => u.evidenceId === v.id);
  const isFile = v.kind === 'file';
  return {
    id: v.id,
    unitId: v.unitId,
    unitCode: v.unitCode,
    kind: v.kind as 'file' | 'link',
    title: v.title,
    docType: v.docType,
    docDate: v.docDate,
    validUntil: v.validUntil,
    expired: v.validUntil !== null && v.validUntil < today,
    url: v.url,
    sha256: v.sha256,
    sizeBytes: v.sizeBytes,
    mimeType: v.mimeType,
    originalName: v.originalName,
    uploadedBy: v.uploadedBy,
    uploadedByName: v.uploadedByName,
    createdAt: v.createdAt,
    downloadUrl: isFile ? `/api/evidence/${v.id}/download` : null,
    previewUrl: isFile && typeByMime(v.mimeType)?.preview ? `/api/evidence/${v.id}/preview` : null,
    indicatorCodes: [...new Set(mine.map((u) => u.indicatorCode))].sort(),
    usedBy: mine.map(({ evidenceId: _e, ...u }) => u),
  };
}

/** What the audit log keeps of an item (no storage internals). */
const auditView = (
  v: Pick<
    EvidenceView,
    | 'kind'
    | 'title'
    | 'docType'
    | 'docDate'
    | 'validUntil'
    | 'url'
    | 'sha256'
    | 'sizeBytes'
    | 'mimeType'
    | 'originalName'
  >,
) => ({
  kind: v.kind,
  title: v.title,
  docType: v.docType,
  docDate: v.docDate,
  validUntil: v.validUntil,
  url: v.url,
  sha256: v.sha256,
  sizeBytes: v.sizeBytes,
  mimeType: v.mimeType,
  originalName: v.originalName,
});

/**
 * Evidence library of a unit: uploaded files (stored once per unit by SHA-256, outside the
 * database) and links. Reading needs 'evidence.read' (assessors assigned to the unit in any
 * cycle included); changing needs 'evidence.upload'. Outside scope everything answers 404.
 */
export function evidenceServiceFactory(db: Db, deps: EvidenceServiceDeps) {
  const repo = evidenceRepo(db);
  const { storage } = deps;

  async function mayRead(actor: Actor, unit: { id: string; path: string }, tx: DbOrTx = db) {
    if (can(actor, 'evidence.read', { unitPath: unit.path })) return true;
    if (!hasRole(actor, 'assessor')) return false;
    const assessorIds = await repo.assessorIdsOfUnit(unit.id, tx);
    return can(actor, 'evidence.read', { unitPath: unit.path, assessorIds });
  }

  /** The unit by id or code, if the actor may read its library; else 404 (existence not leaked). */
  async function readableUnit(actor: Actor, ref: { id?: string; code?: string }) {
    const unit = await repo.findUnit(ref);
    if (!unit || !(await mayRead(actor, unit))) throw new NotFoundError('Unit', ref.id ?? ref.code);
    return unit;
  }

  async function writableUnit(actor: Actor, ref: { id?: string; code?: string }) {
    const unit = await readableUnit(actor, ref);
    if (!can(actor, 'evidence.upload', { unitPath: unit.path })) {
      throw new ForbiddenError(
        'Hanya operator atau kepala perangkat daerah yang dapat mengelola bukti unitnya.',
      );
    }
    return unit;
  }

  async function readable(actor: Actor, id: string) {
    const v = await repo.findById(id);
    if (!v || !(await mayRead(actor, { id: v.unitId, path: v.unitPath })))
      throw new NotFoundError('Bukti', id);
    return v;
  }

  async function writable(actor: Actor, id: string) {
    const v = await readable(actor, id);
    if (!can(actor, 'evidence.upload', { unitPath: v.unitPath })) {
      throw new ForbiddenError(
        'Hanya operator atau kepala perangkat daerah yang dapat mengubah bukti unitnya.',
      );
    }
    return v;
  }

  async function present(views: EvidenceView[], tx: DbOrTx = db) {
    const usage = await repo.usageOf(
      views.map((v) => v.id),
      tx,
    );
    const today = todayWib();
    return views.map((v) => presentEvidence(v, usage, today));
  }

  /** Removes a stored blob that no row references any more. Best effort: an orphan is harmless. */
  async function releaseBlob(key: string | null) {
    if (!key) return;
    try {
      if ((await repo.countByStorageKey(key)) === 0) await storage.delete(key);
    } catch {
      // leave the orphan; it wastes space but loses nothing
    }
  }

  return {
    repo,

    /**
     * Stores an uploaded file and records it in the unit's library. The bytes are streamed to
     * storage (hashed and counted on the way), their type is decided from the content, and only
     * then is the row written (with its audit record) in a short transaction. The same file in
     * the same unit is stored once: the existing item comes back with `duplicate: true`.
     * `beforeCommit` runs after the file is stored and before the row is written (the route
     * uses it to finish reading the request); if it throws, nothing is kept.
     */
    async uploadFile(
      ctx: Ctx,
      fields: FileUploadFields,
      file: { stream: Readable; filename: string },
      opts: { beforeCommit?: () => Promise<void> } = {},
    ): Promise<UploadResult> {
      const unit = await writableUnit(ctx.actor, { id: fields.unitId, code: fields.unitCode });

      let put: Awaited<ReturnType<typeof storage.put<AllowedType>>>;
      try {
        put = await storage.put(file.stream, {
          maxBytes: deps.uploadMaxBytes,
          inspect: async ({ tempPath, size }) => {
            if (size === 0) {
              throw new ValidationError(
                'Berkas kosong.',
                [{ path: 'file', message: 'Berkas kosong' }],
                'The file is empty.',
              );
            }
            const type = await detectFileType(tempPath);
            if (!type.allowed) {
              throw new UnsupportedMediaTypeError(
                `Jenis berkas tidak diizinkan. Yang diterima: ${ALLOWED_LABELS} (diperiksa dari isi berkas, bukan namanya).`,
                { detected: type.detected ?? null, allowed: ALLOWED_LABELS.split(', ') },
                `File type not allowed. Accepted: ${ALLOWED_LABELS} (checked from the content, not the name).`,
              );
            }
            return type.allowed;
          },
        });
      } catch (err) {
        if (err instanceof BlobTooLargeError || (err as { statusCode?: number }).statusCode === 413) {
          throw new PayloadTooLargeError(deps.uploadMaxBytes);
        }
        throw err;
      }

      const type = put.inspected;
      const originalName = sanitizeFilename(file.filename, { extensions: type.extensions });
      const defaultTitle = originalName.replace(/\.[^.]+$/, '').slice(0, 300);
      try {
        await opts.beforeCommit?.();
        const existing = await repo.findFileInUnit(unit.id, put.sha256);
        if (existing) return { evidence: (await present([existing]))[0]!, duplicate: true };
        const id = await db.transaction(async (tx) => {
          const row = await repo.insert(
            {
              unitId: unit.id,
              kind: 'file',
              title: fields.title ?? defaultTitle,
              docType: fields.docType ?? null,
              docDate: fields.docDate ?? null,
              validUntil: fields.validUntil ?? null,
              sha256: put.sha256,
              sizeBytes: put.size,
              mimeType: type.mime,
              originalName,
              storageKey: put.key,
              uploadedBy: ctx.actor.id,
            },
            tx,
          );
          await writeAudit(tx, ctx, {
            action: 'evidence.upload',
            entityType: 'evidence',
            entityId: row.id,
            unitId: unit.id,
            unitPath: unit.path,
            after: auditView(row),
          });
          return row.id;
        });
        return { evidence: (await present([(await repo.findById(id))!]))[0]!, duplicate: false };
      } catch (err) {
        if (isUniqueViolation(err, 'evidence_unit_sha256')) {
          // A concurrent upload of the same file won the race: answer with its row.
          const existing = await repo.findFileInUnit(unit.id, put.sha256);
          if (existing) return { evidence: (await present([existing]))[0]!, duplicate: true };
        }
        if (put.created) await releaseBlob(put.key);
        throw err;
      }
    },

    /** Registers a link (http/https only) as evidence of a unit. */
    async createLink(ctx: Ctx, input: LinkInput): Promise<UploadResult> {
      const unit = await writableUnit(ctx.actor, { id: input.unitId, code: input.unitCode });
      const id = await db.transaction(async (tx) => {
        const row = await repo.insert(
          {
            unitId: unit.id,
            kind: 'link',
            title: input.title,
            docType: input.docType ?? null,
            docDate: input.docDate ?? null,
            validUntil: input.validUntil ?? null,
            url: input.url,
            uploadedBy: ctx.actor.id,
          },
          tx,
        );
        await writeAudit(tx, ctx, {
          action: 'evidence.link',
          entityType: 'evidence',
          entityId: row.id,
          unitId: unit.id,
          unitPath: unit.path,
          after: auditView(row),
        });
        return row.id;
      });
      return { evidence: (await present([(await repo.findById(id))!]))[0]!, duplicate: false };
    },

    /** One item, with where it is used. */
    async get(actor: Actor, id: string): Promise<EvidenceDto> {
      return (await present([await readable(actor, id)]))[0]!;
    },

    /** The library of a unit (by id or code), newest first, filtered. */
    async list(actor: Actor, unitRef: string, q: EvidenceListQuery): Promise<EvidenceDto[]> {
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(unitRef);
      const unit = await readableUnit(actor, isUuid ? { id: unitRef } : { code: unitRef });
      const rows = await repo.list(unit.id, {
        q: q.q,
        docType: q.docType,
        kind: q.kind,
        expired: q.expired === undefined ? undefined : q.expired === 'true',
        today: todayWib(),
        limit: q.limit,
        offset: q.offset,
      });
      return present(rows);
    },

    /** Changes the descriptive fields (title, document type, document date, valid-until). */
    async update(ctx: Ctx, id: string, patch: EvidencePatch): Promise<EvidenceDto> {
      const before = await writable(ctx.actor, id);
      const docDate = patch.docDate !== undefined ? patch.docDate : before.docDate;
      const validUntil = patch.validUntil !== undefined ? patch.validUntil : before.validUntil;
      if (docDate && validUntil && validUntil < docDate) {
        throw new ValidationError(
          'Berlaku sampai tidak boleh sebelum tanggal dokumen.',
          [{ path: 'validUntil', message: 'Berlaku sampai tidak boleh sebelum tanggal dokumen' }],
          'Valid-until must not be before the document date.',
        );
      }
      await db.transaction(async (tx) => {
        await repo.update(id, patch, tx);
        const after = (await repo.findById(id, tx))!;
        await writeAudit(tx, ctx, {
          action: 'evidence.update',
          entityType: 'evidence',
          entityId: id,
          unitId: before.unitId,
          unitPath: before.unitPath,
          before: auditView(before),
          after: auditView(after),
        });
      });
      return (await present([(await repo.findById(id))!]))[0]!;
    },

    /** Deletes an item that backs no indicator (else 409 naming where it is used). */
    async remove(ctx: Ctx, id: string): Promise<void> {
      const v = await writable(ctx.actor, id);
      try {
        await db.transaction(async (tx) => {
          const usage = await repo.usageOf([id], tx);
          if (usage.length > 0) throw inUse(v, usage);
          await repo.delete(id, tx);
          await writeAudit(tx, ctx, {
            action: 'evidence.delete',
            entityType: 'evidence',
            entityId: id,
            unitId: v.unitId,
            unitPath: v.unitPath,
            before: auditView(v),
          });
        });
      } catch (err) {
        // Linked between our check and the delete: the foreign key refuses, same answer.
        if (isForeignKeyViolation(err)) throw inUse(v, await repo.usageOf([id]));
        throw err;
      }
      if (v.kind === 'file') await releaseBlob(v.storageKey);
    },

    /**
     * Opens a stored file for download (`attachment`) or inline preview (PDF/PNG/JPEG only).
     * A link has nothing to download: 400 with its URL.
     */
    async open(actor: Actor, id: string, disposition: 'attachment' | 'inline') {
      const v = await readable(actor, id);
      if (v.kind !== 'file' || !v.storageKey) {
        throw new AppError(
          400,
          'EVIDENCE_IS_LINK',
          `Bukti ini berupa tautan, bukan berkas: buka ${v.url}`,
          { url: v.url },
          `This evidence is a link, not a file: open ${v.url}`,
        );
      }
      if (disposition === 'inline' && !typeByMime(v.mimeType)?.preview) {
        throw new AppError(
          400,
          'PREVIEW_NOT_AVAILABLE',
          'Pratinjau hanya tersedia untuk PDF, PNG dan JPEG; silakan unduh berkasnya.',
          { mimeType: v.mimeType, downloadUrl: `/api/evidence/${v.id}/download` },
          'Preview is only available for PDF, PNG and JPEG; download the file instead.',
        );
      }
      let stream: Readable;
      try {
        stream = await storage.get(v.storageKey);
      } catch (err) {
        if (err instanceof BlobNotFoundError) throw new NotFoundError('Berkas bukti', id);
        throw err;
      }
      return {
        stream,
        mimeType: v.mimeType ?? 'application/octet-stream',
        sizeBytes: v.sizeBytes,
        filename: v.originalName ?? 'berkas',
        sha256: v.sha256,
      };
    },

    /**
     * For the assessments module: every id must be evidence of `unitId`, else a 400 naming the
     * ones that are not (unknown ids and other units' ids look the same: nothing leaks).
     */
    async assertBelongsToUnit(
      evidenceIds: readonly string[],
      unitId: string,
      tx: DbOrTx = db,
    ): Promise<void> {
      const wanted = [...new Set(evidenceIds)];
      const found = new Set(await repo.idsInUnit(wanted, unitId, tx));
      const missing = wanted.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new ValidationError(
          `Bukti berikut tidak ada di pustaka bukti unit ini: ${missing.join(', ')}`,
          [{ path: 'evidenceIds', message: 'Bukti tidak ada di pustaka unit ini', ids: missing }],
          `These evidence items are not in this unit's library: ${missing.join(', ')}`,
        );
      }
    },

    /**
     * For the assessments module: the items with these ids, presented (with usage). No
     * authorisation here: call it only after authorising the assessment they belong to.
     */
    async listByIds(ids: readonly string[], tx: DbOrTx = db): Promise<EvidenceDto[]> {
      return present(await repo.findByIds([...new Set(ids)], tx), tx);
    },
  };
}

function inUse(v: EvidenceView, usage: UsageRow[]) {
  const where = usage.map((u) => `${u.indicatorCode} (${u.cycleName})`).join(', ');
  return new ConflictError(
    `Bukti "${v.title}" masih dipakai pada indikator: ${where}. Lepaskan tautannya terlebih dahulu.`,
    { usedBy: usage.map(({ evidenceId: _e, ...u }) => u) },
    `Evidence "${v.title}" is still used by: ${where}. Unlink it first.`,
  );
}

export type EvidenceService = ReturnType<typeof evidenceServiceFactory>;
