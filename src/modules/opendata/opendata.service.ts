/**
 * Open data releases of published cycles. A release is a folder of files, written once and never
 * changed: DATA_DIR/opendata/<cycleId>/v<N>/ holds the CSV and JSON tables, datapackage.json
 * (Frictionless), changelog.json (every version up to this one, with what changed) and
 * release.json (our own index: files, sizes, hashes). Releasing again after a correction adds
 * v<N+1>; earlier versions stay downloadable. Releasing unchanged data returns the latest version
 * instead of adding an identical one.
 *
 * Why files and no table: a release IS its files (they are what is downloaded and checksummed),
 * and folder creation by rename is atomic, so two instances releasing at once cannot both claim
 * v<N> — the loser retries as v<N+1>. The public listing reads the folders and shows only cycles
 * whose status in the database is 'published' at that moment.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/client.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { can } from '../../domain/policy/policy.js';
import type { ScoreResult } from '../../domain/scoring/index.js';
import type { RequestContext } from '../../lib/context.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { writeAudit } from '../audit/audit.repo.js';
import type { ResultsService } from '../results/results.service.js';
import {
  buildRelease,
  type Cell,
  contentHashOf,
  licenceOf,
  type PublishedUnit,
  type ReleaseFile,
} from './opendata.files.js';
import { opendataRepo } from './opendata.repo.js';
import { validateDataPackage } from './opendata.validate.js';

export interface ReleaseIndex {
  cycleId: string;
  version: number;
  created: string;
  contentHash: string;
  licence: string;
  note: string;
  files: Array<{ name: string; bytes: number; sha256: string; mediatype: string }>;
}

export interface ChangelogEntry {
  version: number;
  created: string;
  note: string;
  changes: {
    unitsAdded: string[];
    unitsRemoved: string[];
    indexChanged: Array<{ unitCode: string; from: string | null; to: string | null }>;
    predicateChanged: Array<{ unitCode: string; from: string | null; to: string | null }>;
  };
}

const VERSION_DIR = /^v(\d+)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const META_FILES = ['datapackage.json', 'changelog.json'] as const;

const mediatypeOf = (name: string) =>
  name.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';

export function opendataServiceFactory(
  db: Db,
  deps: {
    results: Pick<ResultsService, 'compute' | 'published'>;
    config: { dataDir: string; openDataLicense: string };
    now?: () => Date;
  },
) {
  const repo = opendataRepo(db);
  const root = path.join(deps.config.dataDir, 'opendata');
  const now = deps.now ?? (() => new Date());
  const cycleDir = (cycleId: string) => {
    if (!UUID.test(cycleId)) throw new NotFoundError('Siklus', cycleId);
    return path.join(root, cycleId.toLowerCase());
  };

  async function versionsOf(cycleId: string): Promise<number[]> {
    const dir = cycleDir(cycleId);
    if (!fs.existsSync(dir)) return [];
    return (await fsp.readdir(dir))
      .map((n) => VERSION_DIR.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async function readJson<T>(file: string): Promise<T> {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  }

  const releaseIndex = (cycleId: string, v: number) =>
    readJson<ReleaseIndex>(path.join(cycleDir(cycleId), `v${v}`, 'release.json'));

  /** The published data of a cycle, from the results service (404 unless published). */
  async function publishedData(cycleId: string) {
    const pub = await deps.results.published(cycleId);
    const computed = await deps.results.compute(cycleId);
    const byCode = new Map(computed.results.map((r) => [r.unit.code, r]));
    const units: PublishedUnit[] = pub.units.map((u) => {
      const row = byCode.get(u.unit.code)!;
      const snap = computed.snapshots.get(row.assessmentId)!;
      return {
        unit: { code: u.unit.code, name: u.unit.name, type: u.unit.type },
        index: u.index,
        predicate: u.predicate,
        rank: u.rank,
        change: u.change,
        snapshotHash: u.snapshotHash,
        domains: u.domains,
        result: snap.result as ScoreResult,
      };
    });
    const c = computed.c;
    const indicatorDomains = new Map<string, string>();
    for (let i = 0; i < c.indicatorCount; i++) {
      let node = c.indicatorNode[i]!;
      while (c.nodeDepth[node]! > 1) node = c.parent[node]!;
      indicatorDomains.set(c.indicatorCode[i]!, c.nodeCode[node]!);
    }
    const scope = await repo.findUnit(computed.cycle.scopeUnitId);
    const instrument = computed.instrument as Instrument;
    return {
      pub,
      units,
      indicatorDomains,
      scope,
      meta: {
        cycleId,
        cycleName: pub.cycle.name,
        scopeName: scope?.name ?? '',
        periodStart: pub.cycle.periodStart,
        periodEnd: pub.cycle.periodEnd,
        publishedAt: pub.cycle.publishedAt ? pub.cycle.publishedAt.toISOString() : null,
        instrument: {
          code: computed.version.code,
          version: computed.version.version,
          title: instrument.title,
          contentHash: computed.version.contentHash,
        },
        licence: deps.config.openDataLicense,
      },
    };
  }

  function diff(previous: Cell[][] | null, current: Cell[][]): ChangelogEntry['changes'] {
    const before = new Map((previous ?? []).map((r) => [String(r[0]), r]));
    const after = new Map(current.map((r) => [String(r[0]), r]));
    const text = (v: Cell | undefined) => (v === null || v === undefined ? null : String(v));
    const changes: ChangelogEntry['changes'] = {
      unitsAdded: [],
      unitsRemoved: [],
      indexChanged: [],
      predicateChanged: [],
    };
    if (!previous) return changes;
    for (const [code, row] of after) {
      const old = before.get(code);
      if (!old) {
        changes.unitsAdded.push(code);
        continue;
      }
      if (text(old[3]) !== text(row[3]))
        changes.indexChanged.push({ unitCode: code, from: text(old[3]), to: text(row[3]) });
      if (text(old[4]) !== text(row[4]))
        changes.predicateChanged.push({ unitCode: code, from: text(old[4]), to: text(row[4]) });
    }
    for (const code of before.keys()) if (!after.has(code)) changes.unitsRemoved.push(code);
    return changes;
  }

  /** Units table of a stored release, read back from its JSON (for the changelog diff). */
  async function storedUnitRows(cycleId: string, v: number): Promise<Cell[][] | null> {
    try {
      const rows = await readJson<Array<Record<string, Cell>>>(
        path.join(cycleDir(cycleId), `v${v}`, 'hasil-unit.json'),
      );
      return rows.map((r) => [
        r.kode_unit ?? null,
        r.nama_unit ?? null,
        r.jenis_unit ?? null,
        r.indeks ?? null,
        r.predikat ?? null,
      ]);
    } catch {
      return null;
    }
  }

  async function writeFolder(dir: string, files: ReleaseFile[], extra: Record<string, unknown>) {
    await fsp.mkdir(dir, { recursive: true });
    for (const f of files) await fsp.writeFile(path.join(dir, f.name), f.bytes);
    for (const [name, value] of Object.entries(extra))
      await fsp.writeFile(path.join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  }

  function presentRelease(cycleId: string, r: ReleaseIndex) {
    const base = `/api/public/opendata/${cycleId}/versions/${r.version}`;
    return {
      version: r.version,
      created: r.created,
      note: r.note,
      licence: licenceOf(r.licence),
      contentHash: r.contentHash,
      datapackageUrl: `${base}/datapackage.json`,
      changelogUrl: `${base}/changelog.json`,
      files: r.files.map((f) => ({ ...f, url: `${base}/${f.name}` })),
    };
  }

  return {
    root,

    /**
     * Releases the open data of a published cycle as a new version (call it after the publish
     * transaction has committed, and again after a correction). `ctx.actor` null = system/CLI;
     * otherwise the actor needs cycle.publish on the cycle's scope. Returns the new release
     * (isNew), or the latest one (isNew: false) when the data did not change.
     */
    async release(cycleId: string, ctx: RequestContext, changelog?: string) {
      const data = await publishedData(cycleId);
      if (ctx.actor && !can(ctx.actor, 'cycle.publish', { unitPath: data.scope?.path })) {
        throw new ForbiddenError(
          'Hanya koordinator atau administrator lingkup ini yang dapat merilis data terbuka.',
        );
      }
      const dir = cycleDir(cycleId);
      await fsp.mkdir(dir, { recursive: true });
      for (let attempt = 0; attempt < 20; attempt++) {
        const versions = await versionsOf(cycleId);
        const latest = versions.at(-1);
        const latestIndex = latest ? await releaseIndex(cycleId, latest) : null;
        const version = (latest ?? 0) + 1;
        const created = now().toISOString();
        const built = buildRelease({ ...data.meta, version, created }, data.units, data.indicatorDomains);
        const contentHash = contentHashOf(built.files);
        if (latestIndex && latestIndex.contentHash === contentHash) {
          return { release: presentRelease(cycleId, latestIndex), isNew: false };
        }
        const previousLog = latest
          ? await readJson<ChangelogEntry[]>(path.join(dir, `v${latest}`, 'changelog.json')).catch(() => [])
          : [];
        const entry: ChangelogEntry = {
          version,
          created,
          note:
            changelog?.trim() ||
            (version === 1 ? 'Rilis pertama hasil yang dipublikasikan.' : 'Rilis ulang setelah koreksi.'),
          changes: diff(latest ? await storedUnitRows(cycleId, latest) : null, built.rows.units),
        };
        const index: ReleaseIndex = {
          cycleId,
          version,
          created,
          contentHash,
          licence: data.meta.licence,
          note: entry.note,
          files: built.files.map((f) => ({
            name: f.name,
            bytes: f.bytes.length,
            sha256: f.sha256,
            mediatype: mediatypeOf(f.name),
          })),
        };
        const tmp = path.join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
        await writeFolder(tmp, built.files, {
          'datapackage.json': built.datapackage,
          'changelog.json': [...previousLog, entry],
          'release.json': index,
        });
        const problems = validateDataPackage(tmp);
        if (problems.length > 0) {
          await fsp.rm(tmp, { recursive: true, force: true });
          throw new Error(
            `open data release failed its own validation: ${JSON.stringify(problems.slice(0, 5))}`,
          );
        }
        try {
          await fsp.rename(tmp, path.join(dir, `v${version}`));
        } catch (err) {
          await fsp.rm(tmp, { recursive: true, force: true });
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' || code === 'ENOTEMPTY') continue; // another instance took v<N>
          throw err;
        }
        await db.transaction(async (tx) => {
          await writeAudit(tx, ctx, {
            action: 'opendata.release',
            entityType: 'cycle',
            entityId: cycleId,
            unitId: data.scope?.id ?? null,
            unitPath: data.scope?.path ?? null,
            after: {
              version,
              contentHash,
              note: entry.note,
              files: index.files.map((f) => `${f.name}:${f.sha256}`),
            },
          });
        });
        return { release: presentRelease(cycleId, index), isNew: true };
      }
      throw new Error('could not claim a release version after 20 attempts');
    },

    /** Every published cycle with releases, newest period first: for anyone, no login. */
    async listPublic() {
      if (!fs.existsSync(root)) return { items: [] };
      const ids = (await fsp.readdir(root)).filter((n) => UUID.test(n));
      const cycles = (await repo.publishedCycles(ids)).filter((c) => c.status === 'published');
      const items = [];
      for (const c of cycles) {
        const versions = await versionsOf(c.id);
        if (versions.length === 0) continue;
        const releases = await Promise.all(versions.map((v) => releaseIndex(c.id, v)));
        items.push({
          cycle: {
            id: c.id,
            name: c.name,
            scopeName: c.scopeName,
            periodStart: c.periodStart,
            periodEnd: c.periodEnd,
            publishedAt: c.publishedAt,
          },
          latestVersion: versions.at(-1)!,
          versions: releases.reverse().map((r) => presentRelease(c.id, r)),
        });
      }
      items.sort((a, b) => b.cycle.periodEnd.localeCompare(a.cycle.periodEnd));
      return { items };
    },

    /** One file of one release of a published cycle; 404 for anything else. */
    async openPublicFile(
      cycleId: string,
      version: number,
      name: string,
    ): Promise<{
      stream: Readable;
      contentType: string;
      bytes: number;
      sha256: string | null;
    }> {
      const cycle = UUID.test(cycleId) ? await repo.findCycle(cycleId) : undefined;
      if (cycle?.status !== 'published') throw new NotFoundError('Data terbuka siklus', cycleId);
      const versions = await versionsOf(cycleId);
      if (!versions.includes(version)) throw new NotFoundError(`Versi ${version} data terbuka`, cycleId);
      const index = await releaseIndex(cycleId, version);
      const dataFile = index.files.find((f) => f.name === name);
      if (!dataFile && !(META_FILES as readonly string[]).includes(name))
        throw new NotFoundError(`Berkas ${name}`);
      const full = path.join(cycleDir(cycleId), `v${version}`, name);
      const stat = await fsp.stat(full);
      return {
        stream: fs.createReadStream(full),
        contentType: mediatypeOf(name),
        bytes: stat.size,
        sha256: dataFile?.sha256 ?? null,
      };
    },

    /**
     * Writes the open data of a published cycle to `outDir` (CLI): the latest release when it
     * matches the current data, else the current data as the next version (not registered).
     */
    async exportTo(cycleId: string, outDir: string) {
      const data = await publishedData(cycleId);
      const versions = await versionsOf(cycleId);
      const latest = versions.at(-1);
      const latestIndex = latest ? await releaseIndex(cycleId, latest) : null;
      const probe = buildRelease(
        { ...data.meta, version: latest ?? 1, created: now().toISOString() },
        data.units,
        data.indicatorDomains,
      );
      const hash = contentHashOf(probe.files);
      if (latestIndex && latestIndex.contentHash === hash) {
        await fsp.mkdir(outDir, { recursive: true });
        const src = path.join(cycleDir(cycleId), `v${latest}`);
        for (const f of [...latestIndex.files.map((x) => x.name), ...META_FILES])
          await fsp.copyFile(path.join(src, f), path.join(outDir, f));
        return { version: latest!, released: true, dir: outDir, problems: validateDataPackage(outDir) };
      }
      const version = (latest ?? 0) + 1;
      const built = buildRelease(
        { ...data.meta, version, created: now().toISOString() },
        data.units,
        data.indicatorDomains,
      );
      await writeFolder(outDir, built.files, {
        'datapackage.json': built.datapackage,
        'changelog.json': [
          {
            version,
            created: now().toISOString(),
            note: 'Ekspor data saat ini; belum dirilis sebagai versi resmi.',
            changes: diff(latest ? await storedUnitRows(cycleId, latest) : null, built.rows.units),
          },
        ],
      });
      return { version, released: false, dir: outDir, problems: validateDataPackage(outDir) };
    },
  };
}

export type OpendataService = ReturnType<typeof opendataServiceFactory>;
