import fs from 'node:fs';
import path from 'node:path';
import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, MIGRATIONS_DIR } from '../../db/client.js';
import type { MigrationEntry } from './backup.format.js';

/**
 * Everything backup and restore ask the database, in raw SQL that PGlite (PostgreSQL 18) and
 * PostgreSQL 15 answer identically. Tables are discovered from the catalog (schema `public`), so
 * a table added by a later migration is included without touching this module.
 */

const SCHEMA = 'public';

/** Quotes an identifier for SQL text. */
export const qi = (name: string) => `"${name.replaceAll('"', '""')}"`;
const qt = (table: string) => `${qi(SCHEMA)}.${qi(table)}`;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** Types written as JSON strings: JSON numbers would lose digits in JavaScript and other readers. */
const AS_TEXT = new Set(['int8', 'numeric', 'float4', 'float8', 'money']);

export interface CatalogColumn {
  name: string;
  type: string;
  /** Cast to text (or text[]) in the row encoding. */
  asText: 'scalar' | 'array' | null;
  identity: boolean;
  generated: boolean;
  collatable: boolean;
}

export interface ForeignKey {
  /** Constraint name and its definition (`pg_get_constraintdef`), to re-create it after a restore. */
  name: string;
  definition: string;
  table: string;
  refTable: string;
  columns: string[];
  refColumns: string[];
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  primaryKey: string[];
  /** Foreign keys of the table onto itself (parent rows must be inserted first). */
  selfRefs: ForeignKey[];
}

