import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { assessments, scoreSnapshots } from '../../db/schema/index.js';
import { type AnswerValue, scoreAssessment } from '../../domain/scoring/index.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { buildFinishedCycle, type FixtureCycle } from '../reports/fixtures.test-helpers.js';
import { opendataServiceFactory } from './opendata.service.js';
import { validateDataPackage } from './opendata.validate.js';

let t: TestApp;
let published: FixtureCycle;
let unpublished: FixtureCycle;
let coordinator: Client;
let operator: Client;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-opendata-'));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  t = await createTestApp({ dataDir });
  await seedDemoIfEmpty(t.database, t.app.services);
  published = await buildFinishedCycle(t.database, t.app.services, { unitCount: 6, seed: 21 });
  unpublished = await buildFinishedCycle(t.database, t.app.services, {
    name: 'Evaluasi Belum Terbit',
    periodStart: '2027-01-01',
    periodEnd: '2027-12-31',
    unitCount: 3,
    status: 'open',
    seed: 22,
  });
  coordinator = await login(t.app, 'koordinator@mercusuar.test');
  operator = await login(t.app, 'operator.diskominfo@mercusuar.test');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const anon = (url: string) => t.app.inject({ url });
const versionDir = (cycleId: string, v: number) => path.join(dataDir, 'opendata', cycleId, `v${v}`);

