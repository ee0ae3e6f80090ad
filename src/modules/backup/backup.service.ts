import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { APP_VERSION } from '../../app.js';
import type { Database } from '../../db/client.js';
import { type RequestContext, systemContext } from '../../lib/context.js';
import { writeAudit } from '../audit/audit.repo.js';
import { FileStage, filesRoot, listStoredFiles } from './backup.files.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  type BackupHeader,
  type BackupManifest,
  checkFilePath,
  corrupt,
  dataChecksum,
  type FileManifest,
  type MigrationEntry,
  rowPrefix,
  type TableManifest,
} from './backup.format.js';
import {
  addForeignKey,
  appliedMigrations,
  cursorRows,
  dropForeignKey,
  forwardForeignKeys,
  insertRows,
  nonEmptyTables,
  orderByForeignKeys,
  readCatalog,
  resetSequences,
  rowsQuery,
  serverVersion,
  setCanonicalSession,
} from './backup.repo.js';
import { GzipLineWriter, readGzipLines } from './backup.stream.js';

/** Raw bytes per base64 chunk line of a stored file (48 KiB → 64 KiB of text). */
const FILE_CHUNK_BYTES = 48 * 1024;
/** Rows per INSERT on restore, and a cap on the text of one batch. */
const INSERT_BATCH_ROWS = 500;
const INSERT_BATCH_CHARS = 8 * 1024 * 1024;

export interface BackupOptions {
  /** DATA_DIR: stored files under DATA_DIR/files are included. */
  dataDir: string;
  /** Replace an existing archive at the output path. */
  overwrite?: boolean;
  appVersion?: string;
  /** Called after each table (and once for the files) with what was written. */
  onProgress?: (p: { table?: string; rows?: number; files?: number }) => void;
}

export interface BackupResult {
  file: string;
  manifestFile: string;
  /** Size and SHA-256 of the compressed archive file. */
  bytes: number;
  fileSha256: string;
  header: Omit<BackupHeader, 'tables'>;
  manifest: BackupManifest;
}

/** What is written beside the archive as FILE.manifest.json. */
export interface SideManifest extends Omit<BackupHeader, 'tables'> {
  archive: { file: string; bytes: number; sha256: string };
  tables: TableManifest[];
  files: FileManifest[];
  dataSha256: string;
  archiveSha256: string;
}

/**
 * Writes a portable archive of all data — every table of schema `public` and every stored file
 * under DATA_DIR/files — to `outFile`, plus `outFile.manifest.json` (counts and checksums).
 *
 * Tables are read in one REPEATABLE READ, READ ONLY transaction (one consistent snapshot, the way
 * pg_dump does it) through a cursor, 1000 rows at a time. A backup is a read: it is not audited.
 * The archive appears under its name only when complete.
 */
