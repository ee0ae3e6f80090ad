import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openConfiguredDatabase } from '../../runtime.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { validateDataPackage } from '../opendata/opendata.validate.js';
import { buildFinishedCycle, type FixtureCycle } from './fixtures.test-helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-reports-cli-'));
const dataDir = path.join(dir, 'data');
let cycle: FixtureCycle;

/** Runs the real CLI on its own embedded database in a temporary DATA_DIR (never DATABASE_URL). */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin/mercusuar.js'), ...args],
      { cwd: dir, env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, timeout: 180_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  // A finished, published cycle in the CLI's own embedded database (closed again before the CLI runs).
  const config = loadConfig({ DATA_DIR: dataDir });
  const database = await openConfiguredDatabase(config);
  try {
    const services = buildServices(database, config);
    await seedDemoIfEmpty(database, services);
    cycle = await buildFinishedCycle(database, services, {
      unitCount: 4,
      include: ['61-DISKOMINFO'],
      seed: 9,
    });
  } finally {
    await database.close();
  }
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Each CLI run starts its own embedded database: generous per-test time on a loaded machine.
describe('mercusuar report / opendata CLI', { timeout: 180_000 }, () => {
  it('writes one unit’s PDF report naming its snapshot hash, and its assessment workbook', async () => {
    const out = path.join(dir, 'out', 'diskominfo.pdf');
    const res = await cli(
      'report',
      '--cycle',
      cycle.cycleId,
      '--unit',
      '61-DISKOMINFO',
      '--format',
      'pdf',
      '--out',
      out,
    );
    expect(res.code, res.stderr).toBe(0);
    const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
    expect(text).toContain('Dinas Komunikasi dan Informatika');
    expect(text).toContain(cycle.units.find((u) => u.code === '61-DISKOMINFO')!.snapshotHash!);

    const xlsx = path.join(dir, 'out', 'diskominfo.xlsx');
    const x = await cli(
      'report',
      '--cycle',
      cycle.cycleId,
      '--unit',
      '61-DISKOMINFO',
      '--format',
      'xlsx',
      '--out',
      xlsx,
    );
    expect(x.code, x.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.getWorksheet('Jawaban')!.rowCount).toBe(1 + cycle.compiled.indicatorCount);
  });

  it('writes the cycle summary as PDF and XLSX', async () => {
    const pdf = path.join(dir, 'out', 'ringkasan.pdf');
    const res = await cli('report', '--cycle', cycle.cycleId, '--summary', '--format', 'pdf', '--out', pdf);
    expect(res.code, res.stderr).toBe(0);
    expect(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })).toContain('RINGKASAN HASIL EVALUASI');
    const xlsx = path.join(dir, 'out', 'ringkasan.xlsx');
    expect(
      (await cli('report', '--cycle', cycle.cycleId, '--summary', '--format', 'xlsx', '--out', xlsx)).code,
    ).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.getWorksheet('Peringkat')!.rowCount).toBe(5);
  });

  it('exports valid open data of a published cycle', async () => {
    const out = path.join(dir, 'opendata');
    const res = await cli('opendata', 'export', '--cycle', cycle.cycleId, '--out', out);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('valid: skema dan checksum sesuai datapackage.json');
    expect(validateDataPackage(out)).toEqual([]);
    expect(fs.readdirSync(out).sort()).toEqual([
      'changelog.json',
      'datapackage.json',
      'hasil-unit.csv',
      'hasil-unit.json',
      'indeks-domain.csv',
      'indeks-domain.json',
      'tingkat-indikator.csv',
      'tingkat-indikator.json',
    ]);
  });

  it('refuses bad input with exit code 2 and a clear message', async () => {
    let res = await cli('report', '--cycle', 'bukan-uuid', '--summary', '--format', 'pdf', '--out', 'x.pdf');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--cycle harus id siklus');
    res = await cli('report', '--cycle', cycle.cycleId, '--format', 'pdf', '--out', 'x.pdf');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--unit KODE atau --summary');
    res = await cli(
      'report',
      '--cycle',
      cycle.cycleId,
      '--unit',
      '61-TIDAK-ADA',
      '--format',
      'docx',
      '--out',
      'x.docx',
    );
    expect(res.code).toBe(2);
    res = await cli(
      'report',
      '--cycle',
      cycle.cycleId,
      '--unit',
      '61-TIDAK-ADA',
      '--format',
      'pdf',
      '--out',
      'x.pdf',
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('61-TIDAK-ADA');
    expect(fs.existsSync(path.join(dir, 'x.pdf'))).toBe(false);
  });
});
