import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { jobs } from '../../db/schema/index.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { createJobRunner } from '../jobs/jobs.runner.js';
import { buildFinishedCycle, type FixtureCycle } from './fixtures.test-helpers.js';
import { BATCH_KIND, BATCH_RETENTION_MS, reportsBatchHandler, sweepBatchFiles } from './reports.batch.js';
import type { ReportsService } from './reports.service.js';

let t: TestApp;
let cycle: FixtureCycle;
let coordinator: Client;
let leader: Client;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-batch-'));

beforeAll(async () => {
  t = await createTestApp({ dataDir });
  await seedDemoIfEmpty(t.database, t.app.services);
  cycle = await buildFinishedCycle(t.database, t.app.services, { unitCount: 6, seed: 3 });
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
  leader = await login(t.app, 'gubernur@mercusuar.test');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The batch handler over a reports service whose unit renders are counted. */
function countingHandler() {
  const reports = t.app.services.reports;
  const rendered: string[] = [];
  const counted = {
    ...reports,
    internal: {
      ...reports.internal,
      unitPdf: async (id: string, computed?: Parameters<ReportsService['internal']['unitPdf']>[1]) => {
        rendered.push(id);
        return reports.internal.unitPdf(id, computed);
      },
    },
  } as ReportsService;
  return { handler: reportsBatchHandler(counted, t.app.services.jobs.filesRoot), rendered };
}

function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('batch of all unit reports', () => {
  it('survives a stopped runner: a new runner resumes without re-rendering finished reports, and the ZIP holds every unit report', async () => {
    const started = await coordinator.post(`/api/cycles/${cycle.cycleId}/reports/batch`);
    expect(started.statusCode).toBe(202);
    const job = started.json();
    expect(job).toMatchObject({ kind: BATCH_KIND, status: 'queued', progress: 0, downloadUrl: null });

    // Not downloadable yet; invisible to other users.
    expect((await coordinator.get(`/api/jobs/${job.id}/download`)).statusCode).toBe(409);
    expect((await leader.get(`/api/jobs/${job.id}`)).statusCode).toBe(404);

    // Runner 1 renders a few reports, then the server "restarts".
    const first = countingHandler();
    const runner1 = createJobRunner(t.database.db, {
      handlers: { [BATCH_KIND]: first.handler },
      pollMs: 20,
      progressEveryMs: 0,
    });
    runner1.start();
    for (let i = 0; i < 600 && first.rendered.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await runner1.stop();
    const afterStop = (await coordinator.get(`/api/jobs/${job.id}`)).json();
    expect(afterStop.status).toBe('queued');
    expect(afterStop.progress).toBeGreaterThan(0);
    expect(afterStop.progress).toBeLessThan(100);
    const partsDir = path.join(dataDir, 'reports', 'batch', job.id, 'parts');
    const kept = fs.readdirSync(partsDir).filter((f) => f.endsWith('.pdf'));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(6);

    // Runner 2 (a new process) finishes the job, rendering only what is missing.
    const second = countingHandler();
    const runner2 = createJobRunner(t.database.db, { handlers: { [BATCH_KIND]: second.handler } });
    expect(await runner2.runOnce()).toBe(true);
    expect(second.rendered.length).toBe(6 - kept.length);

    const done = (await coordinator.get(`/api/jobs/${job.id}`)).json();
    expect(done).toMatchObject({
      status: 'done',
      progress: 100,
      downloadUrl: `/api/jobs/${job.id}/download`,
    });
    expect(fs.existsSync(path.join(dataDir, 'reports', 'batch', job.id))).toBe(false);

    const zip = await coordinator.get(`/api/jobs/${job.id}/download`);
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers.etag).toBe(`"${done.result.sha256}"`);
    expect(sha(zip.rawPayload)).toBe(done.result.sha256);
    const entries = await unzip(zip.rawPayload);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest.reports).toHaveLength(6);
    for (const u of cycle.units) {
      const m = manifest.reports.find((r: { unitCode: string }) => r.unitCode === u.code);
      expect(m.snapshotHash).toBe(u.snapshotHash);
      const pdf = entries.get(m.file)!;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(sha(pdf)).toBe(m.sha256);
    }
    const row = await t.database.db.query.jobs.findFirst({ where: eq(jobs.id, job.id) });
    expect(row!.attempts).toBe(1);

    // Retention: a sweep keeps fresh files, removes old ZIPs and idle part folders; an expired
    // job's download says so (410) instead of a bare 404.
    const batchDir = path.join(dataDir, 'reports', 'batch');
    const oldParts = path.join(batchDir, 'stale-job', 'parts');
    fs.mkdirSync(oldParts, { recursive: true });
    expect(await sweepBatchFiles(path.join(dataDir, 'reports'))).toEqual([]);
    const longAgo = new Date(Date.now() - BATCH_RETENTION_MS - 60_000);
    fs.utimesSync(path.join(batchDir, `${job.id}.zip`), longAgo, longAgo);
    fs.utimesSync(path.join(batchDir, 'stale-job'), longAgo, longAgo);
    expect((await sweepBatchFiles(path.join(dataDir, 'reports'))).sort()).toEqual(
      [`${job.id}.zip`, 'stale-job'].sort(),
    );
    const expired = await coordinator.get(`/api/jobs/${job.id}/download`);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().code).toBe('JOB_FILE_EXPIRED');
  });
});
