import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { roleAssignments } from '../../db/schema/index.js';
import { type Actor, can, hasRole, scopePaths } from '../../domain/policy/policy.js';
import { childPath, placementProblem } from '../../domain/units.js';
import type { RequestContext } from '../../lib/context.js';
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../lib/errors.js';
import { type AuditEntry, writeAudit, writeAuditMany } from '../audit/audit.repo.js';
import {
  type RowError,
  readGrid,
  type SheetColumn,
  type SheetValue,
  type SpreadsheetFormat,
  writeCsv,
  writeXlsx,
} from './units.files.js';
import {
  type ExistingUnit,
  MAX_IMPORT_ROWS,
  mapColumns,
  type PlanItem,
  type PlanSnapshot,
  parseRows,
  planImport,
  UNIT_COLUMNS,
} from './units.import.js';
import { type UnitFields, type UnitRow, unitsRepo } from './units.repo.js';
import type { UnitDto, UnitImportResult, UnitInput, UnitPatch } from './units.schemas.js';

export function presentUnit(u: UnitRow, parentCode: string | null): UnitDto {
  return {
    id: u.id,
    code: u.code,
    name: u.name,
    shortName: u.shortName,
    type: u.type,
    parentId: u.parentId,
    parentCode,
    depth: u.depth,
    active: u.active,
    address: u.address,
    latitude: u.latitude,
    longitude: u.longitude,
  };
}

