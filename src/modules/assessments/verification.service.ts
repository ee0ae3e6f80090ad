import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { contentHash } from '../../domain/instrument/index.js';
import type { Actor } from '../../domain/policy/policy.js';
import { type ScoreResult, scoreAssessment } from '../../domain/scoring/index.js';
import {
  isAnswered,
  normaliseAnswer,
  STATE_LABELS,
  sameValue,
  scoringValue,
  transition,
  VERIFICATION_REASON_LABELS,
  verificationProblems,
  verificationsEditable,
} from '../../domain/workflow/index.js';
import type { RequestContext } from '../../lib/context.js';
import { ValidationError } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { invalidTransition, WorkflowConflictError } from '../cycles/workflow-errors.js';
import type { AssessmentKernel, Loaded } from './assessment-kernel.js';
import { stateOf } from './assessment-kernel.js';
import type { VerificationRow } from './assessments.repo.js';
import type { VerificationDto, VerificationInput } from './assessments.schemas.js';

type Ctx = RequestContext & { actor: Actor };

/** Format tag of the snapshot `inputs` document, so that a receipt reader knows what it holds. */
export const SNAPSHOT_INPUTS_FORMAT = 'mercusuar.score-inputs/1';

/**
 * The assessor's side (verify, return, complete verification) and the coordinator's
 * (finalise with a frozen score snapshot, reopen with a reason).
 */
