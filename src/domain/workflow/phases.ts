import { CYCLE_PHASES, type CyclePhase, PHASE_LABELS, REQUIRED_PHASES, REVIEW_PHASES } from './catalogue.js';
import type { AssessmentState } from './state-machine.js';
import { formatWib, formatWibEn, parseWib, toWibIso } from './time.js';

export interface PhaseWindow {
  phase: CyclePhase;
  /** ISO-8601 with offset, normalised to WIB. */
  startsAt: string;
  endsAt: string;
}

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Checks and normalises a cycle's phase windows: known phases, each at most once, the required
 * ones present, each window ending after it starts, and phases starting in their natural order.
 * Returns the windows in phase order with times written in WIB, or the problems found.
 */
export function normalisePhases(
  input: ReadonlyArray<{ phase: string; startsAt: string; endsAt: string }>,
): { ok: true; phases: PhaseWindow[] } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const seen = new Map<CyclePhase, { start: Date; end: Date }>();
  input.forEach((p, i) => {
    if (!(CYCLE_PHASES as readonly string[]).includes(p.phase)) {
      issues.push({
        path: `phases.${i}.phase`,
        message: `Tahap "${p.phase}" tidak dikenal; pilih salah satu dari ${CYCLE_PHASES.join(', ')}.`,
      });
      return;
    }
    const phase = p.phase as CyclePhase;
    if (seen.has(phase)) {
      issues.push({ path: `phases.${i}.phase`, message: `Tahap "${phase}" disebut lebih dari sekali.` });
      return;
    }
    const start = parseWib(p.startsAt);
    const end = parseWib(p.endsAt);
    if (!start)
      issues.push({ path: `phases.${i}.startsAt`, message: 'Waktu mulai bukan tanggal-waktu ISO 8601.' });
    if (!end)
      issues.push({ path: `phases.${i}.endsAt`, message: 'Waktu selesai bukan tanggal-waktu ISO 8601.' });
    if (!start || !end) return;
    if (end <= start) {
      issues.push({
        path: `phases.${i}.endsAt`,
        message: `${PHASE_LABELS[phase].id}: waktu selesai harus setelah waktu mulai.`,
      });
    }
    seen.set(phase, { start, end });
  });
  for (const r of REQUIRED_PHASES) {
    if (!seen.has(r)) {
      issues.push({ path: 'phases', message: `Tahap wajib "${PHASE_LABELS[r].id}" (${r}) belum diisi.` });
    }
  }
  let previous: { phase: CyclePhase; start: Date } | null = null;
  for (const phase of CYCLE_PHASES) {
    const w = seen.get(phase);
    if (!w) continue;
    if (previous && w.start < previous.start) {
      issues.push({
        path: 'phases',
        message: `${PHASE_LABELS[phase].id} tidak boleh dimulai sebelum ${PHASE_LABELS[previous.phase].id}.`,
      });
    }
    previous = { phase, start: w.start };
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    phases: CYCLE_PHASES.filter((p) => seen.has(p)).map((phase) => ({
      phase,
      startsAt: toWibIso(seen.get(phase)!.start),
      endsAt: toWibIso(seen.get(phase)!.end),
    })),
  };
}

export function phaseWindow(phases: readonly PhaseWindow[], phase: CyclePhase) {
  const p = phases.find((x) => x.phase === phase);
  return p ? { start: new Date(p.startsAt), end: new Date(p.endsAt) } : null;
}

/** The phase whose window contains `now` (the later one when windows overlap), or null. */
export function currentPhase(phases: readonly PhaseWindow[], now: Date): CyclePhase | null {
  let found: CyclePhase | null = null;
  for (const p of phases) {
    if (new Date(p.startsAt) <= now && now < new Date(p.endsAt)) found = p.phase;
  }
  return found;
}

export interface EditWindow {
  opensAt: Date | null;
  deadline: Date | null;
  /** The deadline comes from the unit's extension. */
  extended: boolean;
}

/**
 * When the unit may change its answers:
 * - in draft: during penilaian mandiri, or until the unit's extension if that is later;
 * - when returned by an assessor (which normally happens in the review phases, after penilaian
 *   mandiri has closed): until the end of the last review phase (dokumen/interviu/visitasi), or
 *   the extension if later.
 */
export function editWindow(
  phases: readonly PhaseWindow[],
  state: AssessmentState,
  extensionUntil: Date | null,
): EditWindow {
  const mandiri = phaseWindow(phases, 'mandiri');
  let deadline = mandiri?.end ?? null;
  if (state === 'returned') {
    for (const r of REVIEW_PHASES) {
      const w = phaseWindow(phases, r);
      if (w && (!deadline || w.end > deadline)) deadline = w.end;
    }
  }
  let extended = false;
  if (extensionUntil && (!deadline || extensionUntil > deadline)) {
    deadline = extensionUntil;
    extended = true;
  }
  return { opensAt: mandiri?.start ?? null, deadline, extended };
}

export type WindowCheck =
  | { ok: true }
  | { ok: false; reason: 'not_yet_open' | 'closed'; at: Date | null; message: string; messageEn: string };

/** Whether `now` is inside the edit window; the refusal names the opening time or the deadline in WIB. */
export function checkEditWindow(w: EditWindow, now: Date): WindowCheck {
  if (w.opensAt && now < w.opensAt && !(w.extended && w.deadline && now < w.deadline)) {
    return {
      ok: false,
      reason: 'not_yet_open',
      at: w.opensAt,
      message: `Penilaian mandiri belum dibuka; dibuka ${formatWib(w.opensAt)}.`,
      messageEn: `Self-assessment is not open yet; it opens ${formatWibEn(w.opensAt)}.`,
    };
  }
  if (!w.deadline || now >= w.deadline) {
    return {
      ok: false,
      reason: 'closed',
      at: w.deadline,
      message: w.deadline
        ? `Batas waktu pengisian telah lewat (${formatWib(w.deadline)}). Mintalah perpanjangan kepada koordinator.`
        : 'Jadwal penilaian mandiri belum ditetapkan.',
      messageEn: w.deadline
        ? `The deadline has passed (${formatWibEn(w.deadline)}). Ask the coordinator for an extension.`
        : 'No self-assessment window is set.',
    };
  }
  return { ok: true };
}
