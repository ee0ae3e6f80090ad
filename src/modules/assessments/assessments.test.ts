import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { auditLog, evidence, scoreSnapshots, units } from '../../db/schema/index.js';
import { type AssessmentEvent, type AssessmentState, transition } from '../../domain/workflow/index.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import {
  addLinkEvidence,
  createUser,
  ensureIdpd,
  fillDirect,
  phasesAround,
} from '../cycles/cycles.test-helpers.js';
import { minimalPdf, multipartBody, tinyPng } from '../evidence/evidence.test-helpers.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

let t: TestApp;
let instrumentVersionId: string;
const c: Record<string, Client> = {};

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  instrumentVersionId = await ensureIdpd(t.database, t.app.services);
  const accounts = {
    admin: 'admin@mercusuar.test',
    coordinator: 'koordinator@mercusuar.test',
    assessor: 'asesor@mercusuar.test',
    operator: 'operator.diskominfo@mercusuar.test',
    head: 'kepala.diskominfo@mercusuar.test',
    dinkes: 'operator.dinkes@mercusuar.test',
    leader: 'gubernur@mercusuar.test',
  };
  for (const [k, email] of Object.entries(accounts)) c[k] = await login(t.app, email);
  await createUser(c.admin!, 'koordinator.pontianak@mercusuar.test', 'coordinator', '61.71');
  await createUser(c.admin!, 'operator.provinsi@mercusuar.test', 'unit_operator', '61');
  await createUser(c.admin!, 'asesor.lain@mercusuar.test', 'assessor', '61');
  c.kotaCoordinator = await login(t.app, 'koordinator.pontianak@mercusuar.test');
  c.provOperator = await login(t.app, 'operator.provinsi@mercusuar.test');
  c.otherAssessor = await login(t.app, 'asesor.lain@mercusuar.test');
});
afterAll(() => t.close());