/** Organisation registry: the tree every scope check hangs on. */
export function unitsServiceFactory(db: Db) {
  const repo = unitsRepo(db);

  /** Loads a unit the actor may read; 404 (not 403) outside scope so its existence does not leak. */
  async function getReadable(actor: Actor, id: string) {
    const unit = await repo.findById(id);
    if (!unit || !can(actor, 'unit.read', { unitPath: unit.path })) throw new NotFoundError('Unit', id);
    return unit;
  }

  async function parentCodeOf(u: UnitRow) {
    if (!u.parentId) return null;
    return (await repo.findById(u.parentId))?.code ?? null;
  }

  return {
    repo,

    async list(actor: Actor, f: { root?: string; type?: string; q?: string; active?: boolean }) {
      let rootPath: string | undefined;
      if (f.root) {
        const root = await repo.findByCode(f.root);
        if (!root || !can(actor, 'unit.read', { unitPath: root.path }))
          throw new NotFoundError('Unit', f.root);
        rootPath = root.path;
      }
      const rows = await repo.list({ scopePaths: scopePaths(actor, 'unit.read'), rootPath, ...f });
      const codeById = new Map(rows.map((r) => [r.id, r.code]));
      const missing = rows.filter((r) => r.parentId && !codeById.has(r.parentId)).map((r) => r.parentId!);
      for (const id of new Set(missing)) {
        const p = await repo.findById(id);
        if (p) codeById.set(p.id, p.code);
      }
      return rows.map((r) => presentUnit(r, r.parentId ? (codeById.get(r.parentId) ?? null) : null));
    },

    async get(actor: Actor, id: string) {
      const unit = await getReadable(actor, id);
      return presentUnit(unit, await parentCodeOf(unit));
    },

    /** Creates a unit under its parent (by code). Only admins create Pemda roots. */
    async create(ctx: RequestContext & { actor: Actor }, input: UnitInput) {
      const parent = input.parentCode ? ((await repo.findByCode(input.parentCode)) ?? null) : null;
      if (input.parentCode && (!parent || !can(ctx.actor, 'unit.read', { unitPath: parent.path }))) {
        throw new ValidationError(`Unit induk dengan kode ${input.parentCode} tidak ditemukan.`, [
          { path: 'parentCode', message: 'Unit induk tidak ditemukan' },
        ]);
      }
      if (parent ? !can(ctx.actor, 'unit.create', { unitPath: parent.path }) : !hasRole(ctx.actor, 'admin')) {
        throw new ForbiddenError('Anda tidak berwenang menambah unit di sini.');
      }
      const problem = placementProblem(input.type, parent?.type ?? null);
      if (problem) throw new ValidationError(problem, [{ path: 'type', message: problem }]);
      try {
        return await db.transaction(async (tx) => {
          const { parentCode: _p, ...values } = input;
          const row = await repo.insert({ ...values, parentId: parent?.id ?? null }, parent, tx);
          await writeAudit(tx, ctx, {
            action: 'unit.create',
            entityType: 'unit',
            entityId: row.id,
            unitId: row.id,
            unitPath: row.path,
            after: presentUnit(row, parent?.code ?? null),
          });
          if (!parent) {
            // A new root lies outside every existing scope: its creator administers it, or nobody could.
            await tx.insert(roleAssignments).values({ userId: ctx.actor.id, role: 'admin', unitId: row.id });
            await writeAudit(tx, ctx, {
              action: 'user.roles_change',
              entityType: 'user',
              entityId: ctx.actor.id,
              unitId: row.id,
              unitPath: row.path,
              after: { added: [{ role: 'admin', unitCode: row.code }] },
            });
          }
          return presentUnit(row, parent?.code ?? null);
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ConflictError(`Kode unit ${input.code} sudah dipakai.`, [
            { path: 'code', message: 'Kode sudah dipakai' },
          ]);
        }
        throw err;
      }
    },

    /** Updates fields and optionally moves the unit under another parent within scope. */
    async update(ctx: RequestContext & { actor: Actor }, id: string, patch: UnitPatch) {
      const unit = await getReadable(ctx.actor, id);
      if (!can(ctx.actor, 'unit.update', { unitPath: unit.path })) throw new ForbiddenError();
      let newParent: UnitRow | null | undefined;
      if (patch.parentCode !== undefined) {
        newParent = patch.parentCode ? ((await repo.findByCode(patch.parentCode)) ?? undefined) : null;
        if (newParent && !can(ctx.actor, 'unit.read', { unitPath: newParent.path })) newParent = undefined;
        if (newParent === undefined) {
          throw new ValidationError(`Unit induk dengan kode ${patch.parentCode} tidak ditemukan.`, [
            { path: 'parentCode', message: 'Unit induk tidak ditemukan' },
          ]);
        }
        if (newParent?.path.startsWith(unit.path)) {
          throw new ValidationError('Unit tidak dapat dipindahkan ke bawah dirinya sendiri.', [
            { path: 'parentCode', message: 'Siklus pada pohon organisasi' },
          ]);
        }
        if (
          newParent
            ? !can(ctx.actor, 'unit.update', { unitPath: newParent.path })
            : !hasRole(ctx.actor, 'admin')
        ) {
          throw new ForbiddenError('Anda tidak berwenang memindahkan unit ke sana.');
        }
      }
      const parentType =
        newParent !== undefined ? (newParent?.type ?? null) : ((await parentOf(unit))?.type ?? null);
      const problem = placementProblem(patch.type ?? unit.type, parentType);
      if (problem) throw new ValidationError(problem, [{ path: 'type', message: problem }]);

      const before = presentUnit(unit, await parentCodeOf(unit));
      return db.transaction(async (tx) => {
        if (newParent !== undefined && newParent?.id !== unit.parentId) await repo.move(unit, newParent, tx);
        const { parentCode: _p, ...fields } = patch;
        const row = (await repo.update(id, fields, tx))!;
        const after = presentUnit(
          row,
          newParent !== undefined ? (newParent?.code ?? null) : before.parentCode,
        );
        await writeAudit(tx, ctx, {
          action: 'unit.update',
          entityType: 'unit',
          entityId: id,
          unitId: id,
          unitPath: row.path,
          before,
          after,
        });
        return after;
      });
    },

    /**
     * Imports units from a CSV or XLSX file: every row is validated (schema, parents in the
     * database or the file, cycles, placement, duplicates, scope) and the import is all or nothing.
     * A code that exists updates that unit. `dryRun` returns the preview and writes nothing.
     * `ctx.actor === null` is the trusted command-line operator: validated, not scope-checked.
     */
    async importUnits(
      ctx: RequestContext,
      file: Buffer,
      opts: { dryRun: boolean; format?: SpreadsheetFormat; maxBytes: number },
    ): Promise<UnitImportResult> {
      const actor = ctx.actor;
      if (actor && !can(actor, 'unit.import')) {
        throw new ForbiddenError('Anda tidak berwenang mengimpor unit.');
      }
      if (file.length > opts.maxBytes) throw new PayloadTooLargeError(opts.maxBytes);

      const grid = await readGrid(file, opts.format);
      if (grid.rows.length > MAX_IMPORT_ROWS) {
        const first = grid.rows[MAX_IMPORT_ROWS]!.row;
        throw rejected(
          [
            {
              row: first,
              column: null,
              message: `Berkas berisi ${grid.rows.length} baris data; batasnya ${MAX_IMPORT_ROWS}.`,
              messageEn: `The file has ${grid.rows.length} data rows; the limit is ${MAX_IMPORT_ROWS}.`,
            },
          ],
          `Berkas berisi lebih dari ${MAX_IMPORT_ROWS} baris data. Bagi menjadi beberapa berkas.`,
          `The file has more than ${MAX_IMPORT_ROWS} data rows. Split it into several files.`,
        );
      }
      if (grid.rows.length === 0) {
        throw rejected([], 'Berkas hanya berisi baris judul.', 'The file has a header row but no data.');
      }
      const { columns, errors: headerErrors } = mapColumns(grid);
      if (headerErrors.length > 0) throw rejected(headerErrors);
      const rows = parseRows(grid, columns);

      const snapshot = await loadSnapshot(rows.flatMap((r) => [r.code, r.given.parentCode]));
      const plan = planImport(rows, columns, snapshot, actor);
      if (plan.errors.length > 0) throw rejected(plan.errors);

      const result: UnitImportResult = {
        dryRun: opts.dryRun,
        summary: { create: 0, update: 0, unchanged: 0 },
        rows: plan.items.map((i) => ({ row: i.row, code: i.code, action: i.action, changes: i.changes })),
      };
      for (const i of plan.items) result.summary[i.action]++;
      if (!opts.dryRun) await applyImport(ctx, plan.items);
      return result;
    },

    /**
     * The units in the actor's read scope (optionally one subtree) as a CSV or XLSX file with the
     * import's column names, so that an export imports back unchanged. `actor === null`: all units.
     */
    async exportUnits(
      actor: Actor | null,
      opts: { format: SpreadsheetFormat; root?: string; bom?: boolean },
    ) {
      let rootPath: string | undefined;
      if (opts.root) {
        const root = await repo.findByCode(opts.root);
        if (!root || (actor && !can(actor, 'unit.read', { unitPath: root.path })))
          throw new NotFoundError('Unit', opts.root);
        rootPath = root.path;
      }
      const rows = await repo.list({ scopePaths: actor ? scopePaths(actor, 'unit.read') : ['/'], rootPath });
      const codeById = new Map(rows.map((r) => [r.id, r.code]));
      const outside = [
        ...new Set(rows.map((r) => r.parentId).filter((id): id is string => !!id && !codeById.has(id))),
      ];
      for (const p of await repo.findByIds(outside)) codeById.set(p.id, p.code);

      const xlsx = opts.format === 'xlsx';
      const values: SheetValue[][] = preorder(rows).map((u) => [
        u.code,
        u.name,
        u.shortName,
        u.type,
        u.parentId ? (codeById.get(u.parentId) ?? null) : null,
        u.active,
        u.address,
        xlsx ? toNumber(u.latitude) : trimDecimal(u.latitude),
        xlsx ? toNumber(u.longitude) : trimDecimal(u.longitude),
      ]);
      const filename = `unit-${jakartaDate()}.${opts.format}`;
      return xlsx
        ? {
            filename,
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            body: await writeXlsx('Unit', EXPORT_COLUMNS, values),
            count: values.length,
          }
        : {
            filename,
            contentType: 'text/csv; charset=utf-8',
            body: writeCsv(EXPORT_COLUMNS, values, { bom: opts.bom }),
            count: values.length,
          };
    },
  };

  /** The units a file refers to, their ancestors, and the children of those it names. */
  async function loadSnapshot(codes: unknown[]): Promise<PlanSnapshot> {
    const wanted = [...new Set(codes.filter((c): c is string => typeof c === 'string' && c !== ''))];
    const found = await repo.findByCodes(wanted);
    const byId = new Map<string, ExistingUnit>(found.map((u) => [u.id, u]));
    const ancestorIds = new Set(found.flatMap((u) => u.path.split('/').filter(Boolean)));
    for (const id of byId.keys()) ancestorIds.delete(id);
    for (const a of await repo.findByIds([...ancestorIds])) byId.set(a.id, a);
    const childrenOf = new Map<string, ExistingUnit[]>();
    for (const c of await repo.findChildren(found.map((u) => u.id))) {
      const list = childrenOf.get(c.parentId!) ?? [];
      list.push(c);
      childrenOf.set(c.parentId!, list);
    }
    return { byCode: new Map([...byId.values()].map((u) => [u.code, u])), byId, childrenOf };
  }

  /**
   * Applies a validated plan in one transaction, level by level from the top of the tree: moves
   * (one by one, they rewrite subtrees), then the field updates and the new units of that level in
   * batches; one audit entry per created or updated unit.
   */
  async function applyImport(ctx: RequestContext, items: PlanItem[]) {
    const work = items.filter((i) => i.action !== 'unchanged');
    if (work.length === 0) return;
    const valuesOf = new Map(work.map((i) => [i.code, i.values]));
    const levels = new Map<number, PlanItem[]>();
    for (const i of work) {
      const level = levels.get(i.depth) ?? [];
      level.push(i);
      levels.set(i.depth, level);
    }
    const needed = [
      ...new Set(
        work.flatMap((i) => [i.values.parentCode, i.existing ? i.code : null]).filter((c) => c !== null),
      ),
    ];
    try {
      await db.transaction(async (tx) => {
        // Rows read inside the transaction: the plan was made from a snapshot.
        const current = new Map((await repo.findByCodes(needed, tx)).map((u) => [u.code, u]));
        const rowOf = (code: string) => {
          const row = current.get(code);
          if (!row) throw new ConflictError(`Unit ${code} berubah selama impor. Ulangi impor.`);
          return row;
        };
        const before = new Map(
          work
            .filter((i) => i.action === 'update')
            .map((i) => [i.code, presentUnit(rowOf(i.code), i.before!.parentCode)]),
        );
        const audits: AuditEntry[] = [];
        for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
          const level = levels.get(depth)!;
          const updates = level.filter((i) => i.action === 'update');
          for (const item of updates.filter((i) => i.parentChanged)) {
            const unit = rowOf(item.code);
            await repo.move(unit, item.values.parentCode ? rowOf(item.values.parentCode) : null, tx);
            // The move rewrote the paths of the whole subtree: refresh the rows held from it.
            const stale = [...current.values()].filter((u) => u.path.startsWith(unit.path)).map((u) => u.id);
            for (const u of await repo.findByIds(stale, tx)) current.set(u.code, u);
          }
          const fields = updates.map((i) => ({ id: rowOf(i.code).id, ...fieldsOf(i.values) }));
          await repo.updateMany(fields, tx);
          for (const [k, item] of updates.entries()) {
            const row: UnitRow = { ...rowOf(item.code), ...fields[k]!, updatedAt: new Date() };
            current.set(row.code, row);
            audits.push(
              auditOf('unit.update', row, before.get(row.code), presentUnit(row, item.values.parentCode)),
            );
          }
          const now = new Date();
          const created: UnitRow[] = level
            .filter((i) => i.action === 'create')
            .map((i) => {
              const parent = i.values.parentCode ? rowOf(i.values.parentCode) : null;
              const id = randomUUID();
              return {
                id,
                code: i.code,
                ...fieldsOf(i.values),
                parentId: parent?.id ?? null,
                path: childPath(parent?.path ?? null, id),
                depth: parent ? parent.depth + 1 : 0,
                createdAt: now,
                updatedAt: now,
              };
            });
          await repo.insertMany(created, tx);
          for (const row of created) {
            current.set(row.code, row);
            audits.push(
              auditOf('unit.create', row, undefined, presentUnit(row, valuesOf.get(row.code)!.parentCode)),
            );
          }
        }
        await writeAuditMany(tx, ctx, audits);
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(
          'Sebagian kode unit baru saja dipakai oleh perubahan lain. Jalankan pratinjau lalu ulangi impor.',
          undefined,
          'Some unit codes were taken by another change meanwhile. Preview and import again.',
        );
      }
      throw err;
    }
  }

  async function parentOf(u: UnitRow) {
    return u.parentId ? repo.findById(u.parentId) : null;
  }
}

export type UnitsService = ReturnType<typeof unitsServiceFactory>;

const EXPORT_COLUMNS: SheetColumn[] = UNIT_COLUMNS.map((header) => {
  const spec: Record<(typeof UNIT_COLUMNS)[number], Omit<SheetColumn, 'header'>> = {
    code: { width: 20, kind: 'text' },
    name: { width: 56, kind: 'text' },
    shortName: { width: 20, kind: 'text' },
    type: { width: 14, kind: 'unitType' },
    parentCode: { width: 20, kind: 'text' },
    active: { width: 9, kind: 'boolean' },
    address: { width: 48, kind: 'text' },
    latitude: { width: 13, kind: 'number' },
    longitude: { width: 13, kind: 'number' },
  };
  return { header, ...spec[header] };
});

/** An import failure: nothing was written; every bad row is in `details`. */
function rejected(errors: RowError[], message?: string, messageEn?: string) {
  const rows = new Set(errors.map((e) => e.row)).size;
  return new ValidationError(
    message ?? `Impor dibatalkan: ${rows} baris bermasalah; tidak ada data yang ditulis.`,
    errors,
    messageEn ?? `Import rejected: ${rows} row(s) have errors; nothing was written.`,
  );
}

/** Parents before children, siblings by name: the order a person reads a tree in. */
function preorder(rows: UnitRow[]): UnitRow[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, UnitRow[]>();
  for (const r of rows) {
    const key = r.parentId && ids.has(r.parentId) ? r.parentId : null;
    const list = children.get(key) ?? [];
    list.push(r);
    children.set(key, list);
  }
  const byName = (a: UnitRow, b: UnitRow) =>
    a.name.localeCompare(b.name, 'id') || a.code.localeCompare(b.code);
  const out: UnitRow[] = [];
  const stack = [...(children.get(null) ?? [])].sort(byName).reverse();
  while (stack.length > 0) {
    const u = stack.pop()!;
    out.push(u);
    stack.push(...[...(children.get(u.id) ?? [])].sort(byName).reverse());
  }
  return out;
}

const trimDecimal = (v: string | null) =>
  v === null ? null : v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
const toNumber = (v: string | null) => (v === null ? null : Number(v));

/** Today in Western Indonesia Time as YYYYMMDD (file names). */
function jakartaDate(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(now).replace(/-/g, '');
}

const fieldsOf = (v: PlanItem['values']): UnitFields => ({
  name: v.name,
  shortName: v.shortName,
  type: v.type,
  active: v.active,
  address: v.address,
  latitude: v.latitude,
  longitude: v.longitude,
});

const auditOf = (action: string, row: UnitRow, before: UnitDto | undefined, after: UnitDto): AuditEntry => ({
  action,
  entityType: 'unit',
  entityId: row.id,
  unitId: row.id,
  unitPath: row.path,
  before,
  after,
});
