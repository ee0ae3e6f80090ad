import { contentHash } from '../instrument/hash.js';
import {
  type IndicatorView,
  isAnswered,
  type LedgerValue,
  NA_JUSTIFICATION_MIN,
  type NormalisedAnswer,
  normaliseAnswer,
} from './answers.js';

/** The unit's answer to one indicator, with what the completeness rules need. */
export interface ResponseFacts extends LedgerValue {
  indicatorCode: string;
  justification: string | null;
  evidenceCount: number;
  needsConfirmation: boolean;
  version: number;
}

export interface VerificationFacts extends LedgerValue {
  indicatorCode: string;
  /** Version of the response that was verified. */
  responseVersion: number | null;
}

export type SubmissionProblemCode =
  | 'unanswered'
  | 'na_without_justification'
  | 'evidence_missing'
  | 'needs_confirmation';

export interface Problem<C extends string> {
  indicatorCode: string;
  indicatorName: string;
  problem: C;
  message: string;
}

/**
 * What stops a submission: every applicable indicator answered; every not-applicable answer
 * justified; every level at or above the cycle's evidence threshold backed by at least one piece
 * of evidence; every answer carried over from the previous cycle confirmed by the unit.
 */
export function submissionProblems(
  indicators: readonly IndicatorView[],
  responses: ReadonlyMap<string, ResponseFacts>,
  evidenceThreshold: number,
): Problem<SubmissionProblemCode>[] {
  const out: Problem<SubmissionProblemCode>[] = [];
  for (const ind of indicators) {
    if (!ind.applicable) continue;
    const r = responses.get(ind.code);
    const base = { indicatorCode: ind.code, indicatorName: ind.name };
    if (!r || !isAnswered(r)) {
      out.push({ ...base, problem: 'unanswered', message: `${ind.code} ${ind.name}: belum dijawab.` });
      continue;
    }
    if (r.notApplicable && (r.justification?.trim().length ?? 0) < NA_JUSTIFICATION_MIN) {
      out.push({
        ...base,
        problem: 'na_without_justification',
        message: `${ind.code} ${ind.name}: jawaban "tidak berlaku" belum disertai justifikasi.`,
      });
    }
    if (!r.notApplicable && r.level !== null && r.level >= evidenceThreshold && r.evidenceCount === 0) {
      out.push({
        ...base,
        problem: 'evidence_missing',
        message: `${ind.code} ${ind.name}: tingkat ${r.level} memerlukan minimal satu bukti dukung.`,
      });
    }
    if (r.needsConfirmation) {
      out.push({
        ...base,
        problem: 'needs_confirmation',
        message: `${ind.code} ${ind.name}: jawaban dari siklus sebelumnya belum dikonfirmasi ulang.`,
      });
    }
  }
  return out;
}

export type VerificationProblemCode = 'unverified' | 'stale';

/**
 * What stops completing verification: every applicable indicator has a verified level or an
 * accepted not-applicable, made against the unit's current answer (an answer changed after its
 * verification, e.g. after a return, must be verified again).
 */
export function verificationProblems(
  indicators: readonly IndicatorView[],
  responses: ReadonlyMap<string, Pick<ResponseFacts, 'version'>>,
  verifications: ReadonlyMap<string, VerificationFacts>,
): Problem<VerificationProblemCode>[] {
  const out: Problem<VerificationProblemCode>[] = [];
  for (const ind of indicators) {
    if (!ind.applicable) continue;
    const v = verifications.get(ind.code);
    const base = { indicatorCode: ind.code, indicatorName: ind.name };
    if (!v || !isAnswered(v)) {
      out.push({ ...base, problem: 'unverified', message: `${ind.code} ${ind.name}: belum diverifikasi.` });
      continue;
    }
    const r = responses.get(ind.code);
    if (r && v.responseVersion !== r.version) {
      out.push({
        ...base,
        problem: 'stale',
        message: `${ind.code} ${ind.name}: jawaban unit berubah setelah diverifikasi; verifikasi ulang.`,
      });
    }
  }
  return out;
}

