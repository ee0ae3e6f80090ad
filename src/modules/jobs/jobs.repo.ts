import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { jobs } from '../../db/schema/index.js';

export type JobRow = typeof jobs.$inferSelect;

/** `now() + ms` on the database clock: every instance agrees on time through PostgreSQL. */
const nowPlus = (ms: number) => sql`now() + (${Math.round(ms)} * interval '1 millisecond')`;

/**
 * The jobs table: claimed with FOR UPDATE SKIP LOCKED so that any number of runners (in any
 * number of app instances) take each job exactly once. All times come from the database clock.
 */
export function jobsRepo(db: Db) {
  return {
    async insert(
      v: { kind: string; payload: unknown; createdBy: string | null; maxAttempts?: number },
      tx: DbOrTx = db,
    ) {
      const [row] = await tx
        .insert(jobs)
        .values({ kind: v.kind, payload: v.payload, createdBy: v.createdBy, maxAttempts: v.maxAttempts ?? 3 })
        .returning();
      return row!;
    },

    findById(id: string, tx: DbOrTx = db) {
      return tx.query.jobs.findFirst({ where: eq(jobs.id, id) });
    },

    /**
     * Claims the next runnable job of the given kinds: a queued job whose time has come, or a
     * running job whose lock went stale (its runner died). Increments attempts. Undefined when
     * there is nothing to do.
     */
    async claim(workerId: string, kinds: string[], staleMs: number) {
      if (kinds.length === 0) return undefined;
      return db.transaction(async (tx) => {
        const [next] = await tx
          .select({ id: jobs.id })
          .from(jobs)
          .where(
            and(
              inArray(jobs.kind, kinds),
              or(
                and(eq(jobs.status, 'queued'), lte(jobs.runAfter, sql`now()`)),
                and(eq(jobs.status, 'running'), lt(jobs.lockedAt, nowPlus(-staleMs))),
              ),
            ),
          )
          .orderBy(asc(jobs.runAfter), asc(jobs.createdAt))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!next) return undefined;
        const [row] = await tx
          .update(jobs)
          .set({
            status: 'running',
            lockedAt: sql`now()`,
            lockedBy: workerId,
            attempts: sql`${jobs.attempts} + 1`,
            updatedAt: sql`now()`,
          })
          .where(eq(jobs.id, next.id))
          .returning();
        return row;
      });
    },

    /** Refreshes the lock (and progress); false when this worker no longer holds the job. */
    async heartbeat(id: string, workerId: string, progress?: number) {
      const rows = await db
        .update(jobs)
        .set({
          lockedAt: sql`now()`,
          updatedAt: sql`now()`,
          ...(progress === undefined ? {} : { progress: Math.max(0, Math.min(100, Math.floor(progress))) }),
        })
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, 'running')))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    async complete(id: string, workerId: string, result: unknown) {
      const rows = await db
        .update(jobs)
        .set({
          status: 'done',
          progress: 100,
          result: result ?? null,
          error: null,
          lockedAt: null,
          lockedBy: null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, 'running')))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    /** Failure: back to the queue after `retryInMs`, or failed for good when null. */
    async fail(id: string, workerId: string, error: string, retryInMs: number | null) {
      const rows = await db
        .update(jobs)
        .set(
          retryInMs === null
            ? { status: 'failed', error, lockedAt: null, lockedBy: null, updatedAt: sql`now()` }
            : {
                status: 'queued',
                error,
                runAfter: nowPlus(retryInMs),
                lockedAt: null,
                lockedBy: null,
                updatedAt: sql`now()`,
              },
        )
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, 'running')))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    /** Gives a job back unfinished (graceful shutdown): queued again, the attempt not counted. */
    async release(id: string, workerId: string) {
      await db
        .update(jobs)
        .set({
          status: 'queued',
          attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
          runAfter: sql`now()`,
          lockedAt: null,
          lockedBy: null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId), eq(jobs.status, 'running')));
    },
  };
}

export type JobsRepo = ReturnType<typeof jobsRepo>;