describe('open data release', () => {
  let v1Units: Buffer;

  it('writes CSV and JSON tables and a datapackage that validates against its own schema and checksums', async () => {
    const ctx = { actor: null, requestId: 'test' };
    const { release, isNew } = await t.app.services.opendata.release(published.cycleId, ctx);
    expect(isNew).toBe(true);
    expect(release.version).toBe(1);
    const dir = versionDir(published.cycleId, 1);
    expect(validateDataPackage(dir)).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'datapackage.json'), 'utf8'));
    expect(pkg.profile).toBe('tabular-data-package');
    expect(pkg.licenses).toEqual([
      {
        name: 'CC-BY-4.0',
        path: 'https://creativecommons.org/licenses/by/4.0/',
        title: 'Creative Commons Attribution 4.0',
      },
    ]);
    expect(pkg.resources.map((r: { path: string }) => r.path).sort()).toEqual([
      'hasil-unit.csv',
      'hasil-unit.json',
      'indeks-domain.csv',
      'indeks-domain.json',
      'tingkat-indikator.csv',
      'tingkat-indikator.json',
    ]);
    for (const r of pkg.resources) {
      const bytes = fs.readFileSync(path.join(dir, r.path));
      expect(r.hash).toBe(`sha256:${sha(bytes)}`);
      expect(r.bytes).toBe(bytes.length);
      expect(
        r.schema.fields.every((f: { type: string }) =>
          ['string', 'number', 'integer', 'boolean'].includes(f.type),
        ),
      ).toBe(true);
    }
    v1Units = fs.readFileSync(path.join(dir, 'hasil-unit.csv'));
  });

  it('publishes exactly the numbers of the public results, and the frozen verified level of every indicator', async () => {
    const dir = versionDir(published.cycleId, 1);
    const pub = await t.app.services.results.published(published.cycleId);
    const rows = parse(fs.readFileSync(path.join(dir, 'hasil-unit.csv'), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(rows.length).toBe(pub.units.length);
    for (const u of pub.units) {
      const r = rows.find((x) => x.kode_unit === u.unit.code)!;
      expect(r.indeks).toBe(u.index ?? '');
      expect(r.predikat).toBe(u.predicate ?? '');
      expect(r.peringkat).toBe(u.rank === null ? '' : String(u.rank));
      expect(r.hash_snapshot).toBe(u.snapshotHash);
    }
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'hasil-unit.json'), 'utf8'));
    expect(json.map((x: { indeks: number }) => x.indeks)).toEqual(
      rows.map((r) => (r.indeks === '' ? null : Number(r.indeks))),
    );
    const levels = parse(fs.readFileSync(path.join(dir, 'tingkat-indikator.csv'), 'utf8'), {
      columns: true,
    }) as Array<Record<string, string>>;
    const snaps = await t.database.db.query.scoreSnapshots.findMany();
    for (const u of published.units) {
      const snap = snaps.find((s) => s.assessmentId === u.assessmentId && !s.supersededAt)!;
      for (const n of (
        snap.result as { nodes: Array<{ code: string; kind: string; status: string; level: number | null }> }
      ).nodes) {
        if (n.kind !== 'maturity' && n.kind !== 'metric') continue;
        const r = levels.find((x) => x.kode_unit === u.code && x.kode_indikator === n.code)!;
        expect(r.tidak_berlaku).toBe(n.status === 'not_applicable' ? 'true' : 'false');
        expect(r.tingkat_terverifikasi).toBe(n.status === 'scored' ? String(n.level) : '');
      }
    }
    expect(levels.length).toBe(published.units.length * published.compiled.indicatorCount);
  });

  it('does not add a version when the data did not change', async () => {
    const again = await t.app.services.opendata.release(published.cycleId, systemContext('test'));
    expect(again.isNew).toBe(false);
    expect(again.release.version).toBe(1);
    expect(fs.existsSync(versionDir(published.cycleId, 2))).toBe(false);
  });

  it('adds version 2 with a changelog after a correction, keeping version 1 downloadable unchanged', async () => {
    // A correction: the unit's verified level of one indicator goes up; a new snapshot supersedes the old.
    const unit = published.units[0]!;
    const { db } = t.database;
    const old = (await db.query.scoreSnapshots.findMany()).find(
      (s) => s.assessmentId === unit.assessmentId && !s.supersededAt,
    )!;
    type Node = { code: string; kind: string; status: string; level: number | null; measured: string | null };
    const answers: Record<string, AnswerValue> = {};
    for (const n of (old.result as { nodes: Node[] }).nodes) {
      if (n.kind !== 'maturity' && n.kind !== 'metric') continue;
      if (n.status === 'not_applicable') {
        if ((old.inputs as { verified: Array<{ code: string }> }).verified.some((v) => v.code === n.code))
          answers[n.code] = 'NA';
      } else if (n.status === 'scored') answers[n.code] = n.kind === 'metric' ? n.measured! : n.level!;
    }
    const code = (old.result as { nodes: Node[] }).nodes.find(
      (n) => n.kind === 'maturity' && n.status === 'scored' && n.level! <= 2,
    )!.code;
    const verified = { ...answers, [code]: 5 };
    const unitType = (old.inputs as { unit: { type: string } }).unit.type;
    const outcome = scoreAssessment(published.compiled, verified, { unitType: unitType as never });
    if (!outcome.ok) throw new Error('rescore failed');
    await db
      .update(scoreSnapshots)
      .set({ supersededAt: new Date(), reopenReason: 'Koreksi bukti' })
      .where(eq(scoreSnapshots.id, old.id));
    const [snap] = await db
      .insert(scoreSnapshots)
      .values({
        assessmentId: unit.assessmentId,
        instrumentVersionId: old.instrumentVersionId,
        inputs: { ...(old.inputs as object), corrected: code },
        result: outcome.result,
        inputsHash: sha(JSON.stringify(verified)),
        indexValue: outcome.result.index!.reported,
        predicate: outcome.result.predicate,
        selfIndexValue: old.selfIndexValue,
        selfPredicate: old.selfPredicate,
      })
      .returning();
    await db
      .update(assessments)
      .set({ currentSnapshotId: snap!.id })
      .where(eq(assessments.id, unit.assessmentId));

    const res = await coordinator.post(`/api/cycles/${published.cycleId}/opendata/releases`, {
      changelog: 'Koreksi tingkat indikator setelah peninjauan ulang bukti.',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().version).toBe(2);
    const dir2 = versionDir(published.cycleId, 2);
    expect(validateDataPackage(dir2)).toEqual([]);
    const log = JSON.parse(fs.readFileSync(path.join(dir2, 'changelog.json'), 'utf8'));
    expect(log.map((e: { version: number }) => e.version)).toEqual([1, 2]);
    expect(log[1].note).toBe('Koreksi tingkat indikator setelah peninjauan ulang bukti.');
    expect(log[1].changes.indexChanged).toEqual([
      { unitCode: unit.code, from: old.indexValue, to: outcome.result.index!.reported },
    ]);

    const v1 = await anon(`/api/public/opendata/${published.cycleId}/versions/1/hasil-unit.csv`);
    expect(v1.statusCode).toBe(200);
    expect(v1.rawPayload.equals(v1Units)).toBe(true);
    expect(v1.headers['content-type']).toContain('text/csv');
    expect(v1.headers.etag).toBe(`"${sha(v1Units)}"`);
    const v2 = await anon(`/api/public/opendata/${published.cycleId}/versions/2/hasil-unit.csv`);
    expect(v2.rawPayload.toString()).toContain(outcome.result.index!.reported);
  });

  it('refuses a unit operator (403) and an unpublished cycle (404)', async () => {
    expect((await operator.post(`/api/cycles/${published.cycleId}/opendata/releases`, {})).statusCode).toBe(
      403,
    );
    expect(
      (await coordinator.post(`/api/cycles/${unpublished.cycleId}/opendata/releases`, {})).statusCode,
    ).toBe(404);
    expect(fs.existsSync(path.join(dataDir, 'opendata', unpublished.cycleId))).toBe(false);
  });
});

