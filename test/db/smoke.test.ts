import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoIfEmpty } from '../../src/seed/demo.js';
import { createTestApp, login, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
});
afterAll(() => t.close());

describe('platform smoke', () => {
  it('answers health with the database kind', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });

  it('logs in the admin and lists units', async () => {
    const admin = await login(t.app, 'admin@mercusuar.test');
    const res = await admin.get('/api/units');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBe(76);
  });
});
