/**
 * Child process of bench/reports: streams a national-scale units × indicators matrix (default
 * 25,000 units × 47 indicators, self and verified level each) into an XLSX file with the same
 * writer the API uses (exceljs WorkbookWriter), or — with --raw — the same cells as plain CSV
 * (the baseline). Prints one JSON line: rows, bytes, ms and this process's peak RSS.
 *
 *   npx tsx bench/reports/national-export.ts [--units 25000] [--indicators 47] [--raw] [--out FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { MatrixRow } from '../../src/modules/reports/reports.data.js';
import { type MatrixMeta, writeMatrixXlsx } from '../../src/modules/reports/reports.xlsx.js';

const { values } = parseArgs({
  options: {
    units: { type: 'string', default: '25000' },
    indicators: { type: 'string', default: '47' },
    raw: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const unitCount = Number(values.units);
const indicatorCount = Number(values.indicators);
const out =
  values.out ?? path.join(os.tmpdir(), `mercusuar-national-${process.pid}.${values.raw ? 'csv' : 'xlsx'}`);

const PREDICATES = ['Kurang', 'Cukup', 'Baik', 'Sangat Baik', 'Memuaskan'];
const TYPES = ['dinas', 'badan', 'sekretariat', 'inspektorat', 'kecamatan', 'rumah_sakit'];

/** Deterministic synthetic units, generated one at a time (never all in memory). */
function* rows(): Generator<MatrixRow> {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let u = 0; u < unitCount; u++) {
    const self: Array<number | 'NA' | null> = [];
    const verified: Array<number | 'NA' | null> = [];
    for (let i = 0; i < indicatorCount; i++) {
      const r = next();
      const level = 1 + Math.floor(r * 5);
      const na = r > 0.97;
      self.push(na ? 'NA' : level);
      verified.push(na ? 'NA' : Math.max(1, level - (next() < 0.3 ? 1 : 0)));
    }
    const index = (1 + next() * 4).toFixed(2);
    yield {
      unitCode: `${String(11 + (u % 28)).padStart(2, '0')}-${String(u).padStart(5, '0')}`,
      unitName: `Perangkat Daerah Uji Nasional ${u + 1}`,
      unitType: TYPES[u % TYPES.length]!,
      state: 'published',
      final: true,
      verifiedIndex: index,
      predicate: PREDICATES[Math.min(4, Math.floor(Number(index) - 1))]!,
      self,
      verified,
    };
  }
}

const meta: MatrixMeta = {
  generatedAt: new Date(),
  generatorVersion: 'bench',
  cycle: {
    id: '00000000-0000-4000-8000-000000000000',
    name: 'Evaluasi Nasional (sintetis)',
    scopeName: 'Indonesia',
    status: 'published',
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    targetIndex: '2.60',
    publishedAt: null,
  },
  instrument: {
    code: 'spbe-2020',
    version: '2020.1',
    title: 'Indeks SPBE (sintetis)',
    indexName: 'Indeks SPBE',
    contentHash: '0'.repeat(64),
    decimals: 2,
    bands: [],
    domains: [],
  },
  indicators: Array.from({ length: indicatorCount }, (_, i) => ({
    code: `I${String(i + 1).padStart(2, '0')}`,
    name: `Indikator ${i + 1}`,
    domainCode: `D${1 + (i % 4)}`,
    weight: '1',
    kind: 'maturity',
  })),
};

async function raw(file: string) {
  const stream = fs.createWriteStream(file);
  const write = (s: string) =>
    stream.write(s) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r()));
  await write(
    `kode_unit,nama_unit,jenis,status,final,indeks,predikat,${meta.indicators.flatMap((i) => [`${i.code}_mandiri`, `${i.code}_verifikasi`]).join(',')}\n`,
  );
  let n = 0;
  for (const r of rows()) {
    const cells: unknown[] = [
      r.unitCode,
      r.unitName,
      r.unitType,
      r.state,
      r.final,
      r.verifiedIndex,
      r.predicate,
    ];
    for (let i = 0; i < indicatorCount; i++) cells.push(r.self[i] ?? '', r.verified[i] ?? '');
    await write(`${cells.join(',')}\n`);
    n++;
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return n;
}

const started = performance.now();
let count: number;
if (values.raw) count = await raw(out);
else {
  const stream = fs.createWriteStream(out);
  const closed = new Promise<void>((resolve, reject) => {
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  count = await writeMatrixXlsx(meta, rows(), stream);
  await closed;
}
const ms = performance.now() - started;
const bytes = fs.statSync(out).size;
if (!values.out) fs.rmSync(out, { force: true });
process.stdout.write(
  `${JSON.stringify({ rows: count, cells: count * indicatorCount * 2, bytes, ms: Math.round(ms), maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
