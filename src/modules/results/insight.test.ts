import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { targetLevelOf } from './insight.service.js';

let t: TestApp;
let leader: Client;
let coordinator: Client;
let assessor: Client;
let dinkesOperator: Client;
let diskominfoOperator: Client;
let past: { id: string };
let current: { id: string };

interface ResultsUnit {
  assessmentId: string;
  unit: { code: string; name: string };
  verifiedIndex: string | null;
  predicate: string | null;
  rank: number | null;
  gap: string | null;
  domains: Array<{ code: string; index: string | null }>;
}

let pastResults: { aggregate: { meanIndex: string; finalCount: number }; units: ResultsUnit[] };
const unitOf = (code: string) => pastResults.units.find((u) => u.unit.code === code)!;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.services.instruments.loadBuiltins(systemContext('test'));
  await seedDemoIfEmpty(t.database, t.app.services, { cycles: true });
  [leader, coordinator, assessor, dinkesOperator, diskominfoOperator] = await Promise.all([
    login(t.app, 'gubernur@mercusuar.test'),
    login(t.app, 'koordinator@mercusuar.test'),
    login(t.app, 'asesor@mercusuar.test'),
    login(t.app, 'operator.dinkes@mercusuar.test'),
    login(t.app, 'operator.diskominfo@mercusuar.test'),
  ]);
  const cycles = (await leader.get('/api/cycles')).json().items as Array<{ id: string; status: string }>;
  past = cycles.find((c) => c.status === 'published')!;
  current = cycles.find((c) => c.status === 'open')!;
  pastResults = (await leader.get(`/api/cycles/${past.id}/results`)).json();
}, 600_000);
afterAll(() => t.close());

