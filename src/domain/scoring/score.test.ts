import { describe, expect, it } from 'vitest';
import { compileInstrument } from './compile.js';
import {
  idpdCompiled,
  levelsWithSum,
  mustValidate,
  spbeCompiled,
  tinyInstrument,
} from './fixtures.test-helpers.js';
import { type ScoreResult, scoreAssessment, scoreBatch, scoreOrThrow } from './score.js';

/**
 * SPBE level sets for published results. Domain indices are weighted means of equal-weight
 * indicators: D1 = S1/10 (10 × 1.3), D2 = S2/10 (10 × 2.5), D3 = S3/11 (11 × 1.5), and
 * D4 = (2.75·Sa + 3·Sb)/45.5 (10 × 2.75 in aspect A7, 6 × 3 in A8).
 *
 * D4 = 2.75, 3.25 and 3.69 and D3 = 1.09 cannot be hit exactly with integer levels (e.g. 2.75 needs
 * 11·Sa + 12·Sb = 500.5), so we take the closest level sums whose domain indices ROUND to the
 * published values and whose overall index rounds to the published result:
 *   2.50/1.40/1.00/2.75: S=25,14,11, Sa=28, Sb=16 → D4 = 125/45.5 = 2.747… → "2.75"; index 2.09 exactly.
 *   3.00/2.00/1.09/3.25: S=30,20,12 (12/11 = 1.0909…), Sa=33, Sb=19 → D4 = 3.2472… → "3.25";
 *                        index 2.5475 → "2.55" (the published 2.5486 also rounds to 2.55; truncation gives 2.54).
 *   3.70/2.10/1.00/3.69: S=37,21,11, Sa=49, Sb=11 → D4 = 3.6868… → "3.69"; index 2.8485 → "2.85".
 *   2.30/1.70/1.00/3.75: S=23,17,11, Sa=50, Sb=11 → D4 = 3.7472… → "3.75"; index 2.594 → "2.59".
 */
function spbeAnswers(s1: number, s2: number, s3: number, sa: number, sb: number): Record<string, number> {
  const levels = [
    ...levelsWithSum(10, s1),
    ...levelsWithSum(10, s2),
    ...levelsWithSum(11, s3),
    ...levelsWithSum(10, sa),
    ...levelsWithSum(6, sb),
  ];
  return Object.fromEntries(levels.map((l, i) => [String(i + 1), l]));
}

function node(result: ScoreResult, code: string) {
  const n = result.nodes.find((x) => x.code === code);
  if (!n) throw new Error(`no node ${code}`);
  return n;
}

describe('published SPBE results', () => {
  const cases = [
    {
      sums: [25, 14, 11, 28, 16],
      domains: ['2.50', '1.40', '1.00', '2.75'],
      index: '2.09',
      predicate: 'Cukup',
    },
    {
      sums: [30, 20, 12, 33, 19],
      domains: ['3.00', '2.00', '1.09', '3.25'],
      index: '2.55',
      predicate: 'Cukup',
    },
    {
      sums: [37, 21, 11, 49, 11],
      domains: ['3.70', '2.10', '1.00', '3.69'],
      index: '2.85',
      predicate: 'Baik',
    },
    {
      sums: [23, 17, 11, 50, 11],
      domains: ['2.30', '1.70', '1.00', '3.75'],
      index: '2.59',
      predicate: 'Cukup',
    },
  ] as const;

  for (const c of cases) {
    it(`domains ${c.domains.join(' / ')} give index ${c.index}`, () => {
      const [s1, s2, s3, sa, sb] = c.sums;
      const result = scoreOrThrow(spbeCompiled, spbeAnswers(s1, s2, s3, sa, sb));
      expect(['D1', 'D2', 'D3', 'D4'].map((d) => node(result, d).index?.reported)).toEqual(c.domains);
      expect(result.index?.reported).toBe(c.index);
      expect(result.index?.value).toBe(Number(c.index));
      expect(result.predicate).toBe(c.predicate);
    });
  }

  it('reports 2.55, not 2.54, for 3.00/2.00/1.09/3.25 and keeps the exact value', () => {
    const result = scoreOrThrow(spbeCompiled, spbeAnswers(30, 20, 12, 33, 19));
    expect(result.index?.exact.decimal).toBe('2.5475');
    expect(result.index?.exact).toMatchObject({ numerator: '1019', denominator: '400' });
    expect(node(result, 'D3').index?.exact).toMatchObject({
      numerator: '12',
      denominator: '11',
      decimal: null,
    });
  });

  it('the published domain values themselves recompute to the published index (2.5486 → 2.55)', () => {
    // Σ(BD × ID)/100 with the published (rounded) domain indices, in integer hundredths.
    const weightsX10 = [130n, 250n, 165n, 455n];
    const domainsX100 = [300n, 200n, 109n, 325n];
    const num = weightsX10.reduce((s, w, i) => s + w * domainsX100[i]!, 0n); // index × 10^5
    expect(num).toBe(254_860n);
    expect((2n * num + 1000n) / 2000n).toBe(255n);
  });
});

