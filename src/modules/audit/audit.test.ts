import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { auditLog } from '../../db/schema/index.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { writeAudit } from './audit.repo.js';

interface AuditItem {
  id: number;
  at: string;
  action: string;
  entityType: string;
  entityId: string | null;
  unitId: string | null;
  actorEmail: string | null;
}

let t: TestApp;
let admin: Client;
let coordinator: Client;
let secondRootId: string;
let pontianakUnitId: string;

const items = async (client: Client, query = '') => {
  const res = await client.get(`/api/audit${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: AuditItem[]; nextBeforeId: number | null };
};

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  admin = await login(t.app, 'admin@mercusuar.test');
  coordinator = await login(t.app, 'koordinator@mercusuar.test');

  // A unit inside the province (in the coordinator's scope) …
  const inside = await admin.post('/api/units', {
    code: '61.71-DISKOMINFO-UPT',
    name: 'UPT Layanan Data Kota Pontianak',
    type: 'upt',
    parentCode: '61.71',
  });
  expect(inside.statusCode, inside.body).toBe(201);
  pontianakUnitId = inside.json().id;
  // … and a second province root, outside it: only admins may create roots.
  const root = await admin.post('/api/units', {
    code: '62',
    name: 'Provinsi Kalimantan Tengah',
    type: 'provinsi',
  });
  expect(root.statusCode, root.body).toBe(201);
  secondRootId = root.json().id;
  // Creating a root makes its creator its admin; hand it over so the demo admin is a province-61 admin only.
  const adminId = (await admin.get('/api/auth/session')).json().user.id;
  const handOver = await admin.put(`/api/users/${adminId}/roles`, {
    roles: [{ role: 'admin', unitCode: '61' }],
  });
  expect(handOver.statusCode, handOver.body).toBe(200);
  admin = await login(t.app, 'admin@mercusuar.test'); // a role change revokes the sessions
  // An account change: installation-wide, it belongs to no unit.
  const user = await admin.post('/api/users', {
    email: 'audit.subject@mercusuar.test',
    name: 'Subjek Audit',
    password: 'kata-sandi-awal-123',
  });
  expect(user.statusCode).toBe(201);
});
afterAll(() => t.close());

describe('the audit table is append-only in the database itself', () => {
  const db = () => t.database.db;

  it('accepts new records', async () => {
    const before = await db().$count(auditLog);
    await writeAudit(db(), systemContext('test'), { action: 'test.append', entityType: 'test' });
    expect(await db().$count(auditLog)).toBe(before + 1);
  });

  it.each([
    ['UPDATE', sql`UPDATE audit_log SET action = 'forged'`],
    [
      'UPDATE of one row',
      sql`UPDATE audit_log SET after = '{}'::jsonb WHERE id = (SELECT min(id) FROM audit_log)`,
    ],
    ['DELETE', sql`DELETE FROM audit_log`],
    ['DELETE of one row', sql`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`],
    ['TRUNCATE', sql`TRUNCATE audit_log`],
  ])('rejects %s', async (_label, statement) => {
    const count = await db().$count(auditLog);
    const error = await db()
      .execute(statement)
      .then(
        () => null,
        (e: unknown) => e as { message: string; cause?: { message?: string; code?: string } },
      );
    expect(error).not.toBeNull();
    const text = `${error!.message} ${error!.cause?.message ?? ''}`;
    expect(text).toMatch(/append-only/);
    expect(error!.cause?.code ?? (error as { code?: string }).code).toBe('42501');
    expect(await db().$count(auditLog)).toBe(count);
    const forged = await db().$count(auditLog, sql`${auditLog.action} = 'forged'`);
    expect(forged).toBe(0);
  });

  it('rejects the change even inside a transaction that would otherwise commit', async () => {
    const count = await db().$count(auditLog);
    await expect(
      db().transaction(async (tx) => {
        await writeAudit(tx, systemContext('test'), { action: 'test.inside', entityType: 'test' });
        await tx.execute(sql`DELETE FROM audit_log WHERE action = 'demo.seed'`);
      }),
    ).rejects.toThrow();
    expect(await db().$count(auditLog)).toBe(count);
  });
});

describe('GET /api/audit: who sees what', () => {
  it('shows the admin every record of its province and the installation-wide records', async () => {
    const { items: all } = await items(admin, '?limit=500');
    const actions = all.map((i) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining(['demo.seed', 'auth.login', 'user.create', 'unit.create']),
    );
    expect(all.some((i) => i.entityId === pontianakUnitId)).toBe(true);
    // Newest first.
    expect(all.map((i) => i.id)).toEqual([...all.map((i) => i.id)].sort((a, b) => b - a));
  });

  it('shows the coordinator only records of units within its scope', async () => {
    const { items: mine } = await items(coordinator, '?limit=500');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((i) => i.entityId === pontianakUnitId)).toBe(true);
    // Not the second province, not accounts or sign-ins (they belong to no unit).
    expect(mine.some((i) => i.entityId === secondRootId)).toBe(false);
    expect(mine.every((i) => i.unitId !== null)).toBe(true);
    expect(mine.some((i) => i.action.startsWith('user.') || i.action.startsWith('auth.'))).toBe(false);
  });

  it('keeps scope for admins too: a province admin does not see another province’s records', async () => {
    const { items: mine } = await items(admin, '?limit=500');
    expect(mine.some((i) => i.entityId === secondRootId)).toBe(false);

    // An admin assigned at both roots (made through the CLI path) sees both.
    await t.app.services.users.create(systemContext(), {
      email: 'admin.nasional@mercusuar.test',
      name: 'Admin Dua Provinsi',
      password: 'kata-sandi-awal-123',
      roles: [
        { role: 'admin', unitCode: '61' },
        { role: 'admin', unitCode: '62' },
      ],
    });
    const both = await login(t.app, 'admin.nasional@mercusuar.test', 'kata-sandi-awal-123');
    const { items: theirs } = await items(both, '?limit=500');
    expect(theirs.some((i) => i.entityId === secondRootId)).toBe(true);
    expect(theirs.some((i) => i.entityId === pontianakUnitId)).toBe(true);
  });

  it.each([
    'operator.diskominfo@mercusuar.test',
    'kepala.diskominfo@mercusuar.test',
    'asesor@mercusuar.test',
    'gubernur@mercusuar.test',
  ])('refuses %s with 403', async (email) => {
    const user = await login(t.app, email);
    const res = await user.get('/api/audit');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });

  it('answers 401 without a session', async () => {
    expect((await t.app.inject({ url: '/api/audit' })).statusCode).toBe(401);
  });
});

describe('GET /api/audit: filters', () => {
  it('filters by action prefix and entity type', async () => {
    const { items: units } = await items(admin, '?action=unit.&limit=500');
    expect(units.length).toBeGreaterThanOrEqual(1);
    expect(units.every((i) => i.action.startsWith('unit.'))).toBe(true);
    const { items: byType } = await items(admin, '?entityType=user&limit=500');
    expect(byType.length).toBeGreaterThan(0);
    expect(byType.every((i) => i.entityType === 'user')).toBe(true);
    // `_` and `%` are literal characters, not wildcards.
    expect((await items(admin, '?action=u_it')).items).toEqual([]);
    expect((await items(admin, '?action=%25')).items).toEqual([]);
  });

  it('filters by actor and entity id', async () => {
    const { items: coordinatorRecords } = await items(admin, `?actorId=${coordinator.userId}&limit=500`);
    expect(coordinatorRecords.length).toBeGreaterThan(0);
    expect(coordinatorRecords.every((i) => i.actorEmail === 'koordinator@mercusuar.test')).toBe(true);
    const { items: one } = await items(admin, `?entityId=${pontianakUnitId}`);
    expect(one.map((i) => i.action)).toEqual(['unit.create']);
  });

  it('filters by time with from/to', async () => {
    const { items: all } = await items(admin, '?limit=500');
    const newest = all[0]!;
    const future = new Date(Date.now() + 3600_000).toISOString();
    const past = '2000-01-01T00:00:00Z';
    expect((await items(admin, `?from=${future}`)).items).toEqual([]);
    expect((await items(admin, `?to=${past}`)).items).toEqual([]);
    const window = await items(admin, `?from=${past}&to=${future}&limit=500`);
    expect(window.items.length).toBe(all.length);
    const exact = await items(admin, `?from=${encodeURIComponent(newest.at)}&limit=500`);
    expect(exact.items.map((i) => i.id)).toContain(newest.id);
    expect(exact.items.every((i) => new Date(i.at) >= new Date(newest.at))).toBe(true);
  });

  it('pages with the beforeId cursor without gaps or overlaps', async () => {
    const { items: all } = await items(admin, '?limit=500');
    expect(all.length).toBeGreaterThan(4);
    const seen: number[] = [];
    let cursor: number | null = null;
    for (let page = 0; page < 100; page++) {
      const res: { items: AuditItem[]; nextBeforeId: number | null } = await items(
        admin,
        `?limit=3${cursor ? `&beforeId=${cursor}` : ''}`,
      );
      seen.push(...res.items.map((i) => i.id));
      if (res.nextBeforeId === null) break;
      expect(res.nextBeforeId).toBe(res.items.at(-1)!.id);
      cursor = res.nextBeforeId;
    }
    // Records written by these very requests (sign-ins) are newer than the first page.
    expect(seen).toEqual(all.map((i) => i.id).filter((id) => id <= seen[0]!));
  });

  it.each([
    ['?from=not-a-date', 'querystring.from'],
    ['?limit=0', 'querystring.limit'],
    ['?beforeId=abc', 'querystring.beforeId'],
    ['?actorId=123', 'querystring.actorId'],
    ['?colour=red', 'querystring.colour'],
  ])('answers 400 for %s naming %s', async (query, path) => {
    const res = await admin.get(`/api/audit${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
  });
});