export async function createBackup(
  database: Database,
  outFile: string,
  opts: BackupOptions,
): Promise<BackupResult> {
  const out = path.resolve(outFile);
  if (!opts.overwrite) assertOutputFree(out);
  const partial = `${out}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const writer = new GzipLineWriter(partial);
  const archiveHash = createHash('sha256');
  const write = (line: string) => {
    archiveHash.update(`${line}\n`);
    return writer.write(line);
  };

  try {
    let header!: BackupHeader;
    const tables: TableManifest[] = [];
    await database.db.transaction(
      async (tx) => {
        await setCanonicalSession(tx);
        const catalog = await readCatalog(tx);
        const ordered = orderByForeignKeys(catalog.tables, catalog.foreignKeys);
        header = {
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          appVersion: opts.appVersion ?? APP_VERSION,
          createdAt: new Date().toISOString(),
          sourceBackend: database.kind,
          serverVersion: await serverVersion(tx),
          migrations: await appliedMigrations(tx),
          tables: ordered.map((t) => ({
            name: t.name,
            columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
            primaryKey: t.primaryKey,
          })),
        };
        await write(JSON.stringify(header));

        for (const t of ordered) {
          const hash = createHash('sha256');
          const prefix = rowPrefix(t.name);
          let count = 0;
          for await (const page of cursorRows<{ line: string; unreached: boolean }>(tx, rowsQuery(t))) {
            for (const row of page) {
              if (row.unreached) {
                throw new BackupError(
                  'BACKUP_CIRCULAR_REFERENCE',
                  `Tabel ${t.name} berisi baris yang saling mereferensikan secara melingkar; cadangan tidak dapat dipulihkan dan tidak dibuat.`,
                  `Table ${t.name} holds rows that reference each other in a cycle; such a backup could not be restored, so none was written.`,
                  { table: t.name },
                );
              }
              hash.update(`${row.line}\n`);
              count++;
              await write(`${prefix}${row.line}}`);
            }
          }
          tables.push({ name: t.name, rows: count, sha256: hash.digest('hex') });
          opts.onProgress?.({ table: t.name, rows: count });
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );

    // Files after the snapshot: every file a backed-up row refers to already exists by now.
    const files: FileManifest[] = [];
    const root = filesRoot(opts.dataDir);
    for (const rel of await listStoredFiles(opts.dataDir)) {
      const abs = path.join(root, ...rel.split('/'));
      if (abs === partial) continue;
      const hash = createHash('sha256');
      let size = 0;
      await write(JSON.stringify({ file: rel }));
      for await (const chunk of fs.createReadStream(abs, { highWaterMark: FILE_CHUNK_BYTES })) {
        const buf = chunk as Buffer;
        hash.update(buf);
        size += buf.length;
        await write(JSON.stringify({ chunk: buf.toString('base64') }));
      }
      const entry = { path: rel, size, sha256: hash.digest('hex') };
      files.push(entry);
      await write(JSON.stringify({ fileEnd: rel, size, sha256: entry.sha256 }));
    }
    opts.onProgress?.({ files: files.length });

    const manifest: BackupManifest = {
      tables,
      files,
      dataSha256: dataChecksum(tables, files),
      archiveSha256: archiveHash.digest('hex'),
    };
    await writer.write(JSON.stringify({ manifest }));
    const fileSha256 = await writer.finish();
    await fsp.rename(partial, out);

    const { tables: _tables, ...headerSummary } = header;
    const side: SideManifest = {
      ...headerSummary,
      archive: { file: path.basename(out), bytes: writer.bytes, sha256: fileSha256 },
      ...manifest,
    };
    const manifestFile = `${out}.manifest.json`;
    await fsp.writeFile(manifestFile, `${JSON.stringify(side, null, 2)}\n`);
    return { file: out, manifestFile, bytes: writer.bytes, fileSha256, header: headerSummary, manifest };
  } catch (err) {
    await writer.abort();
    await fsp.rm(partial, { force: true });
    throw err;
  }
}

/** Refuses to replace an existing archive (the caller may pass `overwrite`). */
export function assertOutputFree(outFile: string): void {
  const out = path.resolve(outFile);
  if (fs.existsSync(out)) {
    throw new BackupError(
      'BACKUP_OUTPUT_EXISTS',
      `Berkas ${out} sudah ada; pilih nama lain atau timpa dengan --force.`,
      `${out} already exists; choose another name or overwrite with --force.`,
    );
  }
}

export interface RestoreOptions {
  /** DATA_DIR: stored files are restored under DATA_DIR/files. */
  dataDir: string;
  /** Who restores (for the audit entry); the CLI's system context by default. */
  ctx?: RequestContext;
  onProgress?: (p: { table?: string; rows?: number; files?: number }) => void;
}

export interface RestoreResult {
  header: Omit<BackupHeader, 'tables'>;
  manifest: BackupManifest;
  /** Files written to DATA_DIR/files, and files that were already there with the same content. */
  filesRestored: number;
  filesAlreadyPresent: number;
}

/**
 * Loads an archive written by `createBackup` into an EMPTY, migrated database of either kind, and
 * its stored files into DATA_DIR/files.
 *
 * Refuses (and writes nothing) when a table of the target holds rows, when the archive comes from
 * a newer or different migration history, or when the archive is damaged or truncated: all rows
 * go in ONE transaction that commits only after every count and checksum matched the archive's
 * manifest. Files are staged beside DATA_DIR/files and moved into place after the commit.
 * Writes one `backup.restore` audit entry in the same transaction.
 *
 * This is an offline operation (the transaction stays open while the archive is read): run it
 * with the server stopped.
 */
export async function restoreBackup(
  database: Database,
  file: string,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  const archive = path.resolve(file);
  if (!fs.existsSync(archive)) {
    throw new BackupError(
      'BACKUP_NOT_AN_ARCHIVE',
      `Berkas cadangan ${archive} tidak ditemukan.`,
      `Backup file ${archive} not found.`,
    );
  }
  const reader = readGzipLines(archive)[Symbol.asyncIterator]();
  const archiveHash = createHash('sha256');
  let lineNo = 0;
  /** The next line (hashed unless it is the manifest), or null at the end of the archive. */
  const nextLine = async (): Promise<string | null> => {
    let r: IteratorResult<{ line: string; complete: boolean }>;
    try {
      r = await reader.next();
    } catch (err) {
      if (lineNo === 0) throw notAnArchive(archive);
      throw corrupt(
        `kompresi gzip gagal dibaca setelah baris ${lineNo} (${(err as Error).message})`,
        `gzip stream failed after line ${lineNo} (${(err as Error).message})`,
      );
    }
    if (r.done) return null;
    lineNo++;
    if (!r.value.complete) throw corrupt(`baris ${lineNo} terpotong`, `line ${lineNo} is cut off`);
    return r.value.line;
  };
  const parse = (line: string): Record<string, unknown> => {
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw corrupt(`baris ${lineNo} bukan JSON yang sah`, `line ${lineNo} is not valid JSON`);
  };

  const stage = new FileStage(opts.dataDir);
  try {
    const headerLine = await nextLine();
    const header = headerLine === null ? null : (tryParse(headerLine) as BackupHeader | null);
    if (
      !header ||
      header.format !== BACKUP_FORMAT ||
      !Array.isArray(header.tables) ||
      !Array.isArray(header.migrations)
    )
      throw notAnArchive(archive);
    if (header.formatVersion !== BACKUP_FORMAT_VERSION) {
      throw new BackupError(
        'BACKUP_UNSUPPORTED_VERSION',
        `Format cadangan versi ${header.formatVersion} tidak didukung versi Mercusuar ini (mendukung versi ${BACKUP_FORMAT_VERSION}); gunakan versi Mercusuar yang lebih baru.`,
        `Backup format version ${header.formatVersion} is not supported by this Mercusuar (supports ${BACKUP_FORMAT_VERSION}); use a newer Mercusuar.`,
      );
    }
    archiveHash.update(`${headerLine}\n`);
    const headerTables = header.tables.map((t) => t.name);

    let manifest!: BackupManifest;
    const filesSeen: FileManifest[] = [];
    await database.db.transaction(async (tx) => {
      await setCanonicalSession(tx);
      checkMigrations(header.migrations, await appliedMigrations(tx));

      const catalog = await readCatalog(tx);
      const target = new Map(catalog.tables.map((t) => [t.name, t]));
      const problems: string[] = [];
      const insertColumns = new Map<string, string[]>();
      for (const t of header.tables) {
        const tt = target.get(t.name);
        if (!tt) {
          problems.push(`tabel ${t.name} tidak ada di basis data tujuan`);
          continue;
        }
        const cols = new Map(tt.columns.map((c) => [c.name, c]));
        const missing = t.columns.filter((c) => !cols.has(c.name)).map((c) => c.name);
        if (missing.length)
          problems.push(`kolom ${missing.map((m) => `${t.name}.${m}`).join(', ')} tidak ada`);
        insertColumns.set(
          t.name,
          t.columns.filter((c) => cols.has(c.name) && !cols.get(c.name)!.generated).map((c) => c.name),
        );
      }
      if (problems.length) {
        throw new BackupError(
          'BACKUP_SCHEMA_MISMATCH',
          `Struktur basis data tujuan tidak cocok dengan cadangan: ${problems.join('; ')}. Pulihkan dengan versi Mercusuar yang membuat cadangan, lalu tingkatkan versinya.`,
          `The target database schema does not match the backup: ${problems.join('; ')}. Restore with the Mercusuar version that made the backup, then upgrade.`,
          { problems },
        );
      }
      const filled = await nonEmptyTables(
        tx,
        catalog.tables.map((t) => t.name),
      );
      if (filled.length) {
        throw new BackupError(
          'RESTORE_TARGET_NOT_EMPTY',
          `Basis data tujuan tidak kosong (tabel berisi data: ${filled.join(', ')}). Pemulihan hanya ke basis data kosong: gunakan basis data baru atau DATA_DIR baru. Tidak ada yang ditulis.`,
          `The target database is not empty (tables with rows: ${filled.join(', ')}). Restore only into an empty database: use a new database or a new DATA_DIR. Nothing was written.`,
          { tables: filled },
        );
      }

      // Foreign keys of table cycles cannot be satisfied row by row: re-created (and so re-validated) after loading.
      const forward = forwardForeignKeys(headerTables, catalog.foreignKeys);
      for (const fk of forward) await dropForeignKey(tx, fk);

      const counts = new Map(headerTables.map((n) => [n, { rows: 0, hash: createHash('sha256') }]));
      let tableIdx = 0;
      let batch: string[] = [];
      let batchChars = 0;
      // After a failed insert the transaction is dead; reading goes on (without inserting) so that
      // a damaged archive — the likelier cause — is reported as such rather than as a key violation.
      let loadError: BackupError | null = null;
      const flush = async () => {
        if (batch.length === 0) return;
        const name = headerTables[tableIdx]!;
        if (!loadError) {
          await insertRows(tx, name, insertColumns.get(name)!, batch).catch((err) => {
            loadError = restoreFailed(`tabel ${name}`, `table ${name}`, err);
          });
        }
        batch = [];
        batchChars = 0;
      };
      const finishTable = async () => {
        await flush();
        const name = headerTables[tableIdx];
        if (name && !loadError) opts.onProgress?.({ table: name, rows: counts.get(name)!.rows });
      };
      let phase: 'rows' | 'files' = 'rows';
      let currentFile: string | null = null;
      const filePaths = new Set<string>();

      for (;;) {
        const line = await nextLine();
        if (line === null) throw corrupt('manifes penutup tidak ada', 'the closing manifest is missing');
        const obj = parse(line);

        if ('manifest' in obj) {
          if (currentFile !== null)
            throw corrupt(`berkas ${currentFile} tidak lengkap`, `file ${currentFile} is incomplete`);
          if (phase === 'rows') {
            while (tableIdx < headerTables.length) {
              await finishTable();
              tableIdx++;
            }
          }
          manifest = obj.manifest as BackupManifest;
          break;
        }
        archiveHash.update(`${line}\n`);

        if ('t' in obj) {
          if (phase !== 'rows')
            throw corrupt(`baris ${lineNo} di luar urutan`, `line ${lineNo} is out of order`);
          const idx = headerTables.indexOf(obj.t as string);
          const prefix = rowPrefix(String(obj.t));
          if (idx < tableIdx || !line.startsWith(prefix) || !line.endsWith('}')) {
            throw corrupt(
              `baris ${lineNo} tidak sah atau di luar urutan`,
              `line ${lineNo} is invalid or out of order`,
            );
          }
          while (tableIdx < idx) {
            await finishTable();
            tableIdx++;
          }
          const rowText = line.slice(prefix.length, -1);
          const c = counts.get(obj.t as string)!;
          c.rows++;
          c.hash.update(`${rowText}\n`);
          batch.push(rowText);
          batchChars += rowText.length;
          if (batch.length >= INSERT_BATCH_ROWS || batchChars >= INSERT_BATCH_CHARS) await flush();
          continue;
        }

        if (phase === 'rows') {
          while (tableIdx < headerTables.length) {
            await finishTable();
            tableIdx++;
          }
          phase = 'files';
        }
        if ('file' in obj) {
          if (currentFile !== null)
            throw corrupt(`berkas ${currentFile} tidak lengkap`, `file ${currentFile} is incomplete`);
          const rel = checkFilePath(obj.file);
          if (filePaths.has(rel)) throw corrupt(`berkas ${rel} muncul dua kali`, `file ${rel} appears twice`);
          filePaths.add(rel);
          currentFile = rel;
          await stage.begin(rel);
        } else if ('chunk' in obj) {
          if (currentFile === null || typeof obj.chunk !== 'string')
            throw corrupt(`baris ${lineNo} tidak sah`, `line ${lineNo} is invalid`);
          await stage.write(Buffer.from(obj.chunk, 'base64'));
        } else if ('fileEnd' in obj) {
          if (currentFile === null || obj.fileEnd !== currentFile)
            throw corrupt(`baris ${lineNo} tidak sah`, `line ${lineNo} is invalid`);
          const done = await stage.end();
          if (done.sha256 !== obj.sha256 || done.size !== obj.size) {
            throw corrupt(
              `checksum berkas ${done.rel} tidak cocok`,
              `checksum of file ${done.rel} does not match`,
            );
          }
          if (done.conflict) {
            throw new BackupError(
              'RESTORE_FILE_CONFLICT',
              `Berkas ${done.rel} sudah ada di ${filesRoot(opts.dataDir)} dengan isi berbeda. Tidak ada yang ditulis.`,
              `File ${done.rel} already exists in ${filesRoot(opts.dataDir)} with different content. Nothing was written.`,
              { path: done.rel },
            );
          }
          filesSeen.push({ path: done.rel, size: done.size, sha256: done.sha256 });
          currentFile = null;
        } else {
          throw corrupt(`baris ${lineNo} tidak dikenal`, `line ${lineNo} is not recognised`);
        }
      }
      if ((await nextLine()) !== null)
        throw corrupt('ada data setelah manifes penutup', 'there is data after the closing manifest');

      const computed: TableManifest[] = headerTables.map((name) => ({
        name,
        rows: counts.get(name)!.rows,
        sha256: counts.get(name)!.hash.digest('hex'),
      }));
      verifyManifest(manifest, computed, filesSeen, archiveHash.digest('hex'));
      if (loadError) throw loadError;
      opts.onProgress?.({ files: filesSeen.length });

      for (const fk of forward) {
        await addForeignKey(tx, fk).catch((err) => {
          throw restoreFailed(`kunci asing ${fk.name}`, `foreign key ${fk.name}`, err);
        });
      }
      await resetSequences(tx);
      const { tables: _t, ...summary } = header;
      await writeAudit(tx, opts.ctx ?? systemContext('backup-restore'), {
        action: 'backup.restore',
        entityType: 'installation',
        after: {
          archive: path.basename(archive),
          createdAt: summary.createdAt,
          appVersion: summary.appVersion,
          sourceBackend: summary.sourceBackend,
          rows: Object.fromEntries(computed.map((t) => [t.name, t.rows])),
          files: filesSeen.length,
          dataSha256: manifest.dataSha256,
        },
      });
    });

    await stage.commit();
    const { tables: _t, ...summary } = header;
    return {
      header: summary,
      manifest,
      filesRestored: stage.staged.length,
      filesAlreadyPresent: stage.identical.length,
    };
  } catch (err) {
    await stage.discard();
    throw err;
  } finally {
    await reader.return?.(undefined);
  }
}

function tryParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** A database error while loading: the archive is intact, but its rows do not fit the target. */
function restoreFailed(where: string, whereEn: string, err: unknown) {
  const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
  return new BackupError(
    'RESTORE_FAILED',
    `Pemulihan gagal pada ${where}: ${cause}. Tidak ada yang ditulis.`,
    `Restore failed at ${whereEn}: ${cause}. Nothing was written.`,
  );
}

function notAnArchive(file: string) {
  return new BackupError(
    'BACKUP_NOT_AN_ARCHIVE',
    `${file} bukan arsip cadangan Mercusuar.`,
    `${file} is not a Mercusuar backup archive.`,
  );
}

/** The backup's migrations must be the target's first migrations (equal, or a prefix). */
function checkMigrations(backup: MigrationEntry[], target: MigrationEntry[]) {
  const mismatch = backup.findIndex((m, i) => target[i]?.hash !== m.hash);
  if (mismatch === -1) return;
  const newer = mismatch >= target.length;
  const name = (m: MigrationEntry) => m.tag ?? m.hash.slice(0, 12);
  throw new BackupError(
    'BACKUP_SCHEMA_MISMATCH',
    newer
      ? `Cadangan berasal dari skema yang lebih baru (migrasi ${name(backup[mismatch]!)} belum ada di sini). Pulihkan dengan versi Mercusuar yang sama atau lebih baru.`
      : `Riwayat migrasi cadangan berbeda dari basis data tujuan (migrasi ke-${mismatch + 1}: ${name(backup[mismatch]!)}).`,
    newer
      ? `The backup comes from a newer schema (migration ${name(backup[mismatch]!)} is unknown here). Restore with the same or a newer Mercusuar.`
      : `The backup's migration history differs from the target database (migration #${mismatch + 1}: ${name(backup[mismatch]!)}).`,
    { backupMigrations: backup.length, targetMigrations: target.length },
  );
}

