import type { Db, DbOrTx } from '../../db/client.js';
import { type Action, type Actor, can } from '../../domain/policy/policy.js';
import type { CompiledInstrument } from '../../domain/scoring/index.js';
import {
  type AssessmentState,
  checkEditWindow,
  editWindow,
  type IndicatorView,
  indicatorViews,
  isLocked,
  PHASE_LABELS,
  type PhaseWindow,
  type ResponseFacts,
  responsesEditable,
  toWibIso,
  transition,
  VERIFICATION_REASON_LABELS,
  type VerificationFacts,
  type VerificationReason,
  type VerificationStage,
  verificationsEditable,
} from '../../domain/workflow/index.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import type { CycleRow } from '../cycles/cycles.repo.js';
import { instrumentVersionsReader } from '../cycles/instrument-versions.js';
import { typeByMime } from '../evidence/file-types.js';
import {
  type AssessmentRow,
  assessmentsRepo,
  type ResponseRow,
  type VerificationRow,
} from './assessments.repo.js';
import type { ASSESSMENT_ACTIONS, ResponseDto, VerificationDto } from './assessments.schemas.js';

export type UnitRef = {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  type: string;
  path: string;
};

/** An assessment with everything the workflow rules need, loaded once per request. */
export interface Loaded {
  a: AssessmentRow;
  cycle: CycleRow;
  unit: UnitRef;
  assessorIds: string[];
  instrument: {
    id: string;
    code: string;
    version: string;
    title: string;
    status: string;
    contentHash: string;
  };
  compiled: CompiledInstrument;
  views: IndicatorView[];
  byCode: Map<string, IndicatorView>;
}

export const stateOf = (a: Pick<AssessmentRow, 'state'>) => a.state as AssessmentState;
const trimDecimal = (v: string | null) =>
  v === null ? null : v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;

