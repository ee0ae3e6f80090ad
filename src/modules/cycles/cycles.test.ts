import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { addLinkEvidence, createUser, ensureIdpd, fillDirect, phasesAround } from './cycles.test-helpers.js';

let t: TestApp;
let instrumentVersionId: string;
let coordinator: Client;
let assessor: Client;
let operator: Client;
let leader: Client;

const base = () => ({
  name: 'Evaluasi Digitalisasi SKPD 2026',
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  instrumentVersionId,
  scopeUnitCode: '61',
  phases: phasesAround('open'),
});

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  instrumentVersionId = await ensureIdpd(t.database, t.app.services);
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
  assessor = await login(t.app, 'asesor@mercusuar.test');
  operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
  leader = await login(t.app, 'gubernur@mercusuar.test');
});
afterAll(() => t.close());

describe('creating cycles', () => {
  it('stores phase windows in WIB and shows the defaults', async () => {
    const res = await coordinator.post('/api/cycles', {
      ...base(),
      phases: [
        { phase: 'mandiri', startsAt: '2026-02-01T08:00', endsAt: '2026-03-31T23:59:00+07:00' },
        { phase: 'dokumen', startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-04-30T16:59:00Z' },
        { phase: 'interviu', startsAt: '2026-05-01T00:00', endsAt: '2026-05-10T00:00' },
        { phase: 'visitasi', startsAt: '2026-05-11T00:00', endsAt: '2026-05-20T00:00' },
        { phase: 'finalisasi', startsAt: '2026-05-21T00:00', endsAt: '2026-05-31T00:00' },
      ],
      targetIndex: '2.6',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.phases[0]).toEqual({
      phase: 'mandiri',
      label: 'Penilaian mandiri',
      startsAt: '2026-02-01T08:00:00+07:00',
      endsAt: '2026-03-31T23:59:00+07:00',
    });
    expect(body.phases[1].startsAt).toBe('2026-04-01T07:00:00+07:00');
    expect(body).toMatchObject({
      status: 'draft',
      statusLabel: 'Draf',
      targetIndex: '2.6',
      evidenceThreshold: 2,
      requireSignoff: false,
      scopeUnit: { code: '61' },
      canManage: true,
    });
  });

  it('refuses bad input with the field named', async () => {
    const bad = async (over: Record<string, unknown>) => {
      const res = await coordinator.post('/api/cycles', { ...base(), ...over });
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      return res.json();
    };
    expect((await bad({ periodEnd: '2025-01-01' })).details[0].path).toBe('periodEnd');
    expect((await bad({ phases: phasesAround('open').slice(0, 2) })).message).toContain('Interviu');
    expect((await bad({ instrumentVersionId: '00000000-0000-4000-8000-000000000000' })).details[0].path).toBe(
      'instrumentVersionId',
    );
    expect((await bad({ scopeUnitCode: 'TIDAK-ADA' })).details[0].path).toBe('scopeUnitCode');
    await bad({ targetIndex: '7' });
    await bad({ evidenceThreshold: 0 });
  });

  it('checks assessor assignments against the assessor role and the scope', async () => {
    const notAssessor = await coordinator.post('/api/cycles', {
      ...base(),
      assessors: [{ unitCode: '61-DISKOMINFO', userIds: [operator.userId] }],
    });
    expect(notAssessor.statusCode).toBe(400);
    const outside = await coordinator.post('/api/cycles', {
      ...base(),
      scopeUnitCode: '61-DISKOMINFO',
      assessors: [{ unitCode: '61-DINKES', userIds: [assessor.userId] }],
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().message).toContain('61-DINKES');
  });
});

describe('opening a cycle', () => {
  it('creates one draft assessment per perangkat daerah of the province, not the kota units or Pemda nodes', async () => {
    const created = await coordinator.post('/api/cycles', base());
    const id = created.json().id;
    const preview = (await coordinator.get(`/api/cycles/${id}`)).json();
    const codes: string[] = preview.units.map((u: { code: string }) => u.code);
    expect(codes).toContain('61-DISKOMINFO');
    expect(codes).toContain('61-BIRO-PEM');
    expect(codes.some((c) => c === '61' || c.startsWith('61.'))).toBe(false);

    const opened = await coordinator.post(`/api/cycles/${id}/open`);
    expect(opened.statusCode).toBe(200);
    expect(opened.json().created).toBe(codes.length);
    expect(opened.json().cycle.stateCounts).toEqual({ draft: codes.length });

    const twice = await coordinator.post(`/api/cycles/${id}/open`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('CYCLE_ALREADY_OPEN');

    const late = await coordinator.patch(`/api/cycles/${id}`, { evidenceThreshold: 3 });
    expect(late.statusCode).toBe(409);
    const renamed = await coordinator.patch(`/api/cycles/${id}`, { name: 'Evaluasi SKPD 2026 (revisi)' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Evaluasi SKPD 2026 (revisi)');
  });

  it('filters by unit type and can include the units of nested kabupaten/kota', async () => {
    const created = await coordinator.post('/api/cycles', {
      ...base(),
      scopeUnitTypes: ['rumah_sakit'],
      includeNestedPemda: true,
    });
    const units = (await coordinator.get(`/api/cycles/${created.json().id}`)).json().units;
    expect(units.length).toBeGreaterThan(2);
    expect(units.every((u: { type: string }) => u.type === 'rumah_sakit')).toBe(true);
    expect(units.some((u: { code: string }) => u.code.startsWith('61.71'))).toBe(true);
  });

  it('refuses to open a cycle with nothing in scope', async () => {
    const created = await coordinator.post('/api/cycles', { ...base(), scopeUnitTypes: ['kelurahan'] });
    const res = await coordinator.post(`/api/cycles/${created.json().id}/open`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CYCLE_SCOPE_EMPTY');
  });
});

describe('assessors, lists and publication', () => {
  let id: string;

  beforeAll(async () => {
    id = (await coordinator.post('/api/cycles', { ...base(), scopeUnitCode: '61-SETDA' })).json().id;
    await coordinator.post(`/api/cycles/${id}/open`);
  });

  it('assigns assessors per unit and lists candidates', async () => {
    await createUser(
      await login(t.app, 'admin@mercusuar.test'),
      'asesor.eksternal@mercusuar.test',
      'assessor',
      '61',
    );
    const got = await coordinator.get(`/api/cycles/${id}/assessors`);
    expect(got.statusCode).toBe(200);
    const candidates = got.json().candidates.map((x: { email: string }) => x.email);
    expect(candidates).toEqual(
      expect.arrayContaining(['asesor@mercusuar.test', 'asesor.eksternal@mercusuar.test']),
    );

    const set = await coordinator.put(`/api/cycles/${id}/assessors`, {
      assignments: [{ unitCode: '61-BIRO-PEM', userIds: [assessor.userId] }],
    });
    expect(set.statusCode, set.body).toBe(200);
    const unit = set.json().units.find((u: { code: string }) => u.code === '61-BIRO-PEM');
    expect(unit.assessors).toEqual([{ id: assessor.userId, name: 'Asesor Demo' }]);

    const mine = (await assessor.get(`/api/cycles/${id}/assessments`)).json().items;
    expect(mine.map((a: { unit: { code: string } }) => a.unit.code)).toEqual(['61-BIRO-PEM']);
    expect(mine[0].assessors).toEqual([{ id: assessor.userId, name: 'Asesor Demo' }]);
  });

  it('shows the cycle to a leader above it, hides it from a unit outside it', async () => {
    expect((await leader.get('/api/cycles')).json().items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await operator.get('/api/cycles')).json().items.map((c: { id: string }) => c.id)).not.toContain(
      id,
    );
    expect((await operator.get(`/api/cycles/${id}`)).statusCode).toBe(404);
  });

  it('refuses publication while assessments are not final, listing them', async () => {
    const res = await coordinator.post(`/api/cycles/${id}/publish`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CYCLE_NOT_READY');
    const notFinal = res.json().details.notFinal as Array<{ unitCode: string; state: string }>;
    expect(notFinal.length).toBeGreaterThan(1);
    expect(notFinal).toContainEqual(expect.objectContaining({ unitCode: '61-BIRO-PEM', state: 'draft' }));
  });

  it('reports progress per assessment in the list', async () => {
    const list = (await coordinator.get(`/api/cycles/${id}/assessments`)).json().items;
    const biro = list.find((a: { unit: { code: string } }) => a.unit.code === '61-BIRO-PEM');
    const evidenceId = await addLinkEvidence(t.database, '61-BIRO-PEM', 'SK Tim TIK');
    const codes = await fillDirect(t.database, biro.id, { evidenceId });
    const after = (await coordinator.get(`/api/cycles/${id}/assessments`))
      .json()
      .items.find((a: { id: string }) => a.id === biro.id);
    expect(after.progress).toMatchObject({
      applicable: codes.length,
      answered: codes.length,
      evidenceCovered: codes.length,
      verified: 0,
    });
    expect(after.editDeadline).toMatch(/\+07:00$/);
  });
});
