import type { Db } from '../../db/client.js';
import { type Actor, can, hasRole, type Role } from '../../domain/policy/policy.js';
import type { RequestContext } from '../../lib/context.js';
import { hashPassword } from '../../lib/crypto.js';
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
} from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import { authRepo } from '../auth/auth.repo.js';
import { assertPasswordStrength } from '../auth/auth.service.js';
import { unitsRepo } from '../units/units.repo.js';
import { type UserRow, usersRepo } from './users.repo.js';
import type { UserDto } from './users.schemas.js';

type Ctx = RequestContext & { actor: Actor };
type RoleInput = { role: Role; unitCode: string };

/** User accounts and their role assignments (admin only). */
export function usersServiceFactory(db: Db) {
  const repo = usersRepo(db);
  const unitRepo = unitsRepo(db);
  const sessions = authRepo(db);

  function requireAdmin(actor: Actor) {
    if (!can(actor, 'user.manage'))
      throw new ForbiddenError('Hanya administrator yang dapat mengelola pengguna.');
  }

  /**
   * An admin whose role covers only part of the tree may change an account only when every role
   * the account holds lies within that part: a kabupaten admin cannot deactivate or demote the
   * province admin.
   */
  async function requireManageable(actor: Actor, userId: string) {
    const held = await repo.rolesOf([userId]);
    const outside = held.find((r) => !can(actor, 'role.assign', { unitPath: r.unitPath }));
    if (outside) {
      throw new ForbiddenError(
        `Pengguna ini memegang peran di unit ${outside.unitCode} di luar wewenang Anda.`,
        { unitCode: outside.unitCode },
      );
    }
  }

  async function present(rows: UserRow[]): Promise<UserDto[]> {
    const roles = await repo.rolesOf(rows.map((r) => r.id));
    return rows.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      active: u.active,
      locale: u.locale,
      createdAt: u.createdAt,
      roles: roles
        .filter((r) => r.userId === u.id)
        .map(({ role, unitId, unitCode, unitName }) => ({ role, unitId, unitCode, unitName })),
    }));
  }

  /** Resolves unit codes and checks the admin may assign within each unit. */
  async function resolveRoles(actor: Actor | null, roles: RoleInput[]) {
    const found = await unitRepo.findByCodes([...new Set(roles.map((r) => r.unitCode))]);
    const byCode = new Map(found.map((u) => [u.code, u]));
    const missing = roles.flatMap((r, i) =>
      byCode.has(r.unitCode) ? [] : [{ path: `roles.${i}.unitCode`, message: 'Unit tidak ditemukan' }],
    );
    if (missing.length) {
      const codes = [...new Set(roles.filter((r) => !byCode.has(r.unitCode)).map((r) => r.unitCode))];
      throw new ValidationError(
        `Unit dengan kode ${codes.join(', ')} tidak ditemukan.`,
        missing,
        `No unit with code ${codes.join(', ')}.`,
      );
    }
    const out = new Map<string, { role: Role; unitId: string; unitCode: string }>();
    for (const r of roles) {
      const unit = byCode.get(r.unitCode)!;
      if (actor && !can(actor, 'role.assign', { unitPath: unit.path })) {
        throw new ForbiddenError(`Anda tidak berwenang memberi peran di unit ${r.unitCode}.`, {
          unitCode: r.unitCode,
        });
      }
      // The same role at the same unit twice is one assignment.
      out.set(`${r.role} ${unit.id}`, { role: r.role, unitId: unit.id, unitCode: unit.code });
    }
    return [...out.values()];
  }

  return {
    async list(actor: Actor, f: { q?: string; role?: string; unit?: string }) {
      if (!can(actor, 'user.read')) throw new ForbiddenError();
      let unitPath: string | undefined;
      if (f.unit) {
        const u = await unitRepo.findByCode(f.unit);
        if (!u) throw new NotFoundError('Unit', f.unit);
        unitPath = u.path;
      }
      return present(await repo.list({ q: f.q, role: f.role, unitPath }));
    },

    async get(actor: Actor, id: string) {
      if (!can(actor, 'user.read') && actor.id !== id) throw new NotFoundError('Pengguna', id);
      const row = await repo.findById(id);
      if (!row) throw new NotFoundError('Pengguna', id);
      return (await present([row]))[0]!;
    },

    /** Creates an account. `ctx.actor` null means the CLI (trusted operator of the machine). */
    async create(
      ctx: RequestContext,
      input: { email: string; name: string; password: string; roles: RoleInput[] },
    ) {
      if (ctx.actor) requireAdmin(ctx.actor);
      assertPasswordStrength(input.password, 'password');
      const roles = await resolveRoles(ctx.actor, input.roles);
      const passwordHash = await hashPassword(input.password);
      try {
        const row = await db.transaction(async (tx) => {
          const user = await repo.insert(
            { email: input.email.toLowerCase(), name: input.name, passwordHash },
            tx,
          );
          await repo.replaceRoles(user.id, roles, tx);
          await writeAudit(tx, ctx, {
            action: 'user.create',
            entityType: 'user',
            entityId: user.id,
            after: {
              email: user.email,
              name: user.name,
              active: user.active,
              roles: roles.map(({ role, unitCode }) => ({ role, unitCode })),
            },
          });
          return user;
        });
        return (await present([row]))[0]!;
      } catch (err) {
        if (isUniqueViolation(err, 'users_email_unique')) {
          throw new ConflictError(
            `Email ${input.email} sudah terdaftar.`,
            [{ path: 'email', message: 'Email sudah terdaftar' }],
            `The e-mail ${input.email} is already registered.`,
          );
        }
        throw err;
      }
    },

    /** Renames, (de)activates; deactivating revokes every session of the user. */
    async update(ctx: Ctx, id: string, patch: { name?: string; active?: boolean; locale?: string }) {
      requireAdmin(ctx.actor);
      const before = await repo.findById(id);
      if (!before) throw new NotFoundError('Pengguna', id);
      await requireManageable(ctx.actor, id);
      if (patch.active === false && id === ctx.actor.id) {
        throw new ConflictError(
          'Anda tidak dapat menonaktifkan akun Anda sendiri.',
          [{ path: 'active', message: 'Tidak dapat menonaktifkan akun sendiri' }],
          'You cannot deactivate your own account.',
        );
      }
      const row = await db.transaction(async (tx) => {
        const after = (await repo.update(id, patch, tx))!;
        if (patch.active === false) await sessions.deleteUserSessions(id, tx);
        await writeAudit(tx, ctx, {
          action: patch.active === false ? 'user.deactivate' : 'user.update',
          entityType: 'user',
          entityId: id,
          before: { name: before.name, active: before.active, locale: before.locale },
          after: { name: after.name, active: after.active, locale: after.locale },
        });
        return after;
      });
      return (await present([row]))[0]!;
    },

    /** Replaces a user's role assignments; all the user's sessions are revoked. */
    async setRoles(ctx: Ctx, id: string, input: RoleInput[]) {
      requireAdmin(ctx.actor);
      const user = await repo.findById(id);
      if (!user) throw new NotFoundError('Pengguna', id);
      await requireManageable(ctx.actor, id);
      const roles = await resolveRoles(ctx.actor, input);
      const before = (await repo.rolesOf([id])).map(({ role, unitCode }) => ({ role, unitCode }));
      if (id === ctx.actor.id && !roles.some((r) => r.role === 'admin') && hasRole(ctx.actor, 'admin')) {
        throw new ConflictError(
          'Anda tidak dapat mencabut peran administrator Anda sendiri.',
          [{ path: 'roles', message: 'Peran administrator Anda sendiri harus tetap ada' }],
          'You cannot remove your own administrator role.',
        );
      }
      await db.transaction(async (tx) => {
        await repo.replaceRoles(id, roles, tx);
        await sessions.deleteUserSessions(id, tx);
        await writeAudit(tx, ctx, {
          action: 'user.roles_change',
          entityType: 'user',
          entityId: id,
          before,
          after: roles.map(({ role, unitCode }) => ({ role, unitCode })),
        });
      });
      return (await present([(await repo.findById(id))!]))[0]!;
    },
  };
}

export type UsersService = ReturnType<typeof usersServiceFactory>;
