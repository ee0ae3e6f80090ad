/**
 * Scoring benchmark (issue #3): 25,000 assessments × 47 indicators of spbe-2020 with seeded random
 * levels, scored by the exact compiled engine and, in the same run, by a naive floating-point loop
 * doing the same work (every node's index, rounded to 2 decimals, plus the predicate of the whole).
 *
 *   npx tsx bench/scoring/index.ts [assessments]
 *
 * Floors: > 1,000,000 indicator responses/s for the engine, and engine time within 3× of the naive loop.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { validateInstrument } from '../../src/domain/instrument/index.js';
import {
  type CompiledInstrument,
  compileInstrument,
  scoreAssessment,
  scoreBatch,
} from '../../src/domain/scoring/index.js';

const ASSESSMENTS = Number(process.argv[2] ?? 25_000);
const ROUNDS = 5;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The naive loop: float weights (as written, e.g. 1.3), float sums, Math.round to 2 decimals. */
function naiveScore(c: CompiledInstrument, levels: Uint8Array, count: number, floatWeights: Float64Array) {
  const n = c.nodeCount;
  const k = c.indicatorCount;
  const parent = c.parent;
  const inode = c.indicatorNode;
  const nodeW = new Float64Array(n);
  for (let i = 0; i < k; i++) nodeW[inode[i]!] = floatWeights[i]!;
  for (let node = n - 1; node > 0; node--) nodeW[parent[node]!]! += nodeW[node]!;
  const out = new Float64Array(count * n);
  const predicate = new Int16Array(count);
  const sums = new Float64Array(n);
  for (let a = 0; a < count; a++) {
    sums.fill(0);
    for (let i = 0; i < k; i++) sums[inode[i]!] = floatWeights[i]! * levels[a * k + i]!;
    for (let node = n - 1; node > 0; node--) sums[parent[node]!]! += sums[node]!;
    for (let node = 0; node < n; node++)
      out[a * n + node] = Math.round((sums[node]! / nodeW[node]!) * 100) / 100;
    const v = out[a * n]!;
    predicate[a] = v >= 4.2 ? 0 : v >= 3.5 ? 1 : v >= 2.6 ? 2 : v >= 1.8 ? 3 : 4;
  }
  return { out, predicate };
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

const file = fileURLToPath(new URL('../../instruments/spbe-2020.json', import.meta.url));
const validated = validateInstrument(JSON.parse(await readFile(file, 'utf8')));
if (!validated.ok) throw new Error('spbe-2020.json is invalid');
const compiled = compileInstrument(validated.instrument);
const k = compiled.indicatorCount;
const responses = ASSESSMENTS * k;

const rand = mulberry32(20_260_101);
const levels = new Uint8Array(responses);
for (let i = 0; i < responses; i++) levels[i] = 1 + Math.floor(rand() * 5);
const floatWeights = Float64Array.from(compiled.indicatorCode, (code) => {
  const w = compiled.nodeSource[compiled.nodeByCode.get(code)!]!.weight;
  return Number(w);
});

// Warm up both paths, then take the best of ROUNDS for each, interleaved.
scoreBatch(compiled, levels.subarray(0, 1000 * k), 1000);
naiveScore(compiled, levels.subarray(0, 1000 * k), 1000, floatWeights);
let engineMs = Number.POSITIVE_INFINITY;
let naiveMs = Number.POSITIVE_INFINITY;
let engine: ReturnType<typeof scoreBatch> | undefined;
let naive: ReturnType<typeof naiveScore> | undefined;
for (let r = 0; r < ROUNDS; r++) {
  const e = time(() => scoreBatch(compiled, levels, ASSESSMENTS));
  const f = time(() => naiveScore(compiled, levels, ASSESSMENTS, floatWeights));
  if (e.ms < engineMs) [engineMs, engine] = [e.ms, e.value];
  if (f.ms < naiveMs) [naiveMs, naive] = [f.ms, f.value];
}

// Full API (answers keyed by code, result objects with exact fractions, strings, coverage).
const fullCount = Math.min(ASSESSMENTS, 5_000);
const answerSets = Array.from({ length: fullCount }, (_, a) => {
  const o: Record<string, number> = {};
  for (let i = 0; i < k; i++) o[compiled.indicatorCode[i]!] = levels[a * k + i]!;
  return o;
});
const full = time(() => {
  let ok = 0;
  for (const answers of answerSets) if (scoreAssessment(compiled, answers).ok) ok++;
  return ok;
});

// How often does the naive float loop disagree with the exact engine?
let disagreements = 0;
let predicateDisagreements = 0;
const n = compiled.nodeCount;
for (let a = 0; a < ASSESSMENTS; a++) {
  for (let node = 0; node < n; node++) {
    if (Math.round(naive!.out[a * n + node]! * 100) !== engine!.reported[a * n + node]) disagreements++;
  }
  if (naive!.predicate[a] !== engine!.predicate[a]) predicateDisagreements++;
}

const engineRate = responses / (engineMs / 1000);
const naiveRate = responses / (naiveMs / 1000);
const fullRate = (fullCount * k) / (full.ms / 1000);
const ratio = engineMs / naiveMs;

console.log(
  `scoring benchmark: ${fmt(ASSESSMENTS)} assessments × ${k} indicators = ${fmt(responses)} responses`,
);
console.log(
  `  (${n - 1} nodes + whole index per assessment; best of ${ROUNDS} rounds; node ${process.version})`,
);
console.log(`exact engine (compiled, scoreBatch): ${engineMs.toFixed(1)} ms  ${fmt(engineRate)} responses/s`);
console.log(`naive float loop:                    ${naiveMs.toFixed(1)} ms  ${fmt(naiveRate)} responses/s`);
console.log(`engine time / naive time:            ${ratio.toFixed(2)}×`);
console.log(
  `full API scoreAssessment (objects):  ${full.ms.toFixed(1)} ms for ${fmt(fullCount)} assessments  ${fmt(fullRate)} responses/s`,
);
console.log(
  `naive float vs exact: ${disagreements} node values and ${predicateDisagreements} predicates differ (of ${fmt(ASSESSMENTS * n)} / ${fmt(ASSESSMENTS)})`,
);
const pass = engineRate > 1_000_000 && ratio <= 3;
console.log(`floors (> 1,000,000 responses/s, ≤ 3× naive): ${pass ? 'PASS' : 'FAIL'}`);
process.exitCode = pass ? 0 : 1;
