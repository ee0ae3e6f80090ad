/**
 * The assessment state machine. Pure: no HTTP, no database.
 *
 *   draft ──submit──▶ submitted ──complete_verification──▶ verified ──finalize──▶ final ──publish──▶ published
 *                        │  ▲                                  ▲                    │
 *                  return│  │                                  └──────reopen────────┘
 *                        ▼  │submit
 *                     returned ◀──return── resubmitted ──complete_verification──▶ verified
 *                        └──────submit──────────▶ ┘
 *
 * Every other (state, event) pair is refused with an error naming the current state.
 */

export const ASSESSMENT_STATES = [
  'draft',
  'submitted',
  'returned',
  'resubmitted',
  'verified',
  'final',
  'published',
] as const;
export type AssessmentState = (typeof ASSESSMENT_STATES)[number];

export const ASSESSMENT_EVENTS = [
  'submit',
  'return',
  'complete_verification',
  'finalize',
  'reopen',
  'publish',
] as const;
export type AssessmentEvent = (typeof ASSESSMENT_EVENTS)[number];

export const STATE_LABELS: Record<AssessmentState, { id: string; en: string }> = {
  draft: { id: 'Draf', en: 'Draft' },
  submitted: { id: 'Diajukan', en: 'Submitted' },
  returned: { id: 'Dikembalikan', en: 'Returned' },
  resubmitted: { id: 'Diajukan ulang', en: 'Resubmitted' },
  verified: { id: 'Terverifikasi', en: 'Verified' },
  final: { id: 'Final', en: 'Final' },
  published: { id: 'Dipublikasikan', en: 'Published' },
};

export const EVENT_LABELS: Record<AssessmentEvent, { id: string; en: string }> = {
  submit: { id: 'mengajukan', en: 'submit' },
  return: { id: 'mengembalikan', en: 'return' },
  complete_verification: { id: 'menyelesaikan verifikasi', en: 'complete verification' },
  finalize: { id: 'memfinalisasi', en: 'finalise' },
  reopen: { id: 'membuka kembali', en: 'reopen' },
  publish: { id: 'memublikasikan', en: 'publish' },
};

/** The whole graph: state → event → next state. */
export const TRANSITIONS: Readonly<
  Record<AssessmentState, Readonly<Partial<Record<AssessmentEvent, AssessmentState>>>>
> = {
  draft: { submit: 'submitted' },
  submitted: { return: 'returned', complete_verification: 'verified' },
  returned: { submit: 'resubmitted' },
  resubmitted: { return: 'returned', complete_verification: 'verified' },
  verified: { finalize: 'final' },
  final: { reopen: 'verified', publish: 'published' },
  published: {},
};

export interface TransitionError {
  code: 'INVALID_TRANSITION';
  state: AssessmentState;
  event: AssessmentEvent;
  /** Events the current state does accept. */
  allowed: AssessmentEvent[];
  message: string;
  messageEn: string;
}

export type TransitionResult = { ok: true; state: AssessmentState } | { ok: false; error: TransitionError };

export function isAssessmentState(value: string): value is AssessmentState {
  return (ASSESSMENT_STATES as readonly string[]).includes(value);
}

export function allowedEvents(state: AssessmentState): AssessmentEvent[] {
  return Object.keys(TRANSITIONS[state]) as AssessmentEvent[];
}

/** The next state after `event`, or an error that names the current state. */
export function transition(state: AssessmentState, event: AssessmentEvent): TransitionResult {
  const next = TRANSITIONS[state]?.[event];
  if (next) return { ok: true, state: next };
  const label = STATE_LABELS[state] ?? { id: state, en: state };
  const ev = EVENT_LABELS[event] ?? { id: event, en: event };
  return {
    ok: false,
    error: {
      code: 'INVALID_TRANSITION',
      state,
      event,
      allowed: TRANSITIONS[state] ? allowedEvents(state) : [],
      message: `Tidak dapat ${ev.id} penilaian yang berstatus "${label.id}" (${state}).`,
      messageEn: `Cannot ${ev.en} an assessment in state "${label.en}" (${state}).`,
    },
  };
}

/** The unit may change its answers only in these states (further limited by the edit window). */
export function responsesEditable(state: AssessmentState): boolean {
  return state === 'draft' || state === 'returned';
}

/**
 * Assessors may record verifications while the assessment is under review, and after verification
 * is complete until it is finalised (corrections, and after a reopen).
 */
export function verificationsEditable(state: AssessmentState): boolean {
  return state === 'submitted' || state === 'resubmitted' || state === 'verified';
}

/** Final and published assessments are read-only for every ledger. */
export function isLocked(state: AssessmentState): boolean {
  return state === 'final' || state === 'published';
}
