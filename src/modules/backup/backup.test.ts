import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { buildServices } from '../../app.js';
import { loadConfig } from '../../config.js';
import { type Database, type DbOrTx, openDatabase } from '../../db/client.js';
import { systemContext } from '../../lib/context.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';
import { writeAudit } from '../audit/audit.repo.js';
import { BackupError } from './backup.format.js';
import { createBackup, restoreBackup, type SideManifest } from './backup.service.js';

/**
 * Source: a fresh embedded PGlite. Target: the test database of this run — PGlite by default,
 * PostgreSQL when DATABASE_URL is set (CI's second pass), so there this is PGlite → archive → PostgreSQL.
 */
let source: Database;
let target: Awaited<ReturnType<typeof createTestDatabase>>;
let work: string;
let sourceDir: string;
let targetDir: string;
let archive: string;
const blob = randomBytes(200 * 1024 + 17); // several chunk lines
const blobPath = 'ab/cd/evidence-blob';

const ids = {
  root: 'aaaaaaaa-0000-4000-8000-000000000001',
  child: '00000000-0000-4000-8000-0000000000c1', // sorts before its parent: row order must not be by id alone
  ivParent: 'ffffffff-0000-4000-8000-000000000001',
  ivChild: '11111111-0000-4000-8000-000000000002',
  cycleParent: 'eeeeeeee-0000-4000-8000-000000000001',
  cycleChild: '22222222-0000-4000-8000-000000000002',
  assessment: '33333333-0000-4000-8000-000000000003',
  snapshot: '44444444-0000-4000-8000-000000000004',
  evidence: '55555555-0000-4000-8000-000000000005',
};

async function rows<T>(db: DbOrTx, q: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
}

async function publicTables(db: DbOrTx): Promise<string[]> {
  const r = await rows<{ name: string }>(
    db,
    sql`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  return r.map((x) => x.name).sort();
}

/** Independent of the backup code: every row of every table as PostgreSQL renders it to JSON, sorted. */
async function snapshot(database: Database): Promise<Record<string, string[]>> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL TimeZone = 'UTC'`));
    const out: Record<string, string[]> = {};
    for (const t of await publicTables(tx)) {
      const r = await rows<{ l: string }>(
        tx,
        sql.raw(`SELECT row_to_json(x)::text AS l FROM public."${t}" x`),
      );
      out[t] = r.map((x) => x.l).sort();
    }
    return out;
  });
}

async function nonEmpty(database: Database): Promise<string[]> {
  const out: string[] = [];
  for (const t of await publicTables(database.db)) {
    const [r] = await rows<{ n: number }>(
      database.db,
      sql.raw(`SELECT count(*)::int AS n FROM public."${t}"`),
    );
    if (r!.n > 0) out.push(t);
  }
  return out;
}

const gunzipLines = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
const writeGz = (file: string, lines: string[]) => {
  const text = lines.join('\n');
  fs.writeFileSync(file, zlib.gzipSync(text.endsWith('\n') ? text : `${text}\n`));
};

