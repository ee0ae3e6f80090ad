import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/index.js';

/**
 * The CLI on the embedded default (DATA_DIR folders), whatever backend the run uses: the
 * cross-backend path itself is covered by backup.test.ts.
 */
let work: string;
const savedEnv = { ...process.env };

async function cli(dataDir: string, ...args: string[]) {
  process.env.DATA_DIR = dataDir;
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-backup-cli-'));
  delete process.env.DATABASE_URL;
  delete process.env.SEED_DEMO;
});

afterAll(() => {
  process.env = savedEnv;
  fs.rmSync(work, { recursive: true, force: true });
});

describe('mercusuar backup / restore', () => {
  it('documents both commands in --help', async () => {
    const b = await cli(path.join(work, 'unused'), 'backup', '--help');
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/--out <file>/);
    const r = await cli(path.join(work, 'unused'), 'restore', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/EMPTY database/);
  });

  it('backs up one embedded folder and restores into another; refuses a second restore with exit 1', async () => {
    const a = path.join(work, 'a');
    const b = path.join(work, 'b');
    const file = path.join(work, 'demo.backup.gz');
    expect((await cli(a, 'seed-demo')).code).toBe(0);

    const backup = await cli(a, 'backup', '--out', file);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/backup written/);
    expect(fs.existsSync(file) && fs.existsSync(`${file}.manifest.json`)).toBe(true);

    const again = await cli(a, 'backup', '--out', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/sudah ada/);

    const restore = await cli(b, 'restore', file);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/restore complete/);
    expect(restore.stdout).toMatch(/units\s+76/);

    const refused = await cli(b, 'restore', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tidak kosong/);
    expect(refused.stderr).toMatch(/not empty/);
  }, 180_000);

  it('refuses while another process holds the embedded data folder', async () => {
    const c = path.join(work, 'c');
    fs.mkdirSync(c, { recursive: true });
    // PID 1 is always alive: the folder looks held by a running server.
    fs.writeFileSync(path.join(c, 'mercusuar.lock'), '1\n');
    const r = await cli(c, 'backup', '--out', path.join(work, 'c.gz'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/in use by another Mercusuar process/);
    expect(fs.existsSync(path.join(work, 'c.gz'))).toBe(false);
  });
});
