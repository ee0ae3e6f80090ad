import { describe, expect, it } from 'vitest';
import { idpdCompiled } from '../scoring/fixtures.test-helpers.js';
import { indicatorViews, normaliseAnswer, sameValue, scoringValue } from './answers.js';
import {
  answersDigest,
  carryOver,
  progressOf,
  type ResponseFacts,
  submissionProblems,
  type VerificationFacts,
  verificationProblems,
} from './completeness.js';
import { checkEditWindow, currentPhase, editWindow, normalisePhases, type PhaseWindow } from './phases.js';
import { unitsInScope } from './scope.js';
import { formatWib, parseWib, toWibIso } from './time.js';

const dinas = indicatorViews(idpdCompiled, 'dinas');
const badan = indicatorViews(idpdCompiled, 'badan');
const ind = (code: string, views = dinas) => views.find((v) => v.code === code)!;

describe('WIB time', () => {
  it('reads a time without offset as WIB and writes ISO with +07:00', () => {
    const d = parseWib('2026-03-31T23:59')!;
    expect(d.toISOString()).toBe('2026-03-31T16:59:00.000Z');
    expect(toWibIso(d)).toBe('2026-03-31T23:59:00+07:00');
    expect(toWibIso(parseWib('2026-03-31T16:59:00Z')!)).toBe('2026-03-31T23:59:00+07:00');
    expect(parseWib('31/03/2026')).toBeNull();
  });

  it('formats deadlines the Indonesian way', () => {
    expect(formatWib(new Date('2026-03-31T16:59:00Z'))).toBe('31 Maret 2026 pukul 23.59 WIB');
  });
});

const PHASES = [
  { phase: 'mandiri', startsAt: '2026-01-05T08:00:00+07:00', endsAt: '2026-03-31T23:59:00+07:00' },
  { phase: 'dokumen', startsAt: '2026-04-01T00:00:00+07:00', endsAt: '2026-04-30T23:59:00+07:00' },
  { phase: 'interviu', startsAt: '2026-05-01T00:00:00+07:00', endsAt: '2026-05-15T23:59:00+07:00' },
  { phase: 'finalisasi', startsAt: '2026-05-16T00:00:00+07:00', endsAt: '2026-05-31T23:59:00+07:00' },
];

