import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/client.js';
import { JOB_KIND_LABELS, JOB_STATUS_LABELS } from '../../domain/jobs.js';
import { type Actor, hasRole } from '../../domain/policy/policy.js';
import type { RequestContext } from '../../lib/context.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { type JobRow, jobsRepo } from './jobs.repo.js';

/** What a job handler that produces a file stores as its result. */
export interface FileResult {
  /** Path relative to DATA_DIR/reports. */
  file: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export interface JobDto {
  id: string;
  kind: string;
  kindLabel: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  statusLabel: string;
  progress: number;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  downloadUrl: string | null;
  result: { filename: string; sizeBytes: number; sha256: string } | null;
}

function isFileResult(r: unknown): r is FileResult {
  return !!r && typeof r === 'object' && typeof (r as FileResult).file === 'string';
}

export function presentJob(job: JobRow): JobDto {
  const file = job.status === 'done' && isFileResult(job.result) ? job.result : null;
  return {
    id: job.id,
    kind: job.kind,
    kindLabel: JOB_KIND_LABELS[job.kind]?.id ?? job.kind,
    status: job.status as JobDto['status'],
    statusLabel: JOB_STATUS_LABELS[job.status]?.id ?? job.status,
    progress: job.progress,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    downloadUrl: file ? `/api/jobs/${job.id}/download` : null,
    result: file ? { filename: file.filename, sizeBytes: file.sizeBytes, sha256: file.sha256 } : null,
  };
}

/**
 * Background jobs as the API sees them: enqueue (audited), status with progress, and the file a
 * finished job produced. A job is visible to the user who started it and to administrators; to
 * anyone else it does not exist (404).
 */
export function jobsServiceFactory(db: Db, config: { dataDir: string }) {
  const repo = jobsRepo(db);
  const listeners = new Set<() => void>();
  const filesRoot = path.join(config.dataDir, 'reports');

  async function visible(actor: Actor, id: string) {
    const job = await repo.findById(id);
    if (!job || (job.createdBy !== actor.id && !hasRole(actor, 'admin')))
      throw new NotFoundError('Pekerjaan', id);
    return job;
  }

  return {
    repo,
    /** DATA_DIR/reports: where job handlers write their files. */
    filesRoot,

    /** Called after every enqueue in this process (the runner looks for work at once). */
    onEnqueue(fn: () => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /** Queues a job and audits it in the same transaction. */
    async enqueue(
      ctx: RequestContext,
      job: { kind: string; payload: unknown; maxAttempts?: number },
      audit: { unitId?: string | null; unitPath?: string | null; summary?: Record<string, unknown> } = {},
    ): Promise<JobDto> {
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insert(
          {
            kind: job.kind,
            payload: job.payload,
            createdBy: ctx.actor?.id ?? null,
            maxAttempts: job.maxAttempts,
          },
          tx,
        );
        await writeAudit(tx, ctx, {
          action: 'job.create',
          entityType: 'job',
          entityId: inserted.id,
          unitId: audit.unitId ?? null,
          unitPath: audit.unitPath ?? null,
          after: { kind: job.kind, ...(audit.summary ?? {}) },
        });
        return inserted;
      });
      for (const fn of listeners) fn();
      return presentJob(row);
    },

    async get(actor: Actor, id: string): Promise<JobDto> {
      return presentJob(await visible(actor, id));
    },

    /** The file of a finished job; 409 while it is not done. */
    async openDownload(actor: Actor, id: string): Promise<FileResult & { stream: Readable }> {
      const job = await visible(actor, id);
      if (job.status !== 'done' || !isFileResult(job.result)) {
        throw new AppError(
          409,
          'JOB_NOT_DONE',
          `Pekerjaan belum selesai (status: ${JOB_STATUS_LABELS[job.status]?.id ?? job.status}, ${job.progress}%).`,
          { status: job.status, progress: job.progress },
          `The job is not finished (status ${job.status}, ${job.progress}%).`,
        );
      }
      const full = path.resolve(filesRoot, job.result.file);
      if (!full.startsWith(filesRoot + path.sep)) throw new NotFoundError('Berkas hasil pekerjaan', id);
      if (!fs.existsSync(full)) {
        throw new AppError(
          410,
          'JOB_FILE_EXPIRED',
          'Berkas hasil pekerjaan ini sudah dihapus (berkas disimpan 7 hari). Jalankan pekerjaan itu lagi.',
          { jobId: id },
          'This job’s file has been deleted (files are kept for 7 days). Run the job again.',
        );
      }
      return { ...job.result, stream: fs.createReadStream(full) };
    },
  };
}

export type JobsService = ReturnType<typeof jobsServiceFactory>;
