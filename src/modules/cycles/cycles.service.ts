import type { Db, DbOrTx } from '../../db/client.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { type Actor, can } from '../../domain/policy/policy.js';
import {
  CYCLE_STATUS_LABELS,
  type CycleStatus,
  carryOver,
  currentPhase,
  indicatorViews,
  normalisePhases,
  PHASE_LABELS,
  type PhaseWindow,
  unitsInScope,
} from '../../domain/workflow/index.js';
import type { RequestContext } from '../../lib/context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { unitsRepo } from '../units/units.repo.js';
import { type CycleRow, cyclesRepo } from './cycles.repo.js';
import type { CycleDetailDto, CycleDto, CycleInput, CyclePatch } from './cycles.schemas.js';
import { compiledOf, instrumentVersionsReader } from './instrument-versions.js';
import { WorkflowConflictError } from './workflow-errors.js';

type Ctx = RequestContext & { actor: Actor };
type ScopeInfo = { id: string; code: string; name: string; path: string; type: string };
type InstrumentMeta = { id: string; code: string; version: string; title: string };

const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

/** Cycles: the evaluation rounds, their scope, phases, assessors; opening and publication. */
export interface CyclesServiceOptions {
  now?: () => Date;
  /**
   * Runs after a publication has committed (open data release). Its failure never undoes the
   * publication: it is reported on the process's warning channel and can be retried on its own.
   */
  onPublished?: (cycleId: string, ctx: Ctx) => Promise<unknown>;
}

