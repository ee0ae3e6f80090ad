import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bottomQuartileCutoff,
  compareDecimalText,
  competitionRanks,
  meanDecimalText,
  medianDecimalText,
  ratioText,
  subtractDecimalText,
} from './ranking.js';

describe('competition ranking', () => {
  it('gives tied values the same rank and skips the next ones (1224)', () => {
    expect(competitionRanks(['2.50', '3.10', '2.5', null, '3.10', '1.00'])).toEqual([3, 1, 3, null, 1, 5]);
  });

  it('compares exactly, not as floats', () => {
    expect(compareDecimalText('2.595', '2.5950000000000000001')).toBe(-1);
  });

  it('ranks are a permutation-independent function of the values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 100, max: 500 }), { maxLength: 40 }), (ints) => {
        const values = ints.map((i) => (i / 100).toFixed(2));
        const ranks = competitionRanks(values);
        const reversed = competitionRanks([...values].reverse()).reverse();
        expect(reversed).toEqual(ranks);
        values.forEach((v, i) => {
          expect(ranks[i]).toBe(1 + values.filter((w) => compareDecimalText(w, v) > 0).length);
        });
      }),
    );
  });
});

describe('aggregates', () => {
  it('computes exact differences, means and medians', () => {
    expect(subtractDecimalText('2.55', '2.40')).toBe('0.15');
    expect(subtractDecimalText('2.40', '2.55')).toBe('-0.15');
    // reported values keep their places: a difference reads like the values it compares
    expect(subtractDecimalText('2.90', '2.30')).toBe('0.60');
    expect(subtractDecimalText('3.00', '3.00')).toBe('0.00');
    expect(subtractDecimalText('2.5', '2.40')).toBe('0.10');
    expect(meanDecimalText(['2.00', '2.01'], 2)).toBe('2.01'); // 2.005 rounds half-up
    expect(meanDecimalText(['1.10', '1.20', '1.30'], 2)).toBe('1.20');
    expect(medianDecimalText(['3.00', '1.00', '2.00', '4.00'], 2)).toBe('2.50');
    expect(ratioText(2, 3)).toBe('0.6667');
    expect(ratioText(0, 0)).toBeNull();
  });

  it('puts the lowest quarter (and its ties) in the bottom quartile', () => {
    expect(bottomQuartileCutoff(['3.00', '1.50', '2.00', '4.00', '2.50', '1.50', '3.50', '2.20'])).toBe(
      '1.50',
    );
    expect(bottomQuartileCutoff(['2.00'])).toBe('2.00');
    expect(bottomQuartileCutoff([])).toBeNull();
  });
});
