import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppError } from '../../lib/errors.js';

/**
 * The portable backup archive (docs/backup.md): one gzip-compressed stream of JSON lines.
 *
 *   line 1      header   {format, formatVersion, appVersion, createdAt, sourceBackend, migrations, tables}
 *   then        rows     {"t": table, "r": row}            tables in foreign-key order
 *   then        files    {"file": path, "size": n}, {"chunk": base64}…, {"fileEnd": path, "sha256": hex}
 *   last line   manifest {"manifest": {tables, files, dataSha256, archiveSha256}}
 *
 * Row objects are produced by PostgreSQL itself (`row_to_json`), so PGlite and a PostgreSQL server
 * write byte-identical row lines for identical data; that is what makes checksums comparable.
 */
export const BACKUP_FORMAT = 'mercusuar-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface MigrationEntry {
  /** File tag from the migrations journal, null when this build does not know the migration. */
  tag: string | null;
  /** SHA-256 of the migration SQL, as Drizzle records it. */
  hash: string;
  /** The journal timestamp Drizzle records as created_at. */
  createdAt: number;
}

export interface ColumnInfo {
  name: string;
  /** `format_type()` of the column, e.g. `numeric(9,6)`, `timestamp(3) with time zone`. */
  type: string;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  sourceBackend: 'pglite' | 'postgres';
  serverVersion: string;
  /** Applied migrations of the source, oldest first. */
  migrations: MigrationEntry[];
  /** Tables in the order their rows follow (parents before children). */
  tables: TableInfo[];
}

export interface TableManifest {
  name: string;
  rows: number;
  /** SHA-256 of the table's row texts, each followed by "\n", in archive order. */
  sha256: string;
}

export interface FileManifest {
  /** Path relative to DATA_DIR/files, with "/" separators. */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  tables: TableManifest[];
  files: FileManifest[];
  /** Backend-independent checksum of the data: tables and files (see `dataChecksum`). */
  dataSha256: string;
  /** SHA-256 of every archive line before the manifest, each followed by "\n". */
  archiveSha256: string;
}

/** Checksum over per-table and per-file checksums: equal for equal data, whatever the backend. */
export function dataChecksum(tables: TableManifest[], files: FileManifest[]): string {
  const h = createHash('sha256');
  for (const t of tables) h.update(`table\t${t.name}\t${t.rows}\t${t.sha256}\n`);
  for (const f of files) h.update(`file\t${f.path}\t${f.size}\t${f.sha256}\n`);
  return h.digest('hex');
}

/** The line prefix of a row of `table`; the row text follows it and a closing brace ends the line. */
export const rowPrefix = (table: string) => `{"t":${JSON.stringify(table)},"r":`;

export type BackupErrorCode =
  | 'BACKUP_OUTPUT_EXISTS'
  | 'BACKUP_NOT_AN_ARCHIVE'
  | 'BACKUP_UNSUPPORTED_VERSION'
  | 'BACKUP_CORRUPT'
  | 'BACKUP_SCHEMA_MISMATCH'
  | 'BACKUP_CIRCULAR_REFERENCE'
  | 'RESTORE_TARGET_NOT_EMPTY'
  | 'RESTORE_FILE_CONFLICT'
  | 'RESTORE_FAILED';

const STATUS: Record<BackupErrorCode, number> = {
  BACKUP_OUTPUT_EXISTS: 409,
  BACKUP_NOT_AN_ARCHIVE: 400,
  BACKUP_UNSUPPORTED_VERSION: 400,
  BACKUP_CORRUPT: 400,
  BACKUP_SCHEMA_MISMATCH: 409,
  BACKUP_CIRCULAR_REFERENCE: 409,
  RESTORE_TARGET_NOT_EMPTY: 409,
  RESTORE_FILE_CONFLICT: 409,
  RESTORE_FAILED: 409,
};

/** A refused backup or restore, with a message in Bahasa Indonesia and `messageEn` in English. */
export class BackupError extends AppError {
  constructor(code: BackupErrorCode, message: string, messageEn: string, details?: unknown) {
    super(STATUS[code], code, message, details, messageEn);
  }
}

export const corrupt = (why: string, whyEn: string) =>
  new BackupError(
    'BACKUP_CORRUPT',
    `Arsip cadangan rusak atau terpotong: ${why}. Tidak ada data yang ditulis.`,
    `The backup archive is damaged or truncated: ${whyEn}. Nothing was written.`,
  );

/**
 * Validates a stored-file path from an archive: relative, "/"-separated, no "..", no empty or
 * hidden-temp parts. Returns it unchanged, or throws (an archive must not write outside DATA_DIR/files).
 */
export function checkFilePath(p: unknown): string {
  if (
    typeof p !== 'string' ||
    p.length === 0 ||
    p.length > 1024 ||
    p.includes('\\') ||
    p.includes('\0') ||
    path.posix.isAbsolute(p) ||
    p.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw corrupt(`jalur berkas tidak sah ${JSON.stringify(p)}`, `invalid file path ${JSON.stringify(p)}`);
  }
  return p;
}
