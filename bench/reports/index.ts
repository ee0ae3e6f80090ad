/**
 * Reports benchmark (issue #6), one command:
 *
 *   npx tsx bench/reports/index.ts [--units 25000] [--runs 10]
 *
 * 1. One unit's Laporan Hasil Evaluasi PDF, end to end as the API makes it (results of the
 *    cycle, both ledgers, evidence, receipt, two charts through ECharts SSR, pdfmake), on an
 *    embedded database holding a 60-unit cycle; split into data and rendering.
 * 2. The 60-unit cycle summary PDF for leadership (ranking, distribution, heatmap, laggards, trend).
 * 3. Peak memory of exporting a national-scale units × indicators matrix (25,000 units × 47
 *    indicators × self and verified level) with the streaming XLSX writer, in a child process that
 *    reports its own maxRSS; the same cells written as plain CSV are the raw baseline.
 *
 * Floors: a unit report under 1 s (median), the national export under 400 MB peak RSS.
 * Exit code 1 when a floor is missed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { buildServices } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { units } from '../../src/db/schema/index.js';
import { buildFinishedCycle } from '../../src/modules/reports/fixtures.test-helpers.js';
import { SYSTEM_READER } from '../../src/modules/reports/reports.data.js';
import { reportToBuffer } from '../../src/modules/reports/reports.file.js';
import { renderPdf, unitReportDoc } from '../../src/modules/reports/reports.pdf.js';
import { unitsRepo } from '../../src/modules/units/units.repo.js';
import { seedDemoIfEmpty } from '../../src/seed/demo.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const { values } = parseArgs({
  options: { units: { type: 'string', default: '25000' }, runs: { type: 'string', default: '10' } },
});
const RUNS = Number(values.runs);
const UNIT_FLOOR_MS = 1000;
const RSS_FLOOR_MB = 400;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function timed<T>(fn: () => Promise<T>) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-bench-reports-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const database = await openDatabase({});
  await database.migrate();
  const services = buildServices(database, config);
  try {
    process.stdout.write('setting up: demo units + 30 extra dinas, a 60-unit previous and current cycle …\n');
    await seedDemoIfEmpty(database, services);
    const root = (await database.db.query.units.findFirst({ where: eq(units.code, '61') }))!;
    const repo = unitsRepo(database.db);
    for (let i = 1; i <= 30; i++) {
      await repo.insert(
        {
          code: `61-BENCH-${String(i).padStart(2, '0')}`,
          name: `Dinas Uji Tolok Ukur ${i}`,
          shortName: `Uji ${i}`,
          type: 'dinas',
          parentId: root.id,
        },
        root,
      );
    }
    const previous = await buildFinishedCycle(database, services, {
      name: 'Evaluasi Digitalisasi SKPD 2025',
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      unitCount: 60,
      seed: 1,
      shift: -0.3,
    });
    const cycle = await buildFinishedCycle(database, services, {
      unitCount: 60,
      previousCycleId: previous.cycleId,
      include: ['61-DISKOMINFO'],
      seed: 2,
    });
    const reports = services.reports;
    const unitId = cycle.units[0]!.assessmentId;

    // 1. One unit report, end to end.
    for (let i = 0; i < 2; i++) await reportToBuffer(await reports.internal.unitPdf(unitId));
    const total: number[] = [];
    const dataMs: number[] = [];
    const renderMs: number[] = [];
    let pages = 0;
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const all = await timed(async () => reportToBuffer(await reports.internal.unitPdf(unitId)));
      total.push(all.ms);
      bytes = all.value.length;
      const d = await timed(() => reports.data.unitReport(unitId));
      dataMs.push(d.ms);
      renderMs.push((await timed(() => renderPdf(unitReportDoc(d.value)))).ms);
    }
    const file = path.join(dataDir, 'unit.pdf');
    fs.writeFileSync(file, await reportToBuffer(await reports.internal.unitPdf(unitId)));
    try {
      pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1] ?? 0);
    } catch {
      pages = 0; // poppler-utils not installed
    }

    // 2. The 60-unit cycle summary.
    await reportToBuffer(await reports.internal.summaryPdf(cycle.cycleId));
    const summary: number[] = [];
    const summaryData: number[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 2)); i++) {
      summary.push(
        (await timed(async () => reportToBuffer(await reports.internal.summaryPdf(cycle.cycleId)))).ms,
      );
      const d = await timed(() => reports.data.cycleReport(SYSTEM_READER, cycle.cycleId));
      summaryData.push(d.ms);
    }

    // 3. National export in child processes (xlsx, then the CSV baseline).
    const child = (extra: string[]) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--import', 'tsx', path.join(HERE, 'national-export.ts'), '--units', values.units!, ...extra],
          {
            cwd: ROOT,
            encoding: 'utf8',
            maxBuffer: 1 << 20,
          },
        ).trim(),
      ) as { rows: number; cells: number; bytes: number; ms: number; maxRssKb: number };
    const xlsx = child([]);
    const csv = child(['--raw']);

    const rssMb = xlsx.maxRssKb / 1024;
    const unitMedian = median(total);
    const lines = [
      '',
      `Reports benchmark — node ${process.version}, ${os.cpus().length} CPU, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      '',
      `1. Unit report PDF (${pages || '?'} pages, ${(bytes / 1024).toFixed(0)} KB), ${RUNS} runs`,
      `   end to end   median ${fmt(unitMedian)}  p90 ${fmt(p90(total))}  max ${fmt(Math.max(...total))}`,
      `   data         median ${fmt(median(dataMs))}   render (charts + pdfmake) median ${fmt(median(renderMs))}`,
      `2. Cycle summary PDF, 60 units: median ${fmt(median(summary))} (data ${fmt(median(summaryData))})`,
      `3. National matrix ${xlsx.rows.toLocaleString('en')} units × 47 indicators (${xlsx.cells.toLocaleString('en')} level cells)`,
      `   XLSX (streaming) ${(xlsx.bytes / 1024 / 1024).toFixed(1)} MB in ${(xlsx.ms / 1000).toFixed(1)} s, peak RSS ${rssMb.toFixed(0)} MB`,
      `   CSV  (raw)       ${(csv.bytes / 1024 / 1024).toFixed(1)} MB in ${(csv.ms / 1000).toFixed(1)} s, peak RSS ${(csv.maxRssKb / 1024).toFixed(0)} MB`,
      `   XLSX/raw: time ×${(xlsx.ms / csv.ms).toFixed(1)}, memory ×${(xlsx.maxRssKb / csv.maxRssKb).toFixed(2)}`,
      '',
      `Floors: unit report < ${UNIT_FLOOR_MS} ms: ${unitMedian < UNIT_FLOOR_MS ? 'PASS' : 'FAIL'} (${fmt(unitMedian)}); national export < ${RSS_FLOOR_MB} MB: ${rssMb < RSS_FLOOR_MB ? 'PASS' : 'FAIL'} (${rssMb.toFixed(0)} MB)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (unitMedian >= UNIT_FLOOR_MS || rssMb >= RSS_FLOOR_MB) process.exitCode = 1;
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
