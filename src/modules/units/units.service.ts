import type { Db } from '../../db/client.js';
import { type Actor, can, hasRole, scopePaths } from '../../domain/policy/policy.js';
import { placementProblem } from '../../domain/units.js';
import type { RequestContext } from '../../lib/context.js';
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
} from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { type UnitRow, unitsRepo } from './units.repo.js';
import type { UnitDto, UnitInput, UnitPatch } from './units.schemas.js';

export function presentUnit(u: UnitRow, parentCode: string | null): UnitDto {
  return {
    id: u.id,
    code: u.code,
    name: u.name,
    shortName: u.shortName,
    type: u.type,
    parentId: u.parentId,
    parentCode,
    depth: u.depth,
    active: u.active,
    address: u.address,
    latitude: u.latitude,
    longitude: u.longitude,
  };
}

/** Organisation registry: the tree every scope check hangs on. */
export function unitsServiceFactory(db: Db) {
  const repo = unitsRepo(db);

  /** Loads a unit the actor may read; 404 (not 403) outside scope so its existence does not leak. */
  async function getReadable(actor: Actor, id: string) {
    const unit = await repo.findById(id);
    if (!unit || !can(actor, 'unit.read', { unitPath: unit.path })) throw new NotFoundError('Unit', id);
    return unit;
  }

  async function parentCodeOf(u: UnitRow) {
    if (!u.parentId) return null;
    return (await repo.findById(u.parentId))?.code ?? null;
  }

  return {
    repo,

    async list(actor: Actor, f: { root?: string; type?: string; q?: string; active?: boolean }) {
      let rootPath: string | undefined;
      if (f.root) {
        const root = await repo.findByCode(f.root);
        if (!root || !can(actor, 'unit.read', { unitPath: root.path }))
          throw new NotFoundError('Unit', f.root);
        rootPath = root.path;
      }
      const rows = await repo.list({ scopePaths: scopePaths(actor, 'unit.read'), rootPath, ...f });
      const codeById = new Map(rows.map((r) => [r.id, r.code]));
      const missing = rows.filter((r) => r.parentId && !codeById.has(r.parentId)).map((r) => r.parentId!);
      for (const id of new Set(missing)) {
        const p = await repo.findById(id);
        if (p) codeById.set(p.id, p.code);
      }
      return rows.map((r) => presentUnit(r, r.parentId ? (codeById.get(r.parentId) ?? null) : null));
    },

    async get(actor: Actor, id: string) {
      const unit = await getReadable(actor, id);
      return presentUnit(unit, await parentCodeOf(unit));
    },

    /** Creates a unit under its parent (by code). Only admins create Pemda roots. */
    async create(ctx: RequestContext & { actor: Actor }, input: UnitInput) {
      const parent = input.parentCode ? ((await repo.findByCode(input.parentCode)) ?? null) : null;
      if (input.parentCode && (!parent || !can(ctx.actor, 'unit.read', { unitPath: parent.path }))) {
        throw new ValidationError(`Unit induk dengan kode ${input.parentCode} tidak ditemukan.`, [
          { path: 'parentCode', message: 'Unit induk tidak ditemukan' },
        ]);
      }
      if (parent ? !can(ctx.actor, 'unit.create', { unitPath: parent.path }) : !hasRole(ctx.actor, 'admin')) {
        throw new ForbiddenError('Anda tidak berwenang menambah unit di sini.');
      }
      const problem = placementProblem(input.type, parent?.type ?? null);
      if (problem) throw new ValidationError(problem, [{ path: 'type', message: problem }]);
      try {
        return await db.transaction(async (tx) => {
          const { parentCode: _p, ...values } = input;
          const row = await repo.insert({ ...values, parentId: parent?.id ?? null }, parent, tx);
          await writeAudit(tx, ctx, {
            action: 'unit.create',
            entityType: 'unit',
            entityId: row.id,
            unitId: row.id,
            unitPath: row.path,
            after: presentUnit(row, parent?.code ?? null),
          });
          return presentUnit(row, parent?.code ?? null);
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ConflictError(`Kode unit ${input.code} sudah dipakai.`, [
            { path: 'code', message: 'Kode sudah dipakai' },
          ]);
        }
        throw err;
      }
    },

    /** Updates fields and optionally moves the unit under another parent within scope. */
    async update(ctx: RequestContext & { actor: Actor }, id: string, patch: UnitPatch) {
      const unit = await getReadable(ctx.actor, id);
      if (!can(ctx.actor, 'unit.update', { unitPath: unit.path })) throw new ForbiddenError();
      let newParent: UnitRow | null | undefined;
      if (patch.parentCode !== undefined) {
        newParent = patch.parentCode ? ((await repo.findByCode(patch.parentCode)) ?? undefined) : null;
        if (newParent === undefined) {
          throw new ValidationError(`Unit induk dengan kode ${patch.parentCode} tidak ditemukan.`, [
            { path: 'parentCode', message: 'Unit induk tidak ditemukan' },
          ]);
        }
        if (newParent && newParent.path.startsWith(unit.path)) {
          throw new ValidationError('Unit tidak dapat dipindahkan ke bawah dirinya sendiri.', [
            { path: 'parentCode', message: 'Siklus pada pohon organisasi' },
          ]);
        }
        if (
          newParent
            ? !can(ctx.actor, 'unit.update', { unitPath: newParent.path })
            : !hasRole(ctx.actor, 'admin')
        ) {
          throw new ForbiddenError('Anda tidak berwenang memindahkan unit ke sana.');
        }
      }
      const parentType =
        newParent !== undefined ? (newParent?.type ?? null) : ((await parentOf(unit))?.type ?? null);
      const problem = placementProblem(patch.type ?? unit.type, parentType);
      if (problem) throw new ValidationError(problem, [{ path: 'type', message: problem }]);

      const before = presentUnit(unit, await parentCodeOf(unit));
      return db.transaction(async (tx) => {
        if (newParent !== undefined && newParent?.id !== unit.parentId) await repo.move(unit, newParent, tx);
        const { parentCode: _p, ...fields } = patch;
        const row = (await repo.update(id, fields, tx))!;
        const after = presentUnit(
          row,
          newParent !== undefined ? (newParent?.code ?? null) : before.parentCode,
        );
        await writeAudit(tx, ctx, {
          action: 'unit.update',
          entityType: 'unit',
          entityId: id,
          unitId: id,
          unitPath: row.path,
          before,
          after,
        });
        return after;
      });
    },
  };

  async function parentOf(u: UnitRow) {
    return u.parentId ? repo.findById(u.parentId) : null;
  }
}

export type UnitsService = ReturnType<typeof unitsServiceFactory>;