async function expectRefused(file: string, code: string) {
  const err = await restoreBackup(target, file, { dataDir: targetDir }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BackupError);
  expect((err as BackupError).code).toBe(code);
  expect(await nonEmpty(target)).toEqual([]);
  expect(fs.existsSync(path.join(targetDir, 'files'))).toBe(false);
  expect(fs.readdirSync(targetDir).filter((n) => n.startsWith('files-restore-'))).toEqual([]);
  return err as BackupError;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mercusuar-backup-'));
  sourceDir = path.join(work, 'source');
  targetDir = path.join(work, 'target');
  fs.mkdirSync(targetDir, { recursive: true });
  archive = path.join(work, 'all.backup.gz');

  source = await openDatabase({});
  await source.migrate();
  target = await createTestDatabase();

  const config = loadConfig({ DATA_DIR: sourceDir });
  await seedDemoIfEmpty(source, buildServices(source, config));
  const db = source.db;
  const [admin] = await rows<{ id: string }>(db, sql`SELECT id FROM users ORDER BY email LIMIT 1`);
  const adminId = admin!.id;

  // Values whose type must survive the trip exactly: numerics, big JSON numbers, timestamps, dates.
  await db.execute(sql`INSERT INTO units (id, code, name, type, parent_id, path, depth, latitude, longitude, created_at)
    VALUES (${ids.root}, 'TEST-ROOT', 'Uji Akar', 'provinsi', NULL, ${`/${ids.root}/`}, 0, -0.026330, 109.342503,
            '2024-02-29T23:59:59.123+07:00')`);
  await db.execute(sql`INSERT INTO units (id, code, name, short_name, type, parent_id, path, depth)
    VALUES (${ids.child}, 'TEST-CHILD', 'Uji "Anak" — ü ☃', E'baris\\nbaru', 'dinas', ${ids.root}, ${`/${ids.root}/${ids.child}/`}, 1)`);
  const content =
    '{"w": 12345678901234567890.123456789, "tiny": 1e-30, "s": "ü\\n\\"q\\"", "arr": [1.0, 2.50]}';
  await db.execute(sql`INSERT INTO instrument_versions (id, code, version, title, content, content_hash)
    VALUES (${ids.ivParent}, 'UJI', '1', 'Uji 1', ${content}::jsonb, 'h1')`);
  await db.execute(sql`INSERT INTO instrument_versions (id, code, version, title, content, content_hash, previous_version_id)
    VALUES (${ids.ivChild}, 'UJI', '2', 'Uji 2', '{}'::jsonb, 'h2', ${ids.ivParent})`);
  const phases = JSON.stringify([
    { phase: 'isi', startsAt: '2025-01-01T08:00:00+07:00', endsAt: '2025-02-01T17:00:00+07:00' },
  ]);
  await db.execute(sql`INSERT INTO cycles (id, name, period_start, period_end, instrument_version_id, scope_unit_id, phases, target_index)
    VALUES (${ids.cycleParent}, 'Siklus 2024', '2024-01-01', '2024-12-31', ${ids.ivParent}, ${ids.root}, ${phases}::jsonb, 87.1234)`);
  await db.execute(sql`INSERT INTO cycles (id, name, period_start, period_end, instrument_version_id, scope_unit_id, phases, previous_cycle_id)
    VALUES (${ids.cycleChild}, 'Siklus 2025', '2025-01-01', '2025-12-31', ${ids.ivParent}, ${ids.root}, ${phases}::jsonb, ${ids.cycleParent})`);
  // assessments.current_snapshot_id ↔ score_snapshots.assessment_id: a cycle between two tables.
  await db.execute(
    sql`INSERT INTO assessments (id, cycle_id, unit_id) VALUES (${ids.assessment}, ${ids.cycleChild}, ${ids.child})`,
  );
  await db.execute(sql`INSERT INTO score_snapshots (id, assessment_id, instrument_version_id, inputs, result, inputs_hash, index_value)
    VALUES (${ids.snapshot}, ${ids.assessment}, ${ids.ivParent}, '{"a": 1}'::jsonb, '{"index": "3.1415926535897932384626"}'::jsonb, 'ih', '3.14')`);
  await db.execute(
    sql`UPDATE assessments SET current_snapshot_id = ${ids.snapshot} WHERE id = ${ids.assessment}`,
  );
  await db.execute(sql`INSERT INTO comments (assessment_id, indicator_code, author_id, body)
    VALUES (${ids.assessment}, 'I1', ${adminId}, 'pertama'), (${ids.assessment}, 'I1', ${adminId}, 'kedua')`);
  await db.execute(sql`INSERT INTO evidence (id, unit_id, kind, title, doc_date, sha256, size_bytes, storage_key)
    VALUES (${ids.evidence}, ${ids.child}, 'file', 'SK Tim', '2024-03-15', 'x', 9007199254740993, ${blobPath})`);
  await db.execute(sql`INSERT INTO login_throttle (key, failures) VALUES ('b@x', 1), ('A@x', 2), ('_z', 3)`);
  await db.execute(sql`INSERT INTO jobs (kind, payload) VALUES ('report', '{"n": 0.1}'::jsonb)`);
  for (let i = 0; i < 5; i++) {
    await writeAudit(db, systemContext(), {
      action: 'test.write',
      entityType: 'unit',
      entityId: ids.root,
      before: { i },
      after: { i: i + 1, price: '1.10' },
    });
  }

  // Stored files, and an unfinished upload in .tmp that must not be backed up.
  fs.mkdirSync(path.join(sourceDir, 'files', 'ab', 'cd'), { recursive: true });
  fs.writeFileSync(path.join(sourceDir, 'files', blobPath), blob);
  fs.writeFileSync(path.join(sourceDir, 'files', 'small.txt'), 'halo\n');
  fs.mkdirSync(path.join(sourceDir, 'files', '.tmp'));
  fs.writeFileSync(path.join(sourceDir, 'files', '.tmp', 'x.part'), 'partial');

  await createBackup(source, archive, { dataDir: sourceDir });
}, 180_000);

