import type { Db, DbOrTx } from '../../db/client.js';
import { type Actor, can } from '../../domain/policy/policy.js';
import {
  answersDigest,
  checkEditWindow,
  editWindow,
  indicatorViews,
  normaliseAnswer,
  type PhaseWindow,
  parseWib,
  progressOf,
  type ResponseFacts,
  responsesEditable,
  STATE_LABELS,
  sameValue,
  submissionProblems,
  transition,
  type VerificationFacts,
} from '../../domain/workflow/index.js';
import type { RequestContext } from '../../lib/context.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import { type AuditEntry, writeAudit } from '../audit/audit.repo.js';
import { cyclesRepo } from '../cycles/cycles.repo.js';
import type { CyclesService } from '../cycles/cycles.service.js';
import { instrumentVersionsReader } from '../cycles/instrument-versions.js';
import { invalidTransition, WorkflowConflictError } from '../cycles/workflow-errors.js';
import { assessmentKernel, type Loaded, stateOf } from './assessment-kernel.js';
import type { ResponseRow } from './assessments.repo.js';
import type {
  AssessmentDetailDto,
  AssessmentSummaryDto,
  ResponseDto,
  ResponseInput,
} from './assessments.schemas.js';
import { verificationServiceFactory } from './verification.service.js';

type Ctx = RequestContext & { actor: Actor };
/** Thrown inside a transaction to roll it back after a refused answer (all-or-nothing saves). */
class RolledBack extends Error {}

/** How long, and for how many assessments, a save's context is reused (see recentContexts). */
const CONTEXT_REUSE_MS = 60_000;
const CONTEXT_REUSE_MAX = 5_000;

type SaveOutcome =
  | { kind: 'ok'; row: ResponseRow; ids: string[] }
  | { kind: 'conflict'; current: { row: ResponseRow; ids: string[] } | null };

/**
 * Assessments: reading, the unit's self-assessment (answers, sign-off, submission), deadline
 * extensions, comments and history; verification and finalisation live in verification.service.
 */
