import pg from 'pg';
import type { DbOrTx } from './client.js';

/**
 * Hand-written SQL for the few hot paths (session lookup, saving one answer) where building the
 * query through Drizzle costs more CPU than the database spends answering it (measured in
 * bench/deadline-rush: Drizzle's builder was a third of the process's CPU per save).
 *
 * A statement has a fixed text and a name: on PostgreSQL it becomes a prepared statement, parsed
 * and planned once per connection; on PGlite the text is sent as is. It runs on whatever
 * `db`/`tx` it is given, so inside `db.transaction` it joins the transaction (guardrail 3).
 *
 * Rules for the SQL: cast parameters explicitly (`$1::uuid`, `$2::timestamptz`), pass arrays
 * as JSON text (`$3::jsonb`) and return numerics as text: the two drivers bind and parse those
 * the same way.
 */
export interface RawStatement {
  readonly name: string;
  readonly text: string;
}

export function statement(name: string, text: string): RawStatement {
  return { name, text: text.replace(/\s+/g, ' ').trim() };
}

interface PgliteQueryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** The driver client under a Drizzle database or transaction (pg Pool/PoolClient or PGlite). */
function clientOf(dbOrTx: DbOrTx): pg.Pool | pg.ClientBase | PgliteQueryable {
  // Drizzle keeps the driver client on its session; a transaction's session holds the
  // connection (node-postgres) or the PGlite transaction object that the transaction runs on.
  const session = (dbOrTx as unknown as { session?: { client?: unknown } }).session;
  if (!session?.client) throw new Error('raw SQL: no driver client on this database handle');
  return session.client as pg.Pool | pg.ClientBase | PgliteQueryable;
}

export async function rawRows<T>(dbOrTx: DbOrTx, st: RawStatement, values: unknown[]): Promise<T[]> {
  const client = clientOf(dbOrTx);
  if (client instanceof pg.Pool || client instanceof pg.Client) {
    const res = await client.query<T & pg.QueryResultRow>({ name: st.name, text: st.text, values });
    return res.rows;
  }
  const res = await (client as PgliteQueryable).query<T>(st.text, values);
  return res.rows;
}