describe('GET /api/assessments/:id/result (unit result with score receipt)', () => {
  it('gives the leader the same index, predicate, rank and domains as the cycle results', async () => {
    const row = unitOf('61-DISKOMINFO');
    const res = await leader.get(`/api/assessments/${row.assessmentId}/result`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.unit.code).toBe('61-DISKOMINFO');
    expect(body.assessment.final).toBe(true);
    expect(body.assessment.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.result).toMatchObject({
      verifiedIndex: row.verifiedIndex,
      predicate: row.predicate,
      rank: row.rank,
      gap: row.gap,
      rankedCount: pastResults.aggregate.finalCount,
    });
    expect(body.result.domains.map((d: { code: string; index: string }) => [d.code, d.index])).toEqual(
      row.domains.map((d) => [d.code, d.index]),
    );
    // the receipt explains exactly the reported number: points add up to the index
    expect(body.receipt.reported).toBe(row.verifiedIndex);
    expect(body.receipt.totals.points).toBe(body.receipt.index);
    expect(body.receipt.targetIndex).toBe('2.60');
    expect(body.receipt.targetLevel).toBe(3);
    const domains = body.nodes.filter((n: { depth: number }) => n.depth === 1);
    expect(domains.map((d: { code: string; index: string }) => [d.code, d.index])).toEqual(
      row.domains.map((d) => [d.code, d.index]),
    );
  });

  it('drills every scored indicator down to both levels, the evidence and the verifier', async () => {
    const row = unitOf('61-DISKOMINFO');
    const body = (await coordinator.get(`/api/assessments/${row.assessmentId}/result`)).json();
    const indicators = body.nodes.filter((n: { indicator: unknown }) => n.indicator);
    expect(indicators.length).toBeGreaterThan(10);
    for (const n of indicators.filter((x: { status: string }) => x.status === 'scored')) {
      expect(n.indicator.verified.level ?? n.indicator.verified.metricValue).not.toBeNull();
      expect(n.indicator.verified).toMatchObject({ verifiedBy: 'Asesor Demo', stage: 'dokumen' });
      expect(n.indicator.verified.stageLabel).toBeTruthy();
      expect(n.indicator.verified.reasonLabel).toBeTruthy();
      expect(n.indicator.verified.verifiedAt).toBeTruthy();
      expect(n.indicator.criteria).toHaveLength(5);
      expect(n.indicator.self).not.toBeNull();
      expect(n.parentCode).not.toBeNull();
      // lost points against the target level never exceed those against level 5
      expect(Number(n.lostVsTarget)).toBeLessThanOrEqual(Number(n.lostVsMax));
    }
    // the demo backs every self-assessed level ≥ 2 with its unit's link
    const withEvidence = indicators.find(
      (n: { indicator: { self: { level: number | null } | null } }) => (n.indicator.self?.level ?? 0) >= 2,
    );
    expect(withEvidence.indicator.evidence[0]).toMatchObject({
      kind: 'link',
      title: expect.stringContaining('61-DISKOMINFO'),
    });
  });

  it('offers the plan to the target for a unit below it, and marks it in the recommendations', async () => {
    const below = pastResults.units.find((u) => u.verifiedIndex !== null && Number(u.verifiedIndex) < 2.6)!;
    expect(below).toBeDefined();
    const body = (await leader.get(`/api/assessments/${below.assessmentId}/result`)).json();
    expect(Number(body.receipt.gapToTarget)).toBeGreaterThan(0);
    expect(Number(body.receipt.totals.lostVsTarget)).toBeGreaterThan(0);
    expect(body.receipt.planToTarget.length).toBeGreaterThan(0);
    const needed = body.recommendations.filter((r: { neededForTarget: boolean }) => r.neededForTarget);
    expect(needed.map((r: { code: string }) => r.code).sort()).toEqual(
      body.receipt.planToTarget.map((p: { code: string }) => p.code).sort(),
    );
    expect(body.receipt.planToTarget[0].name).not.toBe(body.receipt.planToTarget[0].code);
  });

  it('answers 404 to an operator of another unit, to an assessor, and for an unknown id', async () => {
    const diskominfo = unitOf('61-DISKOMINFO');
    expect((await dinkesOperator.get(`/api/assessments/${diskominfo.assessmentId}/result`)).statusCode).toBe(
      404,
    );
    expect((await assessor.get(`/api/assessments/${diskominfo.assessmentId}/result`)).statusCode).toBe(404);
    expect(
      (await leader.get('/api/assessments/00000000-0000-4000-8000-000000000000/result')).statusCode,
    ).toBe(404);
  });

  it('answers 404 to a leader of another Pemda, and lets an administrator read it', async () => {
    const diskominfo = unitOf('61-DISKOMINFO');
    const admin = await login(t.app, 'admin@mercusuar.test');
    const created = await admin.post('/api/users', {
      email: 'pimpinan.kabupaten@mercusuar.test',
      name: 'Pimpinan Kabupaten Uji',
      password: 'sandi-uji-insight-1',
      roles: [{ role: 'leader', unitCode: '61.01' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const otherLeader = await login(t.app, 'pimpinan.kabupaten@mercusuar.test', 'sandi-uji-insight-1');
    expect((await otherLeader.get(`/api/assessments/${diskominfo.assessmentId}/result`)).statusCode).toBe(
      404,
    );
    // in scope of nothing the province evaluated: the trend is empty, not someone else's
    const trend = (await otherLeader.get(`/api/cycles/${past.id}/trend`)).json();
    expect(trend).toMatchObject({ cycles: [], units: [] });
    expect((await admin.get(`/api/assessments/${diskominfo.assessmentId}/result`)).statusCode).toBe(200);
  });

  it('lets a unit’s own operator read its result, and nobody without a session', async () => {
    const diskominfo = unitOf('61-DISKOMINFO');
    expect(
      (await diskominfoOperator.get(`/api/assessments/${diskominfo.assessmentId}/result`)).statusCode,
    ).toBe(200);
    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/api/assessments/${diskominfo.assessmentId}/result`,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('shows a unit of the open cycle as provisional, with last year’s index in its history', async () => {
    const results = (await leader.get(`/api/cycles/${current.id}/results`)).json();
    const row = results.units.find((u: ResultsUnit) => u.unit.code === '61-DISKOMINFO');
    const body = (await leader.get(`/api/assessments/${row.assessmentId}/result`)).json();
    expect(body.assessment.final).toBe(false);
    expect(body.receipt).toBeNull();
    expect(body.history).toEqual([
      expect.objectContaining({
        cycleId: past.id,
        index: unitOf('61-DISKOMINFO').verifiedIndex,
        cycleMean: pastResults.aggregate.meanIndex,
      }),
    ]);
  });
});

describe('GET /api/cycles/:id/trend', () => {
  it('gives the mean per cycle over the units in scope and each unit’s index per cycle', async () => {
    const res = await leader.get(`/api/cycles/${current.id}/trend`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // this year's cycle has no final unit yet: only last year's appears
    expect(body.cycles).toEqual([
      expect.objectContaining({
        id: past.id,
        unitCount: pastResults.aggregate.finalCount,
        mean: pastResults.aggregate.meanIndex,
      }),
    ]);
    expect(body.units).toHaveLength(pastResults.aggregate.finalCount);
    const diskominfo = body.units.find((u: { code: string }) => u.code === '61-DISKOMINFO');
    expect(diskominfo.values).toEqual([
      { index: unitOf('61-DISKOMINFO').verifiedIndex, predicate: unitOf('61-DISKOMINFO').predicate },
    ]);
  });

  it('limits an operator to their own unit and refuses an assessor', async () => {
    const mine = (await dinkesOperator.get(`/api/cycles/${past.id}/trend`)).json();
    expect(mine.units.map((u: { code: string }) => u.code)).toEqual(['61-DINKES']);
    expect(mine.cycles[0].mean).toBe(unitOf('61-DINKES').verifiedIndex);
    expect((await assessor.get(`/api/cycles/${past.id}/trend`)).statusCode).toBe(404);
    expect((await leader.get('/api/cycles/00000000-0000-4000-8000-000000000000/trend')).statusCode).toBe(404);
  });
});

describe('targetLevelOf', () => {
  it('rounds the target up to a whole level and defaults to level 5', () => {
    expect(targetLevelOf('2.60')).toBe(3);
    expect(targetLevelOf('3.00')).toBe(3);
    expect(targetLevelOf('3')).toBe(3);
    expect(targetLevelOf(null)).toBe(5);
    expect(targetLevelOf('0.50')).toBe(1);
  });
});