describe('cycle phases', () => {
  it('accepts the required phases and normalises to WIB in phase order', () => {
    const r = normalisePhases([...PHASES].reverse());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.phases.map((p) => p.phase)).toEqual(['mandiri', 'dokumen', 'interviu', 'finalisasi']);
  });

  it('rejects a missing required phase, an unknown phase, an inverted window and a wrong order', () => {
    const r = normalisePhases([
      { phase: 'mandiri', startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' },
      { phase: 'dokumen', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z' },
      { phase: 'lelang', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z' },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.issues.map((i) => i.message).join(' | ');
    expect(text).toContain('lelang');
    expect(text).toContain('Interviu');
    expect(text).toContain('waktu selesai harus setelah waktu mulai');
    expect(text).toContain('tidak boleh dimulai sebelum');
  });

  it('knows the current phase', () => {
    const r = normalisePhases(PHASES);
    if (!r.ok) throw new Error('phases');
    expect(currentPhase(r.phases, new Date('2026-04-10T00:00:00Z'))).toBe('dokumen');
    expect(currentPhase(r.phases, new Date('2027-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('edit window', () => {
  const phases = (normalisePhases(PHASES) as { ok: true; phases: PhaseWindow[] }).phases;
  const inMandiri = new Date('2026-02-01T00:00:00Z');
  const afterMandiri = new Date('2026-04-02T00:00:00Z');

  it('is open in draft during penilaian mandiri and closed after, naming the deadline', () => {
    expect(checkEditWindow(editWindow(phases, 'draft', null), inMandiri).ok).toBe(true);
    const closed = checkEditWindow(editWindow(phases, 'draft', null), afterMandiri);
    expect(closed).toMatchObject({ ok: false, reason: 'closed' });
    if (!closed.ok) expect(closed.message).toContain('31 Maret 2026 pukul 23.59 WIB');
  });

  it('is not open before penilaian mandiri starts', () => {
    const r = checkEditWindow(editWindow(phases, 'draft', null), new Date('2026-01-01T00:00:00Z'));
    expect(r).toMatchObject({ ok: false, reason: 'not_yet_open' });
  });

  it('an extension keeps a draft open past the window', () => {
    const w = editWindow(phases, 'draft', new Date('2026-04-07T23:59:00+07:00'));
    expect(w.extended).toBe(true);
    expect(checkEditWindow(w, afterMandiri).ok).toBe(true);
  });

  it('a returned assessment may be fixed until the review phases end', () => {
    const w = editWindow(phases, 'returned', null);
    expect(toWibIso(w.deadline!)).toBe('2026-05-15T23:59:00+07:00');
    expect(checkEditWindow(w, afterMandiri).ok).toBe(true);
    expect(checkEditWindow(w, new Date('2026-05-20T00:00:00Z')).ok).toBe(false);
  });
});

describe('answers', () => {
  it('maps a metric value to a level by the thresholds and normalises the text', () => {
    const r = normaliseAnswer(ind('INF-01'), { metricValue: '2.50' }, { requireNaJustification: true });
    expect(r).toEqual({
      ok: true,
      answer: { level: 4, notApplicable: false, metricValue: '2.5', justification: null },
    });
  });

  it('refuses a claimed level on a metric indicator and a measured value on a maturity one', () => {
    expect(normaliseAnswer(ind('INF-01'), { level: 5 }, { requireNaJustification: true }).ok).toBe(false);
    expect(normaliseAnswer(ind('INF-04'), { metricValue: '3' }, { requireNaJustification: true }).ok).toBe(
      false,
    );
  });

  it('refuses a metric value outside the valid range', () => {
    const r = normaliseAnswer(ind('INF-02'), { metricValue: '101' }, { requireNaJustification: true });
    expect(r.ok).toBe(false);
  });

  it('allows NA only where the indicator allows it, and only with a justification', () => {
    expect(
      normaliseAnswer(
        ind('INF-04'),
        { notApplicable: true, justification: 'tidak ada server sendiri' },
        { requireNaJustification: true },
      ).ok,
    ).toBe(false);
    expect(normaliseAnswer(ind('APL-06'), { notApplicable: true }, { requireNaJustification: true }).ok).toBe(
      false,
    );
    expect(
      normaliseAnswer(
        ind('APL-06'),
        { notApplicable: true, justification: 'Dinas ini tidak memungut retribusi.' },
        { requireNaJustification: true },
      ),
    ).toMatchObject({ ok: true, answer: { notApplicable: true, level: null } });
  });

  it('refuses an indicator that does not apply to the unit type', () => {
    expect(normaliseAnswer(ind('APL-01', badan), { level: 3 }, { requireNaJustification: true }).ok).toBe(
      false,
    );
  });

  it('gives the scoring engine NA, the measured value or the level', () => {
    expect(scoringValue(ind('APL-06'), { level: null, notApplicable: true, metricValue: null })).toBe('NA');
    expect(scoringValue(ind('INF-01'), { level: 4, notApplicable: false, metricValue: '2.5' })).toBe('2.5');
    expect(scoringValue(ind('INF-04'), { level: 3, notApplicable: false, metricValue: null })).toBe(3);
  });

  it('compares measured values as decimals', () => {
    expect(
      sameValue(
        { level: 4, notApplicable: false, metricValue: '2.50' },
        { level: 4, notApplicable: false, metricValue: '2.5' },
      ),
    ).toBe(true);
  });
});

function facts(code: string, f: Partial<ResponseFacts>): ResponseFacts {
  return {
    indicatorCode: code,
    level: null,
    notApplicable: false,
    metricValue: null,
    justification: null,
    evidenceCount: 0,
    needsConfirmation: false,
    version: 1,
    ...f,
  };
}

describe('submission completeness', () => {
  const applicable = dinas.filter((i) => i.applicable);

  it('lists unanswered, unjustified NA, missing evidence and unconfirmed carried answers', () => {
    const responses = new Map<string, ResponseFacts>([
      ['INF-04', facts('INF-04', { level: 3 })],
      ['APL-06', facts('APL-06', { notApplicable: true, justification: 'pendek' })],
      ['INF-05', facts('INF-05', { level: 1, needsConfirmation: true })],
    ]);
    const problems = submissionProblems(dinas, responses, 2);
    const by = (code: string) => problems.filter((p) => p.indicatorCode === code).map((p) => p.problem);
    expect(by('INF-04')).toEqual(['evidence_missing']);
    expect(by('APL-06')).toEqual(['na_without_justification']);
    expect(by('INF-05')).toEqual(['needs_confirmation']);
    expect(by('INF-01')).toEqual(['unanswered']);
    expect(problems.filter((p) => p.problem === 'unanswered')).toHaveLength(applicable.length - 3);
  });

  it('is empty when every applicable indicator is answered with evidence where needed', () => {
    const responses = new Map(
      applicable.map((i) => [i.code, facts(i.code, { level: 1, evidenceCount: 0 })] as const),
    );
    expect(submissionProblems(dinas, responses, 2)).toEqual([]);
    expect(submissionProblems(dinas, responses, 1).every((p) => p.problem === 'evidence_missing')).toBe(true);
  });

  it('ignores indicators that do not apply to the unit type', () => {
    const responses = new Map(
      badan.filter((i) => i.applicable).map((i) => [i.code, facts(i.code, { level: 1 })] as const),
    );
    expect(submissionProblems(badan, responses, 2)).toEqual([]);
  });
});

describe('verification completeness and progress', () => {
  const applicable = dinas.filter((i) => i.applicable);
  const responses = new Map(
    applicable.map((i) => [i.code, facts(i.code, { level: 3, evidenceCount: 1, version: 2 })] as const),
  );
  const verified = (version: number) =>
    new Map<string, VerificationFacts>(
      applicable.map((i) => [
        i.code,
        {
          indicatorCode: i.code,
          level: 2,
          notApplicable: false,
          metricValue: null,
          responseVersion: version,
        },
      ]),
    );

  it('requires a current verification for every applicable indicator', () => {
    expect(verificationProblems(dinas, responses, verified(2))).toEqual([]);
    const partial = verified(2);
    partial.delete('INF-01');
    expect(verificationProblems(dinas, responses, partial).map((p) => p.problem)).toEqual(['unverified']);
  });

  it('treats a verification of an older answer as stale', () => {
    const problems = verificationProblems(dinas, responses, verified(1));
    expect(problems).toHaveLength(applicable.length);
    expect(new Set(problems.map((p) => p.problem))).toEqual(new Set(['stale']));
  });

  it('counts progress over applicable indicators', () => {
    const p = progressOf(dinas, responses, verified(2), 2);
    expect(p).toMatchObject({
      applicable: applicable.length,
      answered: applicable.length,
      evidenceRequired: applicable.length,
      evidenceCovered: applicable.length,
      verified: applicable.length,
    });
  });
});

describe('carry-over', () => {
  it('carries same-code answers and drops ones that no longer fit', () => {
    const carried = carryOver(
      [
        {
          indicatorCode: 'INF-04',
          level: 3,
          notApplicable: false,
          metricValue: null,
          justification: 'x',
          evidenceIds: ['e1'],
        },
        {
          indicatorCode: 'INF-01',
          level: 4,
          notApplicable: false,
          metricValue: '2.5',
          justification: null,
          evidenceIds: [],
        },
        {
          indicatorCode: 'GONE-01',
          level: 2,
          notApplicable: false,
          metricValue: null,
          justification: null,
          evidenceIds: [],
        },
        {
          indicatorCode: 'APL-01',
          level: 2,
          notApplicable: false,
          metricValue: null,
          justification: null,
          evidenceIds: [],
        },
      ],
      badan,
      null,
    );
    expect(carried.map((c) => c.indicatorCode)).toEqual(['INF-01', 'INF-04']);
    expect(carried[1]!.evidenceIds).toEqual(['e1']);
  });

  it('follows the crosswalk from old to new codes', () => {
    const carried = carryOver(
      [
        {
          indicatorCode: 'OLD-7',
          level: 5,
          notApplicable: false,
          metricValue: null,
          justification: null,
          evidenceIds: [],
        },
      ],
      dinas,
      { 'OLD-7': 'TKL-02' },
    );
    expect(carried).toMatchObject([{ indicatorCode: 'TKL-02', fromCode: 'OLD-7', answer: { level: 5 } }]);
  });
});

describe('answers digest', () => {
  it('changes when any answer changes and ignores order', () => {
    const a = [
      {
        indicatorCode: 'A',
        level: 1,
        notApplicable: false,
        metricValue: null,
        justification: null,
        evidenceIds: ['x', 'y'],
      },
      {
        indicatorCode: 'B',
        level: 2,
        notApplicable: false,
        metricValue: null,
        justification: 'j',
        evidenceIds: [],
      },
    ];
    const b = [a[1]!, { ...a[0]!, evidenceIds: ['y', 'x'] }];
    expect(answersDigest(a)).toBe(answersDigest(b));
    expect(answersDigest(a)).not.toBe(answersDigest([{ ...a[0]!, level: 2 }, a[1]!]));
  });
});

describe('units in scope', () => {
  const u = (id: string, path: string, type: string, active = true) => ({ id, path, type, active });
  const tree = [
    u('p', '/p/', 'provinsi'),
    u('d1', '/p/d1/', 'dinas'),
    u('b1', '/p/b1/', 'badan'),
    u('x', '/p/x/', 'dinas', false),
    u('k', '/p/k/', 'kota'),
    u('kd', '/p/k/kd/', 'dinas'),
    u('up', '/p/d1/up/', 'upt'),
  ];

  it('takes the perangkat daerah of the root Pemda, not the Pemda nodes, inactive units or a nested kota', () => {
    expect(unitsInScope(tree, tree[0]!, [], false).map((x) => x.id)).toEqual(['d1', 'b1', 'up']);
  });

  it('filters by type and can include nested Pemda units or the Pemda nodes themselves', () => {
    expect(unitsInScope(tree, tree[0]!, ['dinas'], true).map((x) => x.id)).toEqual(['d1', 'kd']);
    expect(unitsInScope(tree, tree[0]!, ['kota'], false).map((x) => x.id)).toEqual(['k']);
  });
});
