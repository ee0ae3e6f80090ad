import { JOB_STATUS_LABELS } from '../../../src/domain/jobs.js';
import {
  CYCLE_STATUS_LABELS,
  STAGE_LABELS,
  VERIFICATION_REASON_LABELS,
} from '../../../src/domain/workflow/catalogue.js';
import { STATE_LABELS } from '../../../src/domain/workflow/state-machine.js';
import type { Lang } from '../i18n';

/**
 * Names of the workflow's codes in the reader's language, from the same catalogue the server
 * labels them with (src/domain/workflow). The server's `…Label` fields are Indonesian only; in
 * English the code is looked up here, and an unknown code falls back to the server's label.
 */
type Table = Record<string, { id: string; en: string }>;

const STATES: Table = { ...CYCLE_STATUS_LABELS, ...STATE_LABELS };

function pick(table: Table, code: string | null | undefined, lang: Lang, fallback?: string | null) {
  const entry = code ? table[code] : undefined;
  if (entry) return entry[lang];
  return fallback ?? code ?? '';
}

/** An assessment state or a cycle status. */
export const stateName = (code: string | null | undefined, lang: Lang, fallback?: string | null) =>
  pick(STATES, code, lang, fallback);

/** A verification reason code (sesuai, bukti_tidak_memadai, …). */
export const reasonName = (code: string | null | undefined, lang: Lang, fallback?: string | null) =>
  pick(VERIFICATION_REASON_LABELS, code, lang, fallback);

/** A verification stage (dokumen, interviu, visitasi). */
export const stageName = (code: string | null | undefined, lang: Lang, fallback?: string | null) =>
  pick(STAGE_LABELS, code, lang, fallback);

/** A background job's status (queued, running, done, failed). */
export const jobStatusName = (code: string | null | undefined, lang: Lang, fallback?: string | null) =>
  pick(JOB_STATUS_LABELS, code, lang, fallback);