export function verificationServiceFactory(db: Db, k: AssessmentKernel, now: () => Date) {
  const repo = k.repo;
  const mustVerify = (actor: Actor, l: Loaded) =>
    k.requireAllowed(
      actor,
      'assessment.verify',
      l,
      'Hanya asesor yang ditugaskan pada unit ini yang dapat memverifikasi.',
    );
  const mustFinalize = (actor: Actor, l: Loaded) =>
    k.requireAllowed(
      actor,
      'assessment.finalize',
      l,
      'Hanya koordinator atau administrator yang dapat memfinalisasi penilaian.',
    );

  async function presentVerification(row: VerificationRow, l: Loaded, tx: DbOrTx) {
    const r = await repo.responseByCode(l.a.id, row.indicatorCode, tx);
    return (await k.presentVerifications([row], new Map(r ? [[r.indicatorCode, r.version]] : []), tx))[0]!;
  }

  async function transitionTo(
    ctx: Ctx,
    l: Loaded,
    event: 'return' | 'complete_verification' | 'finalize' | 'reopen',
    work: (
      tx: Tx,
      from: ReturnType<typeof stateOf>,
      to: ReturnType<typeof stateOf>,
    ) => Promise<{
      patch: Record<string, unknown>;
      before?: Record<string, unknown>;
      after?: Record<string, unknown>;
    }>,
  ) {
    await db.transaction(async (tx) => {
      const a = await repo.lock(l.a.id, 'update', tx);
      const from = stateOf(a);
      const t = transition(from, event);
      if (!t.ok) throw invalidTransition(t.error);
      const { patch, before, after } = await work(tx, from, t.state);
      await repo.update(l.a.id, { ...patch, state: t.state }, tx);
      await writeAudit(tx, ctx, {
        action: `assessment.${event}`,
        entityType: 'assessment',
        entityId: l.a.id,
        unitId: l.unit.id,
        unitPath: l.unit.path,
        before: { state: from, ...before },
        after: { state: t.state, ...after },
      });
    });
  }

  return {
    /**
     * Records the assessor's verdict on one indicator: a verified level (metric indicators: a
     * verified measured value), or acceptance of a not-applicable claim; with a reason from the
     * catalogue, a note and the stage. Without a value the unit's own answer is taken over (the
     * usual case with reason "sesuai"). Same idempotence and optimistic concurrency as answers.
     */
    async saveVerification(
      ctx: Ctx,
      id: string,
      code: string,
      input: VerificationInput,
    ): Promise<VerificationDto> {
      const l = await k.load(ctx.actor, id);
      mustVerify(ctx.actor, l);
      const ind = k.indicatorOrThrow(l, code);
      if (!ind.applicable) {
        throw new ValidationError(`Indikator ${code} tidak berlaku untuk jenis unit ini.`, [
          { path: 'indicatorCode', message: 'Tidak berlaku untuk jenis unit ini' },
        ]);
      }
      const expected = input.expectedVersion ?? 0;
      return db.transaction(async (tx) => {
        const a = await repo.lock(id, 'share', tx);
        const state = stateOf(a);
        if (!verificationsEditable(state)) {
          throw new WorkflowConflictError(
            'ASSESSMENT_NOT_VERIFIABLE',
            `Verifikasi tidak dapat diubah karena penilaian berstatus "${STATE_LABELS[state].id}" (${state}).`,
            { state },
            `Verifications cannot change while the assessment is ${state}.`,
          );
        }
        const response = await repo.responseByCode(id, code, tx);
        const given =
          (input.level !== undefined && input.level !== null) ||
          input.notApplicable === true ||
          (input.metricValue !== undefined && input.metricValue !== null);
        let value: { level: number | null; notApplicable: boolean; metricValue: string | null };
        if (!given) {
          if (!response || !isAnswered(response)) {
            throw new ValidationError(
              `Unit belum menjawab ${code}; isi tingkat terverifikasi.`,
              [{ path: 'level', message: 'Wajib diisi' }],
              `The unit has not answered ${code}; give the verified level.`,
            );
          }
          value = {
            level: response.level,
            notApplicable: response.notApplicable,
            metricValue: response.metricValue,
          };
        } else {
          const norm = normaliseAnswer(ind, input, { requireNaJustification: false });
          if (!norm.ok || !isAnswered(norm.answer)) {
            const issues = norm.ok ? [{ path: 'level', message: 'Wajib diisi' }] : norm.issues;
            throw new ValidationError(
              `Verifikasi ${code} tidak valid: ${issues.map((i) => i.message).join(' ')}`,
              issues,
            );
          }
          value = norm.answer;
        }
        const agrees = !!response && sameValue(value, response);
        if (input.reasonCode === 'sesuai' && !agrees) {
          throw new ValidationError(
            'Alasan "Sesuai" hanya dapat dipakai bila nilai terverifikasi sama dengan jawaban unit.',
            [{ path: 'reasonCode', message: 'Pilih alasan yang menjelaskan perbedaan' }],
          );
        }
        if (input.reasonCode === 'lainnya' && !input.note) {
          throw new ValidationError('Alasan "Lainnya" wajib dijelaskan pada catatan.', [
            { path: 'note', message: 'Wajib diisi untuk alasan Lainnya' },
          ]);
        }
        if (input.reasonCode === 'na_tidak_dapat_diterima' && value.notApplicable) {
          throw new ValidationError('Bila N/A tidak diterima, isi tingkat terverifikasi.', [
            { path: 'level', message: 'Wajib diisi' },
          ]);
        }
        const fields = {
          ...value,
          reasonCode: input.reasonCode,
          note: input.note ?? null,
          stage: input.stage,
          responseVersion: response?.version ?? null,
          verifiedBy: ctx.actor.id,
        };
        let row = await repo.verificationByCode(id, code, tx, true);
        let before: VerificationDto | null = null;
        if (!row) {
          if (expected !== 0) throw verificationConflict(code, null, expected);
          row = await repo.insertVerification(
            { assessmentId: id, indicatorCode: code, ...fields, version: 1 },
            tx,
          );
          if (!row) {
            const theirs = (await repo.verificationByCode(id, code, tx, true))!;
            if (sameVerification(theirs, fields)) return presentVerification(theirs, l, tx);
            throw verificationConflict(code, await presentVerification(theirs, l, tx), expected);
          }
        } else {
          if (sameVerification(row, fields)) return presentVerification(row, l, tx);
          before = await presentVerification(row, l, tx);
          if (row.version !== expected) throw verificationConflict(code, before, expected);
          const updated = await repo.updateVerification(row.id, row.version, fields, tx);
          if (!updated) throw verificationConflict(code, before, expected);
          row = updated;
        }
        const after = await presentVerification(row, l, tx);
        await writeAudit(tx, ctx, {
          action: 'verification.save',
          entityType: 'verification',
          entityId: row.id,
          unitId: l.unit.id,
          unitPath: l.unit.path,
          before: before ? verificationView(before) : null,
          after: {
            assessmentId: id,
            ...verificationView(after),
            self: response
              ? {
                  level: response.level,
                  notApplicable: response.notApplicable,
                  metricValue: response.metricValue,
                }
              : null,
          },
        });
        return after;
      });
    },

    /** Sends the assessment back to the unit with the indicators to fix and a message. */
    async returnToUnit(ctx: Ctx, id: string, input: { indicators: string[]; message: string }) {
      const l = await k.load(ctx.actor, id);
      mustVerify(ctx.actor, l);
      const codes = [...new Set(input.indicators)];
      const bad = codes.filter((c) => !l.byCode.get(c)?.applicable);
      if (bad.length > 0) {
        throw new ValidationError(
          `Indikator tidak dikenal atau tidak berlaku bagi unit ini: ${bad.join(', ')}.`,
          bad.map((c) => ({ path: 'indicators', message: `${c} tidak berlaku` })),
        );
      }
      await transitionTo(ctx, l, 'return', async () => ({
        patch: { returnedIndicators: codes, returnMessage: input.message },
        after: { returnedIndicators: codes, message: input.message },
      }));
      return id;
    },

    /** Completes verification: every applicable indicator verified against the current answer. */
    async completeVerification(ctx: Ctx, id: string) {
      const l = await k.load(ctx.actor, id);
      mustVerify(ctx.actor, l);
      await transitionTo(ctx, l, 'complete_verification', async (tx) => {
        const [responses, verifications] = await Promise.all([
          repo.responses(id, tx),
          repo.verifications(id, tx),
        ]);
        const problems = verificationProblems(
          l.views,
          k.responseFacts(responses),
          k.verificationFacts(verifications),
        );
        if (problems.length > 0) {
          throw new WorkflowConflictError(
            'VERIFICATION_INCOMPLETE',
            `Verifikasi belum lengkap: ${problems.length} indikator belum diverifikasi atau perlu diverifikasi ulang.`,
            { missing: problems },
            `Verification is incomplete: ${problems.length} indicator(s) left.`,
          );
        }
        return { patch: { verifiedAt: now() } };
      });
      return id;
    },

    /**
     * Finalises a verified assessment: scores the verified ledger (and, for the over-claiming gap,
     * the self-assessed one) with the cycle's instrument version and freezes inputs, result and the
     * SHA-256 of the canonical inputs in a score snapshot.
     */
    async finalize(ctx: Ctx, id: string) {
      const l = await k.load(ctx.actor, id);
      mustFinalize(ctx.actor, l);
      await transitionTo(ctx, l, 'finalize', async (tx) => {
        const [responses, verifications] = await Promise.all([
          repo.responses(id, tx),
          repo.verifications(id, tx),
        ]);
        const vBy = new Map(verifications.map((v) => [v.indicatorCode, v]));
        const rBy = new Map(responses.map((r) => [r.response.indicatorCode, r]));
        const verified: Array<Record<string, unknown>> = [];
        const self: Array<Record<string, unknown>> = [];
        const verifiedAnswers: Record<string, number | string> = {};
        const selfAnswers: Record<string, number | string> = {};
        for (const ind of l.views) {
          if (!ind.applicable) continue;
          const v = vBy.get(ind.code);
          const vv = scoringValue(ind, v);
          if (vv !== undefined) verifiedAnswers[ind.code] = vv;
          if (v) {
            verified.push({
              code: ind.code,
              value: vv ?? null,
              level: v.level,
              notApplicable: v.notApplicable,
              metricValue: k.trimDecimal(v.metricValue),
              reasonCode: v.reasonCode,
              stage: v.stage,
              verifiedBy: v.verifiedBy,
              verifiedAt: v.updatedAt.toISOString(),
            });
          }
          const r = rBy.get(ind.code);
          const sv = scoringValue(ind, r?.response);
          if (sv !== undefined) selfAnswers[ind.code] = sv;
          if (r) {
            self.push({
              code: ind.code,
              value: sv ?? null,
              level: r.response.level,
              notApplicable: r.response.notApplicable,
              metricValue: k.trimDecimal(r.response.metricValue),
              evidenceIds: r.evidenceIds,
            });
          }
        }
        const unitType = l.unit.type as never;
        const vOut = scoreAssessment(l.compiled, verifiedAnswers, { unitType });
        if (!vOut.ok) {
          throw new WorkflowConflictError(
            'SCORING_FAILED',
            `Skor tidak dapat dihitung: ${vOut.errors.map((e) => e.message).join(' ')}`,
            { errors: vOut.errors },
            'The score cannot be computed.',
          );
        }
        const sOut = scoreAssessment(l.compiled, selfAnswers, { unitType, partial: true });
        const selfResult: ScoreResult | null = sOut.ok ? sOut.result : null;
        const inputs = {
          format: SNAPSHOT_INPUTS_FORMAT,
          instrumentVersion: {
            id: l.instrument.id,
            code: l.instrument.code,
            version: l.instrument.version,
            contentHash: l.instrument.contentHash,
          },
          cycle: { id: l.cycle.id, name: l.cycle.name },
          assessmentId: id,
          unit: {
            id: l.unit.id,
            code: l.unit.code,
            name: l.unit.name,
            shortName: l.unit.shortName,
            type: l.unit.type,
          },
          verified,
          self,
        };
        const inputsHash = contentHash(inputs);
        const snapshot = await repo.insertSnapshot(
          {
            assessmentId: id,
            instrumentVersionId: l.instrument.id,
            inputs,
            result: vOut.result,
            selfResult,
            inputsHash,
            indexValue: vOut.result.index?.reported ?? null,
            predicate: vOut.result.predicate,
            selfIndexValue: selfResult?.index?.reported ?? null,
            selfPredicate: selfResult?.predicate ?? null,
            createdBy: ctx.actor.id,
          },
          tx,
        );
        return {
          patch: { currentSnapshotId: snapshot.id, finalizedAt: now() },
          after: {
            snapshotId: snapshot.id,
            inputsHash,
            indexValue: snapshot.indexValue,
            predicate: snapshot.predicate,
            selfIndexValue: snapshot.selfIndexValue,
          },
        };
      });
      return id;
    },

    /** Reopens a final assessment (back to verified), with a reason; the old snapshot is kept, superseded. */
    async reopen(ctx: Ctx, id: string, reason: string) {
      const l = await k.load(ctx.actor, id);
      mustFinalize(ctx.actor, l);
      await transitionTo(ctx, l, 'reopen', async (tx) => {
        const a = await repo.lock(id, 'update', tx);
        if (a.currentSnapshotId) await repo.supersedeSnapshot(a.currentSnapshotId, reason, now(), tx);
        return {
          patch: { currentSnapshotId: null, finalizedAt: null },
          before: { snapshotId: a.currentSnapshotId },
          after: { supersededSnapshotId: a.currentSnapshotId, reason },
        };
      });
      return id;
    },

    reasonCatalogue() {
      return Object.entries(VERIFICATION_REASON_LABELS).map(([code, l]) => ({
        code,
        label: l.id,
        labelEn: l.en,
        description: l.description,
      }));
    },
  };
}

