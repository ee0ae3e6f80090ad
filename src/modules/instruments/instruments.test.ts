import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';

let t: TestApp;
let coord: Client;
let operator: Client;

const idpd = () =>
  JSON.parse(readFileSync(new URL('../../../instruments/idpd-1.json', import.meta.url), 'utf8'));

beforeAll(async () => {
  t = await createTestApp();
  await t.app.services.instruments.loadBuiltins(systemContext('test'));
  await seedDemoIfEmpty(t.database, t.app.services);
  coord = await login(t.app, 'koordinator@mercusuar.test');
  operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
});
afterAll(() => t.close());

const importJson = (c: Client, doc: unknown, query = '') =>
  c.request('POST', `/api/instruments/import?format=json${query}`, JSON.stringify(doc), {
    'content-type': 'application/json',
  });

describe('instruments API', () => {
  it('lists both built-in instruments as published versions, idempotently loaded', async () => {
    const again = await t.app.services.instruments.loadBuiltins(systemContext('test'));
    expect(again.every((l) => l.action === 'unchanged')).toBe(true);
    const res = await operator.get('/api/instruments');
    expect(res.statusCode).toBe(200);
    const codes = res
      .json()
      .items.map((i: { code: string }) => i.code)
      .sort();
    expect(codes).toEqual(['idpd', 'spbe-2020']);
    const spbe = res.json().items.find((i: { code: string }) => i.code === 'spbe-2020');
    expect(spbe.versions[0].status).toBe('published');
    expect(spbe.versions[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads a version tree with its criteria and sources', async () => {
    const list = (await operator.get('/api/instruments')).json().items;
    const v = list.find((i: { code: string }) => i.code === 'spbe-2020').versions[0];
    const res = await operator.get(`/api/instruments/spbe-2020/versions/${encodeURIComponent(v.version)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().indicatorCount).toBe(47);
    expect(res.json().content.sources.length).toBeGreaterThan(0);
    expect(res.json().content.nodes).toHaveLength(4);
  });

  it('imports a new version as a draft, refuses a duplicate, publishes it once', async () => {
    const doc = { ...idpd(), version: '1.1-test', crosswalk: undefined };
    const res = await importJson(coord, doc);
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe('draft');
    expect((await importJson(coord, doc)).statusCode).toBe(409);
    expect((await importJson(coord, doc, '&replaceDraft=true')).statusCode).toBe(201);

    const pub = await coord.post('/api/instruments/idpd/versions/1.1-test/publish');
    expect(pub.statusCode).toBe(200);
    expect(pub.json().status).toBe('published');
    expect((await coord.post('/api/instruments/idpd/versions/1.1-test/publish')).statusCode).toBe(409);
    // published content is immutable, even through "replace draft"
    expect((await importJson(coord, doc, '&replaceDraft=true')).statusCode).toBe(409);

    const audit = await (await login(t.app, 'admin@mercusuar.test')).get(
      '/api/audit?entityType=instrument_version&limit=20',
    );
    const actions = audit.json().items.map((a: { action: string }) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['instrument.import', 'instrument.replace_draft', 'instrument.publish']),
    );
  });

  it('rejects an invalid instrument with JSON paths and Indonesian messages, storing nothing', async () => {
    const doc = idpd();
    doc.version = 'broken';
    doc.nodes[0].weight = '999';
    const res = await importJson(coord, doc);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
    expect(res.json().details.some((d: { path: string }) => d.path.startsWith('$.'))).toBe(true);
    expect((await coord.get('/api/instruments/idpd/versions/broken')).statusCode).toBe(404);
  });

  it('forbids operators from importing or publishing', async () => {
    expect((await importJson(operator, { ...idpd(), version: 'x' })).statusCode).toBe(403);
    expect((await operator.post('/api/instruments/idpd/versions/1/publish')).statusCode).toBe(403);
  });

  it('exports a version as JSON and YAML that re-validate', async () => {
    const res = await coord.get('/api/instruments/idpd/versions/1/export?format=json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('idpd-1.json');
    expect(res.json().code).toBe('idpd');
    const yaml = await coord.get('/api/instruments/idpd/versions/1/export?format=yaml');
    expect(yaml.body).toContain('code: idpd');
  });

  it('scores statelessly and rejects an out-of-range level naming the indicator', async () => {
    const spbe = (await operator.get('/api/instruments'))
      .json()
      .items.find((i: { code: string }) => i.code === 'spbe-2020');
    const tree = (
      await operator.get(
        `/api/instruments/spbe-2020/versions/${encodeURIComponent(spbe.versions[0].version)}`,
      )
    ).json();
    const answers: Record<string, number> = {};
    const walk = (nodes: Array<{ code: string; children?: unknown[] }>) => {
      for (const n of nodes) {
        if (n.children) walk(n.children as never);
        else answers[n.code] = 3;
      }
    };
    walk(tree.content.nodes);
    const res = await operator.post('/api/score', { instrument: 'spbe-2020', answers });
    expect(res.statusCode).toBe(200);
    expect(res.json().result.index.reported).toBe('3.00');
    const bad = await operator.post('/api/score', {
      instrument: 'spbe-2020',
      answers: { ...answers, '1': 9 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('answers.1');
  });
});