/** Shared loading, authorisation and presentation for the assessment services. */
export function assessmentKernel(db: Db, now: () => Date) {
  const repo = assessmentsRepo(db);
  const instruments = instrumentVersionsReader(db);

  /**
   * Loads an assessment the actor may read. Outside the actor's scope (another unit, an assessor
   * not assigned) the answer is 404, so that existence does not leak.
   */
  async function load(actor: Actor, id: string, tx: DbOrTx = db): Promise<Loaded> {
    const row = await repo.loadContext(id, tx);
    if (!row) throw new NotFoundError('Penilaian', id);
    const assessorIds = row.assessorIds;
    if (!can(actor, 'assessment.read', { unitPath: row.unit.path, assessorIds })) {
      throw new NotFoundError('Penilaian', id);
    }
    const inst = (await instruments.compiledById(row.cycle.instrumentVersionId, tx))!;
    const views = indicatorViews(inst.compiled, row.unit.type);
    return {
      a: row.assessment,
      cycle: row.cycle,
      unit: row.unit,
      assessorIds,
      instrument: inst.meta,
      compiled: inst.compiled,
      views,
      byCode: new Map(views.map((v) => [v.code, v])),
    };
  }

  function allowed(actor: Actor, action: Action, l: Loaded) {
    return can(actor, action, { unitPath: l.unit.path, assessorIds: l.assessorIds });
  }

  function requireAllowed(actor: Actor, action: Action, l: Loaded, message: string) {
    if (!allowed(actor, action, l)) throw new ForbiddenError(message);
  }

  function indicatorOrThrow(l: Loaded, code: string) {
    const ind = l.byCode.get(code);
    if (!ind) throw new NotFoundError(`Indikator ${code} pada instrumen ${l.instrument.code}`);
    return ind;
  }

  function windowOf(l: Loaded, state: AssessmentState = stateOf(l.a)) {
    return editWindow(l.cycle.phases as PhaseWindow[], state, l.a.deadlineExtension);
  }

  /** What the actor may do with the assessment now, for the web app's buttons. */
  function allowedActions(actor: Actor, l: Loaded): Array<(typeof ASSESSMENT_ACTIONS)[number]> {
    const state = stateOf(l.a);
    const windowOpen = checkEditWindow(windowOf(l), now()).ok;
    const out: Array<(typeof ASSESSMENT_ACTIONS)[number]> = [];
    if (allowed(actor, 'assessment.edit', l) && responsesEditable(state) && windowOpen) out.push('edit');
    if (allowed(actor, 'assessment.signoff', l) && responsesEditable(state) && l.cycle.requireSignoff)
      out.push('signoff');
    if (allowed(actor, 'assessment.submit', l) && transition(state, 'submit').ok && windowOpen)
      out.push('submit');
    if (allowed(actor, 'assessment.verify', l)) {
      if (verificationsEditable(state)) out.push('verify');
      if (transition(state, 'return').ok) out.push('return');
      if (transition(state, 'complete_verification').ok) out.push('complete_verification');
    }
    if (allowed(actor, 'assessment.finalize', l)) {
      if (transition(state, 'finalize').ok) out.push('finalize');
      if (transition(state, 'reopen').ok) out.push('reopen');
    }
    if (allowed(actor, 'assessment.comment', l) && state !== 'published') out.push('comment');
    if (allowed(actor, 'assessment.extend', l) && !isLocked(state)) out.push('extend');
    return out;
  }

  function editableIndicators(actor: Actor, l: Loaded) {
    if (!allowedActions(actor, l).includes('edit')) return [];
    const applicable = l.views.filter((v) => v.applicable).map((v) => v.code);
    return stateOf(l.a) === 'returned'
      ? applicable.filter((c) => l.a.returnedIndicators.includes(c))
      : applicable;
  }

  async function presentResponses(
    rows: Array<{ response: ResponseRow; evidenceIds: string[] }>,
    tx: DbOrTx = db,
    /** Names already known (e.g. the saving actor's), so no query is needed for them. */
    knownNames?: Map<string, string>,
  ): Promise<ResponseDto[]> {
    const summaries = new Map(
      (
        await repo.evidenceSummaries(
          rows.flatMap((r) => r.evidenceIds),
          tx,
        )
      ).map((e) => [e.id, e]),
    );
    const ids = rows.map((r) => r.response.updatedBy).filter((x): x is string => !!x);
    const names =
      knownNames && ids.every((x) => knownNames.has(x)) ? knownNames : await repo.userNames(ids, tx);
    return rows.map(({ response: r, evidenceIds }) => ({
      indicatorCode: r.indicatorCode,
      level: r.level,
      notApplicable: r.notApplicable,
      metricValue: trimDecimal(r.metricValue),
      justification: r.justification,
      evidenceIds,
      evidence: evidenceIds
        .map((id) => summaries.get(id))
        .filter((e) => !!e)
        .map((e) => ({
          ...e,
          url: e.kind === 'link' ? e.url : null,
          mimeType: e.kind === 'file' ? e.mimeType : null,
          downloadUrl: e.kind === 'file' ? `/api/evidence/${e.id}/download` : null,
          previewUrl:
            e.kind === 'file' && typeByMime(e.mimeType)?.preview ? `/api/evidence/${e.id}/preview` : null,
        })),
      needsConfirmation: r.needsConfirmation,
      version: r.version,
      updatedAt: r.updatedAt,
      updatedBy: r.updatedBy ? { id: r.updatedBy, name: names.get(r.updatedBy) ?? '' } : null,
    }));
  }

  async function presentVerifications(
    rows: VerificationRow[],
    responseVersions: ReadonlyMap<string, number>,
    tx: DbOrTx = db,
  ): Promise<VerificationDto[]> {
    const names = await repo.userNames(
      rows.map((r) => r.verifiedBy).filter((x): x is string => !!x),
      tx,
    );
    return rows.map((v) => {
      const current = responseVersions.get(v.indicatorCode);
      return {
        indicatorCode: v.indicatorCode,
        level: v.level,
        notApplicable: v.notApplicable,
        metricValue: trimDecimal(v.metricValue),
        reasonCode: v.reasonCode as VerificationReason,
        reasonLabel: VERIFICATION_REASON_LABELS[v.reasonCode as VerificationReason]?.id ?? v.reasonCode,
        note: v.note,
        stage: v.stage as VerificationStage,
        responseVersion: v.responseVersion,
        stale: current !== undefined && v.responseVersion !== current,
        version: v.version,
        verifiedBy: v.verifiedBy ? { id: v.verifiedBy, name: names.get(v.verifiedBy) ?? '' } : null,
        updatedAt: v.updatedAt,
      };
    });
  }

  function responseFacts(rows: Array<{ response: ResponseRow; evidenceIds: string[] }>) {
    return new Map<string, ResponseFacts>(
      rows.map(({ response: r, evidenceIds }) => [
        r.indicatorCode,
        {
          indicatorCode: r.indicatorCode,
          level: r.level,
          notApplicable: r.notApplicable,
          metricValue: r.metricValue,
          justification: r.justification,
          evidenceCount: evidenceIds.length,
          needsConfirmation: r.needsConfirmation,
          version: r.version,
        },
      ]),
    );
  }

  function verificationFacts(rows: VerificationRow[]) {
    return new Map<string, VerificationFacts>(
      rows.map((v) => [
        v.indicatorCode,
        {
          indicatorCode: v.indicatorCode,
          level: v.level,
          notApplicable: v.notApplicable,
          metricValue: v.metricValue,
          responseVersion: v.responseVersion,
        },
      ]),
    );
  }

  function phasesView(cycle: CycleRow) {
    return (cycle.phases as PhaseWindow[]).map((p) => ({
      ...p,
      label: PHASE_LABELS[p.phase]?.id ?? p.phase,
    }));
  }

  const wib = (d: Date | null) => (d ? toWibIso(d) : null);

  return {
    repo,
    load,
    allowed,
    requireAllowed,
    indicatorOrThrow,
    windowOf,
    allowedActions,
    editableIndicators,
    presentResponses,
    presentVerifications,
    responseFacts,
    verificationFacts,
    phasesView,
    wib,
    trimDecimal,
  };
}

export type AssessmentKernel = ReturnType<typeof assessmentKernel>;