describe('predicate boundaries use the rounded value', () => {
  // Two indicators with weights a and 1 − a at levels (k+1, k): index = k + a exactly.
  const at = (k: number, a: string) => {
    const rest = (1_000_000n - BigInt(Math.round(Number(a) * 1_000_000))).toString().padStart(7, '0');
    const b = `0.${rest.slice(1)}`;
    const compiled = compileInstrument(mustValidate(tinyInstrument([a, b])));
    return scoreOrThrow(compiled, { I1: k + 1, I2: k });
  };
  const table: Array<[number, string, string, string]> = [
    [1, '0.8', '1.80', 'Cukup'],
    [1, '0.79', '1.79', 'Kurang'],
    [1, '0.795', '1.80', 'Cukup'],
    [1, '0.7949', '1.79', 'Kurang'],
    [2, '0.6', '2.60', 'Baik'],
    [2, '0.595', '2.60', 'Baik'],
    [2, '0.5949', '2.59', 'Cukup'],
    [2, '0.59', '2.59', 'Cukup'],
    [3, '0.5', '3.50', 'Sangat Baik'],
    [3, '0.495', '3.50', 'Sangat Baik'],
    [3, '0.4949', '3.49', 'Baik'],
    [4, '0.2', '4.20', 'Memuaskan'],
    [4, '0.195', '4.20', 'Memuaskan'],
    [4, '0.1949', '4.19', 'Sangat Baik'],
  ];
  for (const [k, a, reported, predicate] of table) {
    it(`index ${k}+${a} is reported ${reported} → ${predicate}`, () => {
      const r = at(k, a);
      expect(r.index?.reported).toBe(reported);
      expect(r.predicate).toBe(predicate);
    });
  }

  it('2.595 is exact here, where binary floating point would round it down', () => {
    // A float engine sums 0.595·3 + 0.405·2 to 2.5949999999999998 and prints 2.59 (Cukup).
    expect((0.595 * 3 + 0.405 * 2).toFixed(2)).toBe('2.59');
    expect(at(2, '0.595').index?.exact.decimal).toBe('2.595');
  });

  it('gives Memuaskan at 5.00 (top band includes the scale maximum) and Kurang at 1.00', () => {
    const c = compileInstrument(mustValidate(tinyInstrument(['1', '1'])));
    expect(scoreOrThrow(c, { I1: 5, I2: 5 }).predicate).toBe('Memuaskan');
    expect(scoreOrThrow(c, { I1: 1, I2: 1 }).predicate).toBe('Kurang');
  });
});

