import { describe, expect, it } from 'vitest';
import type { RawDoc } from '../scoring/fixtures.test-helpers.js';
import { idpdRaw, spbeRaw, tinyInstrument } from '../scoring/fixtures.test-helpers.js';
import { canonicalJson, contentHash } from './hash.js';
import { jsonPath, type ValidationError, validateInstrument } from './validate.js';

function errorsOf(input: unknown): ValidationError[] {
  const r = validateInstrument(input);
  if (r.ok) throw new Error('expected the instrument to be rejected');
  return r.errors;
}

function countIndicators(nodes: RawDoc[]): { indicators: number; groups: number[] } {
  let indicators = 0;
  const groups: number[] = [];
  const walk = (ns: RawDoc[], depth: number) => {
    for (const n of ns) {
      if (n.children) {
        groups[depth] = (groups[depth] ?? 0) + 1;
        walk(n.children, depth + 1);
      } else indicators++;
    }
  };
  walk(nodes, 0);
  return { indicators, groups };
}

describe('built-in instruments', () => {
  it('spbe-2020 validates: 4 domains (13/25/16.5/45.5), 8 aspects, 47 indicators coded 1..47', () => {
    const r = validateInstrument(spbeRaw());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const inst = r.instrument;
    expect(countIndicators(inst.nodes)).toEqual({ indicators: 47, groups: [4, 8] });
    expect(inst.nodes.map((d) => d.weight)).toEqual(['13', '25', '16.5', '45.5']);
    const codes: string[] = [];
    const walk = (ns: RawDoc[]) => {
      for (const n of ns) n.children ? walk(n.children) : codes.push(n.code);
    };
    walk(inst.nodes);
    expect(codes).toEqual(Array.from({ length: 47 }, (_, i) => String(i + 1)));
    expect(inst.predicateBands.map((b) => b.name)).toEqual([
      'Memuaskan',
      'Sangat Baik',
      'Baik',
      'Cukup',
      'Kurang',
    ]);
    expect(inst.levelModels.map((m) => m.id)).toEqual(['kapabilitas_proses', 'kapabilitas_fungsi_teknis']);
    expect(inst.sources.some((s) => s.status === 'unconfirmed')).toBe(true);
  });

  it('idpd 1 validates: ≥ 20 indicators, ≥ 4 metric, five dimensions 20/20/30/15/15', () => {
    const r = validateInstrument(idpdRaw());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const inst = r.instrument;
    const leaves = inst.nodes.flatMap((d) => ('children' in d ? d.children : []));
    expect(leaves.length).toBeGreaterThanOrEqual(20);
    expect(leaves.filter((l) => 'kind' in l && l.kind === 'metric').length).toBeGreaterThanOrEqual(4);
    expect(inst.nodes.map((d) => d.weight)).toEqual(['20', '20', '30', '15', '15']);
    for (const l of leaves) {
      if (!('criteria' in l)) throw new Error('expected indicator');
      expect(new Set(l.criteria).size).toBe(5);
      expect(l.evidenceGuidance?.length).toBeGreaterThan(40);
    }
  });
});