export interface Progress {
  /** Indicators that apply to the unit's type. */
  applicable: number;
  /** Applicable indicators answered with a level, a measured value or not-applicable. */
  answered: number;
  notApplicable: number;
  /** Answered indicators with at least one piece of evidence. */
  withEvidence: number;
  /** Answers at or above the evidence threshold, and how many of them have evidence. */
  evidenceRequired: number;
  evidenceCovered: number;
  /** Carried-over answers still to confirm. */
  needsConfirmation: number;
  /** Applicable indicators with a current (not stale) verification. */
  verified: number;
}

export function progressOf(
  indicators: readonly IndicatorView[],
  responses: ReadonlyMap<string, ResponseFacts>,
  verifications: ReadonlyMap<string, VerificationFacts>,
  evidenceThreshold: number,
): Progress {
  const p: Progress = {
    applicable: 0,
    answered: 0,
    notApplicable: 0,
    withEvidence: 0,
    evidenceRequired: 0,
    evidenceCovered: 0,
    needsConfirmation: 0,
    verified: 0,
  };
  for (const ind of indicators) {
    if (!ind.applicable) continue;
    p.applicable++;
    const r = responses.get(ind.code);
    if (r?.needsConfirmation) p.needsConfirmation++;
    if (r && isAnswered(r)) {
      p.answered++;
      if (r.notApplicable) p.notApplicable++;
      if (r.evidenceCount > 0) p.withEvidence++;
      if (!r.notApplicable && r.level !== null && r.level >= evidenceThreshold) {
        p.evidenceRequired++;
        if (r.evidenceCount > 0) p.evidenceCovered++;
      }
    }
    const v = verifications.get(ind.code);
    if (v && isAnswered(v) && (!r || v.responseVersion === r.version)) p.verified++;
  }
  return p;
}

/** An answer of an earlier cycle, as the source of a carry-over. */
export interface CarrySource extends LedgerValue {
  indicatorCode: string;
  justification: string | null;
  evidenceIds: string[];
}

export interface CarriedAnswer {
  indicatorCode: string;
  fromCode: string;
  answer: NormalisedAnswer;
  evidenceIds: string[];
}

/**
 * Maps the previous cycle's answers onto this cycle's indicators: through the instrument's
 * crosswalk (old code → new code) when there is one, otherwise by the same code. Answers that no
 * longer fit (indicator gone or not applicable, level vs measured value, value out of range, NA not
 * allowed) are dropped; when two old codes land on one new code the first in instrument order wins.
 */
export function carryOver(
  previous: readonly CarrySource[],
  target: readonly IndicatorView[],
  crosswalk: Readonly<Record<string, string>> | null,
): CarriedAnswer[] {
  const byCode = new Map(target.map((t) => [t.code, t]));
  const out = new Map<string, CarriedAnswer>();
  for (const prev of previous) {
    if (!isAnswered(prev)) continue;
    const code = crosswalk?.[prev.indicatorCode] ?? prev.indicatorCode;
    const ind = byCode.get(code);
    if (!ind || out.has(code)) continue;
    const res = normaliseAnswer(
      ind,
      {
        level: ind.kind === 'maturity' ? prev.level : null,
        notApplicable: prev.notApplicable,
        metricValue: ind.kind === 'metric' ? prev.metricValue : null,
        justification: prev.justification,
      },
      { requireNaJustification: true },
    );
    if (!res.ok || !isAnswered(res.answer)) continue;
    out.set(code, {
      indicatorCode: code,
      fromCode: prev.indicatorCode,
      answer: res.answer,
      evidenceIds: prev.evidenceIds,
    });
  }
  const order = new Map(target.map((t, i) => [t.code, i]));
  return [...out.values()].sort((a, b) => order.get(a.indicatorCode)! - order.get(b.indicatorCode)!);
}

/**
 * Digest of the unit's answers (values, justifications, evidence links) that a unit head signs
 * off; a later change to any answer invalidates the sign-off.
 */
export function answersDigest(
  responses: ReadonlyArray<
    LedgerValue & { indicatorCode: string; justification: string | null; evidenceIds: readonly string[] }
  >,
): string {
  const rows = [...responses]
    .sort((a, b) => (a.indicatorCode < b.indicatorCode ? -1 : a.indicatorCode > b.indicatorCode ? 1 : 0))
    .map((r) => ({
      c: r.indicatorCode,
      l: r.level,
      na: r.notApplicable,
      m: r.metricValue,
      j: r.justification,
      e: [...r.evidenceIds].sort(),
    }));
  return contentHash(rows);
}
