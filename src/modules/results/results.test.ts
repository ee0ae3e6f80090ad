import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { assessments } from '../../db/schema/index.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { ensureIdpd, fillDirect, phasesAround } from '../cycles/cycles.test-helpers.js';

let t: TestApp;
let coordinator: Client;
let assessor: Client;
let leader: Client;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  await ensureIdpd(t.database, t.app.services);
  [coordinator, assessor, leader] = await Promise.all([
    login(t.app, 'koordinator@mercusuar.test'),
    login(t.app, 'asesor@mercusuar.test'),
    login(t.app, 'gubernur@mercusuar.test'),
  ]);
});
afterAll(() => t.close());

describe('cycle results', () => {
  it('follow a reopened and re-finalised assessment (cached snapshots never go stale)', async () => {
    const versionId = await ensureIdpd(t.database, t.app.services);
    const created = await coordinator.post('/api/cycles', {
      name: 'Uji hasil',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      instrumentVersionId: versionId,
      scopeUnitCode: '61-DISKOMINFO',
      phases: phasesAround('open'),
      targetIndex: '3.50',
      assessors: [{ unitCode: '61-DISKOMINFO', userIds: [assessor.userId] }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const cycleId = created.json().id;
    expect((await coordinator.post(`/api/cycles/${cycleId}/open`)).statusCode).toBe(200);
    const [a] = await t.database.db.select().from(assessments).where(eq(assessments.cycleId, cycleId));
    const codes = await fillDirect(t.database, a!.id, { verified: true });
    await t.database.db.update(assessments).set({ state: 'verified' }).where(eq(assessments.id, a!.id));

    expect((await coordinator.post(`/api/assessments/${a!.id}/finalize`)).statusCode).toBe(200);
    const first = (await leader.get(`/api/cycles/${cycleId}/results`)).json();
    expect(first.units[0]).toMatchObject({ final: true, verifiedIndex: '3.00', rank: 1, belowTarget: true });
    const lag = (await leader.get(`/api/cycles/${cycleId}/laggards`)).json();
    expect(lag.items).toHaveLength(1);
    expect(lag.items[0].reasons).toEqual(['below_target']);

    // reopen, lower one maturity indicator, finalise again: the results move with the new snapshot
    expect(
      (await coordinator.post(`/api/assessments/${a!.id}/reopen`, { reason: 'Koreksi hasil verifikasi.' }))
        .statusCode,
    ).toBe(200);
    const detail = (await assessor.get(`/api/assessments/${a!.id}`)).json();
    const maturity = detail.responses.find(
      (r: { indicatorCode: string; metricValue: string | null }) =>
        codes.includes(r.indicatorCode) && !r.metricValue,
    );
    const v = detail.verifications.find(
      (x: { indicatorCode: string }) => x.indicatorCode === maturity.indicatorCode,
    );
    const lowered = await assessor.put(`/api/assessments/${a!.id}/verifications/${maturity.indicatorCode}`, {
      level: 1,
      reasonCode: 'bukti_tidak_memadai',
      note: 'Bukti tidak mendukung.',
      stage: 'dokumen',
      expectedVersion: v.version,
    });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect((await coordinator.post(`/api/assessments/${a!.id}/finalize`)).statusCode).toBe(200);
    const second = (await leader.get(`/api/cycles/${cycleId}/results`)).json();
    expect(second.units[0].final).toBe(true);
    expect(Number(second.units[0].verifiedIndex)).toBeLessThan(3);
    expect(second.units[0].snapshotHash).not.toBe(first.units[0].snapshotHash);
    expect(second.units[0].gap).not.toBe('0.00');
  });

  it('carry an ETag: a repeated read gets 304, a change through the API is seen at once', async () => {
    // The cycle of the test above: one final unit.
    const cycle = (await leader.get('/api/cycles'))
      .json()
      .items.find((c: { name: string }) => c.name === 'Uji hasil');
    const url = `/api/cycles/${cycle.id}/results`;
    const first = await leader.get(url);
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await leader.request('GET', url, undefined, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    // A unit renamed through the API shows in the next read (the cached body is dropped).
    const unitId = first.json().units[0].unit.id;
    const admin = await login(t.app, 'admin@mercusuar.test');
    const renamed = await admin.patch(`/api/units/${unitId}`, { name: 'Dinas Uji Nama Baru (DEMO)' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const after = await leader.request('GET', url, undefined, { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.json().units.find((u: { unit: { id: string } }) => u.unit.id === unitId).unit.name).toBe(
      'Dinas Uji Nama Baru (DEMO)',
    );
  });

  it('of a published cycle stay cached while answers are saved elsewhere; an open cycle sees its own saves at once', async () => {
    const versionId = await ensureIdpd(t.database, t.app.services);
    const svc = t.app.services.results;
    const original = svc.forActor;
    let computed = 0;
    svc.forActor = (...args) => {
      computed++;
      return original(...args);
    };
    try {
      // Publish the cycle of the first test (one final unit).
      const past = (await leader.get('/api/cycles'))
        .json()
        .items.find((c: { name: string }) => c.name === 'Uji hasil');
      const published = await coordinator.post(`/api/cycles/${past.id}/publish`);
      expect(published.statusCode, published.body).toBe(200);
      const pastUrl = `/api/cycles/${past.id}/results`;

      // An open cycle of the same unit, and its operator saving answers in it.
      const created = await coordinator.post('/api/cycles', {
        name: 'Uji hasil terbuka',
        periodStart: '2027-01-01',
        periodEnd: '2027-12-31',
        instrumentVersionId: versionId,
        scopeUnitCode: '61-DISKOMINFO',
        phases: phasesAround('open'),
      });
      const openId = created.json().id;
      expect((await coordinator.post(`/api/cycles/${openId}/open`)).statusCode).toBe(200);
      const [a] = await t.database.db.select().from(assessments).where(eq(assessments.cycleId, openId));
      const operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
      const openUrl = `/api/cycles/${openId}/results`;
      const before = (await leader.get(openUrl)).json().units[0].selfIndex;
      const etag = (await leader.get(pastUrl)).headers.etag as string;

      computed = 0;
      for (const [i, code] of ['INF-04', 'INF-05'].entries()) {
        const saved = await operator.put(`/api/assessments/${a!.id}/responses/${code}`, { level: 4 + i });
        expect(saved.statusCode, saved.body).toBe(200);
        const again = await leader.request('GET', pastUrl, undefined, { 'if-none-match': etag });
        expect(again.statusCode).toBe(304);
      }
      expect(computed).toBe(0); // the published cycle's answer came from the cache both times

      const after = (await leader.get(openUrl)).json().units[0].selfIndex;
      expect(after).not.toBe(before); // the open cycle's own saves are seen at once
      expect(computed).toBe(1);
    } finally {
      svc.forActor = original;
    }
  });
});
