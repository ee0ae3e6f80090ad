/**
 * Import rules for the organisation registry: which columns a file may have, how a row becomes a
 * unit, and the plan an import would carry out (create / update / unchanged per row) or the list
 * of every row that is wrong. Pure: the caller loads the units the file refers to (PlanSnapshot).
 */
import { z } from 'zod';
import { type Actor, can, hasRole } from '../../domain/policy/policy.js';
import { placementProblem, UNIT_TYPES } from '../../domain/units.js';
import { columnLetter, type Grid, type RowError } from './units.files.js';
import { type UnitInput, unitInput } from './units.schemas.js';

export const MAX_IMPORT_ROWS = 5_000;

/** The machine column names, in file order; import accepts these and the aliases below. */
export const UNIT_COLUMNS = [
  'code',
  'name',
  'shortName',
  'type',
  'parentCode',
  'active',
  'address',
  'latitude',
  'longitude',
] as const;
export type UnitColumn = (typeof UNIT_COLUMNS)[number];

const ALIASES: Record<UnitColumn, string[]> = {
  code: ['code', 'kode', 'kodeunit'],
  name: ['name', 'nama', 'namaunit'],
  shortName: ['shortname', 'singkatan', 'namasingkat'],
  type: ['type', 'jenis', 'jenisunit', 'tipe'],
  parentCode: ['parentcode', 'kodeinduk', 'induk', 'parent'],
  active: ['active', 'aktif'],
  address: ['address', 'alamat'],
  latitude: ['latitude', 'lintang', 'lat'],
  longitude: ['longitude', 'bujur', 'lon', 'lng'],
};
const HEADER_TO_COLUMN = new Map<string, UnitColumn>(
  UNIT_COLUMNS.flatMap((c) => ALIASES[c].map((a) => [a, c] as const)),
);
const INDONESIAN: Record<UnitColumn, string> = {
  code: 'kode',
  name: 'nama',
  shortName: 'singkatan',
  type: 'jenis',
  parentCode: 'kode_induk',
  active: 'aktif',
  address: 'alamat',
  latitude: 'lintang',
  longitude: 'bujur',
};

const normaliseHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A unit as the file wants it, after validation. */
export interface UnitValues {
  code: string;
  name: string;
  shortName: string | null;
  type: string;
  parentCode: string | null;
  active: boolean;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
}

/** The units an import refers to, as stored now. */
export interface ExistingUnit {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  type: string;
  parentId: string | null;
  path: string;
  depth: number;
  active: boolean;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
}

export interface PlanSnapshot {
  /** Units named in the file (row codes and parent codes) and all their ancestors, by code. */
  byCode: Map<string, ExistingUnit>;
  byId: Map<string, ExistingUnit>;
  /** Direct children of the existing units named in the file (a type change must suit them). */
  childrenOf: Map<string, ExistingUnit[]>;
}

export type ImportAction = 'create' | 'update' | 'unchanged';

export interface PlanItem {
  row: number;
  code: string;
  action: ImportAction;
  /** Fields that change (update only). */
  changes: UnitColumn[];
  values: UnitValues;
  existing: ExistingUnit | null;
  /** The stored values (update and unchanged). */
  before: UnitValues | null;
  parentChanged: boolean;
  /** Depth in the tree after the import: parents come before children when applying. */
  depth: number;
}

export interface ImportPlan {
  items: PlanItem[];
  errors: RowError[];
}

/** A data row read from the file, before it is compared with the database. */
export interface ParsedRow {
  row: number;
  code: string | null;
  /** Only the columns the file has; '' became null (nullable fields) or undefined (defaults). */
  given: Partial<Record<UnitColumn, unknown>>;
  errors: RowError[];
}

interface ColumnMap {
  index: Map<UnitColumn, number>;
  header: Map<UnitColumn, string>;
  /** Header cells that are blank: data under them is an error. */
  untitled: Set<number>;
}

const err = (row: number, column: string | null, message: string, messageEn: string): RowError => ({
  row,
  column,
  message,
  messageEn,
});