/** The tables of schema `public` with their columns, keys and foreign keys. */
export async function readCatalog(
  db: DbOrTx,
): Promise<{ tables: CatalogTable[]; foreignKeys: ForeignKey[] }> {
  const tableRows = await rows<{ name: string }>(
    db,
    sql.raw(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${lit(SCHEMA)} AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname COLLATE "C"`),
  );
  const columnRows = await rows<{
    table: string;
    name: string;
    type: string;
    typname: string;
    elem: string | null;
    identity: boolean;
    generated: boolean;
    collatable: boolean;
  }>(
    db,
    sql.raw(`SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
        t.typname AS typname, et.typname AS elem,
        a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated, a.attcollation <> 0 AS collatable
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      WHERE n.nspname = ${lit(SCHEMA)} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname COLLATE "C", a.attnum`),
  );
  const pkRows = await rows<{ table: string; columns: string }>(
    db,
    sql.raw(`SELECT c.relname AS "table",
        (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)::text AS columns
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'p' AND n.nspname = ${lit(SCHEMA)}`),
  );
  const fkRows = await rows<{
    name: string;
    definition: string;
    table: string;
    refTable: string;
    columns: string;
    refColumns: string;
  }>(
    db,
    sql.raw(`SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS definition,
        c.relname AS "table", rc.relname AS "refTable",
        (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)::text AS columns,
        (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)::text AS "refColumns"
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_class rc ON rc.oid = con.confrelid
      JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype = 'f' AND n.nspname = ${lit(SCHEMA)} AND rn.nspname = ${lit(SCHEMA)}
      ORDER BY c.relname COLLATE "C", con.conname COLLATE "C"`),
  );

  const foreignKeys: ForeignKey[] = fkRows.map((r) => ({
    name: r.name,
    definition: r.definition,
    table: r.table,
    refTable: r.refTable,
    columns: JSON.parse(r.columns) as string[],
    refColumns: JSON.parse(r.refColumns) as string[],
  }));
  const pks = new Map(pkRows.map((r) => [r.table, JSON.parse(r.columns) as string[]]));
  const tables = tableRows.map(
    ({ name }): CatalogTable => ({
      name,
      columns: columnRows
        .filter((c) => c.table === name)
        .map((c) => ({
          name: c.name,
          type: c.type,
          asText: AS_TEXT.has(c.typname) ? 'scalar' : c.elem && AS_TEXT.has(c.elem) ? 'array' : null,
          identity: c.identity,
          generated: c.generated,
          collatable: c.collatable,
        })),
      primaryKey: pks.get(name) ?? [],
      selfRefs: foreignKeys.filter((fk) => fk.table === name && fk.refTable === name),
    }),
  );
  return { tables, foreignKeys };
}

/**
 * Orders tables so that a table comes after the tables it references (self-references are handled
 * by row order instead); ties go alphabetically so the order is stable. A cycle between tables
 * (e.g. assessments.current_snapshot_id ↔ score_snapshots.assessment_id) is broken at the table
 * of the cycle with the fewest outstanding references: restore then drops the foreign keys that
 * point forward in this order and re-creates (re-validates) them after loading, as pg_dump does.
 */
export function orderByForeignKeys(tables: CatalogTable[], foreignKeys: ForeignKey[]): CatalogTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const deps = new Map(tables.map((t) => [t.name, new Set<string>()]));
  for (const fk of foreignKeys) {
    if (fk.table !== fk.refTable && byName.has(fk.table) && byName.has(fk.refTable))
      deps.get(fk.table)!.add(fk.refTable);
  }
  const done = new Set<string>();
  const ordered: CatalogTable[] = [];
  const unmet = (name: string) => [...deps.get(name)!].filter((d) => !done.has(d));
  const reach = (name: string) => {
    const seen = new Set<string>();
    const stack = unmet(name);
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...unmet(n));
    }
    return seen;
  };
  while (ordered.length < tables.length) {
    const pending = tables.filter((t) => !done.has(t.name));
    let next = pending.find((t) => unmet(t.name).length === 0);
    if (!next) {
      // A table whose outstanding references all lead back to it: its cycle depends on nothing else.
      const inSourceCycle = pending.filter((t) => {
        const r = reach(t.name);
        return r.has(t.name) && [...r].every((u) => reach(u).has(t.name));
      });
      inSourceCycle.sort((a, b) => unmet(a.name).length - unmet(b.name).length);
      next = inSourceCycle[0];
      if (!next) throw new Error('foreign-key ordering found no table to break a cycle at');
    }
    done.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

/**
 * The foreign keys that cannot be checked row by row when tables are loaded in `order`: those of a
 * table loaded before (or, across tables, at the same time as) the table it references.
 */
export function forwardForeignKeys(order: string[], foreignKeys: ForeignKey[]): ForeignKey[] {
  const pos = new Map(order.map((n, i) => [n, i]));
  return foreignKeys.filter((fk) => {
    const a = pos.get(fk.table);
    const b = pos.get(fk.refTable);
    return fk.table !== fk.refTable && a !== undefined && b !== undefined && a < b;
  });
}

export async function dropForeignKey(tx: DbOrTx, fk: ForeignKey) {
  await tx.execute(sql.raw(`ALTER TABLE ${qt(fk.table)} DROP CONSTRAINT ${qi(fk.name)}`));
}

/** Re-creates a dropped foreign key; PostgreSQL validates every row while adding it. */
export async function addForeignKey(tx: DbOrTx, fk: ForeignKey) {
  await tx.execute(sql.raw(`ALTER TABLE ${qt(fk.table)} ADD CONSTRAINT ${qi(fk.name)} ${fk.definition}`));
}

/** Session settings that make `row_to_json` output identical on every server. */
export async function setCanonicalSession(tx: DbOrTx) {
  await tx.execute(sql.raw(`SET LOCAL TimeZone = 'UTC'`));
  await tx.execute(sql.raw(`SET LOCAL DateStyle = 'ISO, YMD'`));
  await tx.execute(sql.raw(`SET LOCAL IntervalStyle = 'postgres'`));
  await tx.execute(sql.raw(`SET LOCAL bytea_output = 'hex'`));
  await tx.execute(sql.raw(`SET LOCAL extra_float_digits = 1`));
}

/**
 * The query listing a table's rows as canonical JSON texts (column `line`), in primary-key order
 * — parents first for self-referencing tables (column `unreached` marks rows no root leads to,
 * i.e. a reference cycle). Text keys sort with COLLATE "C" so the order ignores the server locale.
 */
export function rowsQuery(t: CatalogTable): string {
  const select = t.columns
    .map((c) => {
      const cast = c.asText === 'scalar' ? '::text' : c.asText === 'array' ? '::text[]' : '';
      return `src.${qi(c.name)}${cast} AS ${qi(c.name)}`;
    })
    .join(', ');
  const collate = (col: string) => (t.columns.find((c) => c.name === col)?.collatable ? ' COLLATE "C"' : '');
  const keyOrder = t.primaryKey.map((k) => `src.${qi(k)}${collate(k)}`);
  const lateral = `CROSS JOIN LATERAL (SELECT ${select}) AS x`;

  if (t.selfRefs.length === 0 || t.primaryKey.length === 0) {
    const order = keyOrder.length ? keyOrder.join(', ') : `1 COLLATE "C"`;
    return `SELECT row_to_json(x)::text AS line, false AS unreached FROM ${qt(t.name)} AS src ${lateral} ORDER BY ${order}`;
  }

  // Depth of each row in the forest its self-references form; roots have no (or a self-) parent.
  const pk = t.primaryKey;
  const eqCols = (a: string, ac: string[], b: string, bc: string[]) =>
    ac.map((c, i) => `${a}.${qi(c)} = ${b}.${qi(bc[i]!)}`).join(' AND ');
  const isRoot = t.selfRefs
    .map(
      (fk) =>
        `(${fk.columns.map((c) => `s.${qi(c)} IS NULL`).join(' OR ')} OR (${eqCols('s', fk.columns, 's', fk.refColumns)}))`,
    )
    .join(' AND ');
  const childOf = t.selfRefs
    .map(
      (fk) =>
        `(${eqCols('c', fk.columns, 'p', fk.refColumns)} AND NOT (${eqCols('c', fk.columns, 'c', fk.refColumns)}))`,
    )
    .join(' OR ');
  const keyCols = pk.map((k, i) => `${qi(k)} AS k${i}`);
  return `WITH RECURSIVE walk AS (
      SELECT ${keyCols.map((kc) => `s.${kc}`).join(', ')}, 0 AS depth FROM ${qt(t.name)} AS s WHERE ${isRoot}
      UNION ALL
      SELECT ${pk.map((k, i) => `c.${qi(k)} AS k${i}`).join(', ')}, w.depth + 1
      FROM ${qt(t.name)} AS c JOIN ${qt(t.name)} AS p ON ${childOf}
      JOIN walk AS w ON ${pk.map((k, i) => `w.k${i} = p.${qi(k)}`).join(' AND ')}
      WHERE w.depth < 100000
    ), depths AS (
      SELECT ${pk.map((_, i) => `k${i}`).join(', ')}, max(depth) AS depth FROM walk GROUP BY ${pk.map((_, i) => `k${i}`).join(', ')}
    )
    SELECT row_to_json(x)::text AS line, d.depth IS NULL AS unreached
    FROM ${qt(t.name)} AS src
    LEFT JOIN depths AS d ON ${pk.map((k, i) => `d.k${i} = src.${qi(k)}`).join(' AND ')}
    ${lateral}
    ORDER BY d.depth NULLS LAST, ${keyOrder.join(', ')}`;
}

/**
 * Streams the result of `query` through a cursor, `pageSize` rows at a time: a table is never
 * held in memory whole. Must run inside a transaction (`tx`).
 */
export async function* cursorRows<T>(tx: DbOrTx, query: string, pageSize = 1000): AsyncGenerator<T[]> {
  await tx.execute(sql.raw(`DECLARE mercusuar_backup_cursor NO SCROLL CURSOR FOR ${query}`));
  try {
    for (;;) {
      const page = await rows<T>(tx, sql.raw(`FETCH FORWARD ${pageSize} FROM mercusuar_backup_cursor`));
      if (page.length === 0) return;
      yield page;
      if (page.length < pageSize) return;
    }
  } finally {
    await tx.execute(sql.raw('CLOSE mercusuar_backup_cursor'));
  }
}

/** Applied migrations, oldest first, with their journal tags where this build knows them. */
export async function appliedMigrations(db: DbOrTx): Promise<MigrationEntry[]> {
  const [exists] = await rows<{ ok: boolean }>(
    db,
    sql.raw(`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS ok`),
  );
  if (!exists?.ok) return [];
  const applied = await rows<{ hash: string; created_at: string }>(
    db,
    sql.raw(
      `SELECT hash, created_at::text AS created_at FROM drizzle.__drizzle_migrations ORDER BY created_at, id`,
    ),
  );
  const tags = journalTags();
  return applied.map((m) => ({
    tag: tags.get(Number(m.created_at)) ?? null,
    hash: m.hash,
    createdAt: Number(m.created_at),
  }));
}

function journalTags(): Map<number, string> {
  try {
    const journal = JSON.parse(
      fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: Array<{ when: number; tag: string }>;
    };
    return new Map(journal.entries.map((e) => [e.when, e.tag]));
  } catch {
    return new Map();
  }
}

export async function serverVersion(db: DbOrTx): Promise<string> {
  const [r] = await rows<{ v: string }>(db, sql.raw('SELECT version() AS v'));
  return r?.v ?? 'unknown';
}

/** The tables that hold at least one row. */
export async function nonEmptyTables(db: DbOrTx, tables: string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const query = tables
    .map((t) => `SELECT ${lit(t)}::text AS name WHERE EXISTS (SELECT 1 FROM ${qt(t)})`)
    .join(' UNION ALL ');
  return (await rows<{ name: string }>(db, sql.raw(query))).map((r) => r.name);
}

/**
 * Inserts a batch of canonical row texts with the database's own JSON-to-row conversion, so every
 * value keeps its type. `OVERRIDING SYSTEM VALUE` keeps the ids of identity columns.
 */
export async function insertRows(tx: DbOrTx, table: string, columns: string[], rowTexts: string[]) {
  const cols = columns.map(qi).join(', ');
  await tx.execute(
    sql`${sql.raw(`INSERT INTO ${qt(table)} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM json_populate_recordset(NULL::${qt(table)}, `)}${`[${rowTexts.join(',')}]`}${sql.raw('::json)')}`,
  );
}

/** Moves every sequence owned by a column (identity or serial) past the column's highest value. */
export async function resetSequences(tx: DbOrTx) {
  const seqs = await rows<{ table: string; column: string }>(
    tx,
    sql.raw(`SELECT c.relname AS "table", a.attname AS "column"
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${lit(SCHEMA)} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND pg_get_serial_sequence(${lit(`${qi(SCHEMA)}.`)} || quote_ident(c.relname), a.attname) IS NOT NULL`),
  );
  for (const s of seqs) {
    await tx.execute(
      sql.raw(
        `SELECT setval(pg_get_serial_sequence(${lit(qt(s.table))}, ${lit(s.column)}), max(${qi(s.column)})) FROM ${qt(s.table)} HAVING max(${qi(s.column)}) IS NOT NULL`,
      ),
    );
  }
}
