import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/domain/instrument/index.js';
import {
  idpdRaw,
  levelsWithSum,
  mustValidate,
  spbeRaw,
} from '../../src/domain/scoring/fixtures.test-helpers.js';
import {
  instrumentFromWorkbook,
  instrumentToWorkbook,
} from '../../src/modules/instruments/instruments.xlsx.js';

/**
 * The CLI as a user runs it: `node bin/mercusuar.js …` in a child process with its own DATA_DIR.
 * The child always uses the embedded database (DATABASE_URL cleared) in a temporary folder, so
 * these tests never touch a shared server database.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-cli-instr-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(...args: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mercusuar.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

/** SPBE levels whose domain indices round to published values (see src/domain/scoring/score.test.ts). */
function spbeCsv(s1: number, s2: number, s3: number, sa: number, sb: number): string {
  const levels = [
    ...levelsWithSum(10, s1),
    ...levelsWithSum(10, s2),
    ...levelsWithSum(11, s3),
    ...levelsWithSum(10, sa),
    ...levelsWithSum(6, sb),
  ];
  return `indicator,level\n${levels.map((l, i) => `${i + 1},${l}`).join('\n')}\n`;
}

const T = 180_000;

describe('mercusuar score reproduces the published SPBE results', () => {
  const cases = [
    { sums: [25, 14, 11, 28, 16], domains: [2.5, 1.4, 1, 2.75], index: 2.09, predicate: 'Cukup' },
    { sums: [30, 20, 12, 33, 19], domains: [3, 2, 1.09, 3.25], index: 2.55, predicate: 'Cukup' },
    { sums: [37, 21, 11, 49, 11], domains: [3.7, 2.1, 1, 3.69], index: 2.85, predicate: 'Baik' },
  ] as const;
  for (const c of cases) {
    it(
      `prints index ${c.index} (${c.predicate}) as one JSON object`,
      async () => {
        const [s1, s2, s3, sa, sb] = c.sums;
        const csv = file(`spbe-${c.index}.csv`, spbeCsv(s1, s2, s3, sa, sb));
        const run = await cli('score', '--instrument', 'spbe-2020', '--levels', csv, '--json');
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const out = JSON.parse(run.stdout);
        expect(Object.keys(out)).toEqual(['instrument', 'version', 'index', 'predicate', 'nodes']);
        expect(out).toMatchObject({
          instrument: 'spbe-2020',
          version: '2020.1',
          index: c.index,
          predicate: c.predicate,
        });
        expect(out.nodes).toHaveLength(4 + 8 + 47);
        const domains = out.nodes.filter((n: { code: string }) => /^D\d$/.test(n.code));
        expect(domains.map((n: { index: number }) => n.index)).toEqual(c.domains);
        expect(out.nodes[0]).toEqual({
          code: 'D1',
          name: expect.any(String),
          kind: 'group',
          index: c.domains[0],
        });
        expect(out.nodes.find((n: { code: string }) => n.code === '1').kind).toBe('maturity');
        // the reported text is printed, never a float artefact such as 2.5500000000000003
        expect(run.stdout).toContain(`"index": ${c.index},`);
      },
      T,
    );
  }

  it(
    'prints a readable Indonesian table with the index and predicate without --json',
    async () => {
      const csv = file('spbe-table.csv', spbeCsv(30, 20, 12, 33, 19));
      const run = await cli('score', '--instrument', 'spbe-2020@2020.1', '--levels', csv);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^kode\s+nama\s+jenis\s+bobot\s+tingkat\s+indeks\s+predikat/);
      expect(run.stdout).toMatch(/^D3\s+Domain Manajemen SPBE\s+domain\s+16,5\s+1,09\s+Kurang$/m);
      expect(run.stdout).toContain('Indeks SPBE (spbe-2020 versi 2020.1): 2,55 — predikat Cukup');
    },
    T,
  );
});

