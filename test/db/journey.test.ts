import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/domain/instrument/index.js';
import { compileInstrument, scoreAssessment } from '../../src/domain/scoring/index.js';
import {
  addLinkEvidence,
  ensureIdpd,
  indicatorsOf,
  levelThreeAnswer,
  phasesAround,
} from '../../src/modules/cycles/cycles.test-helpers.js';
import { seedDemoIfEmpty } from '../../src/seed/demo.js';
import { type Client, createTestApp, login, type TestApp } from '../helpers/app.js';

/**
 * The whole evaluation cycle through the API with the demo accounts: open, fill with evidence,
 * submit, verify with one level lowered and one indicator returned, fix, resubmit, complete,
 * finalise, publish, and the public endpoint shows it.
 */
let t: TestApp;
let coordinator: Client;
let assessor: Client;
let operator: Client;
let head: Client;
let instrumentVersionId: string;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  instrumentVersionId = await ensureIdpd(t.database, t.app.services);
  [coordinator, assessor, operator, head] = await Promise.all([
    login(t.app, 'koordinator@mercusuar.test'),
    login(t.app, 'asesor@mercusuar.test'),
    login(t.app, 'operator.diskominfo@mercusuar.test'),
    login(t.app, 'kepala.diskominfo@mercusuar.test'),
  ]);
});
afterAll(() => t.close());