/** Maps the header row to unit columns; unknown or duplicate headers are errors on the header row. */
export function mapColumns(grid: Grid): { columns: ColumnMap; errors: RowError[] } {
  const columns: ColumnMap = { index: new Map(), header: new Map(), untitled: new Set() };
  const errors: RowError[] = [];
  grid.headers.forEach((h, i) => {
    if (h === '') {
      columns.untitled.add(i);
      return;
    }
    const col = HEADER_TO_COLUMN.get(normaliseHeader(h));
    if (!col) {
      errors.push(
        err(
          grid.headerRow,
          h,
          `Kolom "${h}" tidak dikenal. Kolom yang dikenal: ${UNIT_COLUMNS.map((c) => `${c}/${INDONESIAN[c]}`).join(', ')}.`,
          `Unknown column "${h}". Known columns: ${UNIT_COLUMNS.join(', ')}.`,
        ),
      );
    } else if (columns.index.has(col)) {
      errors.push(
        err(
          grid.headerRow,
          h,
          `Kolom "${h}" dan "${columns.header.get(col)}" sama-sama berarti ${col}.`,
          `Columns "${h}" and "${columns.header.get(col)}" both mean ${col}.`,
        ),
      );
    } else {
      columns.index.set(col, i);
      columns.header.set(col, h);
    }
  });
  if (!columns.index.has('code')) {
    errors.push(err(grid.headerRow, 'code', 'Kolom code (kode) wajib ada.', 'The code column is required.'));
  }
  return { columns, errors };
}

const TRUE_WORDS = new Set(['true', '1', 'ya', 'y', 'yes', 'aktif', 'benar']);
const FALSE_WORDS = new Set(['false', '0', 'tidak', 'no', 'n', 'nonaktif', 'tidakaktif', 'salah']);
const TYPE_BY_LABEL = new Map<string, string>(UNIT_TYPES.map((t) => [t.replace(/_/g, ''), t]));

/** Reads the data rows: trims, turns blank cells into "not given"/null, understands Indonesian words. */
export function parseRows(grid: Grid, columns: ColumnMap): ParsedRow[] {
  return grid.rows.map(({ row, cells }) => {
    const errors: RowError[] = [];
    const given: Partial<Record<UnitColumn, unknown>> = {};
    for (const i of columns.untitled) {
      if ((cells[i] ?? '').trim() !== '') {
        errors.push(
          err(
            row,
            columnLetter(i),
            'Sel berisi data tetapi kolomnya tidak berjudul.',
            'Cell has data but its column has no header.',
          ),
        );
      }
    }
    for (let i = grid.headers.length; i < cells.length; i++) {
      if ((cells[i] ?? '').trim() !== '') {
        errors.push(
          err(
            row,
            columnLetter(i),
            'Sel berisi data di luar kolom berjudul.',
            'Cell has data outside the titled columns.',
          ),
        );
      }
    }
    for (const [col, i] of columns.index) {
      const raw = (cells[i] ?? '').trim();
      const header = columns.header.get(col)!;
      switch (col) {
        case 'code':
        case 'name':
          if (raw !== '') given[col] = raw;
          break;
        case 'type':
          if (raw !== '') {
            const key = raw.toLowerCase().replace(/[^a-z]/g, '');
            given.type = TYPE_BY_LABEL.get(key) ?? raw;
          }
          break;
        case 'active': {
          if (raw === '') break;
          const key = raw.toLowerCase().replace(/[^a-z0-9]/g, '');
          if (TRUE_WORDS.has(key)) given.active = true;
          else if (FALSE_WORDS.has(key)) given.active = false;
          else
            errors.push(
              err(
                row,
                header,
                `Nilai "${raw}" tidak dikenal; gunakan ya/tidak atau true/false.`,
                `Unknown value "${raw}"; use true/false or ya/tidak.`,
              ),
            );
          break;
        }
        case 'latitude':
        case 'longitude':
          // Indonesian spreadsheets write decimals with a comma: -0,0263.
          given[col] = raw === '' ? null : /^-?\d+,\d+$/.test(raw) ? raw.replace(',', '.') : raw;
          break;
        default:
          given[col] = raw === '' ? null : raw;
      }
    }
    const code = typeof given.code === 'string' ? given.code : null;
    return { row, code, given, errors };
  });
}

const EN_MESSAGES: Partial<Record<UnitColumn, string>> = {
  code: 'Code may contain only letters, digits, dots, underscores and hyphens (max. 64).',
  name: 'Name must have 2 to 200 characters.',
  type: `Type must be one of: ${UNIT_TYPES.join(', ')}.`,
  parentCode: 'Parent code may contain only letters, digits, dots, underscores and hyphens (max. 64).',
  latitude: 'Latitude must be a decimal number between -90 and 90.',
  longitude: 'Longitude must be a decimal number between -180 and 180.',
};

