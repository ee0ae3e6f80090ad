import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../../test/helpers/app.js';
import { systemContext } from '../lib/context.js';
import { seedDemoIfEmpty } from './demo.js';

let t: TestApp;
let seeded: Record<string, number> | null;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.services.instruments.loadBuiltins(systemContext('test'));
  seeded = await seedDemoIfEmpty(t.database, t.app.services, { cycles: true });
}, 600_000);
afterAll(() => t.close());

describe('demo data', () => {
  it('seeds once: a second call on a non-empty database does nothing', async () => {
    expect(seeded?.units).toBe(76);
    expect(await seedDemoIfEmpty(t.database, t.app.services, { cycles: true })).toBeNull();
  });

  it("publishes last year's cycle with varied, verified results and some laggards", async () => {
    const res = await t.app.inject({ url: '/api/public/cycles' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const cycles = Array.isArray(body) ? body : body.items;
    expect(cycles).toHaveLength(1);
    const open = (await t.app.inject({ url: '/api/public/opendata' })).json();
    expect(open.items.map((i: { cycle: { id: string } }) => i.cycle.id)).toEqual([cycles[0].id]);
    const gub = await login(t.app, 'gubernur@mercusuar.test');
    const results = (await gub.get(`/api/cycles/${cycles[0].id}/results`)).json();
    expect(results.aggregate.finalCount).toBeGreaterThanOrEqual(40);
    const predicates = results.aggregate.predicateDistribution.filter((p: { count: number }) => p.count > 0);
    expect(predicates.length).toBeGreaterThanOrEqual(3);
    expect(results.aggregate.overClaimingUnits).toBeGreaterThan(0);
    // ranks follow the verified index exactly, ties share a rank (1224)
    const ranked = results.units.filter((u: { rank: number | null }) => u.rank !== null);
    for (const u of ranked) {
      const higher = ranked.filter(
        (v: { verifiedIndex: string }) => Number(v.verifiedIndex) > Number(u.verifiedIndex),
      );
      expect(u.rank).toBe(higher.length + 1);
    }
    const laggards = (await gub.get(`/api/cycles/${cycles[0].id}/laggards`)).json();
    expect(laggards.items.length).toBeGreaterThan(0);
    for (const l of laggards.items) {
      expect(Number(l.verifiedIndex) < 2.6 || l.inBottomQuartile).toBe(true);
      expect(l.holdingBack).toHaveLength(3);
      const lost = l.holdingBack.map((h: { lostPoints: string }) => Number(h.lostPoints));
      expect([...lost].sort((a, b) => b - a)).toEqual(lost);
    }
    // the operator sees only their own unit's row
    const op = await login(t.app, 'operator.diskominfo@mercusuar.test');
    const own = (await op.get(`/api/cycles/${cycles[0].id}/results`)).json();
    expect(own.units.map((u: { unit: { code: string } }) => u.unit.code)).toEqual(['61-DISKOMINFO']);
  });

  it("opens this year's cycle with the demo operator's unit in draft", async () => {
    const op = await login(t.app, 'operator.diskominfo@mercusuar.test');
    const cycles = (await op.get('/api/cycles')).json();
    const list = Array.isArray(cycles) ? cycles : cycles.items;
    const open = list.find((c: { status: string }) => c.status === 'open');
    expect(open).toBeTruthy();
    const mine = (await op.get(`/api/cycles/${open.id}/assessments`)).json();
    const items = Array.isArray(mine) ? mine : mine.items;
    expect(items).toHaveLength(1);
    expect(items[0].state).toBe('draft');
  });
});