function verifyManifest(
  manifest: BackupManifest,
  tables: TableManifest[],
  files: FileManifest[],
  archiveSha256: string,
) {
  if (!manifest || !Array.isArray(manifest.tables) || !Array.isArray(manifest.files)) {
    throw corrupt('manifes penutup tidak sah', 'the closing manifest is invalid');
  }
  const bad: string[] = [];
  const listed = new Map(manifest.tables.map((t) => [t.name, t]));
  for (const t of tables) {
    const m = listed.get(t.name);
    if (!m) bad.push(`${t.name} (tidak ada di manifes)`);
    else if (m.rows !== t.rows) bad.push(`${t.name} (${t.rows} baris, manifes ${m.rows})`);
    else if (m.sha256 !== t.sha256) bad.push(`${t.name} (checksum)`);
  }
  if (manifest.tables.length !== tables.length) bad.push('daftar tabel');
  const sameFiles =
    manifest.files.length === files.length &&
    manifest.files.every(
      (f, i) => f.path === files[i]!.path && f.size === files[i]!.size && f.sha256 === files[i]!.sha256,
    );
  if (!sameFiles) bad.push('daftar berkas');
  if (manifest.dataSha256 !== dataChecksum(tables, files)) bad.push('dataSha256');
  if (manifest.archiveSha256 !== archiveSha256) bad.push('archiveSha256');
  if (bad.length) {
    throw corrupt(
      `isi tidak cocok dengan manifes: ${bad.join(', ')}`,
      `content does not match the manifest: ${bad.join(', ')}`,
    );
  }
}
