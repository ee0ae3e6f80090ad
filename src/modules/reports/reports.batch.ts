/**
 * "All unit reports of this cycle as one ZIP", as a background job. Each unit's PDF is written to
 * DATA_DIR/reports/batch/<jobId>/parts/ first (temp file, then rename), so a job that is stopped
 * or whose process dies resumes where it left off: parts already on disk are not rendered again.
 * The ZIP carries a manifest naming, per unit, the PDF's SHA-256 and the score snapshot hash.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import archiver from 'archiver';
import type { JobHandler } from '../jobs/jobs.runner.js';
import type { FileResult } from '../jobs/jobs.service.js';
import { reportToBuffer, slug } from './reports.file.js';
import { GENERATOR } from './reports.format.js';
import type { ReportsService } from './reports.service.js';

export const BATCH_KIND = 'reports.batch';

/** How long a finished ZIP (and the parts of a job that never finished) stays on disk. */
export const BATCH_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes batch ZIPs and leftover part folders older than the retention (by modification time),
 * so DATA_DIR does not grow with every run. A job still running touches its parts folder with
 * each rendered report, so only a folder idle for the whole retention is removed. Returns the
 * names removed.
 */
export async function sweepBatchFiles(
  filesRoot: string,
  now = Date.now(),
  maxAgeMs = BATCH_RETENTION_MS,
): Promise<string[]> {
  const dir = path.join(filesRoot, 'batch');
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    const stat = await fsp.stat(full).catch(() => null);
    if (!stat || now - stat.mtimeMs <= maxAgeMs) continue;
    await fsp.rm(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface BatchPayload {
  cycleId: string;
  cycleName: string;
  units: Array<{ assessmentId: string; unitCode: string }>;
}

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

async function sha256OfFile(file: string) {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
const partName = (unitCode: string) => `${slug(unitCode)}.pdf`;

async function writeAtomic(file: string, data: Buffer) {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

async function zipParts(zipFile: string, entries: Array<{ name: string; file?: string; data?: Buffer }>) {
  const tmp = `${zipFile}.${process.pid}.tmp`;
  const out = fs.createWriteStream(tmp);
  const archive = archiver('zip', { zlib: { level: 1 } }); // PDFs are compressed already
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
    archive.on('error', reject);
  });
  archive.pipe(out);
  for (const e of entries) {
    if (e.file) archive.file(e.file, { name: e.name });
    else archive.append(e.data!, { name: e.name });
  }
  await archive.finalize();
  await closed;
  await fsp.rename(tmp, zipFile);
}

/** The job handler: renders every listed unit report (resuming), then zips them with a manifest. */
export function reportsBatchHandler(reports: ReportsService, filesRoot: string): JobHandler {
  return async ({ job, signal, progress }) => {
    const p = job.payload as BatchPayload;
    const dir = path.join(filesRoot, 'batch', job.id);
    const partsDir = path.join(dir, 'parts');
    await fsp.mkdir(partsDir, { recursive: true });
    const computed = await reports.internal.compute(p.cycleId);
    const snapshotOf = new Map(computed.results.map((r) => [r.assessmentId, r.snapshotHash]));

    const manifest: Array<{ unitCode: string; file: string; sha256: string; snapshotHash: string | null }> =
      [];
    for (const [i, u] of p.units.entries()) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      const name = partName(u.unitCode);
      const target = path.join(partsDir, name);
      let bytes: Buffer;
      if (fs.existsSync(target)) {
        bytes = await fsp.readFile(target);
      } else {
        bytes = await reportToBuffer(await reports.internal.unitPdf(u.assessmentId, computed));
        await writeAtomic(target, bytes);
      }
      manifest.push({
        unitCode: u.unitCode,
        file: name,
        sha256: sha256(bytes),
        snapshotHash: snapshotOf.get(u.assessmentId) ?? null,
      });
      await progress(((i + 1) / Math.max(1, p.units.length)) * 95);
    }
    if (signal.aborted) throw signal.reason ?? new Error('aborted');

    const manifestJson = Buffer.from(
      `${JSON.stringify(
        {
          cycleId: p.cycleId,
          cycleName: p.cycleName,
          generator: GENERATOR,
          generatedAt: new Date().toISOString(),
          reports: manifest,
        },
        null,
        2,
      )}\n`,
    );
    const zipName = `${job.id}.zip`;
    const zipFile = path.join(filesRoot, 'batch', zipName);
    await zipParts(zipFile, [
      ...manifest.map((m) => ({ name: m.file, file: path.join(partsDir, m.file) })),
      { name: 'manifest.json', data: manifestJson },
    ]);
    await fsp.rm(dir, { recursive: true, force: true });
    const result: FileResult = {
      file: `batch/${zipName}`,
      filename: `laporan-unit-${slug(p.cycleName)}.zip`,
      contentType: 'application/zip',
      sizeBytes: (await fsp.stat(zipFile)).size,
      sha256: await sha256OfFile(zipFile),
    };
    return result;
  };
}