describe('validateInstrument rejects broken instruments with path and message', () => {
  it('duplicate code', () => {
    const raw = spbeRaw();
    raw.nodes[1].children[0].children[2].code = '1';
    const errs = errorsOf(raw);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({
      path: '$.nodes[1].children[0].children[2].code',
      code: 'duplicate_code',
    });
    expect(errs[0]!.message).toBe('Kode "1" duplikat; sudah dipakai di $.nodes[0].children[0].children[0].');
    expect(errs[0]!.messageEn).toContain('duplicated');
  });

  it('children weights not summing to the parent weight', () => {
    const raw = spbeRaw();
    raw.nodes[0].children[0].children[3].weight = '1.4';
    const errs = errorsOf(raw);
    // The aspect's declared weight (13) still sums to the total, so only the aspect is reported.
    expect(errs.map((e) => [e.path, e.code])).toEqual([['$.nodes[0].children[0].children', 'weight_sum']]);
    expect(errs[0]!.message).toContain('13.1');
    expect(errs[0]!.message).toContain('toleransi 0,0001');
  });

  it('accepts sums within the 0.0001 tolerance', () => {
    const raw = tinyInstrument(['0.33333', '0.33333', '0.33333']);
    raw.totalWeight = '1';
    raw.nodes[0].weight = '1';
    expect(validateInstrument(raw).ok).toBe(true);
    raw.nodes[0].children[0].weight = '0.3332';
    expect(errorsOf(raw).map((e) => [e.path, e.code])).toEqual([['$.nodes[0].children', 'weight_sum']]);
  });

  it('top-level weights not summing to totalWeight', () => {
    const raw = spbeRaw();
    raw.totalWeight = '99';
    expect(errorsOf(raw)).toMatchObject([{ path: '$.nodes', code: 'weight_sum' }]);
  });

  it('zero and negative weights', () => {
    const raw = tinyInstrument(['1', '0', '-1', '2']);
    const errs = errorsOf(raw).filter((e) => e.code === 'weight_not_positive');
    expect(errs.map((e) => e.path)).toEqual([
      '$.nodes[0].children[1].weight',
      '$.nodes[0].children[2].weight',
    ]);
    expect(errs[0]!.message).toBe('Bobot node "I2" harus lebih dari 0 (tertulis 0).');
  });

  it('missing and empty level criteria', () => {
    const raw = spbeRaw();
    raw.nodes[0].children[0].children[0].criteria.pop();
    raw.nodes[3].children[1].children[5].criteria[2] = '  ';
    const errs = errorsOf(raw);
    expect(errs).toMatchObject([
      { path: '$.nodes[0].children[0].children[0].criteria', code: 'criteria_count' },
      { path: '$.nodes[3].children[1].children[5].criteria[2]', code: 'criteria_missing' },
    ]);
    expect(errs[1]!.message).toBe('Kriteria tingkat 3 kosong atau tidak ada.');
  });

  it('non-increasing thresholds', () => {
    const raw = idpdRaw();
    raw.nodes[0].children[1].thresholds = ['95', '98', '98', '99.5'];
    const errs = errorsOf(raw);
    expect(errs).toMatchObject([
      { path: '$.nodes[0].children[1].thresholds[2]', code: 'thresholds_not_increasing' },
    ]);
    expect(errs[0]!.message).toContain('naik tegas');
  });

  it('predicate band gap', () => {
    const raw = spbeRaw();
    raw.predicateBands[2].min = '2.7'; // Baik from 2.7, Cukup ends at 2.6
    const errs = errorsOf(raw);
    expect(errs).toMatchObject([{ path: '$.predicateBands[2].min', code: 'band_gap' }]);
    expect(errs[0]!.message).toBe(
      'Celah predikat: nilai dari 2.6 sampai 2.7 tidak tercakup (antara "Cukup" dan "Baik").',
    );
  });

  it('predicate band overlap', () => {
    const raw = spbeRaw();
    raw.predicateBands[1].min = '3.4'; // Sangat Baik from 3.4, Baik up to 3.5
    expect(errorsOf(raw)).toMatchObject([{ path: '$.predicateBands[1].min', code: 'band_overlap' }]);
  });

  it('predicate bands not reaching the ends of the scale', () => {
    const raw = spbeRaw();
    raw.predicateBands[4].min = '1.2';
    raw.predicateBands[0].max = '4.9';
    expect(errorsOf(raw).map((e) => [e.path, e.code])).toEqual([
      ['$.predicateBands[4].min', 'band_gap'],
      ['$.predicateBands[0].max', 'band_gap'],
    ]);
  });

  it('crosswalk target that does not exist', () => {
    const raw = spbeRaw();
    raw.crosswalk = { fromVersion: '2018', map: { '1.1': '1', '2.3': '99' } };
    expect(errorsOf(raw)).toMatchObject([{ path: '$.crosswalk.map["2.3"]', code: 'crosswalk_target' }]);
  });

  it('schema errors: wrong type, unknown key, unknown level model, bad decimal', () => {
    const raw = spbeRaw();
    raw.rounding.decimals = 'two';
    raw.nodes[0].children[0].children[0].critera = [];
    raw.nodes[0].children[0].children[1].levelModel = 'nope';
    raw.nodes[0].children[0].children[2].weight = '1,3';
    const errs = errorsOf(raw);
    const paths = errs.map((e) => e.path);
    expect(paths).toContain('$.rounding.decimals');
    expect(paths).toContain('$.nodes[0].children[0].children[0]');
    expect(paths).toContain('$.nodes[0].children[0].children[2].weight');
    for (const e of errs) {
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.messageEn.length).toBeGreaterThan(0);
    }
    expect(errs.find((e) => e.path.endsWith('children[2].weight'))?.code).toBe('decimal_format');
    // semantic checks (unknown level model) run once the schema passes
    delete raw.nodes[0].children[0].children[0].critera;
    raw.rounding.decimals = 2;
    raw.nodes[0].children[0].children[2].weight = '1.3';
    expect(errorsOf(raw)).toMatchObject([
      { path: '$.nodes[0].children[0].children[1].levelModel', code: 'unknown_level_model' },
    ]);
  });

  it('rejects non-objects', () => {
    expect(errorsOf(null)[0]!.path).toBe('$');
    expect(errorsOf({}).length).toBeGreaterThan(3);
  });
});

describe('jsonPath and content hash', () => {
  it('formats paths', () => {
    expect(jsonPath(['nodes', 0, 'children', 2, 'weight'])).toBe('$.nodes[0].children[2].weight');
    expect(jsonPath(['map', '1.2'])).toBe('$.map["1.2"]');
  });

  it('hash ignores key order and whitespace but not content', () => {
    expect(canonicalJson({ b: 1, a: [1, 'x', { d: null, c: true }] })).toBe(
      '{"a":[1,"x",{"c":true,"d":null}],"b":1}',
    );
    const a = spbeRaw();
    const b = JSON.parse(JSON.stringify(a, Object.keys(a).reverse()));
    expect(contentHash(a)).toBe(contentHash({ ...a }));
    expect(contentHash(b)).not.toBe(undefined);
    const c = spbeRaw();
    c.nodes[0].children[0].children[0].criteria[0] += '.';
    expect(contentHash(c)).not.toBe(contentHash(a));
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
