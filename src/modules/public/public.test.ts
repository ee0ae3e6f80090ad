import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import idpdJson from '../../../instruments/idpd-1.json' with { type: 'json' };
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { ensureIdpd, fillDirect, phasesAround, unitByCode } from '../cycles/cycles.test-helpers.js';

let t: TestApp;
let instrumentVersionId: string;
let coordinator: Client;
let assessor: Client;
let operator: Client;
let admin: Client;
let cycleId: string;
let draftCycleId: string;

/** A published cycle with one final unit (Diskominfo), driven through the API. */
beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  instrumentVersionId = await ensureIdpd(t.database, t.app.services);
  [coordinator, assessor, operator, admin] = await Promise.all([
    login(t.app, 'koordinator@mercusuar.test'),
    login(t.app, 'asesor@mercusuar.test'),
    login(t.app, 'operator.diskominfo@mercusuar.test'),
    login(t.app, 'admin@mercusuar.test'),
  ]);
  const created = await coordinator.post('/api/cycles', {
    name: 'Evaluasi publik uji',
    periodStart: '2025-01-01',
    periodEnd: '2025-12-31',
    instrumentVersionId,
    scopeUnitCode: '61-DISKOMINFO',
    phases: phasesAround('open'),
    evidenceThreshold: 6,
    assessors: [{ unitCode: '61-DISKOMINFO', userIds: [assessor.userId] }],
  });
  cycleId = created.json().id;
  await coordinator.post(`/api/cycles/${cycleId}/open`);
  const [a] = (await coordinator.get(`/api/cycles/${cycleId}/assessments`)).json().items;
  await fillDirect(t.database, a.id, { verified: true });
  for (const [who, url] of [
    [operator, 'submit'],
    [assessor, 'complete-verification'],
    [coordinator, 'finalize'],
  ] as const) {
    const res = await who.post(`/api/assessments/${a.id}/${url}`);
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  const published = await coordinator.post(`/api/cycles/${cycleId}/publish`);
  if (published.statusCode !== 200) throw new Error(published.body);

  draftCycleId = (
    await coordinator.post('/api/cycles', {
      name: 'Siklus belum terbit',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      instrumentVersionId,
      scopeUnitCode: '61',
      phases: phasesAround('open'),
    })
  ).json().id;
});
afterAll(() => t.close());

const results = async () => t.app.inject({ url: `/api/public/cycles/${cycleId}/results` });

describe('public results', () => {
  it('lists published cycles only', async () => {
    const res = await t.app.inject({ url: '/api/public/cycles' });
    expect(res.statusCode).toBe(200);
    const ids = res.json().items.map((c: { id: string }) => c.id);
    expect(ids).toContain(cycleId);
    expect(ids).not.toContain(draftCycleId);
    expect(res.json().items.find((c: { id: string }) => c.id === cycleId)).toMatchObject({
      instrument: { code: 'idpd', version: '1' },
      unitCount: 1,
      resultsUrl: `/api/public/cycles/${cycleId}/results`,
    });
  });

  it('answers 404 for cycles that are not published, and for unknown ids', async () => {
    expect((await t.app.inject({ url: `/api/public/cycles/${draftCycleId}/results` })).statusCode).toBe(404);
    const unknown = await t.app.inject({
      url: '/api/public/cycles/00000000-0000-4000-8000-000000000000/results',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('shows each unit’s frozen index with the method behind it', async () => {
    const body = (await results()).json();
    expect(body.units).toEqual([
      expect.objectContaining({ code: '61-DISKOMINFO', index: '3.00', predicate: 'Baik', type: 'dinas' }),
    ]);
    expect(body.method.domains.map((d: { code: string; weight: string }) => `${d.code}:${d.weight}`)).toEqual(
      ['INF:20', 'SDM:20', 'APL:30', 'TKL:15', 'DMP:15'],
    );
    expect(body.method.rounding).toEqual({ decimals: 2, mode: 'half-up' });
  });

  it('does not change when the unit is renamed or a new instrument draft appears afterwards', async () => {
    const before = (await results()).json();

    const unit = await unitByCode(t.database, '61-DISKOMINFO');
    const renamed = await admin.patch(`/api/units/${unit.id}`, {
      name: 'Dinas Kominfo dan Persandian (baru)',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);

    const draft = structuredClone(idpdJson) as typeof idpdJson & {
      predicateBands: Array<{ min: string; max: string }>;
    };
    draft.version = '2';
    draft.title = 'IDPD versi 2 (draf)';
    draft.predicateBands[2].min = '3';
    draft.predicateBands[3].max = '3';
    await t.app.services.instruments.importDocument(systemContext('test'), draft);

    // Nor may anyone rewrite the published version underneath it.
    await expect(
      t.database.db.execute(
        sql`update instrument_versions set title = 'diubah', content = jsonb_set(content, '{title}', '"diubah"') where id = ${instrumentVersionId}`,
      ),
    ).rejects.toThrow();

    const after = (await results()).json();
    expect(after).toEqual(before);
    expect(after.units[0].name).not.toContain('(baru)');
    // Open data reads the same source: it keeps the published name too.
    const published = await t.app.services.results.published(cycleId);
    expect(published.units.map((u) => u.unit.name)).toEqual([after.units[0].name]);
  });

  it('shows the same numbers as open data, from the one published source: index, predicate, rank, hash', async () => {
    const body = (await results()).json();
    const published = await t.app.services.results.published(cycleId);
    expect(
      body.units.map((u: Record<string, unknown>) => [u.code, u.index, u.predicate, u.rank, u.inputsHash]),
    ).toEqual(published.units.map((u) => [u.unit.code, u.index, u.predicate, u.rank, u.snapshotHash]));
    expect(body.units[0]).toMatchObject({ rank: 1, change: null });
    expect(body.units[0].domains).toEqual(
      published.units[0]!.domains.map((d) => ({ ...d, predicate: expect.any(String) })),
    );
    expect(body.method.formula).toBe(published.method.formula);
  });
});
