import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../cli/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-units-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the real CLI on its own embedded database in a temporary DATA_DIR (never DATABASE_URL). */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin/mercusuar.js'), ...args],
      { cwd: dir, env: { ...env, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('mercusuar units CLI', () => {
  it('documents both commands in --help', () => {
    const units = buildCli().commands.find((c) => c.name() === 'units')!;
    const help = (name: string) => units.commands.find((c) => c.name() === name)!.helpInformation();
    expect(help('import')).toContain('--dry-run');
    expect(help('export')).toMatch(/--format[\s\S]*--out/);
  });

  it('imports a file all-or-nothing (exit 2 with row/column errors), then imports and exports it', async () => {
    const good = [
      'kode;nama;jenis;kode_induk',
      '62;Provinsi Uji;provinsi;',
      '62-DISKOMINFO;Dinas Kominfo Uji;dinas;62',
    ];
    fs.writeFileSync(
      path.join(dir, 'bad.csv'),
      [...good, '62-X;Unit Tanpa Jenis;;62', '62-Y;Y;dinas;99'].join('\n'),
    );
    const bad = await cli('units', 'import', 'bad.csv');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/4\s+jenis\s+Wajib diisi/);
    expect(bad.stderr).toMatch(/5\s+nama\s+Nama minimal 2 karakter/);
    expect(bad.stderr).toMatch(/5\s+kode_induk\s+Unit induk dengan kode 99/);

    fs.writeFileSync(path.join(dir, 'good.csv'), good.join('\n'));
    const ok = await cli('units', 'import', 'good.csv');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/3\s+62-DISKOMINFO\s+tambah/);
    expect(ok.stdout).toContain('2 ditambah, 0 diubah, 0 tetap');

    const exported = await cli('units', 'export');
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split(/\r?\n/)).toEqual([
      'code,name,shortName,type,parentCode,active,address,latitude,longitude',
      '62,Provinsi Uji,,provinsi,,true,,,',
      '62-DISKOMINFO,Dinas Kominfo Uji,,dinas,62,true,,,',
    ]);
  }, 180_000);
});