/** Validates one merged row with the API's schema; messages in Indonesian and English. */
function validate(
  row: number,
  input: Record<string, unknown>,
  headerOf: (c: UnitColumn) => string,
): { value?: UnitInput; errors: RowError[] } {
  const idResult = unitInput.safeParse(input, { error: z.locales.id().localeError });
  if (idResult.success) return { value: idResult.data, errors: [] };
  const enIssues = unitInput.safeParse(input, { error: z.locales.en().localeError }).error?.issues ?? [];
  return {
    errors: idResult.error.issues.map((issue, k) => {
      const col = String(issue.path[0] ?? '') as UnitColumn;
      const en = enIssues[k]?.message ?? issue.message;
      const messageEn = en === issue.message ? (EN_MESSAGES[col] ?? `Invalid value in ${col}.`) : en;
      return err(row, UNIT_COLUMNS.includes(col) ? headerOf(col) : null, issue.message, messageEn);
    }),
  };
}

/** The stored unit as import values (for merging a partial row and for "unchanged"). */
function valuesOf(u: ExistingUnit, parentCode: string | null): UnitValues {
  return {
    code: u.code,
    name: u.name,
    shortName: u.shortName,
    type: u.type,
    parentCode,
    active: u.active,
    address: u.address,
    latitude: u.latitude,
    longitude: u.longitude,
  };
}

const blankToNull = (v: string | null | undefined) => (v === undefined || v === null || v === '' ? null : v);
/**
 * A coordinate as the database stores it (numeric(9,6)): exactly six decimals, rounded half away
 * from zero like PostgreSQL, without passing through binary floating point.
 */
export function toScale6(v: string): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(v.trim());
  if (!m) return v;
  const sign = m[1]!;
  let digits = BigInt(m[2]! + (m[3] ?? '').padEnd(7, '0').slice(0, 7));
  digits = (digits + 5n) / 10n;
  const s = digits.toString().padStart(7, '0');
  const out = `${s.slice(0, -6)}.${s.slice(-6)}`;
  return sign && digits !== 0n ? `-${out}` : out;
}
const coord = (v: string | null | undefined) => {
  const s = blankToNull(v);
  return s === null ? null : toScale6(s);
};

/** Fields whose stored value differs from the wanted one (coordinates compared at 6 decimals). */
export function changedColumns(before: UnitValues, after: UnitValues): UnitColumn[] {
  const out: UnitColumn[] = [];
  for (const c of UNIT_COLUMNS) {
    const a = before[c];
    const b = after[c];
    const same =
      c === 'latitude' || c === 'longitude'
        ? coord(a as string | null) === coord(b as string | null)
        : typeof a === 'string' || typeof b === 'string' || a === null || b === null
          ? blankToNull(a as string | null) === blankToNull(b as string | null)
          : a === b;
    if (!same) out.push(c);
  }
  return out;
}

/**
 * Decides what each row would do, or why it cannot: schema validation (same as the API), duplicate
 * codes, parents that exist neither in the database nor in the file, cycles, placement rules,
 * and — for a signed-in actor — the `unit.import` scope on every target parent and updated unit.
 * `actor === null` is the trusted command-line operator: validated, but not scope-checked.
 */
