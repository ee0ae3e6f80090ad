import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { jobs } from '../../db/schema/index.js';
import { systemContext } from '../../lib/context.js';
import { createJobRunner, defaultBackoff, type JobHandler } from './jobs.runner.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const enqueue = (kind: string, payload: unknown = {}, maxAttempts?: number) =>
  t.app.services.jobs.enqueue(systemContext('test'), { kind, payload, maxAttempts });
const row = async (id: string) => (await t.database.db.query.jobs.findFirst({ where: eq(jobs.id, id) }))!;

describe('job runner', () => {
  it('runs a queued job once and stores its result, progress 100 and no lock', async () => {
    const seen: string[] = [];
    const job = await enqueue('test.echo', { value: 42 });
    const runner = createJobRunner(t.database.db, {
      handlers: {
        'test.echo': async ({ job: j, progress }) => {
          seen.push(j.id);
          await progress(50);
          return { echoed: (j.payload as { value: number }).value };
        },
      },
    });
    expect(await runner.runOnce()).toBe(true);
    expect(await runner.runOnce()).toBe(false);
    const r = await row(job.id);
    expect(seen).toEqual([job.id]);
    expect(r).toMatchObject({
      status: 'done',
      progress: 100,
      attempts: 1,
      result: { echoed: 42 },
      lockedBy: null,
    });
  });

  it('retries a failing job after a backoff delay and marks it failed after maxAttempts', async () => {
    let calls = 0;
    const job = await enqueue('test.flaky', {}, 2);
    const runner = createJobRunner(t.database.db, {
      handlers: {
        'test.flaky': async () => {
          calls++;
          throw new Error(`gagal ke-${calls}`);
        },
      },
      backoffMs: () => 60_000,
    });
    expect(await runner.runOnce()).toBe(true);
    let r = await row(job.id);
    expect(r).toMatchObject({ status: 'queued', attempts: 1, error: 'gagal ke-1', lockedBy: null });
    // Not runnable before its time …
    expect(await runner.runOnce()).toBe(false);
    const [{ wait }] = (await t.database.db
      .select({ wait: sql<number>`extract(epoch from (${jobs.runAfter} - now()))::int` })
      .from(jobs)
      .where(eq(jobs.id, job.id))) as [{ wait: number }];
    expect(Number(wait)).toBeGreaterThan(50);
    // … then it is, and the last attempt fails for good.
    await t.database.db.update(jobs).set({ runAfter: sql`now()` }).where(eq(jobs.id, job.id));
    expect(await runner.runOnce()).toBe(true);
    r = await row(job.id);
    expect(r).toMatchObject({ status: 'failed', attempts: 2, error: 'gagal ke-2' });
    expect(calls).toBe(2);
    expect(defaultBackoff(1)).toBe(5_000);
    expect(defaultBackoff(3)).toBe(20_000);
    expect(defaultBackoff(20)).toBe(600_000);
  });

  it('takes over a job left running by a dead process once its lock is stale', async () => {
    const job = await enqueue('test.resume');
    await t.database.db
      .update(jobs)
      .set({
        status: 'running',
        lockedBy: 'dead-host:1',
        lockedAt: sql`now() - interval '10 minutes'`,
        attempts: 1,
      })
      .where(eq(jobs.id, job.id));
    const fresh = createJobRunner(t.database.db, {
      handlers: { 'test.resume': async () => 'ok' },
      staleMs: 60_000,
    });
    expect(await fresh.runOnce()).toBe(true);
    expect(await row(job.id)).toMatchObject({ status: 'done', attempts: 2, result: 'ok' });
  });

  it('leaves a running job with a fresh lock alone', async () => {
    const job = await enqueue('test.busy');
    await t.database.db
      .update(jobs)
      .set({ status: 'running', lockedBy: 'alive-host:1', lockedAt: sql`now()`, attempts: 1 })
      .where(eq(jobs.id, job.id));
    const other = createJobRunner(t.database.db, {
      handlers: { 'test.busy': async () => 'stolen' },
      staleMs: 60_000,
    });
    expect(await other.runOnce()).toBe(false);
    expect(await row(job.id)).toMatchObject({ status: 'running', lockedBy: 'alive-host:1' });
  });

  it('gives up a stale job whose attempts are used up instead of running it again', async () => {
    const job = await enqueue('test.doomed', {}, 2);
    await t.database.db
      .update(jobs)
      .set({
        status: 'running',
        lockedBy: 'dead-host:2',
        lockedAt: sql`now() - interval '1 hour'`,
        attempts: 2,
      })
      .where(eq(jobs.id, job.id));
    let ran = false;
    const r = createJobRunner(t.database.db, {
      handlers: {
        'test.doomed': async () => {
          ran = true;
        },
      },
      staleMs: 60_000,
    });
    expect(await r.runOnce()).toBe(true);
    expect(ran).toBe(false);
    expect(await row(job.id)).toMatchObject({ status: 'failed' });
  });

  it('never runs one job on two runners (FOR UPDATE SKIP LOCKED)', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => enqueue('test.count')));
    const runs = new Map<string, number>();
    const handler: JobHandler = async ({ job }) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
    };
    const a = createJobRunner(t.database.db, { handlers: { 'test.count': handler }, workerId: 'A' });
    const b = createJobRunner(t.database.db, { handlers: { 'test.count': handler }, workerId: 'B' });
    const drain = async (r: typeof a) => {
      while (await r.runOnce()) {}
    };
    await Promise.all([drain(a), drain(b)]);
    expect([...runs.keys()].sort()).toEqual(ids.map((j) => j.id).sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('hands the running job back on stop without counting the attempt; a new runner finishes it', async () => {
    const job = await enqueue('test.slow');
    let started!: () => void;
    const isRunning = new Promise<void>((r) => {
      started = r;
    });
    const first = createJobRunner(t.database.db, {
      handlers: {
        'test.slow': async ({ signal }) => {
          started();
          await new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, 30_000);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(signal.reason);
            });
          });
        },
      },
      pollMs: 20,
    });
    first.start();
    await isRunning;
    expect((await row(job.id)).status).toBe('running');
    await first.stop();
    expect(await row(job.id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null });

    const second = createJobRunner(t.database.db, { handlers: { 'test.slow': async () => 'finished' } });
    expect(await second.runOnce()).toBe(true);
    expect(await row(job.id)).toMatchObject({ status: 'done', attempts: 1, result: 'finished' });
  });
});

describe('jobs API', () => {
  it('answers 401 to a job status request without a session', async () => {
    const anon = await t.app.inject({ url: '/api/jobs/00000000-0000-4000-8000-000000000000' });
    expect(anon.statusCode).toBe(401);
  });
});
