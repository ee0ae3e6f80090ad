import { compareDecimal, formatDecimal, parseDecimal } from '../instrument/decimal.js';
import { type CompiledInstrument, type CompiledMetric, metricLevel } from '../scoring/index.js';
import type { FieldIssue } from './phases.js';

/** What the workflow needs to know about one indicator for one unit. */
export interface IndicatorView {
  code: string;
  name: string;
  kind: 'maturity' | 'metric';
  naAllowed: boolean;
  /** Applies to the unit's type (instrument applicability rules). */
  applicable: boolean;
  metric: CompiledMetric | undefined;
}

/** The indicators of a compiled instrument, in instrument order, judged for one unit type. */
export function indicatorViews(c: CompiledInstrument, unitType: string): IndicatorView[] {
  const out: IndicatorView[] = [];
  for (let i = 0; i < c.indicatorCount; i++) {
    const node = c.nodeSource[c.indicatorNode[i]!]!;
    const rule = c.applicability[i];
    out.push({
      code: c.indicatorCode[i]!,
      name: node.name,
      kind: c.metric[i] ? 'metric' : 'maturity',
      naAllowed: c.naAllowed[i] === 1,
      applicable: !rule || (rule as ReadonlySet<string>).has(unitType),
      metric: c.metric[i],
    });
  }
  return out;
}

/** One answer in either ledger (the unit's or the assessor's). */
export interface LedgerValue {
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
}

export interface AnswerInput {
  level?: number | null;
  notApplicable?: boolean;
  metricValue?: string | number | null;
  justification?: string | null;
}

export interface NormalisedAnswer extends LedgerValue {
  justification: string | null;
}

export const NA_JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 5000;

/**
 * Checks one answer against its indicator and normalises it: maturity indicators take a level
 * 1–5; metric indicators take a measured value, mapped to a level by the thresholds (the stored
 * level is always derived, never claimed); "not applicable" only where the indicator allows it,
 * and (for the unit's ledger) with a justification. An empty answer (no value yet) is allowed.
 */
export function normaliseAnswer(
  ind: IndicatorView,
  input: AnswerInput,
  opts: { requireNaJustification: boolean },
): { ok: true; answer: NormalisedAnswer } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const justification = input.justification?.trim() ? input.justification.trim() : null;
  if (justification && justification.length > JUSTIFICATION_MAX) {
    issues.push({ path: 'justification', message: `Justifikasi maksimal ${JUSTIFICATION_MAX} karakter.` });
  }
  if (!ind.applicable) {
    issues.push({
      path: 'indicatorCode',
      message: `Indikator ${ind.code} tidak berlaku untuk jenis unit ini.`,
    });
    return { ok: false, issues };
  }
  const hasLevel = input.level !== undefined && input.level !== null;
  const metricText =
    input.metricValue === undefined || input.metricValue === null ? null : String(input.metricValue).trim();
  const hasMetric = metricText !== null && metricText !== '';

  if (input.notApplicable) {
    if (!ind.naAllowed) {
      issues.push({
        path: 'notApplicable',
        message: `Indikator ${ind.code} tidak boleh dijawab "tidak berlaku" (N/A).`,
      });
    }
    if (hasLevel || hasMetric) {
      issues.push({
        path: 'notApplicable',
        message: 'Jawaban "tidak berlaku" tidak boleh disertai tingkat atau nilai terukur.',
      });
    }
    if (opts.requireNaJustification && (!justification || justification.length < NA_JUSTIFICATION_MIN)) {
      issues.push({
        path: 'justification',
        message: `Jawaban "tidak berlaku" wajib disertai justifikasi (minimal ${NA_JUSTIFICATION_MIN} karakter).`,
      });
    }
    return issues.length > 0
      ? { ok: false, issues }
      : { ok: true, answer: { level: null, notApplicable: true, metricValue: null, justification } };
  }

  if (ind.kind === 'metric') {
    if (hasLevel) {
      issues.push({
        path: 'level',
        message: `Indikator ${ind.code} adalah indikator terukur: isi metricValue (${ind.metric?.unit ?? 'nilai'}), bukan tingkat.`,
      });
    }
    if (!hasMetric) {
      return issues.length > 0
        ? { ok: false, issues }
        : { ok: true, answer: { level: null, notApplicable: false, metricValue: null, justification } };
    }
    const d = parseDecimal(metricText!);
    if (!d) {
      issues.push({ path: 'metricValue', message: 'Nilai terukur harus angka desimal, misalnya 12.5.' });
      return { ok: false, issues };
    }
    const m = ind.metric!;
    if (
      (m.valueMin && compareDecimal(d, m.valueMin) < 0) ||
      (m.valueMax && compareDecimal(d, m.valueMax) > 0)
    ) {
      const lo = m.valueMin ? formatDecimal(m.valueMin) : '−∞';
      const hi = m.valueMax ? formatDecimal(m.valueMax) : '∞';
      issues.push({
        path: 'metricValue',
        message: `Nilai terukur harus antara ${lo} dan ${hi} (${m.unit}).`,
      });
    }
    return issues.length > 0
      ? { ok: false, issues }
      : {
          ok: true,
          answer: {
            level: metricLevel(m, d),
            notApplicable: false,
            metricValue: formatDecimal(d),
            justification,
          },
        };
  }

  if (hasMetric) {
    issues.push({
      path: 'metricValue',
      message: `Indikator ${ind.code} dinilai dengan tingkat 1–5, bukan nilai terukur.`,
    });
  }
  if (hasLevel && (!Number.isInteger(input.level) || input.level! < 1 || input.level! > 5)) {
    issues.push({ path: 'level', message: 'Tingkat harus bilangan bulat 1 sampai 5.' });
  }
  return issues.length > 0
    ? { ok: false, issues }
    : {
        ok: true,
        answer: {
          level: hasLevel ? input.level! : null,
          notApplicable: false,
          metricValue: null,
          justification,
        },
      };
}

export const isAnswered = (v: LedgerValue | undefined): boolean =>
  !!v && (v.notApplicable || v.level !== null);

/** The value the scoring engine takes for one ledger entry, or undefined when unanswered. */
export function scoringValue(ind: IndicatorView, v: LedgerValue | undefined): number | string | undefined {
  if (!v) return undefined;
  if (v.notApplicable) return 'NA';
  if (ind.kind === 'metric') return v.metricValue ?? undefined;
  return v.level ?? undefined;
}

/** Same answer (value and, when given, justification)? Metric values compare as decimals. */
export function sameValue(a: LedgerValue, b: LedgerValue): boolean {
  if (a.notApplicable !== b.notApplicable || a.level !== b.level) return false;
  if (a.metricValue === null || b.metricValue === null) return a.metricValue === b.metricValue;
  const x = parseDecimal(a.metricValue);
  const y = parseDecimal(b.metricValue);
  return !!x && !!y && compareDecimal(x, y) === 0;
}