describe('answer validation', () => {
  const all3 = () => Object.fromEntries(spbeCompiled.indicatorCode.map((c) => [c, 3 as number | string]));

  it('lists missing indicator codes without partial', () => {
    const answers = all3();
    delete answers['5'];
    delete answers['47'];
    const out = scoreAssessment(spbeCompiled, answers);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ code: 'missing_answers', codes: ['5', '47'] });
    expect(out.errors[0]!.message).toContain('belum dijawab');
  });

  it('rejects unknown codes, out-of-range levels and NA where not allowed', () => {
    const answers = { ...all3(), 99: 3, 1: 6, 2: 0, 3: 2.5, 4: 'NA', 5: 'x' };
    const out = scoreAssessment(spbeCompiled, answers);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const byIndicator = Object.fromEntries(out.errors.map((e) => [e.indicator, e.code]));
    expect(byIndicator).toEqual({
      '99': 'unknown_indicator',
      '1': 'level_out_of_range',
      '2': 'level_out_of_range',
      '3': 'level_out_of_range',
      '4': 'na_not_allowed',
      '5': 'level_out_of_range',
    });
  });

  it('rejects duplicate answers given as a list', () => {
    const list = Object.entries(all3()).map(([code, value]) => ({ code, value }));
    list.push({ code: '7', value: 4 });
    const out = scoreAssessment(spbeCompiled, list);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors.map((e) => e.code)).toEqual(['duplicate_answer']);
  });

  it('accepts levels written as strings (CSV input)', () => {
    const answers = Object.fromEntries(spbeCompiled.indicatorCode.map((c) => [c, '4']));
    expect(scoreOrThrow(spbeCompiled, answers).index?.reported).toBe('4.00');
  });
});

describe('partial scoring and coverage', () => {
  it('scores what is answered and reports coverage by count and weight', () => {
    const answers = Object.fromEntries(spbeCompiled.indicatorCode.slice(0, 10).map((c) => [c, 4]));
    const r = scoreOrThrow(spbeCompiled, answers, { partial: true });
    expect(r.partial).toBe(true);
    expect(r.index?.reported).toBe('4.00');
    expect(r.coverage).toMatchObject({
      indicatorCount: 47,
      applicableCount: 47,
      answeredCount: 10,
      missingCount: 37,
      applicableWeight: '100',
      answeredWeight: '13',
      countShare: '0.2128',
      weightShare: '0.1300',
    });
    expect(node(r, 'D2').status).toBe('no_index');
    expect(node(r, 'D2').index).toBeNull();
    expect(node(r, '11').status).toBe('missing');
  });

  it('has no index when nothing is answered', () => {
    const r = scoreOrThrow(spbeCompiled, {}, { partial: true });
    expect(r.index).toBeNull();
    expect(r.predicate).toBeNull();
  });
});

describe('not applicable and renormalisation', () => {
  it('drops NA indicators and renormalises their siblings only', () => {
    // Weights 1, 1, 2 under one group; I3 NA → (1·5 + 1·3)/2 = 4.
    const c = compileInstrument(mustValidate(tinyInstrument(['1', '1', '2'])));
    const r = scoreOrThrow(c, { I1: 5, I2: 3, I3: 'NA' });
    expect(r.index?.exact.decimal).toBe('4');
    expect(node(r, 'I3').status).toBe('not_applicable');
    expect(r.coverage.notApplicableCount).toBe(1);
  });

  it('keeps a dimension weight when one of its indicators is NA (hierarchical)', () => {
    // IDPD for a badan: APL-01, APL-02 (service), DMP-01, DMP-04 not applicable by unit type.
    const answers: Record<string, number | string> = {};
    for (const code of idpdCompiled.indicatorCode) answers[code] = 3;
    for (const code of ['APL-01', 'APL-02', 'DMP-01', 'DMP-04']) delete answers[code];
    answers['INF-01'] = '2'; // Mbps/employee → level 4
    answers['INF-02'] = '99.2'; // uptime → level 4
    answers['INF-03'] = '0.5'; // devices/employee → level 3
    answers['SDM-01'] = '30'; // % trained → level 3
    answers['SDM-04'] = '10'; // % e-office → level 1
    answers['DMP-02'] = '-20'; // slower than baseline → level 1
    const r = scoreOrThrow(idpdCompiled, answers, { unitType: 'badan' });
    expect(node(r, 'APL-01').status).toBe('not_applicable');
    expect(node(r, 'INF-01').level).toBe(4);
    expect(node(r, 'INF-01').measured).toBe('2');
    expect(node(r, 'SDM-04').level).toBe(1);
    // INF = (4·4 + 4·4 + 4·3 + 4·3 + 4·3)/20 = 3.4; SDM = (5·3+5·3+5·3+5·1)/20 = 2.5;
    // APL = 3 (remaining all 3); TKL = 3; DMP = (4·1 + 4·3)/8 = 2.
    expect(['INF', 'SDM', 'APL', 'TKL', 'DMP'].map((d) => node(r, d).index?.exact.decimal)).toEqual([
      '3.4',
      '2.5',
      '3',
      '3',
      '2',
    ]);
    // Whole: (20·3.4 + 20·2.5 + 30·3 + 15·3 + 15·2)/100 = 2.83
    expect(r.index?.exact.decimal).toBe('2.83');
    expect(r.predicate).toBe('Baik');
  });

  it('rejects a non-NA answer for an indicator that does not apply to the unit type', () => {
    const answers = Object.fromEntries(idpdCompiled.indicatorCode.map((c) => [c, 3]));
    const out = scoreAssessment(idpdCompiled, answers, { unitType: 'badan' });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors.every((e) => e.code === 'not_applicable_to_unit')).toBe(true);
  });
});

