import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileInstrument } from './compile.js';
import type { RawDoc } from './fixtures.test-helpers.js';
import { mustValidate, spbeCompiled, spbeRaw } from './fixtures.test-helpers.js';
import { type ScoreResult, scoreOrThrow } from './score.js';

const k = spbeCompiled.indicatorCount;
const codes = spbeCompiled.indicatorCode;

// SPBE with NA allowed everywhere, to exercise renormalisation on a real tree.
const naRaw = spbeRaw();
const allowNa = (nodes: RawDoc[]): void => {
  for (const n of nodes) {
    if (n.children) allowNa(n.children);
    else n.naAllowed = true;
  }
};
allowNa(naRaw.nodes);
const spbeNa = compileInstrument(mustValidate(naRaw));

const levelsArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: k, maxLength: k });
const toAnswers = (levels: readonly (number | string)[]) =>
  Object.fromEntries(codes.map((c, i) => [c, levels[i]!]));
const allIndices = (r: ScoreResult) => [r.index, ...r.nodes.map((n) => n.index)].filter((x) => x !== null);

function bandOf(value: string): string {
  const v = Math.round(Number(value) * 100); // reported values have 2 decimals: exact in hundredths
  if (v >= 420) return 'Memuaskan';
  if (v >= 350) return 'Sangat Baik';
  if (v >= 260) return 'Baik';
  if (v >= 180) return 'Cukup';
  return 'Kurang';
}

describe('scoring properties (fast-check)', () => {
  it('all indicators at level k → every index is exactly k', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), (level) => {
        const r = scoreOrThrow(spbeCompiled, toAnswers(new Array(k).fill(level)));
        for (const ix of allIndices(r)) {
          expect(ix.exact).toMatchObject({ numerator: String(level), denominator: '1' });
          expect(ix.reported).toBe(`${level}.00`);
        }
      }),
    );
  });

  it('raising any level never lowers any index', () => {
    fc.assert(
      fc.property(levelsArb, fc.nat({ max: k - 1 }), (levels, i) => {
        fc.pre(levels[i]! < 5);
        const before = scoreOrThrow(spbeCompiled, toAnswers(levels));
        const raised = [...levels];
        raised[i]! += 1;
        const after = scoreOrThrow(spbeCompiled, toAnswers(raised));
        const exact = (r: ScoreResult) =>
          [r.index!, ...r.nodes.map((n) => n.index!)].map((x) => [
            BigInt(x.exact.numerator),
            BigInt(x.exact.denominator),
          ]);
        const b = exact(before);
        const a = exact(after);
        b.forEach(([bn, bd], j) => {
          const [an, ad] = a[j]!;
          expect(an! * bd! >= bn! * ad!).toBe(true);
        });
      }),
    );
  });

  it('indices stay within 1–5 and the predicate matches the rounded value band', () => {
    fc.assert(
      fc.property(levelsArb, (levels) => {
        const r = scoreOrThrow(spbeCompiled, toAnswers(levels));
        for (const ix of allIndices(r)) {
          expect(ix.value).toBeGreaterThanOrEqual(1);
          expect(ix.value).toBeLessThanOrEqual(5);
          expect(ix.predicate).toBe(bandOf(ix.reported));
        }
        expect(r.predicate).toBe(bandOf(r.index!.reported));
      }),
    );
  });

  it('the result does not depend on the order of the answers', () => {
    fc.assert(
      fc.property(
        levelsArb,
        fc.array(fc.nat(), { minLength: k, maxLength: k }),
        fc.boolean(),
        (levels, keys, useMap) => {
          const entries = codes.map((c, i) => ({ code: c, value: levels[i]! }));
          const shuffled = entries
            .map((e, i) => ({ e, key: keys[i]! }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.e);
          const expected = scoreOrThrow(spbeCompiled, entries);
          const actual = scoreOrThrow(
            spbeCompiled,
            useMap ? new Map(shuffled.map((e) => [e.code, e.value])) : shuffled,
          );
          expect(actual).toEqual(expected);
        },
      ),
    );
  });

  it('NA renormalisation keeps "all at k" at k, and all-NA groups have no index', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.boolean(), { minLength: k, maxLength: k }),
        (level, na) => {
          fc.pre(na.some((x) => !x));
          const r = scoreOrThrow(spbeNa, toAnswers(na.map((x) => (x ? 'NA' : level))));
          expect(r.index?.exact).toMatchObject({ numerator: String(level), denominator: '1' });
          for (const n of r.nodes) {
            if (n.status === 'scored') expect(n.index?.reported).toBe(`${level}.00`);
            else expect(n.index).toBeNull();
          }
        },
      ),
    );
  });

  it('with NA, every index stays a weighted mean within the min and max scored level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant('NA')), { minLength: k, maxLength: k }),
        (answers) => {
          const scored = answers.filter((a): a is number => a !== 'NA');
          fc.pre(scored.length > 0);
          const r = scoreOrThrow(spbeNa, toAnswers(answers));
          const lo = Math.min(...scored);
          const hi = Math.max(...scored);
          const num = BigInt(r.index!.exact.numerator);
          const den = BigInt(r.index!.exact.denominator);
          expect(num >= BigInt(lo) * den && num <= BigInt(hi) * den).toBe(true);
        },
      ),
    );
  });
});