export function assessmentsServiceFactory(
  db: Db,
  deps: { cycles: Pick<CyclesService, 'visible'> },
  opts: { now?: () => Date } = {},
) {
  const now = opts.now ?? (() => new Date());
  const k = assessmentKernel(db, now);
  const repo = k.repo;
  const cycleRepo = cyclesRepo(db);
  const instruments = instrumentVersionsReader(db);

  function notEditable(l: Loaded) {
    const state = stateOf(l.a);
    return new WorkflowConflictError(
      'ASSESSMENT_NOT_EDITABLE',
      `Jawaban tidak dapat diubah karena penilaian berstatus "${STATE_LABELS[state].id}" (${state}).`,
      { state },
      `Answers cannot change while the assessment is ${state}.`,
    );
  }

  function windowRefusal(l: Loaded, state = stateOf(l.a)) {
    const w = editWindow(l.cycle.phases as PhaseWindow[], state, l.a.deadlineExtension);
    const r = checkEditWindow(w, now());
    if (r.ok) return null;
    return new WorkflowConflictError(
      'EDIT_WINDOW_CLOSED',
      r.message,
      { reason: r.reason, deadline: k.wib(w.deadline), opensAt: k.wib(w.opensAt), extended: w.extended },
      r.messageEn,
    );
  }

  function checkWindowOrThrow(l: Loaded, state = stateOf(l.a)) {
    const refusal = windowRefusal(l, state);
    if (refusal) throw refusal;
  }

  /** Why the unit may not change this indicator's answer now, or null when it may. */
  function editRefusal(l: Loaded, code: string) {
    const state = stateOf(l.a);
    if (!responsesEditable(state)) return notEditable(l);
    if (state === 'returned' && !l.a.returnedIndicators.includes(code)) {
      return new WorkflowConflictError(
        'INDICATOR_NOT_RETURNED',
        `Indikator ${code} tidak termasuk yang dikembalikan asesor; yang boleh diperbaiki: ${l.a.returnedIndicators.join(', ')}.`,
        { state, returnedIndicators: l.a.returnedIndicators },
        `Indicator ${code} was not returned by the assessor.`,
      );
    }
    return windowRefusal(l, state);
  }

  interface PreparedSave {
    code: string;
    answer: Extract<ReturnType<typeof normaliseAnswer>, { ok: true }>['answer'];
    evidenceIds: string[];
    expected: number;
  }

  /** Validates one answer against its indicator and the unit's evidence library (no writes). */
  async function prepareSave(
    l: Loaded,
    code: string,
    input: ResponseInput,
    tx: DbOrTx = db,
  ): Promise<PreparedSave> {
    const ind = k.indicatorOrThrow(l, code);
    const norm = normaliseAnswer(ind, input, { requireNaJustification: true });
    if (!norm.ok) {
      throw new ValidationError(
        `Jawaban ${code} tidak valid: ${norm.issues.map((i) => i.message).join(' ')}`,
        norm.issues,
        `Invalid answer for ${code}`,
      );
    }
    const evidenceIds = [...new Set(input.evidenceIds ?? [])].sort();
    if (evidenceIds.length > 0) {
      const found = new Set((await repo.evidenceOfUnit(l.unit.id, evidenceIds, tx)).map((e) => e.id));
      const missing = evidenceIds.filter((e) => !found.has(e));
      if (missing.length > 0) {
        throw new ValidationError(
          `Bukti dukung tidak ditemukan di pustaka bukti ${l.unit.name}: ${missing.join(', ')}.`,
          missing.map((m) => ({ path: 'evidenceIds', message: `Bukti ${m} bukan milik unit ini` })),
          'Evidence not found in this unit’s library',
        );
      }
    }
    return { code, answer: norm.answer, evidenceIds, expected: input.expectedVersion ?? 0 };
  }

  /** Checks the locked assessment and writes one answer with its audit record, inside `tx`. */
  async function saveInTx(tx: DbOrTx, ctx: Ctx, l: Loaded, p: PreparedSave): Promise<SaveOutcome> {
    const { code, answer, evidenceIds, expected } = p;
    const id = l.a.id;
    const a = await repo.lock(id, 'share', tx);
    const refusal = editRefusal({ ...l, a }, code);
    if (refusal) throw refusal;

    let row = await repo.responseByCode(id, code, tx, true);
    let currentIds: string[] = [];
    if (!row) {
      if (expected !== 0) return { kind: 'conflict', current: null };
      row = await repo.insertResponse(
        {
          assessmentId: id,
          indicatorCode: code,
          ...answer,
          needsConfirmation: false,
          version: 1,
          updatedBy: ctx.actor.id,
        },
        tx,
      );
      if (!row) {
        // Someone saved the first answer at the same moment: theirs won.
        const theirs = (await repo.responseByCode(id, code, tx, true))!;
        const theirIds = (await repo.evidenceIdsOf(theirs.id, tx)).sort();
        if (isSame(theirs, theirIds, answer, evidenceIds)) return { kind: 'ok', row: theirs, ids: theirIds };
        return { kind: 'conflict', current: { row: theirs, ids: theirIds } };
      }
    } else {
      currentIds = (await repo.evidenceIdsOf(row.id, tx)).sort();
      if (isSame(row, currentIds, answer, evidenceIds)) return { kind: 'ok', row, ids: currentIds };
      if (row.version !== expected) return { kind: 'conflict', current: { row, ids: currentIds } };
      const before = ledgerOf(row, currentIds);
      const updated = await repo.updateResponse(
        row.id,
        row.version,
        { ...answer, needsConfirmation: false, updatedBy: ctx.actor.id },
        tx,
      );
      if (!updated) return { kind: 'conflict', current: { row, ids: currentIds } };
      row = updated;
      await writeSave(tx, row, before);
    }
    if (!sameIds(currentIds, evidenceIds)) await repo.setResponseEvidence(row.id, evidenceIds, tx);
    if (row.version === 1) await writeSave(tx, row, null);
    return { kind: 'ok', row, ids: evidenceIds };

    async function writeSave(tx: DbOrTx, row: ResponseRow, before: ReturnType<typeof ledgerOf> | null) {
      await writeAudit(tx, ctx, {
        action: 'response.save',
        entityType: 'response',
        entityId: row.id,
        unitId: l.unit.id,
        unitPath: l.unit.path,
        before,
        after: { assessmentId: id, ...ledgerOf(row, evidenceIds) },
      });
    }
  }

  /*
   * Contexts read for recent saves, per assessment. An operator filling the form saves answer
   * after answer; reading the assessment, cycle and unit again for each is most of a save's cost
   * in a deadline rush (bench/deadline-rush). A remembered context is only ever used by
   * `saveInOneStatement`, whose statement writes only if every fact the decision rested on is
   * still what the database holds.
   */
  const recentContexts = new Map<string, { l: Loaded; at: number }>();
  function rememberContext(id: string, l: Loaded) {
    recentContexts.delete(id);
    recentContexts.set(id, { l, at: Date.now() });
    if (recentContexts.size > CONTEXT_REUSE_MAX) recentContexts.delete(recentContexts.keys().next().value!);
  }

  /** The actor may edit the unit's answers and the answer is valid (no writes). */
  async function allowedAnswer(ctx: Ctx, l: Loaded, code: string, input: ResponseInput) {
    k.requireAllowed(
      ctx.actor,
      'assessment.edit',
      l,
      'Hanya operator atau kepala unit ini yang dapat mengisi jawaban.',
    );
    return prepareSave(l, code, input);
  }

  /**
   * The common save as one (batched) statement, if the assessment's state and window in `l`
   * allow the edit. The statement writes only if the assessment row (version, extension), the
   * cycle's phases and instrument and the unit's path and type are still those of `l`, the
   * answer's version is the expected one and its evidence links do not change; undefined when
   * it did not write.
   */
  async function saveInOneStatement(ctx: Ctx, l: Loaded, p: PreparedSave) {
    if (editRefusal(l, p.code)) return undefined;
    const fast = await repo.saveResponseFast({
      assessmentId: l.a.id,
      indicatorCode: p.code,
      assessmentVersion: l.a.version,
      deadlineExtension: l.a.deadlineExtension,
      cyclePhases: l.cycle.phases,
      instrumentVersionId: l.cycle.instrumentVersionId,
      unitPath: l.unit.path,
      unitType: l.unit.type,
      expectedVersion: p.expected,
      ...p.answer,
      evidenceIds: p.evidenceIds,
      actorId: ctx.actor.id,
      actorEmail: ctx.actor.email,
      unitId: l.unit.id,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
    if (!fast) return undefined;
    const names = new Map(fast.updatedByName ? [[ctx.actor.id, fast.updatedByName]] : []);
    return (
      await k.presentResponses([{ response: fast.response, evidenceIds: p.evidenceIds }], db, names)
    )[0]!;
  }

  async function conflictOf(
    p: PreparedSave,
    saved: Extract<SaveOutcome, { kind: 'conflict' }>,
    tx: DbOrTx = db,
  ) {
    const current = saved.current
      ? (await k.presentResponses([{ response: saved.current.row, evidenceIds: saved.current.ids }], tx))[0]!
      : null;
    return versionConflict(p.code, current, p.expected);
  }

  async function readResponses(id: string, tx: DbOrTx = db) {
    return repo.responses(id, tx);
  }

  async function detail(actor: Actor, l: Loaded): Promise<AssessmentDetailDto> {
    const [responses, verifications, counts, snapshots] = await Promise.all([
      readResponses(l.a.id),
      repo.verifications(l.a.id),
      repo.commentCounts(l.a.id),
      l.a.currentSnapshotId ? repo.snapshotSummaries([l.a.currentSnapshotId]) : Promise.resolve([]),
    ]);
    const rFacts = k.responseFacts(responses);
    const vFacts = k.verificationFacts(verifications);
    const names = await repo.userNames(
      [l.a.submittedBy, l.a.signedOffBy, ...l.assessorIds].filter((x): x is string => !!x),
    );
    const person = (id: string | null) => (id ? { id, name: names.get(id) ?? '' } : null);
    const w = k.windowOf(l);
    const state = stateOf(l.a);
    const digest = l.a.signedOffHash ? answersDigest(digestRows(responses)) : null;
    return {
      id: l.a.id,
      state,
      stateLabel: STATE_LABELS[state].id,
      version: l.a.version,
      cycle: {
        id: l.cycle.id,
        name: l.cycle.name,
        status: l.cycle.status,
        evidenceThreshold: l.cycle.evidenceThreshold,
        requireSignoff: l.cycle.requireSignoff,
        targetIndex: k.trimDecimal(l.cycle.targetIndex),
        phases: k.phasesView(l.cycle),
      },
      unit: {
        id: l.unit.id,
        code: l.unit.code,
        name: l.unit.name,
        shortName: l.unit.shortName,
        type: l.unit.type,
      },
      instrument: {
        versionId: l.instrument.id,
        code: l.instrument.code,
        version: l.instrument.version,
        title: l.instrument.title,
        treeUrl: `/api/assessments/${l.a.id}/instrument`,
      },
      editWindow: {
        opensAt: k.wib(w.opensAt),
        deadline: k.wib(w.deadline),
        extended: w.extended,
        open: responsesEditable(state) && checkEditWindow(w, now()).ok,
      },
      extension: l.a.deadlineExtension
        ? { until: k.wib(l.a.deadlineExtension)!, reason: l.a.extensionReason }
        : null,
      returned: { indicators: l.a.returnedIndicators, message: l.a.returnMessage },
      submittedAt: l.a.submittedAt,
      submittedBy: person(l.a.submittedBy),
      signoff: l.a.signedOffAt
        ? { at: l.a.signedOffAt, by: person(l.a.signedOffBy), valid: digest === l.a.signedOffHash }
        : null,
      verifiedAt: l.a.verifiedAt,
      finalizedAt: l.a.finalizedAt,
      snapshot: snapshots[0] ?? null,
      progress: progressOf(l.views, rFacts, vFacts, l.cycle.evidenceThreshold),
      assessors: l.assessorIds.map((id) => person(id)!),
      applicableIndicators: l.views.filter((v) => v.applicable).map((v) => v.code),
      editableIndicators: k.editableIndicators(actor, l),
      responses: await k.presentResponses(responses),
      verifications: await k.presentVerifications(
        verifications,
        new Map(responses.map((r) => [r.response.indicatorCode, r.response.version])),
      ),
      commentCounts: counts,
      allowedActions: k.allowedActions(actor, l),
    };
  }

  const verification = verificationServiceFactory(db, k, now);
  const reload = async (actor: Actor, id: string) => detail(actor, await k.load(actor, id));

  return {
    saveVerification: verification.saveVerification,
    reasonCatalogue: verification.reasonCatalogue,
    async returnToUnit(ctx: Ctx, id: string, input: { indicators: string[]; message: string }) {
      await verification.returnToUnit(ctx, id, input);
      return reload(ctx.actor, id);
    },
    async completeVerification(ctx: Ctx, id: string) {
      await verification.completeVerification(ctx, id);
      return reload(ctx.actor, id);
    },
    async finalize(ctx: Ctx, id: string) {
      await verification.finalize(ctx, id);
      return reload(ctx.actor, id);
    },
    async reopen(ctx: Ctx, id: string, reason: string) {
      await verification.reopen(ctx, id, reason);
      return reload(ctx.actor, id);
    },

    async get(actor: Actor, id: string) {
      return detail(actor, await k.load(actor, id));
    },

    /** The instrument document with the unit's applicable indicators, to render the form. */
    async instrumentTree(actor: Actor, id: string) {
      const l = await k.load(actor, id);
      const row = (await instruments.findById(l.instrument.id))!;
      return {
        instrumentVersionId: row.id,
        code: row.code,
        version: row.version,
        title: row.title,
        contentHash: row.contentHash,
        unitType: l.unit.type,
        applicableIndicators: l.views.filter((v) => v.applicable).map((v) => v.code),
        content: row.content as Record<string, unknown>,
      };
    },

    /**
     * Assessments of a cycle the actor may read: a unit's staff see their unit, assessors the
     * units assigned to them, coordinators and leaders their subtree.
     */
    async listForCycle(actor: Actor, cycleId: string): Promise<AssessmentSummaryDto[]> {
      const { cycle } = await deps.cycles.visible(actor, cycleId);
      const [rows, assessors] = await Promise.all([
        cycleRepo.assessmentsOfCycle(cycleId),
        repo.assessorsOfCycle(cycleId),
      ]);
      const assessorsByUnit = new Map<string, Array<{ id: string; name: string }>>();
      for (const a of assessors) {
        const list = assessorsByUnit.get(a.unitId) ?? [];
        list.push({ id: a.userId, name: a.name });
        assessorsByUnit.set(a.unitId, list);
      }
      const mine = rows.filter((r) =>
        can(actor, 'assessment.read', {
          unitPath: r.unit.path,
          assessorIds: (assessorsByUnit.get(r.unit.id) ?? []).map((a) => a.id),
        }),
      );
      if (mine.length === 0) return [];
      const inst = (await instruments.compiledById(cycle.instrumentVersionId))!;
      const [responseRows, verificationRows, snapshots] = await Promise.all([
        cycleRepo.responseFactsOfCycle(cycleId),
        cycleRepo.verificationFactsOfCycle(cycleId),
        repo.snapshotSummaries(
          mine.map((r) => r.assessment.currentSnapshotId).filter((x): x is string => !!x),
        ),
      ]);
      const responsesOf = groupBy(responseRows, (r) => r.assessmentId);
      const verificationsOf = groupBy(verificationRows, (r) => r.assessmentId);
      const snapshotById = new Map(snapshots.map((s) => [s.id, s]));
      const viewsByType = new Map<string, ReturnType<typeof indicatorViews>>();
      return mine.map(({ assessment: a, unit }) => {
        let views = viewsByType.get(unit.type);
        if (!views) {
          views = indicatorViews(inst.compiled, unit.type);
          viewsByType.set(unit.type, views);
        }
        const rFacts = new Map<string, ResponseFacts>(
          (responsesOf.get(a.id) ?? []).map((r) => [r.indicatorCode, r]),
        );
        const vFacts = new Map<string, VerificationFacts>(
          (verificationsOf.get(a.id) ?? []).map((v) => [v.indicatorCode, v]),
        );
        const state = stateOf(a);
        const w = editWindow(cycle.phases as PhaseWindow[], state, a.deadlineExtension);
        return {
          id: a.id,
          cycleId,
          state,
          stateLabel: STATE_LABELS[state].id,
          unit: { id: unit.id, code: unit.code, name: unit.name, shortName: unit.shortName, type: unit.type },
          progress: progressOf(views, rFacts, vFacts, cycle.evidenceThreshold),
          editDeadline: k.wib(w.deadline),
          extended: w.extended,
          submittedAt: a.submittedAt,
          verifiedAt: a.verifiedAt,
          finalizedAt: a.finalizedAt,
          assessors: assessorsByUnit.get(unit.id) ?? [],
          snapshot: a.currentSnapshotId ? (snapshotById.get(a.currentSnapshotId) ?? null) : null,
        };
      });
    },

    /**
     * Saves one answer of the unit's ledger. Idempotent: saving the same answer again changes
     * nothing and returns the same version. Optimistic concurrency: `expectedVersion` must be the
     * current version (0 or absent for the first save), otherwise 409 VERSION_CONFLICT with the
     * current answer in `details.current`. Saving also confirms an answer carried over from the
     * previous cycle.
     */
    async saveResponse(ctx: Ctx, id: string, code: string, input: ResponseInput): Promise<ResponseDto> {
      // First with the context this process read for an earlier save, if any: only a write the
      // database confirms against the current rows counts; anything else (a refusal, a conflict,
      // a fact that changed) starts again from a fresh read.
      const recent = recentContexts.get(id);
      if (recent && Date.now() - recent.at < CONTEXT_REUSE_MS) {
        const withRecent = async (l: Loaded) =>
          saveInOneStatement(ctx, l, await allowedAnswer(ctx, l, code, input));
        const saved = await withRecent(recent.l).catch(() => undefined);
        if (saved) return saved;
      }
      recentContexts.delete(id);

      const l = await k.load(ctx.actor, id);
      rememberContext(id, l);
      const p = await allowedAnswer(ctx, l, code, input);
      const fast = await saveInOneStatement(ctx, l, p);
      if (fast) return fast;

      // Everything else (no-op, conflict, changed links, a refusal) is decided by the transaction;
      // it only checks and writes, presentation happens after the commit.
      const saved = await db.transaction((tx) => saveInTx(tx, ctx, l, p));
      if (saved.kind === 'conflict') throw await conflictOf(p, saved);
      return (await k.presentResponses([{ response: saved.row, evidenceIds: saved.ids }]))[0]!;
    },

    /**
     * Several answers of one assessment saved by the same rules as `saveResponse`, in ONE
     * transaction (the Excel template import). All or nothing, unless `keepValid`: then each
     * answer is saved in its own savepoint and a refused one is reported and skipped. `audit`
     * gives the record written in the same transaction, from what was saved.
     */
    async saveResponses(
      ctx: Ctx,
      id: string,
      items: Array<{ code: string; input: ResponseInput }>,
      opts: { keepValid: boolean; audit: (saved: string[]) => AuditEntry },
    ): Promise<{ saved: string[]; refused: Array<{ code: string; error: AppError }> }> {
      const l = await k.load(ctx.actor, id);
      k.requireAllowed(
        ctx.actor,
        'assessment.edit',
        l,
        'Hanya operator atau kepala unit ini yang dapat mengisi jawaban.',
      );
      const saved: string[] = [];
      const refused: Array<{ code: string; error: AppError }> = [];
      const saveOne = async (tx: DbOrTx, code: string, input: ResponseInput) => {
        const p = await prepareSave(l, code, input, tx);
        const outcome = await saveInTx(tx, ctx, l, p);
        if (outcome.kind === 'conflict') throw await conflictOf(p, outcome, tx);
      };
      try {
        await db.transaction(async (tx) => {
          for (const { code, input } of items) {
            try {
              if (opts.keepValid) await tx.transaction((sp) => saveOne(sp, code, input));
              else await saveOne(tx, code, input);
              saved.push(code);
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              refused.push({ code, error: err });
              if (!opts.keepValid) throw new RolledBack();
            }
          }
          await writeAudit(tx, ctx, opts.audit(saved));
        });
      } catch (err) {
        if (!(err instanceof RolledBack)) throw err;
        return { saved: [], refused };
      }
      return { saved, refused };
    },

    /**
     * The unit head signs off the unit's current answers (when the cycle requires it). The
     * sign-off stays valid only while the answers are unchanged: it stores their digest.
     */
    async signoff(ctx: Ctx, id: string) {
      const l = await k.load(ctx.actor, id);
      k.requireAllowed(
        ctx.actor,
        'assessment.signoff',
        l,
        'Hanya kepala unit ini yang dapat memberi pengesahan.',
      );
      await db.transaction(async (tx) => {
        const a = await repo.lock(id, 'update', tx);
        if (!responsesEditable(stateOf(a))) throw notEditable({ ...l, a });
        const responses = await readResponses(id, tx);
        requireComplete(l, responses);
        const digest = answersDigest(digestRows(responses));
        await repo.patch(id, { signedOffAt: now(), signedOffBy: ctx.actor.id, signedOffHash: digest }, tx);
        await writeAudit(tx, ctx, {
          action: 'assessment.signoff',
          entityType: 'assessment',
          entityId: id,
          unitId: l.unit.id,
          unitPath: l.unit.path,
          before: { signedOffBy: a.signedOffBy, signedOffHash: a.signedOffHash },
          after: { signedOffBy: ctx.actor.id, signedOffHash: digest },
        });
      });
      return reload(ctx.actor, id);
    },

    /**
     * Submits (draft → submitted) or resubmits (returned → resubmitted). Refused with 409
     * SUBMISSION_INCOMPLETE listing what is missing, and, when the cycle requires sign-off, with
     * 409 SIGNOFF_REQUIRED unless the unit head signed off these very answers. A unit head's own
     * submission counts as the sign-off.
     */
    async submit(ctx: Ctx, id: string) {
      const l = await k.load(ctx.actor, id);
      k.requireAllowed(
        ctx.actor,
        'assessment.submit',
        l,
        'Hanya operator atau kepala unit ini yang dapat mengajukan penilaian.',
      );
      await db.transaction(async (tx) => {
        const a = await repo.lock(id, 'update', tx);
        const current: Loaded = { ...l, a };
        const state = stateOf(a);
        const t = transition(state, 'submit');
        if (!t.ok) throw invalidTransition(t.error);
        checkWindowOrThrow(current, state);
        const responses = await readResponses(id, tx);
        requireComplete(l, responses);
        const at = now();
        const signoff: { signedOffAt?: Date; signedOffBy?: string; signedOffHash?: string } = {};
        if (l.cycle.requireSignoff) {
          const digest = answersDigest(digestRows(responses));
          if (k.allowed(ctx.actor, 'assessment.signoff', l)) {
            Object.assign(signoff, { signedOffAt: at, signedOffBy: ctx.actor.id, signedOffHash: digest });
          } else if (a.signedOffHash !== digest) {
            throw new WorkflowConflictError(
              'SIGNOFF_REQUIRED',
              a.signedOffHash
                ? 'Jawaban berubah setelah pengesahan kepala unit; kepala unit perlu mengesahkan ulang sebelum diajukan.'
                : 'Siklus ini mewajibkan pengesahan kepala unit sebelum penilaian diajukan.',
              { signedOffAt: a.signedOffAt, stale: !!a.signedOffHash },
              'The unit head must sign off these answers before submission.',
            );
          }
        }
        await repo.update(id, { state: t.state, submittedAt: at, submittedBy: ctx.actor.id, ...signoff }, tx);
        await writeAudit(tx, ctx, {
          action: 'assessment.submit',
          entityType: 'assessment',
          entityId: id,
          unitId: l.unit.id,
          unitPath: l.unit.path,
          before: { state },
          after: { state: t.state, signedOff: !!signoff.signedOffAt || !!a.signedOffHash },
        });
      });
      return reload(ctx.actor, id);
    },

    /** Grants (or removes) a unit's deadline extension (coordinator), with a reason. */
    async extend(ctx: Ctx, id: string, input: { until: string | null; reason: string }) {
      const l = await k.load(ctx.actor, id);
      k.requireAllowed(
        ctx.actor,
        'assessment.extend',
        l,
        'Hanya koordinator atau administrator yang dapat memberi perpanjangan.',
      );
      let until: Date | null = null;
      if (input.until !== null) {
        until = parseWib(input.until);
        if (!until) {
          throw new ValidationError('Batas perpanjangan bukan tanggal-waktu ISO 8601.', [
            { path: 'until', message: 'Tanggal-waktu tidak valid' },
          ]);
        }
      }
      await db.transaction(async (tx) => {
        const a = await repo.lock(id, 'update', tx);
        if (stateOf(a) === 'final' || stateOf(a) === 'published') {
          throw new WorkflowConflictError(
            'ASSESSMENT_LOCKED',
            `Penilaian berstatus "${STATE_LABELS[stateOf(a)].id}" (${a.state}); perpanjangan tidak berlaku lagi.`,
            { state: a.state },
            `The assessment is ${a.state}; an extension no longer applies.`,
          );
        }
        await repo.patch(id, { deadlineExtension: until, extensionReason: input.reason }, tx);
        await writeAudit(tx, ctx, {
          action: 'assessment.extend',
          entityType: 'assessment',
          entityId: id,
          unitId: l.unit.id,
          unitPath: l.unit.path,
          before: { until: k.wib(a.deadlineExtension), reason: a.extensionReason },
          after: { until: k.wib(until), reason: input.reason },
        });
      });
      return reload(ctx.actor, id);
    },

    async listComments(actor: Actor, id: string, indicator?: string) {
      const l = await k.load(actor, id);
      if (indicator) k.indicatorOrThrow(l, indicator);
      const rows = await repo.comments(id, indicator);
      return rows.map(({ comment: c, authorName }) => ({
        id: c.id,
        indicatorCode: c.indicatorCode,
        body: c.body,
        author: { id: c.authorId, name: authorName },
        authorIsAssessor: l.assessorIds.includes(c.authorId),
        createdAt: c.createdAt,
      }));
    },

    /** Appends a comment to an indicator's thread (unit staff, assigned assessors, coordinators). */
    async addComment(ctx: Ctx, id: string, input: { indicatorCode: string; body: string }) {
      const l = await k.load(ctx.actor, id);
      k.requireAllowed(
        ctx.actor,
        'assessment.comment',
        l,
        'Anda tidak berwenang berkomentar pada penilaian ini.',
      );
      k.indicatorOrThrow(l, input.indicatorCode);
      if (stateOf(l.a) === 'published') {
        throw new WorkflowConflictError(
          'ASSESSMENT_LOCKED',
          'Penilaian sudah dipublikasikan; diskusi ditutup.',
          { state: l.a.state },
          'The assessment is published; the discussion is closed.',
        );
      }
      return db.transaction(async (tx) => {
        const c = await repo.insertComment(
          { assessmentId: id, indicatorCode: input.indicatorCode, authorId: ctx.actor.id, body: input.body },
          tx,
        );
        await writeAudit(tx, ctx, {
          action: 'comment.create',
          entityType: 'comment',
          entityId: String(c.id),
          unitId: l.unit.id,
          unitPath: l.unit.path,
          after: { assessmentId: id, indicatorCode: c.indicatorCode, body: c.body },
        });
        const names = await repo.userNames([ctx.actor.id], tx);
        return {
          id: c.id,
          indicatorCode: c.indicatorCode,
          body: c.body,
          author: { id: ctx.actor.id, name: names.get(ctx.actor.id) ?? '' },
          authorIsAssessor: l.assessorIds.includes(ctx.actor.id),
          createdAt: c.createdAt,
        };
      });
    },

    /** Every change of one indicator's self-assessed and verified values (from the audit log). */
    async history(actor: Actor, id: string, code: string) {
      const l = await k.load(actor, id);
      k.indicatorOrThrow(l, code);
      const tx = db;
      const [r, v] = await Promise.all([
        repo.responseByCode(id, code, tx),
        repo.verificationByCode(id, code, tx),
      ]);
      const entities: Array<{ type: 'response' | 'verification'; id: string }> = [];
      if (r) entities.push({ type: 'response', id: r.id });
      if (v) entities.push({ type: 'verification', id: v.id });
      const rows = await repo.history(entities);
      return {
        indicatorCode: code,
        entries: rows.map((h) => ({
          at: h.at,
          actorId: h.actorId,
          actorEmail: h.actorEmail,
          actorName: h.actorName,
          action: h.action,
          ledger: h.entityType as 'response' | 'verification',
          before: h.before,
          after: h.after,
        })),
      };
    },
  };

  function requireComplete(l: Loaded, responses: Array<{ response: ResponseRow; evidenceIds: string[] }>) {
    const problems = submissionProblems(l.views, k.responseFacts(responses), l.cycle.evidenceThreshold);
    if (problems.length > 0) {
      throw new WorkflowConflictError(
        'SUBMISSION_INCOMPLETE',
        `Penilaian belum lengkap: ${problems.length} hal perlu dilengkapi.`,
        { missing: problems },
        `The assessment is incomplete: ${problems.length} item(s) to complete.`,
      );
    }
  }
}

export type AssessmentsService = ReturnType<typeof assessmentsServiceFactory>;

function isSame(
  row: ResponseRow,
  rowEvidence: string[],
  answer: {
    level: number | null;
    notApplicable: boolean;
    metricValue: string | null;
    justification: string | null;
  },
  evidenceIds: string[],
) {
  return (
    !row.needsConfirmation &&
    sameValue(row, answer) &&
    (row.justification ?? null) === answer.justification &&
    sameIds([...rowEvidence].sort(), evidenceIds)
  );
}

function versionConflict(code: string, current: ResponseDto | null, expected: number) {
  return new WorkflowConflictError(
    'VERSION_CONFLICT',
    current
      ? `Jawaban ${code} telah diubah oleh ${current.updatedBy?.name ?? 'pengguna lain'} (versi ${current.version}); muat ulang lalu simpan kembali.`
      : `Jawaban ${code} belum pernah disimpan; kirim expectedVersion 0.`,
    { current, expectedVersion: expected },
    current
      ? `Answer ${code} was changed by someone else (version ${current.version}); reload and save again.`
      : `Answer ${code} has not been saved yet; send expectedVersion 0.`,
  );
}

function ledgerOf(r: ResponseRow, evidenceIds: string[]) {
  return {
    indicatorCode: r.indicatorCode,
    level: r.level,
    notApplicable: r.notApplicable,
    metricValue: r.metricValue,
    justification: r.justification,
    evidenceIds,
    needsConfirmation: r.needsConfirmation,
    version: r.version,
  };
}

function sameIds(a: string[], b: string[]) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function digestRows(rows: Array<{ response: ResponseRow; evidenceIds: string[] }>) {
  return rows.map(({ response: r, evidenceIds }) => ({
    indicatorCode: r.indicatorCode,
    level: r.level,
    notApplicable: r.notApplicable,
    metricValue: r.metricValue,
    justification: r.justification,
    evidenceIds,
  }));
}

function groupBy<T>(rows: T[], key: (r: T) => string) {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
