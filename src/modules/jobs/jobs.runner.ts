import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Db } from '../../db/client.js';
import { type JobRow, jobsRepo } from './jobs.repo.js';

export interface JobContext {
  job: JobRow;
  /** Aborted on shutdown or when another runner took the job over (lost lock). */
  signal: AbortSignal;
  /** Reports progress 0–100 (written at most every `progressEveryMs`, and refreshes the lock). */
  progress(percent: number): Promise<void>;
}

/** Does the work of one job; its return value is stored as the job's result (JSON). */
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export interface JobRunnerOptions {
  handlers: Record<string, JobHandler>;
  workerId?: string;
  /** How often an idle runner looks for work (ms). */
  pollMs?: number;
  /** A running job whose lock is older than this was abandoned (its process died) and is taken over. */
  staleMs?: number;
  /** Lock refresh while a job runs; well below staleMs. */
  heartbeatMs?: number;
  progressEveryMs?: number;
  /** Delay before retry number `attempt` (1-based): exponential, capped. */
  backoffMs?: (attempt: number) => number;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface JobRunner {
  readonly workerId: string;
  start(): void;
  /** Stops polling; a running job is aborted and handed back to the queue (it resumes elsewhere). */
  stop(): Promise<void>;
  /** Claims and runs at most one job; true when one ran. For tests and the CLI. */
  runOnce(): Promise<boolean>;
  /** Looks for work now instead of at the next poll (after an enqueue in this process). */
  kick(): void;
}

class ShutdownError extends Error {
  constructor() {
    super('runner stopping');
    this.name = 'ShutdownError';
  }
}

export const defaultBackoff = (attempt: number) => Math.min(10 * 60_000, 5_000 * 2 ** (attempt - 1));

/**
 * The in-process job runner: one job at a time (report rendering is CPU-bound), claimed from the
 * jobs table with FOR UPDATE SKIP LOCKED. Failures are retried with exponential backoff until
 * maxAttempts; a job left 'running' by a dead process is taken over once its lock is stale; on
 * a graceful stop the current job is handed back at once, so a restart resumes it.
 */
export function createJobRunner(db: Db, opts: JobRunnerOptions): JobRunner {
  const repo = jobsRepo(db);
  const workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const pollMs = opts.pollMs ?? 2_000;
  const staleMs = opts.staleMs ?? 5 * 60_000;
  const heartbeatMs = opts.heartbeatMs ?? Math.max(1_000, Math.floor(staleMs / 4));
  const progressEveryMs = opts.progressEveryMs ?? 500;
  const backoff = opts.backoffMs ?? defaultBackoff;
  const kinds = Object.keys(opts.handlers);

  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let current: { controller: AbortController; done: Promise<unknown> } | undefined;

  async function runJob(job: JobRow) {
    const handler = opts.handlers[job.kind]!;
    if (job.attempts > job.maxAttempts) {
      await repo.fail(job.id, workerId, job.error ?? `dihentikan setelah ${job.maxAttempts} percobaan`, null);
      return;
    }
    const controller = new AbortController();
    let lastWrite = 0;
    let lastValue = -1;
    const heartbeat = setInterval(() => {
      repo.heartbeat(job.id, workerId).then(
        (held) => {
          if (!held) controller.abort(new Error('lock lost'));
        },
        () => {},
      );
    }, heartbeatMs);
    heartbeat.unref();
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      async progress(percent) {
        const p = Math.max(0, Math.min(99, Math.floor(percent)));
        const now = Date.now();
        if (p === lastValue || (now - lastWrite < progressEveryMs && p < 99)) return;
        lastWrite = now;
        lastValue = p;
        if (!(await repo.heartbeat(job.id, workerId, p))) controller.abort(new Error('lock lost'));
      },
    };
    const done = (async () => handler(ctx))();
    current = { controller, done };
    try {
      const result = await done;
      // A job that lost its lock to another runner cannot complete here (the update matches nothing).
      await repo.complete(job.id, workerId, result);
      opts.log?.info({ jobId: job.id, kind: job.kind }, 'job done');
    } catch (err) {
      if (stopping && controller.signal.reason instanceof ShutdownError) {
        await repo.release(job.id, workerId);
        opts.log?.info({ jobId: job.id }, 'job handed back on shutdown');
      } else {
        const message = (err as Error)?.message ?? String(err);
        const retry = job.attempts < job.maxAttempts ? backoff(job.attempts) : null;
        await repo.fail(job.id, workerId, message.slice(0, 2000), retry);
        opts.log?.error(
          { jobId: job.id, kind: job.kind, attempt: job.attempts, retryInMs: retry, err },
          'job failed',
        );
      }
    } finally {
      clearInterval(heartbeat);
      current = undefined;
    }
  }

  async function runOnce(): Promise<boolean> {
    if (stopping) return false;
    const job = await repo.claim(workerId, kinds, staleMs);
    if (!job) return false;
    await runJob(job);
    return true;
  }

  function schedule(ms: number) {
    if (!running || stopping) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  }

  function tick() {
    if (loop || !running || stopping) return;
    loop = (async () => {
      try {
        // Drain: keep going while there is work, then wait for the next poll.
        while (!stopping && (await runOnce())) {}
      } catch (err) {
        opts.log?.error({ err }, 'job runner poll failed');
      } finally {
        loop = undefined;
        schedule(pollMs);
      }
    })();
  }

  return {
    workerId,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      schedule(0);
    },
    async stop() {
      stopping = true;
      running = false;
      clearTimeout(timer);
      current?.controller.abort(new ShutdownError());
      await current?.done.catch(() => {});
      await loop?.catch(() => {});
    },
    runOnce,
    kick() {
      schedule(0);
    },
  };
}