describe('public open data', () => {
  it('lists published cycles with every version, newest first, without login; an unpublished cycle never appears', async () => {
    // Even a folder on disk for a cycle that is not published must not be served.
    fs.cpSync(versionDir(published.cycleId, 1), versionDir(unpublished.cycleId, 1), { recursive: true });
    const res = await anon('/api/public/opendata');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((i: { cycle: { id: string } }) => i.cycle.id)).toEqual([published.cycleId]);
    expect(items[0].versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(items[0].versions[0].licence.name).toBe('CC-BY-4.0');
    const f = items[0].versions[1].files.find((x: { name: string }) => x.name === 'tingkat-indikator.json');
    const dl = await anon(f.url);
    expect(dl.statusCode).toBe(200);
    expect(sha(dl.rawPayload)).toBe(f.sha256);
    expect(
      (await anon(`/api/public/opendata/${unpublished.cycleId}/versions/1/hasil-unit.csv`)).statusCode,
    ).toBe(404);
    expect((await anon(items[0].versions[0].datapackageUrl)).json().resources.length).toBe(6);
  });

  it('serves only the files of a release: unknown names and path tricks answer 400 or 404', async () => {
    const base = `/api/public/opendata/${published.cycleId}/versions/1`;
    expect((await anon(`${base}/release.json`)).statusCode).toBe(404);
    expect((await anon(`${base}/..%2F..%2Fdatapackage.json`)).statusCode).toBe(400);
    expect((await anon(`${base}/rahasia.csv`)).statusCode).toBe(404);
    expect(
      (await anon(`/api/public/opendata/${published.cycleId}/versions/9/hasil-unit.csv`)).statusCode,
    ).toBe(404);
  });
});

describe('open data checks', () => {
  it('detects a tampered file and a value of the wrong type', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-od-copy-'));
    try {
      fs.cpSync(versionDir(published.cycleId, 1), copy, { recursive: true });
      const file = path.join(copy, 'hasil-unit.csv');
      const text = fs.readFileSync(file, 'utf8').split('\r\n');
      const cells = text[1]!.split(',');
      cells[5] = 'pertama'; // peringkat must be an integer
      text[1] = cells.join(',');
      fs.writeFileSync(file, text.join('\r\n'));
      const problems = validateDataPackage(copy);
      expect(problems.some((p) => p.resource === 'hasil-unit-csv' && p.message.startsWith('hash'))).toBe(
        true,
      );
      expect(problems).toContainEqual({
        resource: 'hasil-unit-csv',
        row: 2,
        field: 'peringkat',
        message: '"pertama" bukan bilangan bulat',
      });
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('takes the licence from the configuration', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-od-lic-'));
    try {
      const svc = opendataServiceFactory(t.database.db, {
        results: t.app.services.results,
        config: { dataDir: other, openDataLicense: 'CC0-1.0' },
      });
      const { release } = await svc.release(published.cycleId, systemContext('test'));
      expect(release.licence).toMatchObject({ name: 'CC0-1.0' });
      const pkg = JSON.parse(
        fs.readFileSync(path.join(other, 'opendata', published.cycleId, 'v1', 'datapackage.json'), 'utf8'),
      );
      expect(pkg.licenses[0].name).toBe('CC0-1.0');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