describe('metric indicators', () => {
  const answersWith = (code: string, value: number | string) => {
    const a: Record<string, number | string> = Object.fromEntries(
      idpdCompiled.indicatorCode.map((c) => [
        c,
        idpdCompiled.metric[idpdCompiled.indicatorByCode.get(c)!] ? '0' : 3,
      ]),
    );
    a['DMP-04'] = '25';
    a[code] = value;
    return a;
  };
  const levelOf = (code: string, value: number | string) =>
    node(scoreOrThrow(idpdCompiled, answersWith(code, value)), code).level;

  it('maps values to levels at and around the thresholds (value ≥ boundary → next level)', () => {
    expect([0, 0.49, 0.5, 0.99, 1, 1.99, 2, 3.99, 4, 100].map((v) => levelOf('INF-01', v))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
    expect(
      ['64.99', '65', '76.60', '76.61', '82.45', '82.46', '88.30', '88.31', '100'].map((v) =>
        levelOf('DMP-04', v),
      ),
    ).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('rejects values outside the valid range or not a decimal', () => {
    const out = scoreAssessment(idpdCompiled, answersWith('INF-02', '100.5'));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors[0]).toMatchObject({ code: 'value_out_of_range', indicator: 'INF-02' });
    const bad = scoreAssessment(idpdCompiled, answersWith('INF-02', '1e2'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ code: 'invalid_value' });
  });

  it('supports lower-is-better thresholds', () => {
    const raw = tinyInstrument(['1']);
    raw.nodes[0].children[0] = {
      ...raw.nodes[0].children[0],
      kind: 'metric',
      unit: 'hari',
      direction: 'lower-is-better',
      thresholds: ['1', '3', '7', '14'],
    };
    const c = compileInstrument(mustValidate(raw));
    const lv = (v: string) => node(scoreOrThrow(c, { I1: v }), 'I1').level;
    expect(['0.5', '1', '2', '3', '7', '10', '14', '15'].map(lv)).toEqual([5, 5, 4, 4, 3, 2, 2, 1]);
  });
});

describe('batch kernel', () => {
  it('agrees with the full API and marks assessments with NA for the exact path', () => {
    const k = spbeCompiled.indicatorCount;
    const levels = new Uint8Array(k * 2);
    for (let i = 0; i < k; i++) levels[i] = (i % 5) + 1;
    levels[k] = 0; // NA in the second assessment
    const { reported, predicate } = scoreBatch(spbeCompiled, levels, 2);
    const full = scoreOrThrow(
      spbeCompiled,
      Object.fromEntries(spbeCompiled.indicatorCode.map((c, i) => [c, levels[i]!])),
    );
    expect(reported[0]).toBe(Math.round(Number(full.index!.reported) * 100));
    expect(spbeCompiled.predicateNames[predicate[0]!]).toBe(full.predicate);
    expect(predicate[1]).toBe(-1);
  });
});