function sameVerification(
  row: VerificationRow,
  f: {
    level: number | null;
    notApplicable: boolean;
    metricValue: string | null;
    reasonCode: string;
    note: string | null;
    stage: string;
    responseVersion: number | null;
  },
) {
  return (
    sameValue(row, f) &&
    row.reasonCode === f.reasonCode &&
    (row.note ?? null) === f.note &&
    row.stage === f.stage &&
    row.responseVersion === f.responseVersion
  );
}

function verificationConflict(code: string, current: VerificationDto | null, expected: number) {
  return new WorkflowConflictError(
    'VERSION_CONFLICT',
    current
      ? `Verifikasi ${code} telah diubah oleh ${current.verifiedBy?.name ?? 'pengguna lain'} (versi ${current.version}); muat ulang lalu simpan kembali.`
      : `Verifikasi ${code} belum pernah disimpan; kirim expectedVersion 0.`,
    { current, expectedVersion: expected },
    current
      ? `Verification of ${code} was changed by someone else (version ${current.version}).`
      : `Verification of ${code} has not been saved yet; send expectedVersion 0.`,
  );
}

function verificationView(v: VerificationDto) {
  return {
    indicatorCode: v.indicatorCode,
    level: v.level,
    notApplicable: v.notApplicable,
    metricValue: v.metricValue,
    reasonCode: v.reasonCode,
    note: v.note,
    stage: v.stage,
    responseVersion: v.responseVersion,
    version: v.version,
  };
}