export function cyclesServiceFactory(db: Db, opts: CyclesServiceOptions = {}) {
  const repo = cyclesRepo(db);
  const unitRepo = unitsRepo(db);
  const instruments = instrumentVersionsReader(db);
  const now = opts.now ?? (() => new Date());

  /**
   * A cycle is visible to users whose role node is at or above its scope root (coordinators,
   * leaders), to users with a unit in it (a unit's staff see the cycles their unit is assessed in),
   * and to the assessors assigned in it. Anyone else gets 404: existence is not leaked.
   */
  async function visible(actor: Actor, id: string) {
    if (!can(actor, 'cycle.read')) throw new NotFoundError('Siklus', id);
    const [found] = await repo.listWithScope(id);
    if (!found) throw new NotFoundError('Siklus', id);
    const access = await accessOf(actor);
    if (!isVisible(actor, found.scope.path, found.cycle.id, access)) throw new NotFoundError('Siklus', id);
    return found;
  }

  async function accessOf(actor: Actor) {
    const [assessed, withUnits] = await Promise.all([
      repo.cycleIdsAssessedBy(actor.id),
      repo.cycleIdsWithUnitsUnder(actor.assignments.map((a) => a.unitPath)),
    ]);
    return new Set([...assessed, ...withUnits]);
  }

  function isVisible(actor: Actor, scopePath: string, cycleId: string, access: ReadonlySet<string>) {
    return access.has(cycleId) || actor.assignments.some((a) => scopePath.startsWith(a.unitPath));
  }

  async function manageable(actor: Actor, id: string) {
    const found = await visible(actor, id);
    if (!can(actor, 'cycle.manage', { unitPath: found.scope.path })) {
      throw new ForbiddenError(
        'Hanya koordinator atau administrator lingkup ini yang dapat mengelola siklus.',
      );
    }
    return found;
  }

  function present(
    row: CycleRow,
    scope: ScopeInfo,
    instrument: InstrumentMeta,
    counts: Record<string, number>,
    actor: Actor,
  ): CycleDto {
    const phases = (row.phases as PhaseWindow[]).map((p) => ({
      ...p,
      label: PHASE_LABELS[p.phase]?.id ?? p.phase,
    }));
    const status = row.status as CycleStatus;
    return {
      id: row.id,
      name: row.name,
      periodStart: row.periodStart,
      periodEnd: row.periodEnd,
      status,
      statusLabel: CYCLE_STATUS_LABELS[status]?.id ?? status,
      instrument: {
        id: instrument.id,
        code: instrument.code,
        version: instrument.version,
        title: instrument.title,
      },
      scopeUnit: { id: scope.id, code: scope.code, name: scope.name },
      scopeUnitTypes: row.scopeUnitTypes,
      includeNestedPemda: row.scopeIncludeNestedPemda,
      phases,
      currentPhase: row.status === 'open' ? currentPhase(row.phases as PhaseWindow[], now()) : null,
      targetIndex: row.targetIndex === null ? null : trimDecimal(row.targetIndex),
      evidenceThreshold: row.evidenceThreshold,
      requireSignoff: row.requireSignoff,
      previousCycleId: row.previousCycleId,
      openedAt: row.openedAt,
      publishedAt: row.publishedAt,
      createdAt: row.createdAt,
      assessmentCount: Object.values(counts).reduce((a, b) => a + b, 0),
      stateCounts: counts,
      canManage: can(actor, 'cycle.manage', { unitPath: scope.path }),
    };
  }

  async function presentOne(row: CycleRow, scope: ScopeInfo, actor: Actor, tx: DbOrTx = db) {
    const meta = (await instruments.metaById(row.instrumentVersionId, tx))!;
    const counts = countsByCycle(await repo.stateCounts([row.id], tx)).get(row.id) ?? {};
    return present(row, scope, meta, counts, actor);
  }

  async function publishedInstrument(id: string) {
    const row = await instruments.findById(id);
    if (row?.status !== 'published') {
      throw new ValidationError('Versi instrumen harus ada dan sudah terbit.', [
        { path: 'instrumentVersionId', message: 'Versi instrumen tidak ditemukan atau belum terbit' },
      ]);
    }
    return row;
  }

  function phasesOrThrow(input: CycleInput['phases']) {
    const r = normalisePhases(input);
    if (!r.ok) {
      throw new ValidationError(
        `Jadwal tahapan tidak valid: ${r.issues.map((i) => i.message).join(' ')}`,
        r.issues,
        'Invalid phase windows',
      );
    }
    return r.phases;
  }

  function periodOrThrow(start: string, end: string) {
    if (end < start) {
      throw new ValidationError('Akhir periode tidak boleh sebelum awal periode.', [
        { path: 'periodEnd', message: 'Akhir periode sebelum awal periode' },
      ]);
    }
  }

  async function previousOrThrow(actor: Actor, id: string | null | undefined, selfId?: string) {
    if (!id) return null;
    if (id === selfId) {
      throw new ValidationError('Siklus sebelumnya tidak boleh siklus ini sendiri.', [
        { path: 'previousCycleId', message: 'Siklus yang sama' },
      ]);
    }
    try {
      return (await visible(actor, id)).cycle;
    } catch {
      throw new ValidationError('Siklus sebelumnya tidak ditemukan.', [
        { path: 'previousCycleId', message: 'Siklus tidak ditemukan' },
      ]);
    }
  }

  /** Units a cycle evaluates: before opening computed from its scope, afterwards its assessments. */
  async function scopeUnitsOf(cycle: CycleRow, scope: ScopeInfo, tx: DbOrTx = db) {
    const subtree = await repo.subtreeUnits(scope.path, tx);
    return unitsInScope(subtree, scope, cycle.scopeUnitTypes, cycle.scopeIncludeNestedPemda);
  }

  /**
   * Checks assessor assignments: each unit in the cycle's scope, each user an active assessor
   * whose role node contains the unit. Returns unit id → user ids.
   */
  async function resolveAssessors(
    assignments: Array<{ unitCode: string; userIds: string[] }>,
    inScope: Array<{ id: string; code: string; path: string }>,
  ) {
    const byCode = new Map(inScope.map((u) => [u.code, u]));
    const holders = await repo.assessorRoleHolders([...new Set(assignments.flatMap((a) => a.userIds))]);
    const out = new Map<string, string[]>();
    assignments.forEach((a, i) => {
      const unit = byCode.get(a.unitCode);
      if (!unit) {
        throw new ValidationError(`Unit ${a.unitCode} tidak termasuk lingkup siklus ini.`, [
          { path: `assignments.${i}.unitCode`, message: 'Unit di luar lingkup siklus' },
        ]);
      }
      a.userIds.forEach((userId, j) => {
        if (!holders.some((h) => h.userId === userId && unit.path.startsWith(h.unitPath))) {
          throw new ValidationError(
            `Pengguna ${userId} bukan asesor yang berwenang untuk unit ${a.unitCode}.`,
            [{ path: `assignments.${i}.userIds.${j}`, message: 'Bukan asesor untuk unit ini' }],
          );
        }
      });
      out.set(unit.id, [...new Set(a.userIds)]);
    });
    return out;
  }

  async function assessorsByUnit(cycleId: string, tx: DbOrTx = db) {
    const rows = await repo.assessorsOfCycle(cycleId, tx);
    const map = new Map<string, Array<{ id: string; name: string }>>();
    for (const r of rows) {
      const list = map.get(r.unitId) ?? [];
      list.push({ id: r.userId, name: r.name });
      map.set(r.unitId, list);
    }
    return map;
  }

  /** Units of a cycle as the detail and assessor screens show them. */
  async function unitsView(cycle: CycleRow, scope: ScopeInfo, actor: Actor, all: boolean) {
    const assessors = await assessorsByUnit(cycle.id);
    const rows =
      cycle.status === 'draft'
        ? (await scopeUnitsOf(cycle, scope)).map((u) => ({ unit: u, assessmentId: null, state: null }))
        : (await repo.assessmentsOfCycle(cycle.id)).map((r) => ({
            unit: r.unit,
            assessmentId: r.assessment.id as string | null,
            state: r.assessment.state as string | null,
          }));
    return rows
      .filter(
        ({ unit }) =>
          all ||
          can(actor, 'assessment.read', {
            unitPath: unit.path,
            assessorIds: (assessors.get(unit.id) ?? []).map((a) => a.id),
          }),
      )
      .map(({ unit, assessmentId, state }) => ({
        id: unit.id,
        code: unit.code,
        name: unit.name,
        shortName: unit.shortName,
        type: unit.type,
        assessmentId,
        state,
        assessors: assessors.get(unit.id) ?? [],
      }));
  }

  return {
    repo,
    visible,

    /** Cycles the actor may see, newest period first. */
    async list(actor: Actor): Promise<CycleDto[]> {
      if (!can(actor, 'cycle.read')) return [];
      const rows = await repo.listWithScope();
      const access = await accessOf(actor);
      const mine = rows.filter((r) => isVisible(actor, r.scope.path, r.cycle.id, access));
      const metas = new Map(
        (await instruments.metaByIds([...new Set(mine.map((r) => r.cycle.instrumentVersionId))])).map((m) => [
          m.id,
          m,
        ]),
      );
      const counts = countsByCycle(await repo.stateCounts(mine.map((r) => r.cycle.id)));
      return mine.map((r) =>
        present(
          r.cycle,
          r.scope,
          metas.get(r.cycle.instrumentVersionId)!,
          counts.get(r.cycle.id) ?? {},
          actor,
        ),
      );
    },

    async get(actor: Actor, id: string): Promise<CycleDetailDto> {
      const { cycle, scope } = await visible(actor, id);
      const manager = can(actor, 'cycle.manage', { unitPath: scope.path });
      return {
        ...(await presentOne(cycle, scope, actor)),
        units: await unitsView(cycle, scope, actor, manager),
      };
    },

    /** Creates a draft cycle (coordinator/admin of the scope). */
    async create(ctx: Ctx, input: CycleInput): Promise<CycleDto> {
      if (!can(ctx.actor, 'cycle.manage'))
        throw new ForbiddenError('Hanya koordinator atau administrator yang dapat membuat siklus.');
      const scope = await unitRepo.findByCode(input.scopeUnitCode);
      if (!scope || !can(ctx.actor, 'unit.read', { unitPath: scope.path })) {
        throw new ValidationError(`Unit lingkup ${input.scopeUnitCode} tidak ditemukan.`, [
          { path: 'scopeUnitCode', message: 'Unit tidak ditemukan' },
        ]);
      }
      if (!can(ctx.actor, 'cycle.manage', { unitPath: scope.path })) {
        throw new ForbiddenError(`Anda tidak berwenang membuat siklus untuk ${scope.name}.`);
      }
      periodOrThrow(input.periodStart, input.periodEnd);
      const phases = phasesOrThrow(input.phases);
      await publishedInstrument(input.instrumentVersionId);
      const previous = await previousOrThrow(ctx.actor, input.previousCycleId);
      const draft = {
        scopeUnitTypes: input.scopeUnitTypes,
        scopeIncludeNestedPemda: input.includeNestedPemda,
      } as CycleRow;
      const assessorMap = input.assessors?.length
        ? await resolveAssessors(input.assessors, await scopeUnitsOf(draft, scope))
        : new Map<string, string[]>();

      return db.transaction(async (tx) => {
        const row = await repo.insert(
          {
            name: input.name,
            periodStart: input.periodStart,
            periodEnd: input.periodEnd,
            instrumentVersionId: input.instrumentVersionId,
            scopeUnitId: scope.id,
            scopeUnitTypes: input.scopeUnitTypes,
            scopeIncludeNestedPemda: input.includeNestedPemda,
            phases,
            targetIndex: input.targetIndex ?? null,
            evidenceThreshold: input.evidenceThreshold,
            requireSignoff: input.requireSignoff,
            previousCycleId: previous?.id ?? null,
            createdBy: ctx.actor.id,
          },
          tx,
        );
        for (const [unitId, userIds] of assessorMap) await repo.replaceAssessors(row.id, unitId, userIds, tx);
        const dto = await presentOne(row, scope, ctx.actor, tx);
        await writeAudit(tx, ctx, {
          action: 'cycle.create',
          entityType: 'cycle',
          entityId: row.id,
          unitId: scope.id,
          unitPath: scope.path,
          after: { ...auditView(row), assessors: Object.fromEntries(assessorMap) },
        });
        return dto;
      });
    },

    /**
     * Changes a cycle. Name, period, phase windows and target may change until publication;
     * instrument, scope, evidence threshold, sign-off and previous cycle only while in draft.
     */
    async update(ctx: Ctx, id: string, patch: CyclePatch): Promise<CycleDto> {
      const { cycle, scope } = await manageable(ctx.actor, id);
      if (cycle.status === 'published') {
        throw new WorkflowConflictError(
          'CYCLE_PUBLISHED',
          'Siklus yang sudah dipublikasikan tidak dapat diubah.',
          { status: cycle.status },
          'A published cycle cannot be changed.',
        );
      }
      const draftOnly = [
        'instrumentVersionId',
        'scopeUnitTypes',
        'includeNestedPemda',
        'evidenceThreshold',
        'requireSignoff',
        'previousCycleId',
      ] as const;
      const blocked = draftOnly.filter((k) => patch[k] !== undefined);
      if (cycle.status !== 'draft' && blocked.length > 0) {
        throw new WorkflowConflictError(
          'CYCLE_NOT_DRAFT',
          `Siklus sudah dibuka (status "${cycle.status}"); ${blocked.join(', ')} hanya dapat diubah saat draf.`,
          { status: cycle.status, fields: blocked },
          `The cycle is ${cycle.status}; ${blocked.join(', ')} can only change while it is a draft.`,
        );
      }
      periodOrThrow(patch.periodStart ?? cycle.periodStart, patch.periodEnd ?? cycle.periodEnd);
      const phases = patch.phases ? phasesOrThrow(patch.phases) : undefined;
      if (patch.instrumentVersionId) await publishedInstrument(patch.instrumentVersionId);
      const previous =
        patch.previousCycleId !== undefined
          ? await previousOrThrow(ctx.actor, patch.previousCycleId, id)
          : undefined;
      return db.transaction(async (tx) => {
        const row = await repo.update(
          id,
          {
            name: patch.name,
            periodStart: patch.periodStart,
            periodEnd: patch.periodEnd,
            instrumentVersionId: patch.instrumentVersionId,
            scopeUnitTypes: patch.scopeUnitTypes,
            scopeIncludeNestedPemda: patch.includeNestedPemda,
            phases,
            targetIndex: patch.targetIndex,
            evidenceThreshold: patch.evidenceThreshold,
            requireSignoff: patch.requireSignoff,
            previousCycleId: previous === undefined ? undefined : (previous?.id ?? null),
          },
          tx,
        );
        await writeAudit(tx, ctx, {
          action: 'cycle.update',
          entityType: 'cycle',
          entityId: id,
          unitId: scope.id,
          unitPath: scope.path,
          before: auditView(cycle),
          after: auditView(row),
        });
        return presentOne(row, scope, ctx.actor, tx);
      });
    },

    async getAssessors(actor: Actor, id: string) {
      const { cycle, scope } = await manageable(actor, id);
      const holders = await repo.assessorRoleHolders();
      const candidates = new Map<string, { id: string; name: string; email: string; unitCode: string }>();
      for (const h of holders) {
        if (overlaps(h.unitPath, scope.path) && !candidates.has(h.userId)) {
          candidates.set(h.userId, { id: h.userId, name: h.name, email: h.email, unitCode: h.unitCode });
        }
      }
      return { units: await unitsView(cycle, scope, actor, true), candidates: [...candidates.values()] };
    },

    /** Replaces the assessors of the listed units (other units keep theirs). */
    async setAssessors(ctx: Ctx, id: string, assignments: Array<{ unitCode: string; userIds: string[] }>) {
      const { cycle, scope } = await manageable(ctx.actor, id);
      if (cycle.status === 'published') {
        throw new WorkflowConflictError(
          'CYCLE_PUBLISHED',
          'Asesor siklus yang sudah dipublikasikan tidak dapat diubah.',
          { status: cycle.status },
          'Assessors of a published cycle cannot change.',
        );
      }
      const inScope =
        cycle.status === 'draft'
          ? await scopeUnitsOf(cycle, scope)
          : (await repo.assessmentsOfCycle(cycle.id)).map((r) => r.unit);
      const map = await resolveAssessors(assignments, inScope);
      const before = await assessorsByUnit(id);
      await db.transaction(async (tx) => {
        for (const [unitId, userIds] of map) {
          await repo.replaceAssessors(id, unitId, userIds, tx);
          const unit = inScope.find((u) => u.id === unitId)!;
          await writeAudit(tx, ctx, {
            action: 'cycle.assessors',
            entityType: 'cycle',
            entityId: id,
            unitId,
            unitPath: unit.path,
            before: { unitCode: unit.code, userIds: (before.get(unitId) ?? []).map((a) => a.id) },
            after: { unitCode: unit.code, userIds },
          });
        }
      });
      return { units: await unitsView(cycle, scope, ctx.actor, true) };
    },

    /**
     * Opens a draft cycle: one assessment (state draft) per unit in scope, with the previous
     * cycle's answers carried over where they still fit, each flagged "confirm again".
     */
    async open(ctx: Ctx, id: string) {
      const { cycle, scope } = await manageable(ctx.actor, id);
      if (cycle.status !== 'draft') {
        throw new WorkflowConflictError(
          'CYCLE_ALREADY_OPEN',
          `Siklus ini berstatus "${CYCLE_STATUS_LABELS[cycle.status as CycleStatus]?.id ?? cycle.status}" (${cycle.status}); hanya siklus draf yang dapat dibuka.`,
          { status: cycle.status },
          `The cycle is ${cycle.status}; only a draft cycle can be opened.`,
        );
      }
      const inScope = await scopeUnitsOf(cycle, scope);
      if (inScope.length === 0) {
        throw new WorkflowConflictError(
          'CYCLE_SCOPE_EMPTY',
          'Tidak ada unit aktif dalam lingkup siklus ini; periksa unit lingkup dan jenis unit.',
          { scopeUnitCode: scope.code, scopeUnitTypes: cycle.scopeUnitTypes },
          'No active unit is in the scope of this cycle.',
        );
      }
      const version = (await instruments.findById(cycle.instrumentVersionId))!;
      const compiled = compiledOf(version);
      const crosswalk = (version.content as Instrument).crosswalk?.map ?? null;
      const previous = cycle.previousCycleId
        ? await repo.previousAnswers(
            cycle.previousCycleId,
            inScope.map((u) => u.id),
          )
        : [];

      return db.transaction(async (tx) => {
        const locked = await repo.findByIdForUpdate(id, tx);
        if (locked?.status !== 'draft') {
          throw new WorkflowConflictError('CYCLE_ALREADY_OPEN', 'Siklus ini sudah dibuka.', {
            status: locked?.status,
          });
        }
        const created = await repo.insertAssessments(
          inScope.map((u) => ({ cycleId: id, unitId: u.id, state: 'draft' })),
          tx,
        );
        const unitById = new Map(inScope.map((u) => [u.id, u]));
        const carried: Array<{
          assessmentId: string;
          unitId: string;
          c: ReturnType<typeof carryOver>[number];
        }> = [];
        for (const a of created) {
          const unit = unitById.get(a.unitId)!;
          const answers = carryOver(
            previous.filter((p) => p.unitId === a.unitId),
            indicatorViews(compiled, unit.type),
            crosswalk,
          );
          for (const c of answers) carried.push({ assessmentId: a.id, unitId: a.unitId, c });
        }
        const inserted = await repo.insertResponses(
          carried.map(({ assessmentId, c }) => ({
            assessmentId,
            indicatorCode: c.indicatorCode,
            level: c.answer.level,
            notApplicable: c.answer.notApplicable,
            metricValue: c.answer.metricValue,
            justification: c.answer.justification,
            needsConfirmation: true,
          })),
          tx,
        );
        const responseId = new Map(inserted.map((r) => [`${r.assessmentId}|${r.indicatorCode}`, r.id]));
        await repo.insertResponseEvidence(
          carried.flatMap(({ assessmentId, c }) =>
            c.evidenceIds.map((evidenceId) => ({
              responseId: responseId.get(`${assessmentId}|${c.indicatorCode}`)!,
              evidenceId,
            })),
          ),
          tx,
        );
        const row = await repo.update(id, { status: 'open', openedAt: now() }, tx);
        for (const a of created) {
          const unit = unitById.get(a.unitId)!;
          await writeAudit(tx, ctx, {
            action: 'assessment.create',
            entityType: 'assessment',
            entityId: a.id,
            unitId: unit.id,
            unitPath: unit.path,
            after: {
              cycleId: id,
              unitCode: unit.code,
              state: 'draft',
              carriedAnswers: carried.filter((c) => c.assessmentId === a.id).length,
            },
          });
        }
        await writeAudit(tx, ctx, {
          action: 'cycle.open',
          entityType: 'cycle',
          entityId: id,
          unitId: scope.id,
          unitPath: scope.path,
          before: { status: cycle.status },
          after: { status: 'open', assessments: created.length, carriedAnswers: carried.length },
        });
        return {
          cycle: await presentOne(row, scope, ctx.actor, tx),
          created: created.length,
          carriedAnswers: carried.length,
        };
      });
    },

    /**
     * Publishes an open cycle: every assessment must be final (otherwise 409 listing those that
     * are not); all become published and the results become public.
     */
    async publish(ctx: Ctx, id: string) {
      const { scope } = await visible(ctx.actor, id);
      if (!can(ctx.actor, 'cycle.publish', { unitPath: scope.path })) {
        throw new ForbiddenError(
          'Hanya koordinator atau administrator lingkup ini yang dapat memublikasikan siklus.',
        );
      }
      const published = await db.transaction(async (tx) => {
        const locked = (await repo.findByIdForUpdate(id, tx))!;
        if (locked.status !== 'open' && locked.status !== 'closed') {
          throw new WorkflowConflictError(
            'CYCLE_NOT_OPEN',
            `Siklus berstatus "${CYCLE_STATUS_LABELS[locked.status as CycleStatus]?.id ?? locked.status}" (${locked.status}); hanya siklus yang sedang berjalan dapat dipublikasikan.`,
            { status: locked.status },
            `The cycle is ${locked.status}; only an open cycle can be published.`,
          );
        }
        const all = await repo.assessmentsOfCycle(id, tx);
        const notFinal = all.filter((r) => r.assessment.state !== 'final');
        if (all.length === 0 || notFinal.length > 0) {
          throw new WorkflowConflictError(
            'CYCLE_NOT_READY',
            `Siklus belum dapat dipublikasikan: ${notFinal.length} penilaian belum final (${notFinal
              .slice(0, 10)
              .map((r) => r.unit.code)
              .join(', ')}${notFinal.length > 10 ? ', …' : ''}).`,
            {
              notFinal: notFinal.map((r) => ({
                assessmentId: r.assessment.id,
                unitCode: r.unit.code,
                unitName: r.unit.name,
                state: r.assessment.state,
              })),
            },
            `The cycle cannot be published: ${notFinal.length} assessment(s) are not final.`,
          );
        }
        const at = now();
        const changed = await repo.publishAssessments(id, tx);
        const row = await repo.update(
          id,
          { status: 'published', publishedAt: at, publishedScope: { code: scope.code, name: scope.name } },
          tx,
        );
        const unitById = new Map(all.map((r) => [r.unit.id, r.unit]));
        for (const a of changed) {
          const unit = unitById.get(a.unitId)!;
          await writeAudit(tx, ctx, {
            action: 'assessment.publish',
            entityType: 'assessment',
            entityId: a.id,
            unitId: unit.id,
            unitPath: unit.path,
            before: { state: 'final' },
            after: { state: 'published' },
          });
        }
        await writeAudit(tx, ctx, {
          action: 'cycle.publish',
          entityType: 'cycle',
          entityId: id,
          unitId: scope.id,
          unitPath: scope.path,
          before: { status: locked.status },
          after: { status: 'published', publishedAt: at.toISOString(), assessments: changed.length },
        });
        return presentOne(row, scope, ctx.actor, tx);
      });
      if (opts.onPublished) {
        try {
          await opts.onPublished(id, ctx);
        } catch (err) {
          process.emitWarning(`cycle ${id} published, but its after-publication step failed: ${String(err)}`);
        }
      }
      return published;
    },
  };
}

export type CyclesService = ReturnType<typeof cyclesServiceFactory>;

function countsByCycle(rows: Array<{ cycleId: string; state: string; n: number }>) {
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const m = out.get(r.cycleId) ?? {};
    m[r.state] = r.n;
    out.set(r.cycleId, m);
  }
  return out;
}

function trimDecimal(v: string) {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}

function auditView(row: CycleRow) {
  return {
    name: row.name,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    instrumentVersionId: row.instrumentVersionId,
    scopeUnitId: row.scopeUnitId,
    scopeUnitTypes: row.scopeUnitTypes,
    includeNestedPemda: row.scopeIncludeNestedPemda,
    phases: row.phases,
    targetIndex: row.targetIndex,
    evidenceThreshold: row.evidenceThreshold,
    requireSignoff: row.requireSignoff,
    previousCycleId: row.previousCycleId,
    status: row.status,
  };
}
