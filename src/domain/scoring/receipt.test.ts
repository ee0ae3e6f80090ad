import { describe, expect, it } from 'vitest';
import { compileInstrument } from './compile.js';
import { mustValidate, spbeCompiled, tinyInstrument } from './fixtures.test-helpers.js';
import { buildReceipt } from './receipt.js';
import { scoreOrThrow } from './score.js';

describe('score receipt', () => {
  const c = compileInstrument(mustValidate(tinyInstrument(['1', '1', '2'])));

  it('explains the index: shares, points, losses; points add up exactly to the index', () => {
    const r = scoreOrThrow(c, { I1: 5, I2: 3, I3: 2 });
    // index = (5 + 3 + 4)/4 = 3
    const receipt = buildReceipt(c, r, { targetLevel: 4 });
    expect(receipt.reported).toBe('3.00');
    expect(receipt.totals.points.exact.decimal).toBe('3');
    const leaves = receipt.tree[0]!.children;
    expect(leaves.map((l) => l.effectiveShare.exact.decimal)).toEqual(['0.25', '0.25', '0.5']);
    expect(leaves.map((l) => l.points.exact.decimal)).toEqual(['1.25', '0.75', '1']);
    expect(leaves.map((l) => l.lostVsMax.exact.decimal)).toEqual(['0', '0.5', '1.5']);
    expect(leaves.map((l) => l.lostVsTarget.exact.decimal)).toEqual(['0', '0.25', '1']);
    expect(receipt.totals.lostVsMax.exact.decimal).toBe('2');
  });

  it('ranks one-level raises by exact gain', () => {
    const r = scoreOrThrow(c, { I1: 5, I2: 3, I3: 2 });
    const receipt = buildReceipt(c, r);
    expect(receipt.raises.map((x) => [x.code, x.gain.exact.decimal])).toEqual([
      ['I3', '0.5'],
      ['I2', '0.25'],
    ]);
  });

  it('renormalises shares around NA indicators', () => {
    const r = scoreOrThrow(c, { I1: 5, I2: 3, I3: 'NA' });
    const receipt = buildReceipt(c, r);
    const leaves = receipt.tree[0]!.children;
    expect(leaves.map((l) => l.effectiveShare.exact.decimal)).toEqual(['0.5', '0.5', '0']);
    expect(receipt.totals.points.exact.decimal).toBe('4');
  });

  it('plans the fewest level steps to reach a target reported index', () => {
    const levels = Object.fromEntries(spbeCompiled.indicatorCode.map((code) => [code, 2]));
    const r = scoreOrThrow(spbeCompiled, levels);
    const receipt = buildReceipt(spbeCompiled, r, { targetIndex: '2.60' });
    expect(receipt.gapToTarget?.exact.decimal).toBe('0.6');
    // Largest gain first: SPBE indicators 42–47 (weight 3 → +0.03 per level).
    expect(receipt.raises[0]).toMatchObject({ code: '42' });
    expect(receipt.raises[0]!.gain.exact.decimal).toBe('0.03');
    const plan = receipt.planToTarget!;
    const gained = plan.reduce((s, p) => s + Number(p.gain.exact.decimal), 0);
    expect(gained).toBeGreaterThanOrEqual(0.595);
    expect(plan[0]).toMatchObject({ code: '42', fromLevel: 2, toLevel: 5 });
  });

  it('sums points to the exact index for SPBE', () => {
    const levels = Object.fromEntries(spbeCompiled.indicatorCode.map((code, i) => [code, (i % 5) + 1]));
    const r = scoreOrThrow(spbeCompiled, levels);
    const receipt = buildReceipt(spbeCompiled, r);
    expect(receipt.totals.points.exact).toEqual(r.index!.exact);
  });
});
