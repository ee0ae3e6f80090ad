import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';

let t: TestApp;
let admin: Client;
let coordinator: Client;
let operator: Client;
const idOf = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  admin = await login(t.app, 'admin@mercusuar.test');
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
  operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
  for (const u of (await admin.get('/api/units')).json().items) idOf.set(u.code, u.id);
});
afterAll(() => t.close());

const unit = (over: Record<string, unknown> = {}) => ({
  code: 'T-UPT-1',
  name: 'UPT Uji Satu',
  type: 'upt',
  parentCode: '61-DISKOMINFO',
  ...over,
});

describe('units CRUD', () => {
  it('creates a unit under its parent and answers 201 with the presented unit', async () => {
    const res = await admin.post('/api/units', unit({ latitude: '-0.0263', longitude: 109.3425 }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'T-UPT-1',
      parentCode: '61-DISKOMINFO',
      parentId: idOf.get('61-DISKOMINFO'),
      depth: 2,
      active: true,
      latitude: '-0.026300',
      longitude: '109.342500',
    });
    expect((await admin.get(`/api/units/${body.id}`)).json().code).toBe('T-UPT-1');
  });

  it('answers 409 for a duplicate code', async () => {
    const res = await admin.post('/api/units', unit({ name: 'Lain' }));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT', details: [{ path: 'code' }] });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await admin.get('/api/units/00000000-0000-4000-8000-000000000000');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('answers 400 naming the field for an invalid type', async () => {
    const res = await admin.post('/api/units', unit({ code: 'T-BAD', type: 'kantor' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain('body.type');
  });

  it('answers 400 naming unknown fields', async () => {
    const res = await admin.post('/api/units', unit({ code: 'T-BAD2', colour: 'red' }));
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().details)).toContain('colour');
  });

  it('hides units outside an operator’s scope (404) but shows their own', async () => {
    const own = await operator.get(`/api/units/${idOf.get('61-DISKOMINFO')}`);
    expect(own.statusCode).toBe(200);
    const other = await operator.get(`/api/units/${idOf.get('61-DINKES')}`);
    expect(other.statusCode).toBe(404);
    const listed = (await operator.get('/api/units')).json().items.map((u: { code: string }) => u.code);
    expect(listed).toContain('61-DISKOMINFO');
    expect(listed).not.toContain('61-DINKES');
  });

  it('forbids an operator to create units (403)', async () => {
    const res = await operator.post('/api/units', unit({ code: 'T-OP' }));
    expect(res.statusCode).toBe(403);
  });

  it('lets the coordinator create a unit under the province', async () => {
    const res = await coordinator.post(
      '/api/units',
      unit({ code: 'T-BADAN', name: 'Badan Uji', type: 'badan', parentCode: '61' }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().depth).toBe(1);
  });

  it('refuses a non-Pemda unit without a parent', async () => {
    const res = await admin.post('/api/units', unit({ code: 'T-ROOT', parentCode: null }));
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('type');
  });

  it('moving a unit rewrites the paths and depths of its descendants', async () => {
    const a = (
      await admin.post('/api/units', unit({ code: 'T-MOVE-A', name: 'Bidang A', type: 'bidang' }))
    ).json();
    const b = (
      await admin.post(
        '/api/units',
        unit({ code: 'T-MOVE-B', name: 'Seksi B', type: 'bidang', parentCode: 'T-MOVE-A' }),
      )
    ).json();
    expect(b.depth).toBe(3);
    const moved = await admin.patch(`/api/units/${a.id}`, { parentCode: '61-DINKES' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ parentCode: '61-DINKES', depth: 2 });
    // The grandchild followed: it is now in Dinkes' subtree and visible to the Dinkes operator.
    const dinkes = await login(t.app, 'operator.dinkes@mercusuar.test');
    const seen = await dinkes.get(`/api/units/${b.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ parentCode: 'T-MOVE-A', depth: 3 });
    expect((await operator.get(`/api/units/${b.id}`)).statusCode).toBe(404);
    const inDinkes = (await admin.get('/api/units?root=61-DINKES'))
      .json()
      .items.map((u: { code: string }) => u.code);
    expect(inDinkes).toEqual(expect.arrayContaining(['61-DINKES', 'T-MOVE-A', 'T-MOVE-B']));
  });

  it('refuses to move a unit under its own descendant', async () => {
    const res = await admin.patch(`/api/units/${idOf.get('61-DINKES')}`, { parentCode: 'T-MOVE-B' });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('parentCode');
  });
});

describe('new Pemda roots', () => {
  it('makes the admin who creates a root its administrator, so it can be read and built on', async () => {
    const admin = await login(t.app, 'admin@mercusuar.test');
    const created = await admin.post('/api/units', {
      code: '62',
      name: 'Provinsi Kalimantan Tengah',
      type: 'provinsi',
    });
    expect(created.statusCode).toBe(201);
    expect((await admin.get(`/api/units/${created.json().id}`)).statusCode).toBe(200);
    const child = await admin.post('/api/units', {
      code: '62-DISKOMINFO',
      name: 'Dinas Komunikasi dan Informatika',
      type: 'dinas',
      parentCode: '62',
    });
    expect(child.statusCode).toBe(201);
  });
});