describe('evaluation journey', () => {
  let cycleId: string;
  let assessmentId: string;
  let applicable: string[];
  let instrument: Instrument;
  const answers = new Map<string, Record<string, unknown>>();

  it('the coordinator creates and opens a cycle on the idpd instrument', async () => {
    const created = await coordinator.post('/api/cycles', {
      name: 'Evaluasi Digitalisasi Diskominfo 2026 (uji)',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      instrumentVersionId,
      scopeUnitCode: '61-DISKOMINFO',
      phases: phasesAround('open'),
      targetIndex: '2.60',
      evidenceThreshold: 2,
      requireSignoff: true,
      assessors: [{ unitCode: '61-DISKOMINFO', userIds: [assessor.userId] }],
    });
    expect(created.statusCode, created.body).toBe(201);
    cycleId = created.json().id;
    expect(created.json()).toMatchObject({ status: 'draft', instrument: { code: 'idpd', version: '1' } });

    const opened = await coordinator.post(`/api/cycles/${cycleId}/open`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toMatchObject({ created: 1, carriedAnswers: 0, cycle: { status: 'open' } });

    const list = await operator.get(`/api/cycles/${cycleId}/assessments`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    assessmentId = list.json().items[0].id;
    expect(list.json().items[0]).toMatchObject({ state: 'draft', unit: { code: '61-DISKOMINFO' } });
  });

  it('the operator answers every applicable indicator with evidence', async () => {
    const detail = await operator.get(`/api/assessments/${assessmentId}`);
    expect(detail.statusCode).toBe(200);
    applicable = detail.json().applicableIndicators;
    expect(detail.json().allowedActions).toEqual(expect.arrayContaining(['edit', 'submit']));
    const tree = await operator.get(detail.json().instrument.treeUrl);
    expect(tree.statusCode).toBe(200);
    instrument = tree.json().content;
    const evidenceId = await addLinkEvidence(t.database, '61-DISKOMINFO', 'Laporan TIK 2025');

    for (const ind of indicatorsOf(instrument)) {
      if (!applicable.includes(ind.code)) continue;
      const body =
        ind.code === 'APL-06'
          ? { notApplicable: true, justification: 'Diskominfo tidak memungut pendapatan daerah.' }
          : {
              ...levelThreeAnswer(ind),
              justification: `Bukti terlampir untuk ${ind.code}`,
              evidenceIds: [evidenceId],
            };
      const res = await operator.put(`/api/assessments/${assessmentId}/responses/${ind.code}`, body);
      expect(res.statusCode, `${ind.code}: ${res.body}`).toBe(200);
      expect(res.json().version).toBe(1);
      answers.set(ind.code, body);
    }
    const after = (await operator.get(`/api/assessments/${assessmentId}`)).json();
    expect(after.progress).toMatchObject({
      applicable: applicable.length,
      answered: applicable.length,
      notApplicable: 1,
      evidenceRequired: applicable.length - 1,
      evidenceCovered: applicable.length - 1,
    });
  });

  it('the cycle needs the unit head: the operator alone cannot submit, the head signs off, then it goes', async () => {
    const refused = await operator.post(`/api/assessments/${assessmentId}/submit`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('SIGNOFF_REQUIRED');

    const signed = await head.post(`/api/assessments/${assessmentId}/signoff`);
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().signoff).toMatchObject({ valid: true });

    const submitted = await operator.post(`/api/assessments/${assessmentId}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().state).toBe('submitted');
    expect(submitted.json().allowedActions).not.toContain('edit');
  });

  it('the assessor verifies, lowers one level and returns one indicator', async () => {
    for (const code of applicable) {
      const body =
        code === 'INF-04'
          ? {
              level: 2,
              reasonCode: 'level_tidak_sesuai_kriteria',
              note: 'SOP belum ditetapkan.',
              stage: 'dokumen',
            }
          : { reasonCode: 'sesuai', stage: 'dokumen' };
      const res = await assessor.put(`/api/assessments/${assessmentId}/verifications/${code}`, body);
      expect(res.statusCode, `${code}: ${res.body}`).toBe(200);
    }
    const comment = await assessor.post(`/api/assessments/${assessmentId}/comments`, {
      indicatorCode: 'INF-05',
      body: 'Mohon lampirkan kebijakan cadangan data yang berlaku.',
    });
    expect(comment.statusCode).toBe(201);

    const returned = await assessor.post(`/api/assessments/${assessmentId}/return`, {
      indicators: ['INF-05'],
      message: 'Perbaiki bukti INF-05.',
    });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ state: 'returned', returned: { indicators: ['INF-05'] } });
  });

  it('the operator may fix only the returned indicator, then resubmits (head signs again)', async () => {
    const other = await operator.put(`/api/assessments/${assessmentId}/responses/INF-04`, {
      level: 4,
      expectedVersion: 1,
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('INDICATOR_NOT_RETURNED');

    const detail = (await operator.get(`/api/assessments/${assessmentId}`)).json();
    expect(detail.editableIndicators).toEqual(['INF-05']);
    const newEvidence = await addLinkEvidence(t.database, '61-DISKOMINFO', 'Kebijakan cadangan data 2026');
    const fixed = await operator.put(`/api/assessments/${assessmentId}/responses/INF-05`, {
      level: 3,
      justification: 'Kebijakan cadangan data terlampir.',
      evidenceIds: [newEvidence],
      expectedVersion: 1,
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json().version).toBe(2);

    const reply = await operator.post(`/api/assessments/${assessmentId}/comments`, {
      indicatorCode: 'INF-05',
      body: 'Sudah kami lampirkan.',
    });
    expect(reply.statusCode).toBe(201);
    const thread = await assessor.get(`/api/assessments/${assessmentId}/comments?indicator=INF-05`);
    expect(thread.json().items.map((c: { body: string }) => c.body)).toEqual([
      'Mohon lampirkan kebijakan cadangan data yang berlaku.',
      'Sudah kami lampirkan.',
    ]);

    // The change invalidated the earlier sign-off; the head's own submission counts as sign-off.
    expect((await operator.post(`/api/assessments/${assessmentId}/submit`)).json().code).toBe(
      'SIGNOFF_REQUIRED',
    );
    const resubmitted = await head.post(`/api/assessments/${assessmentId}/submit`);
    expect(resubmitted.statusCode, resubmitted.body).toBe(200);
    expect(resubmitted.json().state).toBe('resubmitted');
  });

  it('the assessor must re-verify the changed answer before completing', async () => {
    const early = await assessor.post(`/api/assessments/${assessmentId}/complete-verification`);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('VERIFICATION_INCOMPLETE');
    expect(early.json().details.missing).toEqual([
      expect.objectContaining({ indicatorCode: 'INF-05', problem: 'stale' }),
    ]);

    const again = await assessor.put(`/api/assessments/${assessmentId}/verifications/INF-05`, {
      reasonCode: 'sesuai',
      stage: 'interviu',
      expectedVersion: 1,
    });
    expect(again.statusCode, again.body).toBe(200);
    const done = await assessor.post(`/api/assessments/${assessmentId}/complete-verification`);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().state).toBe('verified');
  });

  it('the coordinator finalises: the snapshot holds the verified score and the self score', async () => {
    const res = await coordinator.post(`/api/assessments/${assessmentId}/finalize`);
    expect(res.statusCode, res.body).toBe(200);
    const snap = res.json().snapshot;
    expect(res.json().state).toBe('final');

    const c = compileInstrument(instrument);
    const verified: Record<string, string | number> = {};
    const self: Record<string, string | number> = {};
    for (const ind of indicatorsOf(instrument)) {
      if (!applicable.includes(ind.code)) continue;
      const a = answers.get(ind.code)!;
      const v = a.notApplicable ? 'NA' : ((a.metricValue as string | undefined) ?? (a.level as number));
      self[ind.code] = v;
      verified[ind.code] = ind.code === 'INF-04' ? 2 : v;
    }
    const expected = scoreAssessment(c, verified, { unitType: 'dinas' });
    const expectedSelf = scoreAssessment(c, self, { unitType: 'dinas', partial: true });
    if (!expected.ok || !expectedSelf.ok) throw new Error('scoring failed');
    expect(snap.indexValue).toBe(expected.result.index!.reported);
    expect(snap.predicate).toBe(expected.result.predicate);
    expect(snap.selfIndexValue).toBe(expectedSelf.result.index!.reported);
    expect(Number(snap.selfIndexValue)).toBeGreaterThan(Number(snap.indexValue));
    expect(snap.inputsHash).toMatch(/^[0-9a-f]{64}$/);

    const locked = await operator.put(`/api/assessments/${assessmentId}/responses/INF-05`, {
      level: 5,
      expectedVersion: 2,
    });
    expect(locked.statusCode).toBe(409);
  });

  it('the coordinator publishes and the public sees the result without signing in', async () => {
    const published = await coordinator.post(`/api/cycles/${cycleId}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', stateCounts: { published: 1 } });

    const cycles = await t.app.inject({ url: '/api/public/cycles' });
    expect(cycles.statusCode).toBe(200);
    expect(cycles.json().items.map((c: { id: string }) => c.id)).toContain(cycleId);

    // publication released the cycle's open data (version 1), downloadable without login
    const open = (await t.app.inject({ url: '/api/public/opendata' })).json();
    const release = open.items.find((i: { cycle: { id: string } }) => i.cycle.id === cycleId);
    expect(release?.latestVersion).toBe(1);

    const results = await t.app.inject({ url: `/api/public/cycles/${cycleId}/results` });
    expect(results.statusCode, results.body).toBe(200);
    const body = results.json();
    const detail = (await coordinator.get(`/api/assessments/${assessmentId}`)).json();
    expect(detail.state).toBe('published');
    expect(body.units).toEqual([
      expect.objectContaining({
        code: '61-DISKOMINFO',
        type: 'dinas',
        index: detail.snapshot.indexValue,
        predicate: detail.snapshot.predicate,
        inputsHash: detail.snapshot.inputsHash,
      }),
    ]);
    expect(body.units[0].domains.map((d: { code: string }) => d.code)).toEqual([
      'INF',
      'SDM',
      'APL',
      'TKL',
      'DMP',
    ]);
    expect(body.method.instrument).toMatchObject({ code: 'idpd', version: '1' });
    expect(body.method.predicateBands.map((b: { name: string }) => b.name)).toContain('Baik');
    expect(body.method.sources.length).toBeGreaterThan(0);
  });

  it('keeps both ledgers and their history', async () => {
    const h = await coordinator.get(`/api/assessments/${assessmentId}/indicators/INF-05/history`);
    expect(h.statusCode).toBe(200);
    const actions = h
      .json()
      .entries.map((e: { action: string; ledger: string }) => `${e.ledger}:${e.action}`);
    expect(actions).toEqual([
      'response:response.save',
      'verification:verification.save',
      'response:response.save',
      'verification:verification.save',
    ]);
    const detail = (await coordinator.get(`/api/assessments/${assessmentId}`)).json();
    const inf04 = {
      self: detail.responses.find((r: { indicatorCode: string }) => r.indicatorCode === 'INF-04'),
      verified: detail.verifications.find((r: { indicatorCode: string }) => r.indicatorCode === 'INF-04'),
    };
    expect(inf04.self.level).toBe(3);
    expect(inf04.verified).toMatchObject({ level: 2, reasonCode: 'level_tidak_sesuai_kriteria' });
  });
});