describe('mercusuar score rejects bad input with exit code 2 and the CSV line', () => {
  const good = () => spbeCsv(30, 20, 12, 33, 19).trimEnd().split('\n');

  it(
    'names line 5 for level 7',
    async () => {
      const lines = good();
      lines[4] = '4,7';
      const run = await cli(
        'score',
        '--instrument',
        'spbe-2020',
        '--levels',
        file('l7.csv', lines.join('\n')),
        '--json',
      );
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('baris 5: Tingkat indikator "4" harus bilangan bulat 1 sampai 5');
      expect(run.stderr).toContain('line 5: Level of indicator "4"');
    },
    T,
  );

  it(
    'names the line of an unknown indicator and of a duplicate',
    async () => {
      const lines = [...good(), '99,3'];
      const run = await cli(
        'score',
        '--instrument',
        'spbe-2020',
        '--levels',
        file('unknown.csv', lines.join('\n')),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('baris 49: Kode indikator "99" tidak dikenal');
      const dup = [...good(), '12,3'];
      const run2 = await cli(
        'score',
        '--instrument',
        'spbe-2020',
        '--levels',
        file('dup.csv', dup.join('\n')),
      );
      expect(run2.code).toBe(2);
      expect(run2.stderr).toContain('baris 49: indikator "12" sudah ada di baris 13');
    },
    T,
  );

  it(
    'refuses missing indicators without --partial, and scores them with coverage with --partial',
    async () => {
      const lines = good().filter((l) => !/^(46|47),/.test(l));
      const csv = file('missing.csv', lines.join('\n'));
      const run = await cli('score', '--instrument', 'spbe-2020', '--levels', csv, '--json');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('2 indikator belum dijawab (46, 47)');
      expect(run.stderr).toContain('--partial');

      const partial = await cli('score', '--instrument', 'spbe-2020', '--levels', csv, '--json', '--partial');
      expect(partial.code).toBe(0);
      const out = JSON.parse(partial.stdout);
      expect(out.coverage).toMatchObject({ indicators: 47, applicable: 47, answered: 45, missing: 2 });
      expect(out.coverage.weightShare).toBe(0.94);
      expect(out.nodes.find((n: { code: string }) => n.code === '47').index).toBeNull();
      expect(typeof out.index).toBe('number');
    },
    T,
  );

  it(
    'names line 1 for a wrong header and the line of a broken quote',
    async () => {
      const lines = good();
      lines[0] = 'kode,nilai';
      const run = await cli(
        'score',
        '--instrument',
        'spbe-2020',
        '--levels',
        file('hdr.csv', lines.join('\n')),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('baris 1: judul kolom harus "indicator,level"');

      const broken = good();
      broken[6] = '6,"3';
      const run2 = await cli(
        'score',
        '--instrument',
        'spbe-2020',
        '--levels',
        file('quote.csv', broken.join('\n')),
      );
      expect(run2.code).toBe(2);
      expect(run2.stderr).toContain('baris 7: CSV rusak');
    },
    T,
  );

  it(
    'answers exit code 2 for an unknown instrument',
    async () => {
      const run = await cli(
        'score',
        '--instrument',
        'tidak-ada',
        '--levels',
        file('any.csv', good().join('\n')),
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('tidak-ada');
    },
    T,
  );
});

describe('mercusuar instrument validate', () => {
  it(
    'prints OK with counts for a valid file, and every error with its path for a broken one (exit 2)',
    async () => {
      const ok = await cli('instrument', 'validate', path.join(ROOT, 'instruments/spbe-2020.json'));
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('OK spbe-2020 versi 2020.1: 12 node grup, 47 indikator');

      const doc = spbeRaw();
      doc.nodes[1].children[0].children[1].criteria[3] = '';
      const broken = file('broken.json', JSON.stringify(doc));
      const run = await cli('instrument', 'validate', broken);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        '$.nodes[1].children[0].children[1].criteria[3]: Kriteria tingkat 4 kosong',
      );
      expect(run.stderr).toContain('(en) Criterion for level 4 is empty or missing.');
    },
    T,
  );

  it(
    'names the cell of a broken weight in a workbook',
    async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await instrumentToWorkbook(mustValidate(idpdRaw()))) as unknown as ExcelJS.Buffer);
      const ws = wb.getWorksheet('Node')!;
      ws.getCell('F3').value = 'x';
      const xlsx = file('broken.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
      const run = await cli('instrument', 'validate', xlsx);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Node!F3: ');
    },
    T,
  );
});

describe('mercusuar instrument import and export (embedded database)', () => {
  it(
    'imports a workbook as a published version, exports it losslessly and scores with it from the database',
    async () => {
      const doc = idpdRaw();
      doc.version = '2-cli';
      const instrument = mustValidate(doc);
      const xlsx = file('idpd-2.xlsx', await instrumentToWorkbook(instrument));

      const imp = await cli('instrument', 'import', xlsx, '--publish');
      expect(imp.stderr).toBe('');
      expect(imp.code).toBe(0);
      expect(imp.stdout).toContain('Diterbitkan: idpd versi 2-cli');
      expect(imp.stdout).toContain(contentHash(instrument));

      const out = path.join(dir, 'idpd-export.xlsx');
      const exp = await cli('instrument', 'export', 'idpd@2-cli', '--format', 'xlsx', '--out', out);
      expect(exp.code).toBe(0);
      expect(contentHash(await instrumentFromWorkbook(fs.readFileSync(out)))).toBe(contentHash(instrument));

      // Every indicator at level 3 (metric values on the level-3 threshold); indicators that do not
      // apply to a badan are left out and count as NA.
      const rows: string[] = [];
      const walk = (nodes: Array<Record<string, unknown>>) => {
        for (const n of nodes) {
          if (n.children) walk(n.children as never);
          else if (Array.isArray(n.applicability) && !n.applicability.includes('badan')) continue;
          else rows.push(`${n.code},${n.kind === 'metric' ? (n.thresholds as string[])[1] : 3}`);
        }
      };
      walk(doc.nodes);
      expect(rows.some((r) => r.startsWith('INF-01,1'))).toBe(true);
      const csv = file('idpd.csv', `indicator,level\n${rows.join('\n')}\n`);
      const run = await cli(
        'score',
        '--instrument',
        'idpd@2-cli',
        '--levels',
        csv,
        '--json',
        '--unit-type',
        'badan',
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ instrument: 'idpd', version: '2-cli', index: 3 });
    },
    T,
  );
});