export function planImport(
  rows: ParsedRow[],
  columns: ColumnMap,
  snapshot: PlanSnapshot,
  actor: Actor | null,
): ImportPlan {
  const errors: RowError[] = rows.flatMap((r) => r.errors);
  const headerOf = (c: UnitColumn) => columns.header.get(c) ?? c;
  const parentCodeOfExisting = (u: ExistingUnit) =>
    u.parentId ? (snapshot.byId.get(u.parentId)?.code ?? null) : null;
  const readable = (u: ExistingUnit) => !actor || can(actor, 'unit.read', { unitPath: u.path });

  // 1. Validate each row on its own; the first row with a code owns it.
  interface FileRow {
    row: number;
    values: UnitValues | null;
    existing: ExistingUnit | null;
    /** The parent code as written, checked even when the row fails validation. */
    givenParent: string | null;
  }
  const file = new Map<string, FileRow>();
  for (const r of rows) {
    if (r.code !== null && file.has(r.code)) {
      errors.push(
        err(
          r.row,
          headerOf('code'),
          `Kode ${r.code} sudah dipakai di baris ${file.get(r.code)!.row}.`,
          `Code ${r.code} already appears in row ${file.get(r.code)!.row}.`,
        ),
      );
      continue;
    }
    const existing = r.code !== null ? (snapshot.byCode.get(r.code) ?? null) : null;
    const givenParent = typeof r.given.parentCode === 'string' ? r.given.parentCode : null;
    const entry: FileRow = { row: r.row, values: null, existing, givenParent };
    if (r.code !== null) file.set(r.code, entry);
    if (existing && !readable(existing)) {
      entry.givenParent = null; // one error is enough for a row the actor may not touch
      errors.push(
        err(
          r.row,
          headerOf('code'),
          `Kode ${r.code} sudah dipakai oleh unit di luar wewenang Anda.`,
          `Code ${r.code} is used by a unit outside your scope.`,
        ),
      );
      continue;
    }
    if (r.errors.length > 0) continue;
    const merged: Record<string, unknown> = existing
      ? { ...valuesOf(existing, parentCodeOfExisting(existing)), ...r.given }
      : { ...r.given };
    const missing = (['code', 'name', 'type'] as const).filter((c) => merged[c] === undefined);
    if (missing.length > 0) {
      for (const c of missing) errors.push(err(r.row, headerOf(c), 'Wajib diisi.', 'Required.'));
      continue;
    }
    const { value, errors: rowErrors } = validate(r.row, merged, headerOf);
    if (!value) {
      errors.push(...rowErrors);
      continue;
    }
    entry.values = {
      code: value.code,
      name: value.name,
      shortName: blankToNull(value.shortName),
      type: value.type,
      parentCode: blankToNull(value.parentCode),
      active: value.active,
      address: blankToNull(value.address),
      latitude: coord(value.latitude),
      longitude: coord(value.longitude),
    };
  }

  // 2. Parents must exist (and be visible) in the database or in the file.
  const unresolved = new Set<string>();
  for (const [code, f] of file) {
    const p = f.values ? f.values.parentCode : f.givenParent;
    if (!p || file.has(p)) continue;
    const inDb = snapshot.byCode.get(p);
    if (!inDb || !readable(inDb)) {
      unresolved.add(code);
      errors.push(
        err(
          f.row,
          headerOf('parentCode'),
          `Unit induk dengan kode ${p} tidak ditemukan di basis data maupun di berkas.`,
          `Parent unit ${p} was found neither in the database nor in the file.`,
        ),
      );
    }
  }

  // 3. The tree after the import: a file row's parent is what the file says; other units keep theirs.
  const parentAfter = (code: string): string | null => {
    const f = file.get(code);
    if (f?.values) return unresolved.has(code) ? null : f.values.parentCode;
    const u = f?.existing ?? snapshot.byCode.get(code);
    return u ? parentCodeOfExisting(u) : null;
  };
  const typeAfter = (code: string): string | null => {
    const f = file.get(code);
    if (f) return f.values?.type ?? null;
    return snapshot.byCode.get(code)?.type ?? null;
  };

  // Cycles: every node has at most one parent, so walking up either ends at a root or loops.
  const state = new Map<string, 'walking' | 'done'>();
  const inCycle = new Set<string>();
  for (const start of file.keys()) {
    const trail: string[] = [];
    let cur: string | null = start;
    while (cur !== null && !state.has(cur)) {
      state.set(cur, 'walking');
      trail.push(cur);
      cur = parentAfter(cur);
    }
    if (cur !== null && state.get(cur) === 'walking') {
      const loop = trail.slice(trail.indexOf(cur));
      for (const c of loop) inCycle.add(c);
      const chain = [...loop, cur].join(' → ');
      for (const c of loop) {
        const f = file.get(c);
        if (f)
          errors.push(
            err(
              f.row,
              headerOf('parentCode'),
              `Siklus pada pohon organisasi: ${chain}.`,
              `Cycle in the organisation tree: ${chain}.`,
            ),
          );
      }
    }
    for (const c of trail) state.set(c, 'done');
  }

  // Paths after the import (for scope checks and ordering); new units get a placeholder id. A chain
  // through a row that is already wrong has no path, so its children get no second, derived error.
  const broken = (code: string) => {
    const f = file.get(code);
    return inCycle.has(code) || unresolved.has(code) || (f !== undefined && !f.values && !f.existing);
  };
  const pathMemo = new Map<string, string | null>();
  const pathAfter = (code: string): string | null => {
    const chain: string[] = [];
    let cur: string | null = code;
    while (cur !== null && !pathMemo.has(cur)) {
      if (broken(cur)) {
        pathMemo.set(cur, null);
        break;
      }
      chain.push(cur);
      cur = parentAfter(cur);
    }
    let base = cur === null ? '/' : pathMemo.get(cur);
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!;
      const id = file.get(c)?.existing?.id ?? snapshot.byCode.get(c)?.id ?? `new:${c}`;
      base = base === null || base === undefined ? null : `${base}${id}/`;
      pathMemo.set(c, base);
    }
    return pathMemo.get(code) ?? null;
  };

  // 4. Placement rules, scope, and the action of each valid row.
  const items: PlanItem[] = [];
  for (const [code, f] of file) {
    const v = f.values;
    if (!v || unresolved.has(code) || inCycle.has(code)) continue;
    const rowErrors: RowError[] = [];
    const parentType = v.parentCode ? typeAfter(v.parentCode) : null;
    if (!v.parentCode || parentType !== null) {
      const problem = placementProblem(v.type, parentType);
      if (problem) {
        rowErrors.push(
          err(
            f.row,
            headerOf(v.parentCode ? 'type' : 'parentCode'),
            problem,
            v.parentCode
              ? `A ${v.type} cannot be placed under a ${parentType}.`
              : 'Only a Pemda (provinsi, kabupaten, kota) can be without a parent.',
          ),
        );
      }
    }
    const existing = f.existing;
    const before = existing ? valuesOf(existing, parentCodeOfExisting(existing)) : null;
    const changes = before ? changedColumns(before, v) : [];
    const action: ImportAction = !existing ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
    const parentChanged = action === 'update' && changes.includes('parentCode');

    if (existing && changes.includes('type')) {
      for (const child of snapshot.childrenOf.get(existing.id) ?? []) {
        if (file.has(child.code)) continue; // checked on its own row
        const problem = placementProblem(child.type, v.type);
        if (problem) {
          rowErrors.push(
            err(
              f.row,
              headerOf('type'),
              `${problem} (unit di bawahnya: ${child.code})`,
              `Its child unit ${child.code} (${child.type}) cannot sit under a ${v.type}.`,
            ),
          );
        }
      }
    }

    if (actor) {
      if (action === 'update' && !can(actor, 'unit.import', { unitPath: existing!.path })) {
        rowErrors.push(
          err(
            f.row,
            headerOf('code'),
            `Anda tidak berwenang mengubah unit ${code}.`,
            `You may not change unit ${code}.`,
          ),
        );
      }
      if (action === 'create' || parentChanged) {
        if (!v.parentCode) {
          if (!hasRole(actor, 'admin')) {
            rowErrors.push(
              err(
                f.row,
                headerOf('parentCode'),
                'Hanya administrator yang dapat menambah Pemda tanpa induk.',
                'Only an administrator may add a Pemda without a parent.',
              ),
            );
          }
        } else {
          const target = pathAfter(v.parentCode);
          if (target !== null && !can(actor, 'unit.import', { unitPath: target })) {
            rowErrors.push(
              err(
                f.row,
                headerOf('parentCode'),
                `Anda tidak berwenang menambah atau memindahkan unit ke bawah ${v.parentCode}.`,
                `You may not add or move units under ${v.parentCode}.`,
              ),
            );
          }
        }
      }
    }

    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    const path = pathAfter(code);
    items.push({
      row: f.row,
      code,
      action,
      changes: action === 'update' ? changes : [],
      values: v,
      existing,
      before,
      parentChanged,
      depth: path ? path.split('/').length - 3 : 0,
    });
  }

  const columnOrder = (c: string | null) => {
    const i = UNIT_COLUMNS.findIndex((k) => headerOf(k) === c);
    return i === -1 ? 99 : i;
  };
  errors.sort((a, b) => a.row - b.row || columnOrder(a.column) - columnOrder(b.column));
  items.sort((a, b) => a.row - b.row);
  return { items, errors };
}