afterAll(async () => {
  await source?.close();
  await target?.dropAndClose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('backup archive', () => {
  it('starts with a header naming the format, source backend and applied migrations', async () => {
    const header = JSON.parse(gunzipLines(archive)[0]!);
    expect(header).toMatchObject({ format: 'mercusuar-backup', formatVersion: 1, sourceBackend: 'pglite' });
    const applied = await rows<{ hash: string }>(
      source.db,
      sql`SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at`,
    );
    expect(header.migrations.map((m: { hash: string }) => m.hash)).toEqual(applied.map((m) => m.hash));
    expect(header.migrations[0].tag).toBe('0000_init');
  });

  it('lists parent tables before the tables that reference them', () => {
    const order: string[] = JSON.parse(gunzipLines(archive)[0]!).tables.map((t: { name: string }) => t.name);
    const parentFirst = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    parentFirst('units', 'role_assignments');
    parentFirst('users', 'role_assignments');
    parentFirst('instrument_versions', 'cycles');
    parentFirst('cycles', 'assessments');
    parentFirst('assessments', 'comments');
    parentFirst('responses', 'response_evidence');
  });

  it('orders rows of self-referencing tables parents first', () => {
    const units = gunzipLines(archive)
      .filter((l) => l.startsWith('{"t":"units"'))
      .map((l) => JSON.parse(l).r as { id: string; parent_id: string | null });
    const seen = new Set<string>();
    for (const u of units) {
      if (u.parent_id) expect(seen.has(u.parent_id)).toBe(true);
      seen.add(u.id);
    }
    expect(units.some((u, i) => i > 0 && u.id < units[i - 1]!.id)).toBe(true);
  });

  it('encodes numerics and bigints as strings, timestamps with offset, dates as YYYY-MM-DD', () => {
    const lines = gunzipLines(archive);
    const unit = JSON.parse(lines.find((l) => l.includes('"TEST-ROOT"'))!).r;
    expect(unit.latitude).toBe('-0.026330');
    expect(unit.longitude).toBe('109.342503');
    expect(unit.created_at).toBe('2024-02-29T16:59:59.123+00:00');
    const ev = JSON.parse(lines.find((l) => l.startsWith('{"t":"evidence"'))!).r;
    expect(ev.size_bytes).toBe('9007199254740993');
    expect(ev.doc_date).toBe('2024-03-15');
    const comment = JSON.parse(lines.find((l) => l.startsWith('{"t":"comments"'))!).r;
    expect(typeof comment.id).toBe('string');
    // JSON numbers inside jsonb keep every digit in the archive text.
    expect(lines.find((l) => l.includes('"UJI"') && l.includes('"1"'))).toContain(
      '12345678901234567890.123456789',
    );
  });

  it('writes a manifest line and FILE.manifest.json with counts, checksums and files', () => {
    const lines = gunzipLines(archive).filter(Boolean);
    const { manifest } = JSON.parse(lines.at(-1)!);
    const side: SideManifest = JSON.parse(fs.readFileSync(`${archive}.manifest.json`, 'utf8'));
    expect(side.tables).toEqual(manifest.tables);
    expect(side.dataSha256).toBe(manifest.dataSha256);
    expect(side.tables.find((t) => t.name === 'units')!.rows).toBe(78);
    expect(side.tables.find((t) => t.name === 'audit_log')!.rows).toBeGreaterThanOrEqual(6);
    expect(side.files.map((f) => f.path)).toEqual([blobPath, 'small.txt']);
    expect(side.archive.bytes).toBe(fs.statSync(archive).size);
  });

  it('refuses to overwrite an existing archive unless asked', async () => {
    const err = await createBackup(source, archive, { dataDir: sourceDir }).catch((e: unknown) => e);
    expect((err as BackupError).code).toBe('BACKUP_OUTPUT_EXISTS');
  });
});

describe('restore refuses and writes nothing', () => {
  it('when the target database already holds data, naming the tables', async () => {
    const untouched = await snapshot(source);
    const err = await restoreBackup(source, archive, { dataDir: path.join(work, 'x') }).catch(
      (e: unknown) => e,
    );
    expect((err as BackupError).code).toBe('RESTORE_TARGET_NOT_EMPTY');
    expect((err as BackupError).message).toMatch(/tidak kosong.*units/);
    expect((err as BackupError).details).toMatchObject({
      tables: expect.arrayContaining(['units', 'users']),
    });
    expect(await snapshot(source)).toEqual(untouched);
  });

  it('when the archive is truncated', async () => {
    const bytes = fs.readFileSync(archive);
    const cut = path.join(work, 'truncated.gz');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expectRefused(cut, 'BACKUP_CORRUPT');
  });

  it('when the archive is cut at a line boundary (no closing manifest)', async () => {
    const lines = gunzipLines(archive);
    const f = path.join(work, 'cut-lines.gz');
    writeGz(f, lines.slice(0, 120));
    const err = await expectRefused(f, 'BACKUP_CORRUPT');
    expect(err.message).toMatch(/manifes/);
  });

  it('when a row was altered', async () => {
    const lines = gunzipLines(archive).map((l) => l.replace('"Uji Akar"', '"Uji Palsu"'));
    const f = path.join(work, 'altered.gz');
    writeGz(f, lines);
    const err = await expectRefused(f, 'BACKUP_CORRUPT');
    expect(err.message).toMatch(/units/);
  });

  it('when a row was removed', async () => {
    const lines = gunzipLines(archive);
    const i = lines.findIndex((l) => l.startsWith('{"t":"users"'));
    const f = path.join(work, 'removed.gz');
    writeGz(f, [...lines.slice(0, i), ...lines.slice(i + 1)]);
    await expectRefused(f, 'BACKUP_CORRUPT');
  });

  it('when a stored file was altered', async () => {
    const lines = gunzipLines(archive);
    const i = lines.findIndex((l) => l.startsWith('{"chunk"'));
    const chunk = JSON.parse(lines[i]!).chunk as string;
    lines[i] = JSON.stringify({ chunk: `${chunk[0] === 'A' ? 'B' : 'A'}${chunk.slice(1)}` });
    const f = path.join(work, 'file-altered.gz');
    writeGz(f, lines);
    await expectRefused(f, 'BACKUP_CORRUPT');
  });

  it('when the file is not a Mercusuar archive', async () => {
    const f = path.join(work, 'plain.txt');
    fs.writeFileSync(f, 'not gzip');
    await expectRefused(f, 'BACKUP_NOT_AN_ARCHIVE');
  });

  it('when the archive comes from a newer schema', async () => {
    const lines = gunzipLines(archive);
    const header = JSON.parse(lines[0]!);
    header.migrations.push({ tag: '9999_future', hash: 'f'.repeat(64), createdAt: 9e12 });
    const f = path.join(work, 'newer.gz');
    writeGz(f, [JSON.stringify(header), ...lines.slice(1)]);
    const err = await expectRefused(f, 'BACKUP_SCHEMA_MISMATCH');
    expect(err.message).toMatch(/9999_future/);
  });

  it('when DATA_DIR/files holds a different file at the same path', async () => {
    const existing = path.join(targetDir, 'files', 'small.txt');
    fs.mkdirSync(path.dirname(existing), { recursive: true });
    fs.writeFileSync(existing, 'lain\n');
    const err = await restoreBackup(target, archive, { dataDir: targetDir }).catch((e: unknown) => e);
    expect((err as BackupError).code).toBe('RESTORE_FILE_CONFLICT');
    expect(await nonEmpty(target)).toEqual([]);
    expect(fs.readdirSync(path.join(targetDir, 'files'))).toEqual(['small.txt']);
    fs.rmSync(path.join(targetDir, 'files'), { recursive: true });
  });
});

describe(`restore PGlite → archive → ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let restoredAt: Record<string, string[]>;
  beforeAll(async () => {
    // An identical file already in place (the same DATA_DIR reused) is accepted and left alone.
    fs.mkdirSync(path.join(targetDir, 'files'), { recursive: true });
    fs.writeFileSync(path.join(targetDir, 'files', 'small.txt'), 'halo\n');
    const r = await restoreBackup(target, archive, { dataDir: targetDir });
    expect(r.filesRestored).toBe(1);
    expect(r.filesAlreadyPresent).toBe(1);
    restoredAt = await snapshot(target);
  });

  it('gives identical rows in every table, plus one backup.restore audit entry', async () => {
    const original = await snapshot(source);
    expect(Object.keys(restoredAt)).toEqual(Object.keys(original));
    for (const table of Object.keys(original)) {
      if (table === 'audit_log') continue;
      expect(restoredAt[table], table).toEqual(original[table]);
    }
    const extra = restoredAt.audit_log!.filter((l) => !original.audit_log!.includes(l));
    expect(original.audit_log!.every((l) => restoredAt.audit_log!.includes(l))).toBe(true);
    expect(extra).toHaveLength(1);
    expect(JSON.parse(extra[0]!)).toMatchObject({ action: 'backup.restore', entity_type: 'installation' });
  });

  it('keeps exact values: numerics, big JSON numbers, timestamps', async () => {
    const [u] = await rows<{ lat: string; at: string }>(
      target.db,
      sql`SELECT latitude::text AS lat, (extract(epoch FROM created_at) * 1000)::bigint::text AS at FROM units WHERE code = 'TEST-ROOT'`,
    );
    expect(u).toEqual({ lat: '-0.026330', at: String(Date.parse('2024-02-29T23:59:59.123+07:00')) });
    const [iv] = await rows<{ w: string }>(
      target.db,
      sql`SELECT (content->'w')::text AS w FROM instrument_versions WHERE id = ${ids.ivParent}`,
    );
    expect(iv!.w).toBe('12345678901234567890.123456789');
  });

  it('a second backup of the restored database has the same checksums (audit log aside)', async () => {
    const again = path.join(work, 'again.backup.gz');
    const second = await createBackup(target, again, { dataDir: targetDir });
    const first: SideManifest = JSON.parse(fs.readFileSync(`${archive}.manifest.json`, 'utf8'));
    expect(second.header.sourceBackend).toBe(target.kind);
    const strip = (ts: { name: string }[]) => ts.filter((t) => t.name !== 'audit_log');
    expect(strip(second.manifest.tables)).toEqual(strip(first.tables));
    expect(second.manifest.files).toEqual(first.files);
  });

  it('continues identity sequences after the restored ids', async () => {
    const [max] = await rows<{ a: string; c: string }>(
      target.db,
      sql`SELECT (SELECT max(id) FROM audit_log)::text AS a, (SELECT max(id) FROM comments)::text AS c`,
    );
    await writeAudit(target.db, systemContext(), { action: 'test.after', entityType: 'unit' });
    const [admin] = await rows<{ id: string }>(target.db, sql`SELECT id FROM users ORDER BY email LIMIT 1`);
    await target.db.execute(
      sql`INSERT INTO comments (assessment_id, indicator_code, author_id, body) VALUES (${ids.assessment}, 'I2', ${admin!.id}, 'setelah')`,
    );
    const [next] = await rows<{ a: string; c: string }>(
      target.db,
      sql`SELECT (SELECT id FROM audit_log WHERE action = 'test.after')::text AS a, (SELECT id FROM comments WHERE body = 'setelah')::text AS c`,
    );
    expect(BigInt(next!.a)).toBe(BigInt(max!.a) + 1n);
    expect(BigInt(next!.c)).toBe(BigInt(max!.c) + 1n);
  });

  it('restores stored files byte for byte and skips unfinished uploads', () => {
    expect(fs.readFileSync(path.join(targetDir, 'files', blobPath)).equals(blob)).toBe(true);
    expect(fs.readFileSync(path.join(targetDir, 'files', 'small.txt'), 'utf8')).toBe('halo\n');
    expect(fs.existsSync(path.join(targetDir, 'files', '.tmp'))).toBe(false);
    expect(fs.readdirSync(targetDir).filter((n) => n.startsWith('files-restore-'))).toEqual([]);
  });

  it('keeps the foreign keys it had to lift for the assessments ↔ score_snapshots cycle', async () => {
    const err = await target.db
      .execute(
        sql`UPDATE assessments SET current_snapshot_id = gen_random_uuid() WHERE id = ${ids.assessment}`,
      )
      .catch((e: unknown) => e);
    expect(
      String((err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code),
    ).toBe('23503');
  });
});