async function openCycle(
  over: Record<string, unknown> = {},
  assessors: Array<{ unitCode: string; userIds: string[] }> = [],
) {
  const res = await c.coordinator!.post('/api/cycles', {
    name: `Siklus uji ${Math.random().toString(36).slice(2, 8)}`,
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    instrumentVersionId,
    scopeUnitCode: '61',
    phases: phasesAround('open'),
    assessors,
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  const id = res.json().id as string;
  const opened = await c.coordinator!.post(`/api/cycles/${id}/open`);
  if (opened.statusCode !== 200) throw new Error(opened.body);
  const list = (await c.coordinator!.get(`/api/cycles/${id}/assessments`)).json().items as Array<{
    id: string;
    unit: { code: string };
  }>;
  const byUnit = Object.fromEntries(list.map((a) => [a.unit.code, a.id]));
  return { id, byUnit };
}

describe('authorisation matrix', () => {
  let cycleId: string;
  let D: string; // Diskominfo: the assessor is assigned here
  let K: string; // Dinkes: no assessor assigned
  const roles = [
    'admin',
    'coordinator',
    'assessor',
    'operator',
    'head',
    'dinkes',
    'leader',
    'kotaCoordinator',
  ] as const;
  type Role = (typeof roles)[number];
  type Row = [string, (id: string) => [string, string, unknown?], Record<Role, number>];

  beforeAll(async () => {
    const cy = await openCycle({}, [{ unitCode: '61-DISKOMINFO', userIds: [c.assessor!.userId] }]);
    cycleId = cy.id;
    D = cy.byUnit['61-DISKOMINFO']!;
    K = cy.byUnit['61-DINKES']!;
  });

  // Expected status per role. 404 = not in scope (existence not leaked); 403 = in scope, not allowed;
  // 409 = allowed, but the state refuses (the request passed authorisation).
  const rows: Row[] = [
    [
      'read assessment',
      (id) => ['GET', `/api/assessments/${id}`],
      {
        admin: 200,
        coordinator: 200,
        assessor: 200,
        operator: 200,
        head: 200,
        dinkes: 404,
        leader: 200,
        kotaCoordinator: 404,
      },
    ],
    [
      'read instrument tree',
      (id) => ['GET', `/api/assessments/${id}/instrument`],
      {
        admin: 200,
        coordinator: 200,
        assessor: 200,
        operator: 200,
        head: 200,
        dinkes: 404,
        leader: 200,
        kotaCoordinator: 404,
      },
    ],
    [
      'save an answer',
      (id) => ['PUT', `/api/assessments/${id}/responses/TKL-01`, { level: 1 }],
      {
        admin: 403,
        coordinator: 403,
        assessor: 403,
        operator: 200,
        head: 200,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'sign off',
      (id) => ['POST', `/api/assessments/${id}/signoff`, {}],
      {
        admin: 403,
        coordinator: 403,
        assessor: 403,
        operator: 403,
        head: 409,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'submit',
      (id) => ['POST', `/api/assessments/${id}/submit`, {}],
      {
        admin: 403,
        coordinator: 403,
        assessor: 403,
        operator: 409,
        head: 409,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'verify',
      (id) => [
        'PUT',
        `/api/assessments/${id}/verifications/TKL-01`,
        { level: 1, reasonCode: 'lainnya', note: 'x', stage: 'dokumen' },
      ],
      {
        admin: 403,
        coordinator: 403,
        assessor: 409,
        operator: 403,
        head: 403,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'return',
      (id) => ['POST', `/api/assessments/${id}/return`, { indicators: ['TKL-01'], message: 'perbaiki' }],
      {
        admin: 403,
        coordinator: 403,
        assessor: 409,
        operator: 403,
        head: 403,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'complete verification',
      (id) => ['POST', `/api/assessments/${id}/complete-verification`, {}],
      {
        admin: 403,
        coordinator: 403,
        assessor: 409,
        operator: 403,
        head: 403,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'finalise',
      (id) => ['POST', `/api/assessments/${id}/finalize`, {}],
      {
        admin: 409,
        coordinator: 409,
        assessor: 403,
        operator: 403,
        head: 403,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'reopen',
      (id) => ['POST', `/api/assessments/${id}/reopen`, { reason: 'alasan yang cukup panjang' }],
      {
        admin: 409,
        coordinator: 409,
        assessor: 403,
        operator: 403,
        head: 403,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'extend the deadline',
      (id) => ['POST', `/api/assessments/${id}/extension`, { until: '2030-01-01T00:00', reason: 'banjir' }],
      {
        admin: 200,
        coordinator: 200,
        assessor: 403,
        operator: 403,
        head: 403,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'read comments',
      (id) => ['GET', `/api/assessments/${id}/comments`],
      {
        admin: 200,
        coordinator: 200,
        assessor: 200,
        operator: 200,
        head: 200,
        dinkes: 404,
        leader: 200,
        kotaCoordinator: 404,
      },
    ],
    [
      'comment',
      (id) => ['POST', `/api/assessments/${id}/comments`, { indicatorCode: 'TKL-01', body: 'halo' }],
      {
        admin: 201,
        coordinator: 201,
        assessor: 201,
        operator: 201,
        head: 201,
        dinkes: 404,
        leader: 403,
        kotaCoordinator: 404,
      },
    ],
    [
      'read history',
      (id) => ['GET', `/api/assessments/${id}/indicators/TKL-01/history`],
      {
        admin: 200,
        coordinator: 200,
        assessor: 200,
        operator: 200,
        head: 200,
        dinkes: 404,
        leader: 200,
        kotaCoordinator: 404,
      },
    ],
  ];

  for (const [name, req, expected] of rows) {
    it(`${name}: each role on an assessment in and out of its scope`, async () => {
      const got: Record<string, number> = {};
      for (const role of roles) {
        const [method, url, body] = req(D);
        got[role] = (await c[role]!.request(method, url, body)).statusCode;
      }
      expect(got).toEqual(expected);
    });
  }

  it('an assessor not assigned to a unit gets 404 for it; an operator of another unit too', async () => {
    expect((await c.assessor!.get(`/api/assessments/${K}`)).statusCode).toBe(404);
    expect((await c.otherAssessor!.get(`/api/assessments/${D}`)).statusCode).toBe(404);
    const verify = await c.otherAssessor!.put(`/api/assessments/${D}/verifications/TKL-01`, {
      reasonCode: 'sesuai',
      stage: 'dokumen',
    });
    expect(verify.statusCode).toBe(404);
    expect(verify.body).not.toContain('61-DISKOMINFO');
    expect((await c.operator!.put(`/api/assessments/${K}/responses/TKL-01`, { level: 1 })).statusCode).toBe(
      404,
    );
    expect((await c.dinkes!.put(`/api/assessments/${K}/responses/TKL-01`, { level: 1 })).statusCode).toBe(
      200,
    );
  });

  it('lists only the assessments in each actor’s scope', async () => {
    const count = async (role: Role) =>
      (await c[role]!.get(`/api/cycles/${cycleId}/assessments`)).json().items?.length ?? 'none';
    const all = await count('coordinator');
    expect(all).toBeGreaterThan(40);
    expect({
      admin: await count('admin'),
      leader: await count('leader'),
      assessor: await count('assessor'),
      operator: await count('operator'),
      head: await count('head'),
      dinkes: await count('dinkes'),
    }).toEqual({ admin: all, leader: all, assessor: 1, operator: 1, head: 1, dinkes: 1 });
    expect((await c.kotaCoordinator!.get(`/api/cycles/${cycleId}/assessments`)).statusCode).toBe(404);
  });

  it('cycle endpoints: coordinators and admins of the scope manage, others read or get 404', async () => {
    const status = async (role: Role, method: string, url: string, body?: unknown) =>
      (await c[role]!.request(method, url, body)).statusCode;
    const manage: Array<[string, string, unknown?]> = [
      ['PATCH', `/api/cycles/${cycleId}`, { name: 'Nama baru siklus uji' }],
      ['GET', `/api/cycles/${cycleId}/assessors`],
      ['PUT', `/api/cycles/${cycleId}/assessors`, { assignments: [{ unitCode: '61-DINKES', userIds: [] }] }],
      ['POST', `/api/cycles/${cycleId}/open`, {}],
      ['POST', `/api/cycles/${cycleId}/publish`, {}],
    ];
    const expectedFor: Record<Role, number[]> = {
      admin: [200, 200, 200, 409, 409],
      coordinator: [200, 200, 200, 409, 409],
      assessor: [403, 403, 403, 403, 403],
      operator: [403, 403, 403, 403, 403],
      head: [403, 403, 403, 403, 403],
      dinkes: [403, 403, 403, 403, 403],
      leader: [403, 403, 403, 403, 403],
      kotaCoordinator: [404, 404, 404, 404, 404],
    };
    for (const role of roles) {
      const got = [];
      for (const [m, u, b] of manage) got.push(await status(role, m, u, b));
      expect({ role, got }).toEqual({ role, got: expectedFor[role] });
    }
    for (const role of roles) {
      expect({ role, s: await status(role, 'GET', `/api/cycles/${cycleId}`) }).toEqual({
        role,
        s: role === 'kotaCoordinator' ? 404 : 200,
      });
    }
    const create = (role: Role, scopeUnitCode = '61') =>
      status(role, 'POST', '/api/cycles', {
        name: 'Siklus kewenangan',
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        instrumentVersionId,
        scopeUnitCode,
        phases: phasesAround('open'),
      });
    // Outside the kota coordinator's subtree the scope unit is simply not found.
    expect(await create('kotaCoordinator')).toBe(400);
    expect(await create('kotaCoordinator', '61.71')).toBe(201);
    for (const role of ['assessor', 'operator', 'head', 'leader'] as const)
      expect(await create(role)).toBe(403);
  });

  it('every endpoint needs a session except the public ones', async () => {
    for (const [method, url] of [
      ['GET', '/api/cycles'],
      ['GET', `/api/cycles/${cycleId}`],
      ['GET', `/api/cycles/${cycleId}/assessments`],
      ['GET', `/api/assessments/${D}`],
      ['PUT', `/api/assessments/${D}/responses/TKL-01`],
      ['GET', '/api/catalogue/verification-reasons'],
    ] as const) {
      const res = await t.app.inject({ method, url, ...(method === 'PUT' ? { payload: { level: 1 } } : {}) });
      expect({ url, s: res.statusCode }).toEqual({ url, s: 401 });
    }
    expect((await t.app.inject({ url: '/api/public/cycles' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/public/cycles/${cycleId}/results` })).statusCode).toBe(404);
  });
});

describe('saving answers', () => {
  let A: string;
  let evidenceId: string;

  beforeAll(async () => {
    const cy = await openCycle({ scopeUnitCode: '61-DISKOMINFO' });
    A = cy.byUnit['61-DISKOMINFO']!;
    evidenceId = await addLinkEvidence(t.database, '61-DISKOMINFO', 'Renstra TIK');
  });

  const url = (code: string) => `/api/assessments/${A}/responses/${code}`;

  it('a stale save gets 409 with the current answer; an identical re-save is a no-op', async () => {
    const first = await c.operator!.put(url('INF-04'), {
      level: 3,
      justification: 'ada',
      evidenceIds: [evidenceId],
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, level: 3, evidenceIds: [evidenceId] });

    const auditBefore = await t.database.db.$count(auditLog);
    const again = await c.head!.put(url('INF-04'), {
      level: 3,
      justification: 'ada',
      evidenceIds: [evidenceId],
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);
    expect(await t.database.db.$count(auditLog)).toBe(auditBefore);

    const stale = await c.head!.put(url('INF-04'), { level: 4, expectedVersion: 0 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('VERSION_CONFLICT');
    expect(stale.json().details.current).toMatchObject({ version: 1, level: 3, evidenceIds: [evidenceId] });

    const ok = await c.head!.put(url('INF-04'), { level: 4, expectedVersion: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ version: 2, level: 4, evidenceIds: [] });
  });

  it('every save leaves one audit row holding the answer before and after, whichever path saved it', async () => {
    // Saves 1, 2 and 4 keep their evidence links (one-statement path); 3 changes them (transaction).
    const code = 'TKL-03';
    const saves = [
      { level: 2, justification: 'awal', expectedVersion: 0 },
      { level: 3, justification: 'awal', expectedVersion: 1 },
      { level: 3, justification: 'awal', evidenceIds: [evidenceId], expectedVersion: 2 },
      { level: 4, justification: 'naik', evidenceIds: [evidenceId], expectedVersion: 3 },
    ];
    for (const [i, body] of saves.entries()) {
      const res = await c.operator!.put(url(code), body);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        version: i + 1,
        level: body.level,
        updatedBy: { name: expect.any(String) },
      });
    }
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(
        sql`${auditLog.action} = 'response.save' and ${auditLog.after}->>'assessmentId' = ${A} and ${auditLog.after}->>'indicatorCode' = ${code}`,
      )
      .orderBy(auditLog.id);
    const answer = (level: number, justification: string, evidenceIds: string[], version: number) => ({
      indicatorCode: code,
      level,
      notApplicable: false,
      metricValue: null,
      justification,
      evidenceIds,
      needsConfirmation: false,
      version,
    });
    expect(rows.map((r) => [r.before, r.after])).toEqual([
      [null, { assessmentId: A, ...answer(2, 'awal', [], 1) }],
      [answer(2, 'awal', [], 1), { assessmentId: A, ...answer(3, 'awal', [], 2) }],
      [answer(3, 'awal', [], 2), { assessmentId: A, ...answer(3, 'awal', [evidenceId], 3) }],
      [answer(3, 'awal', [evidenceId], 3), { assessmentId: A, ...answer(4, 'naik', [evidenceId], 4) }],
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({ actorEmail: 'operator.diskominfo@mercusuar.test', entityType: 'response' });
      expect(r.requestId).toBeTruthy();
      expect(r.unitPath).toBeTruthy();
    }
  });

  it('saves several answers all or nothing (template import), or each valid one when asked', async () => {
    const session = await t.app.services.auth.resolveSession(c.operator!.cookie.split('=')[1]!);
    const ctx = { actor: session!.actor, requestId: 'test-multi', ip: '127.0.0.1' };
    const items = [
      { code: 'APL-03', input: { level: 2, justification: 'pelatihan dasar' } },
      { code: 'APL-04', input: { level: 9 } },
    ];
    const audit = (saved: string[]) => ({
      action: 'assessment.template_import',
      entityType: 'assessment',
      entityId: A,
      after: { saved },
    });
    const imports = () =>
      t.database.db
        .select()
        .from(auditLog)
        .where(sql`${auditLog.action} = 'assessment.template_import' and ${auditLog.entityId} = ${A}`);
    const answerOf = async (code: string) =>
      (await c.operator!.get(`/api/assessments/${A}`))
        .json()
        .responses.find((r: { indicatorCode: string }) => r.indicatorCode === code);

    const svc = t.app.services.assessments;
    const none = await svc.saveResponses(ctx, A, items, { keepValid: false, audit });
    expect(none.saved).toEqual([]);
    expect(none.refused.map((r) => [r.code, r.error.statusCode])).toEqual([['APL-04', 400]]);
    expect(await answerOf('APL-03')).toBeUndefined();
    expect(await imports()).toHaveLength(0);

    const some = await svc.saveResponses(ctx, A, items, { keepValid: true, audit });
    expect(some.saved).toEqual(['APL-03']);
    expect(some.refused.map((r) => r.code)).toEqual(['APL-04']);
    expect(await answerOf('APL-03')).toMatchObject({
      level: 2,
      version: 1,
      justification: 'pelatihan dasar',
    });
    expect((await imports()).map((r) => r.after)).toEqual([{ saved: ['APL-03'] }]);
  });

  it('of two concurrent saves with the same expected version exactly one wins', async () => {
    for (const [code, expectedVersion, a, b] of [
      ['INF-05', 0, 1, 2],
      ['INF-05', 1, 3, 4],
      ['TKL-02', 0, 2, 5],
    ] as const) {
      const results = await Promise.all([
        c.operator!.put(url(code), { level: a, expectedVersion }),
        c.head!.put(url(code), { level: b, expectedVersion }),
      ]);
      const codes = results.map((r) => r.statusCode).sort();
      expect({ code, expectedVersion, codes }).toEqual({ code, expectedVersion, codes: [200, 409] });
      const loser = results.find((r) => r.statusCode === 409)!;
      const winner = results.find((r) => r.statusCode === 200)!;
      expect(loser.json().details.current).toMatchObject({
        version: winner.json().version,
        level: winner.json().level,
      });
    }
  });

  it('saves arriving together share one statement: each gets its own answer, version and audit row, no transaction', async () => {
    const own = (await openCycle({ scopeUnitCode: '61-DISKOMINFO' })).byUnit['61-DISKOMINFO']!;
    const url = (code: string) => `/api/assessments/${own}/responses/${code}`;
    const codes = ['TKL-01', 'TKL-02', 'TKL-03', 'TKL-04', 'APL-01', 'APL-03', 'APL-04', 'SDM-02'];
    const db = t.database.db;
    const original = db.transaction.bind(db);
    let transactions = 0;
    db.transaction = ((...args: Parameters<typeof original>) => {
      transactions++;
      return original(...args);
    }) as typeof db.transaction;
    // The batched save statements that reach the driver (PGlite client or pg pool).
    const raw = t.database.raw;
    const driver = (raw.kind === 'pglite' ? raw.client : raw.pool) as unknown as {
      query: (q: unknown, ...rest: unknown[]) => Promise<unknown>;
    };
    const query = driver.query;
    let statements = 0;
    driver.query = function (this: unknown, q: unknown, ...rest: unknown[]) {
      const text = typeof q === 'string' ? q : (q as { text?: string }).text;
      if (text?.includes('mercusuar_save_responses')) statements++;
      return query.call(this, q, ...rest);
    };
    try {
      const auditBefore = await db.$count(auditLog);
      const saved = await Promise.all(
        codes.map((code, i) =>
          (i % 2 ? c.head! : c.operator!).put(url(code), { level: 1 + (i % 5), justification: `j${i}` }),
        ),
      );
      expect(saved.map((r) => r.statusCode)).toEqual(codes.map(() => 200));
      expect(saved.map((r) => r.json())).toEqual(
        codes.map((code, i) =>
          expect.objectContaining({
            indicatorCode: code,
            level: 1 + (i % 5),
            justification: `j${i}`,
            version: 1,
          }),
        ),
      );
      const next = await Promise.all(
        codes.map((code) =>
          c.operator!.put(url(code), { level: 5, justification: 'naik', expectedVersion: 1 }),
        ),
      );
      expect(next.map((r) => [r.statusCode, r.json().version])).toEqual(codes.map(() => [200, 2]));
      expect(transactions).toBe(0);
      // 16 saves in fewer statements than saves: those that arrived together went together.
      expect(statements).toBeGreaterThan(0);
      expect(statements).toBeLessThan(2 * codes.length);
      expect(await db.$count(auditLog)).toBe(auditBefore + 2 * codes.length);
      const heads = await db
        .select({ email: auditLog.actorEmail, code: sql<string>`${auditLog.after}->>'indicatorCode'` })
        .from(auditLog)
        .where(sql`${auditLog.action} = 'response.save' and ${auditLog.after}->>'version' = '1'
          and ${auditLog.after}->>'assessmentId' = ${own} and ${auditLog.after}->>'indicatorCode' in ${codes}`);
      expect(
        heads
          .filter((h) => h.email === 'kepala.diskominfo@mercusuar.test')
          .map((h) => h.code)
          .sort(),
      ).toEqual(codes.filter((_, i) => i % 2).sort());
    } finally {
      db.transaction = original;
      driver.query = query;
    }
  });

  it('an answer saved keeps cached sessions and published results valid; a change to an account drops them', async () => {
    const epoch = t.app.services.epoch;
    const own = (await openCycle({ scopeUnitCode: '61-DISKOMINFO' })).byUnit['61-DISKOMINFO']!;
    const counters = () => ({ value: epoch.value, beyondLedger: epoch.beyondLedger, access: epoch.access });
    const before = counters();
    const saved = await c.operator!.put(`/api/assessments/${own}/responses/APL-05`, { level: 2 });
    expect(saved.statusCode).toBe(200);
    expect(counters()).toEqual({ ...before, value: before.value + 1 });
    // A refused request (an incomplete submission) changed nothing: no counter moves.
    const submitted = await c.operator!.post(`/api/assessments/${own}/submit`);
    expect(submitted.statusCode).toBe(409);
    expect(counters()).toEqual({ ...before, value: before.value + 1 });
    const user = (await c.admin!.get('/api/users?q=operator.provinsi')).json().items[0];
    expect((await c.admin!.patch(`/api/users/${user.id}`, { name: 'Operator Provinsi' })).statusCode).toBe(
      200,
    );
    expect(counters()).toEqual({
      value: before.value + 2,
      beyondLedger: before.beyondLedger + 1,
      access: before.access + 1,
    });
  });

  it('maps a metric value to a level, refuses a claimed level and out-of-range values', async () => {
    const ok = await c.operator!.put(url('INF-02'), { metricValue: '99.2' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ level: 4, metricValue: '99.2' });
    expect((await c.operator!.put(url('INF-03'), { level: 5 })).statusCode).toBe(400);
    expect(
      (await c.operator!.put(url('INF-02'), { metricValue: '120', expectedVersion: 1 })).statusCode,
    ).toBe(400);
  });

  it('allows not-applicable only where the indicator allows it, with a justification', async () => {
    expect(
      (await c.operator!.put(url('INF-01'), { notApplicable: true, justification: 'tidak punya jaringan' }))
        .statusCode,
    ).toBe(400);
    expect((await c.operator!.put(url('APL-06'), { notApplicable: true })).statusCode).toBe(400);
    const ok = await c.operator!.put(url('APL-06'), {
      notApplicable: true,
      justification: 'Diskominfo tidak memungut retribusi daerah.',
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses unknown indicators and evidence of another unit', async () => {
    expect((await c.operator!.put(url('NOPE-99'), { level: 1 })).statusCode).toBe(404);
    const foreign = await addLinkEvidence(t.database, '61-DINKES', 'Bukti Dinkes');
    const res = await c.operator!.put(url('TKL-03'), { level: 2, evidenceIds: [foreign] });
    expect(res.statusCode).toBe(400);
  });

  it('refuses a submission with the list of what is missing', async () => {
    const res = await c.operator!.post(`/api/assessments/${A}/submit`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('SUBMISSION_INCOMPLETE');
    const missing = res.json().details.missing as Array<{ indicatorCode: string; problem: string }>;
    expect(missing).toContainEqual(
      expect.objectContaining({ indicatorCode: 'SDM-01', problem: 'unanswered' }),
    );
    expect(missing).toContainEqual(
      expect.objectContaining({ indicatorCode: 'INF-04', problem: 'evidence_missing' }),
    );
    expect(missing.some((m) => m.indicatorCode === 'APL-06')).toBe(false);
  });

  it('names the actor of every history entry (display name beside the e-mail)', async () => {
    // INF-04 was saved by the operator, then by the head (first test of this block).
    const res = await c.operator!.get(`/api/assessments/${A}/indicators/INF-04/history`);
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json().entries as Array<{ actorEmail: string; actorName: string | null }>;
    expect(entries.map((e) => [e.actorEmail, e.actorName])).toEqual([
      ['operator.diskominfo@mercusuar.test', 'Operator Demo Diskominfo'],
      ['kepala.diskominfo@mercusuar.test', 'Kepala Demo Diskominfo'],
    ]);
  });

  it('gives each evidence item of the detail its content type and, for PDF and images only, a preview URL', async () => {
    const upload = async (filename: string, content: Buffer, title: string) => {
      const { payload, headers } = multipartBody({ unitCode: '61-DISKOMINFO', title }, [
        { filename, content },
      ]);
      const res = await c.operator!.request('POST', '/api/evidence', payload, headers);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const pdf = await upload('sk-tim-tik.pdf', minimalPdf(`detail ${A}`), 'SK Tim TIK');
    const png = await upload('foto-server.png', tinyPng(), 'Foto ruang server');
    const unit = (await t.database.db.query.units.findFirst({ where: eq(units.code, '61-DISKOMINFO') }))!;
    const [docx] = await t.database.db
      .insert(evidence)
      .values({
        unitId: unit.id,
        kind: 'file',
        title: 'Notulen rapat TIK',
        sha256: createHash('sha256').update(`docx ${A}`).digest('hex'),
        storageKey: `uji/${A}.docx`,
        mimeType: DOCX,
        originalName: 'notulen.docx',
      })
      .returning();
    const saved = await c.operator!.put(url('APL-05'), {
      level: 3,
      justification: 'bukti lengkap',
      evidenceIds: [pdf, png, docx!.id, evidenceId],
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const detail = (await c.coordinator!.get(`/api/assessments/${A}`)).json();
    const items = detail.responses.find((r: { indicatorCode: string }) => r.indicatorCode === 'APL-05')
      .evidence as Array<{ id: string; mimeType: string | null; previewUrl: string | null }>;
    const byId = new Map(items.map((e) => [e.id, e]));
    expect(byId.get(pdf)).toMatchObject({
      mimeType: 'application/pdf',
      previewUrl: `/api/evidence/${pdf}/preview`,
      downloadUrl: `/api/evidence/${pdf}/download`,
    });
    expect(byId.get(png)).toMatchObject({
      mimeType: 'image/png',
      previewUrl: `/api/evidence/${png}/preview`,
    });
    expect(byId.get(docx!.id)).toMatchObject({ mimeType: DOCX, previewUrl: null });
    expect(byId.get(evidenceId)).toMatchObject({ kind: 'link', mimeType: null, previewUrl: null });
    // The save's own answer carries the same fields, and the preview URL serves the file inline.
    expect(saved.json().evidence).toEqual(expect.arrayContaining([byId.get(pdf)]));
    const preview = await c.coordinator!.get(byId.get(pdf)!.previewUrl!);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toContain('application/pdf');
  });
});

describe('edit window', () => {
  it('refuses edits after the window with the deadline, until the coordinator grants an extension', async () => {
    const cy = await openCycle({ scopeUnitCode: '61-DISKOMINFO', phases: phasesAround('closed') });
    const A = cy.byUnit['61-DISKOMINFO']!;
    const late = await c.operator!.put(`/api/assessments/${A}/responses/INF-04`, { level: 2 });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('EDIT_WINDOW_CLOSED');
    expect(late.json().message).toMatch(
      /Batas waktu pengisian telah lewat \(\d+ \w+ \d{4} pukul \d\d\.\d\d WIB\)/,
    );
    expect(late.json().details.deadline).toMatch(/\+07:00$/);
    expect((await c.operator!.post(`/api/assessments/${A}/submit`)).json().code).toBe('EDIT_WINDOW_CLOSED');

    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const ext = await c.coordinator!.post(`/api/assessments/${A}/extension`, {
      until,
      reason: 'Gangguan jaringan',
    });
    expect(ext.statusCode, ext.body).toBe(200);
    expect(ext.json()).toMatchObject({
      editWindow: { extended: true, open: true },
      extension: { reason: 'Gangguan jaringan' },
    });
    expect((await c.operator!.put(`/api/assessments/${A}/responses/INF-04`, { level: 2 })).statusCode).toBe(
      200,
    );
  });

  it('a context remembered from earlier saves never decides alone: changes made outside this process are seen', async () => {
    const cy = await openCycle({ scopeUnitCode: '61-DISKOMINFO' });
    const A = cy.byUnit['61-DISKOMINFO']!;
    const save = (code: string, level: number, expectedVersion?: number) =>
      c.operator!.put(`/api/assessments/${A}/responses/${code}`, {
        level,
        justification: 'x',
        expectedVersion,
      });
    expect((await save('INF-04', 2)).statusCode).toBe(200); // the context is now remembered

    // The window closes by a write this server never saw (another process, the CLI).
    await t.database.db.execute(
      sql`update cycles set phases = ${JSON.stringify(phasesAround('closed'))}::jsonb where id = ${cy.id}`,
    );
    const late = await save('INF-04', 3, 1);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('EDIT_WINDOW_CLOSED');
    await t.database.db.execute(
      sql`update cycles set phases = ${JSON.stringify(phasesAround('open'))}::jsonb where id = ${cy.id}`,
    );
    expect((await save('INF-04', 3, 1)).json()).toMatchObject({ version: 2, level: 3 });

    // The unit moves in the tree: a save decided with the remembered (old) path is not written;
    // the save is decided again from a fresh read and audited under the unit's current path.
    const [unit] = await t.database.db.select().from(units).where(eq(units.code, '61-DISKOMINFO'));
    const movedPath = `${unit!.path}.x`;
    await t.database.db.execute(sql`update units set path = ${movedPath} where id = ${unit!.id}`);
    try {
      const moved = await save('INF-04', 2, 2);
      expect(moved.json()).toMatchObject({ version: 3, level: 2 });
      const [audit] = await t.database.db
        .select()
        .from(auditLog)
        .where(
          sql`${auditLog.action} = 'response.save' and ${auditLog.after}->>'assessmentId' = ${A}
            and ${auditLog.after}->>'indicatorCode' = 'INF-04' and ${auditLog.after}->>'version' = '3'`,
        );
      expect(audit!.unitPath).toBe(movedPath);
    } finally {
      await t.database.db.execute(sql`update units set path = ${unit!.path} where id = ${unit!.id}`);
    }
  });

  it('refuses edits before penilaian mandiri opens', async () => {
    const future = phasesAround('open', Date.now() + 30 * 86_400_000);
    const cy = await openCycle({ scopeUnitCode: '61-DISKOMINFO', phases: future });
    const res = await c.operator!.put(`/api/assessments/${cy.byUnit['61-DISKOMINFO']}/responses/INF-04`, {
      level: 2,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().details.reason).toBe('not_yet_open');
  });
});

describe('carry-over from the previous cycle', () => {
  it('carries answers flagged to confirm; submission waits until each is saved again', async () => {
    const first = await openCycle({ scopeUnitCode: '61-DISKOMINFO' });
    const A1 = first.byUnit['61-DISKOMINFO']!;
    const evidenceId = await addLinkEvidence(t.database, '61-DISKOMINFO', 'Bukti lama');
    const codes = await fillDirect(t.database, A1, { evidenceId });

    const second = await openCycle({ scopeUnitCode: '61-DISKOMINFO', previousCycleId: first.id });
    const A2 = second.byUnit['61-DISKOMINFO']!;
    const detail = (await c.operator!.get(`/api/assessments/${A2}`)).json();
    expect(detail.progress).toMatchObject({ answered: codes.length, needsConfirmation: codes.length });
    expect(
      detail.responses.every(
        (r: { needsConfirmation: boolean; evidenceIds: string[] }) =>
          r.needsConfirmation && r.evidenceIds[0] === evidenceId,
      ),
    ).toBe(true);

    const refused = await c.operator!.post(`/api/assessments/${A2}/submit`);
    expect(refused.json().code).toBe('SUBMISSION_INCOMPLETE');
    expect(new Set(refused.json().details.missing.map((m: { problem: string }) => m.problem))).toEqual(
      new Set(['needs_confirmation']),
    );

    for (const r of detail.responses) {
      const res = await c.operator!.put(`/api/assessments/${A2}/responses/${r.indicatorCode}`, {
        level: r.metricValue ? undefined : r.level,
        metricValue: r.metricValue ?? undefined,
        justification: r.justification,
        evidenceIds: r.evidenceIds,
        expectedVersion: r.version,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ needsConfirmation: false, version: 2 });
    }
    const submitted = await c.operator!.post(`/api/assessments/${A2}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
  });
});

describe('finalisation and reopening', () => {
  it('reopening keeps the superseded snapshot; the database refuses to rewrite a snapshot', async () => {
    const cy = await openCycle({ scopeUnitCode: '61-DISKOMINFO', evidenceThreshold: 6 }, [
      { unitCode: '61-DISKOMINFO', userIds: [c.assessor!.userId] },
    ]);
    const A = cy.byUnit['61-DISKOMINFO']!;
    await fillDirect(t.database, A, { verified: true });
    expect((await c.operator!.post(`/api/assessments/${A}/submit`)).statusCode).toBe(200);
    expect((await c.assessor!.post(`/api/assessments/${A}/complete-verification`)).statusCode).toBe(200);
    const final = await c.coordinator!.post(`/api/assessments/${A}/finalize`);
    expect(final.statusCode, final.body).toBe(200);
    const firstSnapshot = final.json().snapshot;
    expect(firstSnapshot.indexValue).toBe('3.00');

    expect((await c.coordinator!.post(`/api/assessments/${A}/reopen`, { reason: 'pendek' })).statusCode).toBe(
      400,
    );
    const reopened = await c.coordinator!.post(`/api/assessments/${A}/reopen`, {
      reason: 'Koreksi tingkat TKL-01 setelah keberatan unit.',
    });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ state: 'verified', snapshot: null });

    const fix = await c.assessor!.put(`/api/assessments/${A}/verifications/TKL-01`, {
      level: 1,
      reasonCode: 'bukti_tidak_memadai',
      stage: 'visitasi',
      expectedVersion: 1,
    });
    expect(fix.statusCode, fix.body).toBe(200);
    const again = await c.coordinator!.post(`/api/assessments/${A}/finalize`);
    expect(again.json().snapshot.indexValue).not.toBe(firstSnapshot.indexValue);

    const rows = await t.database.db.select().from(scoreSnapshots).where(eq(scoreSnapshots.assessmentId, A));
    expect(rows).toHaveLength(2);
    const old = rows.find((r) => r.id === firstSnapshot.id)!;
    expect(old.supersededAt).not.toBeNull();
    expect(old.reopenReason).toBe('Koreksi tingkat TKL-01 setelah keberatan unit.');
    expect(old.indexValue).toBe('3.00');

    await expect(
      t.database.db.execute(sql`update score_snapshots set index_value = '5.00' where id = ${old.id}`),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`delete from score_snapshots where id = ${old.id}`),
    ).rejects.toThrow();
  });

  it('invalid transitions answer 409 naming the current state', async () => {
    const cy = await openCycle({ scopeUnitCode: '61-DISKOMINFO' }, [
      { unitCode: '61-DISKOMINFO', userIds: [c.assessor!.userId] },
    ]);
    const A = cy.byUnit['61-DISKOMINFO']!;
    const res = await c.coordinator!.post(`/api/assessments/${A}/finalize`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { state: 'draft', event: 'finalize' },
    });
    expect(res.json().message).toContain('(draft)');
    const ret = await c.assessor!.post(`/api/assessments/${A}/return`, {
      indicators: ['INF-04'],
      message: 'perbaiki',
    });
    expect(ret.json()).toMatchObject({ code: 'INVALID_TRANSITION', details: { state: 'draft' } });
  });
});

describe('state machine through the API', () => {
  it('property: no sequence of calls leaves the graph, and final/published refuse edits', async () => {
    const cy = await openCycle({ evidenceThreshold: 6 });
    const units = Object.keys(cy.byUnit).filter((u) => u !== '61-DISKOMINFO' && u !== '61-DINKES');
    await c.coordinator!.put(`/api/cycles/${cy.id}/assessors`, {
      assignments: units.map((unitCode) => ({ unitCode, userIds: [c.otherAssessor!.userId] })),
    });
    const pool = [...units];
    const EVENTS: AssessmentEvent[] = ['submit', 'return', 'complete_verification', 'finalize', 'reopen'];
    const call = (id: string, e: AssessmentEvent) => {
      switch (e) {
        case 'submit':
          return c.provOperator!.post(`/api/assessments/${id}/submit`);
        case 'return':
          return c.otherAssessor!.post(`/api/assessments/${id}/return`, {
            indicators: ['TKL-01'],
            message: 'cek lagi',
          });
        case 'complete_verification':
          return c.otherAssessor!.post(`/api/assessments/${id}/complete-verification`);
        case 'finalize':
          return c.coordinator!.post(`/api/assessments/${id}/finalize`);
        default:
          return c.coordinator!.post(`/api/assessments/${id}/reopen`, {
            reason: 'uji properti mesin status',
          });
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...EVENTS), { minLength: 3, maxLength: 9 }),
        async (events) => {
          const unit = pool.pop();
          if (!unit) return;
          const id = cy.byUnit[unit]!;
          await fillDirect(t.database, id, { verified: true });
          let model: AssessmentState = 'draft';
          for (const e of events) {
            const res = await call(id, e);
            const expected = transition(model, e);
            if (expected.ok) {
              expect({
                e,
                model,
                status: res.statusCode,
                body: res.statusCode === 200 ? '' : res.body,
              }).toMatchObject({ status: 200 });
              model = expected.state;
              expect(res.json().state).toBe(model);
            } else {
              expect(res.statusCode).toBe(409);
              expect(res.json()).toMatchObject({ code: 'INVALID_TRANSITION', details: { state: model } });
            }
            if (model === 'final') {
              const edit = await c.provOperator!.put(`/api/assessments/${id}/responses/TKL-01`, {
                level: 3,
                expectedVersion: 1,
              });
              expect(edit.statusCode).toBe(409);
              const verify = await c.otherAssessor!.put(`/api/assessments/${id}/verifications/TKL-01`, {
                level: 1,
                reasonCode: 'bukti_tidak_memadai',
                stage: 'dokumen',
                expectedVersion: 1,
              });
              expect(verify.statusCode).toBe(409);
            }
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});
