// Test helpers shared by the scoring tests (not a test file itself).
import idpdJson from '../../../instruments/idpd-1.json' with { type: 'json' };
import spbeJson from '../../../instruments/spbe-2020.json' with { type: 'json' };
import { type Instrument, validateInstrument } from '../instrument/index.js';
import { type CompiledInstrument, compileInstrument } from './compile.js';

/** Raw instrument JSON that tests mutate freely to build broken variants. */
// biome-ignore lint/suspicious/noExplicitAny: test fixtures poke into arbitrary JSON
export type RawDoc = any;

export function mustValidate(input: unknown): Instrument {
  const r = validateInstrument(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2));
  return r.instrument;
}

export const spbe: Instrument = mustValidate(spbeJson);
export const idpd: Instrument = mustValidate(idpdJson);
export const spbeCompiled: CompiledInstrument = compileInstrument(spbe);
export const idpdCompiled: CompiledInstrument = compileInstrument(idpd);

/** A deep copy of the raw SPBE document, for building broken or modified instruments. */
export function spbeRaw(): RawDoc {
  return structuredClone(spbeJson) as RawDoc;
}

export function idpdRaw(): RawDoc {
  return structuredClone(idpdJson) as RawDoc;
}

/** Levels 1..5 for `n` indicators summing to `sum` (fills from the front). */
export function levelsWithSum(n: number, sum: number): number[] {
  if (sum < n || sum > 5 * n) throw new RangeError(`cannot reach ${sum} with ${n} levels`);
  const out = new Array(n).fill(1);
  let rest = sum - n;
  for (let i = 0; i < n && rest > 0; i++) {
    const add = Math.min(4, rest);
    out[i] += add;
    rest -= add;
  }
  return out;
}

const criteria = ['satu', 'dua', 'tiga', 'empat', 'lima'];

/** Minimal valid instrument with the SPBE bands; `weights` are top-level indicator weights. */
export function tinyInstrument(weights: string[], extra: Record<string, unknown> = {}): RawDoc {
  const total = weights.reduce((s, w) => s + Number(w), 0);
  return {
    code: 'tiny',
    version: '1',
    title: 'Tiny',
    sources: [],
    levelModels: [
      {
        id: 'm',
        name: 'M',
        levels: [1, 2, 3, 4, 5].map((level) => ({ level, name: `L${level}`, meaning: `tingkat ${level}` })),
      },
    ],
    scale: { min: 1, max: 5 },
    totalWeight: String(Number(total.toFixed(6))),
    rounding: { decimals: 2, mode: 'half-up' },
    predicateBands: [
      { name: 'Memuaskan', min: '4.2', max: '5' },
      { name: 'Sangat Baik', min: '3.5', max: '4.2' },
      { name: 'Baik', min: '2.6', max: '3.5' },
      { name: 'Cukup', min: '1.8', max: '2.6' },
      { name: 'Kurang', min: '1', max: '1.8' },
    ],
    nodes: [
      {
        code: 'G',
        name: 'Grup',
        weight: String(Number(total.toFixed(6))),
        children: weights.map((w, i) => ({
          code: `I${i + 1}`,
          name: `Indikator ${i + 1}`,
          weight: w,
          kind: 'maturity',
          levelModel: 'm',
          criteria,
          naAllowed: true,
        })),
      },
    ],
    ...extra,
  };
}
