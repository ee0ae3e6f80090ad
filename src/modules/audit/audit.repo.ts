import { and, desc, eq, gte, ilike, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import type { RequestContext } from '../../lib/context.js';
import { escapeLike } from '../../lib/sql.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  unitId?: string | null;
  unitPath?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one audit record. Call it with the same `tx` as the mutation it describes so that the
 * change and its record commit or roll back together.
 */
export async function writeAudit(tx: DbOrTx, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(auditRow(ctx, entry));
}

/** Appends many records in multi-row inserts (bulk imports): same rows as writeAudit, far fewer round trips. */
export async function writeAuditMany(tx: DbOrTx, ctx: RequestContext, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    await tx.insert(auditLog).values(entries.slice(i, i + 500).map((e) => auditRow(ctx, e)));
  }
}

function auditRow(ctx: RequestContext, entry: AuditEntry) {
  return {
    actorId: ctx.actor?.id ?? null,
    actorEmail: ctx.actor?.email ?? (ctx.requestId === 'cli' ? 'cli' : 'system'),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    unitId: entry.unitId ?? null,
    unitPath: entry.unitPath ?? null,
    before: redact(entry.before) ?? null,
    after: redact(entry.after) ?? null,
    requestId: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
  };
}

const SECRET_KEYS = new Set(['passwordHash', 'password', 'tokenHash', 'csrfToken', 'token']);

function redact(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, (k, v) => (SECRET_KEYS.has(k) ? '[redacted]' : v)));
}

export interface AuditFilter {
  /** Unit subtrees whose records may be returned, or 'all'. */
  scopePaths: string[] | 'all';
  /** Also return installation-wide records (accounts, sign-ins, instruments) that belong to no unit. */
  includeUnscoped?: boolean;
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  q?: string;
  beforeId?: number;
  limit: number;
}

export function auditRepo(db: DbOrTx) {
  return {
    async list(f: AuditFilter) {
      const where: (SQL | undefined)[] = [];
      if (f.scopePaths !== 'all') {
        const visible = [
          ...f.scopePaths.map((p) => sql`${auditLog.unitPath} LIKE ${`${escapeLike(p)}%`}`),
          ...(f.includeUnscoped ? [isNull(auditLog.unitPath)] : []),
        ];
        if (visible.length === 0) return [];
        where.push(or(...visible));
      }
      if (f.actorId) where.push(eq(auditLog.actorId, f.actorId));
      if (f.action) where.push(ilike(auditLog.action, `${escapeLike(f.action)}%`));
      if (f.entityType) where.push(eq(auditLog.entityType, f.entityType));
      if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
      if (f.from) where.push(gte(auditLog.at, f.from));
      if (f.to) where.push(lte(auditLog.at, f.to));
      if (f.q) {
        const q = `%${escapeLike(f.q)}%`;
        where.push(or(ilike(auditLog.actorEmail, q), ilike(auditLog.action, q)));
      }
      if (f.beforeId) where.push(lt(auditLog.id, f.beforeId));
      return db
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(desc(auditLog.id))
        .limit(f.limit);
    },
  };
}
