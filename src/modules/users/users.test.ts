import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { auditLog, roleAssignments, users } from '../../db/schema/index.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';

const PASSWORD = 'kata-sandi-awal-123';

let t: TestApp;
let admin: Client;

async function auditRows(entityId: string, action?: string) {
  return t.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, entityId), action ? eq(auditLog.action, action) : undefined))
    .orderBy(desc(auditLog.id));
}

async function createUser(email: string, roles: Array<{ role: string; unitCode: string }> = []) {
  const res = await admin.post('/api/users', { email, name: 'Pengguna Uji', password: PASSWORD, roles });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; email: string };
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  admin = await login(t.app, 'admin@mercusuar.test');
});
afterAll(() => t.close());

describe('creating users', () => {
  it('creates an account (201) with normalised e-mail and its roles, and audits it without secrets', async () => {
    const res = await admin.post('/api/users', {
      email: '  Siti.Rahma@Kalbarprov.GO.ID ',
      name: 'Siti Rahma',
      password: PASSWORD,
      roles: [{ role: 'unit_operator', unitCode: '61-DINKES' }],
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({
      email: 'siti.rahma@kalbarprov.go.id',
      name: 'Siti Rahma',
      active: true,
      locale: 'id',
      roles: [{ role: 'unit_operator', unitCode: '61-DINKES', unitName: 'Dinas Kesehatan' }],
    });
    expect(Object.keys(user).sort()).toEqual([
      'active',
      'createdAt',
      'email',
      'id',
      'locale',
      'name',
      'roles',
    ]);

    const [row] = await t.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);

    const [audit] = await auditRows(user.id, 'user.create');
    expect(audit).toMatchObject({
      actorId: admin.userId,
      actorEmail: 'admin@mercusuar.test',
      entityType: 'user',
      before: null,
      after: {
        email: 'siti.rahma@kalbarprov.go.id',
        name: 'Siti Rahma',
        active: true,
        roles: [{ role: 'unit_operator', unitCode: '61-DINKES' }],
      },
    });
    expect(audit!.requestId).toBeTruthy();
    const text = JSON.stringify(audit);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('$argon2');
    expect(text).not.toMatch(/password/i);

    const newcomer = await login(t.app, 'siti.rahma@kalbarprov.go.id', PASSWORD);
    expect(newcomer.userId).toBe(user.id);
  });

  it('answers 409 naming `email` for an e-mail that already exists, in any letter case', async () => {
    const before = await t.database.db.$count(auditLog);
    const res = await admin.post('/api/users', {
      email: 'ADMIN@mercusuar.test',
      name: 'Kembar',
      password: PASSWORD,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'CONFLICT',
      message: 'Email admin@mercusuar.test sudah terdaftar.',
      details: [{ path: 'email' }],
    });
    // The failed insert rolled back with its audit record.
    expect(await t.database.db.$count(auditLog)).toBe(before);
  });

  it.each([
    ['an invalid e-mail', { email: 'bukan-email' }, 'body.email', 'Format email tidak valid'],
    ['a missing name', { name: undefined }, 'body.name', 'Wajib diisi'],
    ['a name of the wrong type', { name: 42 }, 'body.name', 'Harus berupa teks, bukan angka'],
    ['an unknown role', { roles: [{ role: 'raja', unitCode: '61' }] }, 'body.roles.0.role', 'Peran harus'],
    ['an unknown field', { isAdmin: true }, 'body.isAdmin', 'Kolom tidak dikenal'],
  ])('answers 400 naming the field for %s', async (_label, patch, path, message) => {
    const body = { email: 'valid.one@mercusuar.test', name: 'Valid', password: PASSWORD, ...patch };
    const res = await admin.post('/api/users', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
    expect(res.json().details).toContainEqual(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });

  it('answers 400 naming `password` for a password under 10 characters', async () => {
    const res = await admin.post('/api/users', {
      email: 'short.pw@mercusuar.test',
      name: 'Pendek',
      password: 'abc',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'password' }] });
  });

  it('answers 400 naming the role entry whose unit code does not exist', async () => {
    const res = await admin.post('/api/users', {
      email: 'ghost.unit@mercusuar.test',
      name: 'Hantu',
      password: PASSWORD,
      roles: [
        { role: 'leader', unitCode: '61' },
        { role: 'unit_operator', unitCode: 'TIDAK-ADA' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Unit dengan kode TIDAK-ADA tidak ditemukan.',
      details: [{ path: 'roles.1.unitCode', message: 'Unit tidak ditemukan' }],
    });
    expect(await t.database.db.$count(users, eq(users.email, 'ghost.unit@mercusuar.test'))).toBe(0);
  });

  it.each(['koordinator@mercusuar.test', 'operator.dinkes@mercusuar.test', 'gubernur@mercusuar.test'])(
    'refuses %s with 403',
    async (email) => {
      const user = await login(t.app, email);
      const res = await user.post('/api/users', {
        email: 'x.y@mercusuar.test',
        name: 'X Y',
        password: PASSWORD,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
      expect((await user.get('/api/users')).statusCode).toBe(403);
    },
  );

  it('answers 401 without a session', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { email: 'anon@mercusuar.test', name: 'Anon', password: PASSWORD },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('reading users', () => {
  it('lists users for the admin, filtered by role, unit subtree and text', async () => {
    const all = (await admin.get('/api/users')).json().items;
    expect(all.length).toBeGreaterThanOrEqual(7);
    const operators = (await admin.get('/api/users?role=unit_operator&unit=61-DINKES')).json().items;
    expect(operators.map((u: { email: string }) => u.email)).toContain('operator.dinkes@mercusuar.test');
    expect(operators.map((u: { email: string }) => u.email)).not.toContain(
      'operator.diskominfo@mercusuar.test',
    );
    const found = (await admin.get('/api/users?q=gubernur')).json().items;
    expect(found.map((u: { email: string }) => u.email)).toEqual(['gubernur@mercusuar.test']);
    const none = (await admin.get('/api/users?q=%25')).json().items;
    expect(none).toEqual([]); // a literal %, not a wildcard
  });

  it('lets a user read their own account but not another one (404)', async () => {
    const operator = await login(t.app, 'operator.dinkes@mercusuar.test');
    expect((await operator.get(`/api/users/${operator.userId}`)).statusCode).toBe(200);
    const res = await operator.get(`/api/users/${admin.userId}`);
    expect(res.statusCode).toBe(404);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await admin.get('/api/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const bad = await admin.get('/api/users/123');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('params.id');
  });
});

describe('changing users', () => {
  it('deactivates a user, revoking their sessions, with a before/after audit record', async () => {
    const user = await createUser('to.deactivate@mercusuar.test');
    const session = await login(t.app, 'to.deactivate@mercusuar.test', PASSWORD);
    const res = await admin.patch(`/api/users/${user.id}`, { active: false });
    expect(res.statusCode).toBe(200);
    expect(res.json().active).toBe(false);
    expect((await session.get('/api/auth/session')).statusCode).toBe(401);
    const [audit] = await auditRows(user.id, 'user.deactivate');
    expect(audit).toMatchObject({
      actorId: admin.userId,
      before: { active: true, name: 'Pengguna Uji', locale: 'id' },
      after: { active: false, name: 'Pengguna Uji', locale: 'id' },
    });
    expect(JSON.stringify(audit)).not.toContain('$argon2');

    const back = await admin.patch(`/api/users/${user.id}`, { active: true, name: 'Aktif Lagi' });
    expect(back.statusCode).toBe(200);
    const [update] = await auditRows(user.id, 'user.update');
    expect(update).toMatchObject({ before: { active: false }, after: { active: true, name: 'Aktif Lagi' } });
  });

  it('does not let an admin deactivate their own account', async () => {
    const res = await admin.patch(`/api/users/${admin.userId}`, { active: false });
    expect(res.statusCode).toBe(409);
    expect(res.json().details).toEqual([expect.objectContaining({ path: 'active' })]);
  });

  it('replaces roles (duplicates collapse), revokes sessions, and audits before → after', async () => {
    const user = await createUser('roles.swap@mercusuar.test', [{ role: 'leader', unitCode: '61' }]);
    const res = await admin.put(`/api/users/${user.id}/roles`, {
      roles: [
        { role: 'unit_head', unitCode: '61-DINKES' },
        { role: 'unit_head', unitCode: '61-DINKES' },
        { role: 'assessor', unitCode: '61' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res
        .json()
        .roles.map((r: { role: string }) => r.role)
        .sort(),
    ).toEqual(['assessor', 'unit_head']);
    expect(await t.database.db.$count(roleAssignments, eq(roleAssignments.userId, user.id))).toBe(2);
    const [audit] = await auditRows(user.id, 'user.roles_change');
    expect(audit!.before).toEqual([{ role: 'leader', unitCode: '61' }]);
    expect(audit!.after).toEqual(
      expect.arrayContaining([
        { role: 'unit_head', unitCode: '61-DINKES' },
        { role: 'assessor', unitCode: '61' },
      ]),
    );
  });

  it('answers 400 naming the entry with an unknown unit code and changes nothing', async () => {
    const user = await createUser('roles.bad@mercusuar.test', [{ role: 'leader', unitCode: '61' }]);
    const res = await admin.put(`/api/users/${user.id}/roles`, {
      roles: [{ role: 'leader', unitCode: 'NOPE' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ path: 'roles.0.unitCode', message: 'Unit tidak ditemukan' }]);
    expect((await admin.get(`/api/users/${user.id}`)).json().roles).toEqual([
      expect.objectContaining({ role: 'leader', unitCode: '61' }),
    ]);
    expect(await auditRows(user.id, 'user.roles_change')).toHaveLength(0);
  });

  it('does not let an admin remove their own administrator role', async () => {
    const res = await admin.put(`/api/users/${admin.userId}/roles`, {
      roles: [{ role: 'leader', unitCode: '61' }],
    });
    expect(res.statusCode).toBe(409);
  });

  it('answers 404 when changing an unknown user', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await admin.patch(`/api/users/${id}`, { name: 'Siapa' })).statusCode).toBe(404);
    expect((await admin.put(`/api/users/${id}/roles`, { roles: [] })).statusCode).toBe(404);
  });

  it('refuses non-admins with 403', async () => {
    const coordinator = await login(t.app, 'koordinator@mercusuar.test');
    const user = await createUser('not.yours@mercusuar.test');
    expect((await coordinator.patch(`/api/users/${user.id}`, { active: false })).statusCode).toBe(403);
    const roles = await coordinator.put(`/api/users/${user.id}/roles`, { roles: [] });
    expect(roles.statusCode).toBe(403);
  });
});

describe('an admin scoped to part of the tree (Kota Pontianak)', () => {
  let cityAdmin: Client;
  beforeAll(async () => {
    // The CLI path (no actor) creates the scoped admin.
    await t.app.services.users.create(systemContext(), {
      email: 'admin.pontianak@mercusuar.test',
      name: 'Admin Kota Pontianak',
      password: PASSWORD,
      roles: [{ role: 'admin', unitCode: '61.71' }],
    });
    cityAdmin = await login(t.app, 'admin.pontianak@mercusuar.test', PASSWORD);
  });

  it('assigns roles within its subtree but not above it', async () => {
    const ok = await cityAdmin.post('/api/users', {
      email: 'operator.dinkes.ptk@mercusuar.test',
      name: 'Operator Dinkes Pontianak',
      password: PASSWORD,
      roles: [{ role: 'unit_operator', unitCode: '61.71-DINKES' }],
    });
    expect(ok.statusCode).toBe(201);
    const above = await cityAdmin.post('/api/users', {
      email: 'province.role@mercusuar.test',
      name: 'Peran Provinsi',
      password: PASSWORD,
      roles: [{ role: 'leader', unitCode: '61' }],
    });
    expect(above.statusCode).toBe(403);
    expect(above.json().details).toEqual({ unitCode: '61' });
  });

  it('cannot deactivate or change the roles of a user who holds roles outside its subtree', async () => {
    const provinceOperator = (await admin.get('/api/users?q=operator.dinkes@')).json().items[0];
    const deactivate = await cityAdmin.patch(`/api/users/${provinceOperator.id}`, { active: false });
    expect(deactivate.statusCode).toBe(403);
    const demote = await cityAdmin.put(`/api/users/${admin.userId}/roles`, {
      roles: [{ role: 'leader', unitCode: '61.71' }],
    });
    expect(demote.statusCode).toBe(403);
    expect((await admin.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('manages a user whose roles all lie within its subtree', async () => {
    const local = (await cityAdmin.get('/api/users?q=operator.dinkes.ptk')).json().items[0];
    const res = await cityAdmin.put(`/api/users/${local.id}/roles`, {
      roles: [{ role: 'unit_head', unitCode: '61.71-DINKES' }],
    });
    expect(res.statusCode).toBe(200);
    expect((await cityAdmin.patch(`/api/users/${local.id}`, { active: false })).statusCode).toBe(200);
  });
});
