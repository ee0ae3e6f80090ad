/**
 * Excel workbook form of an instrument version, for people who author instruments in a
 * spreadsheet. The workbook is another spelling of the same JSON document: reading it builds the
 * document and runs the same `validateInstrument`, and JSON → XLSX → JSON is lossless (same
 * content hash) for every document except optional texts that are empty or whitespace-only
 * (an empty cell means "absent") and an empty top-level `notes` array.
 *
 * Sheets (headers are the JSON field names; each header cell has an Indonesian note):
 * - `Instrumen`: one `field | value` row per metadata field (`rounding.decimals`, `scale.min`,
 *   `crosswalk.fromVersion`, …); `notes` may repeat, one row per note.
 * - `Node`: one row per node in pre-order, linked by `parentCode`; `kind` is group, maturity or
 *   metric; criteria 1–5, criteriaEn 1–5 and thresholds 1–4 in their own columns.
 * - `Model Level`: one row per level (5 per model); the model's own fields on its first row.
 * - `Predikat`, `Sumber`: one row per predicate band / source.
 * - `Crosswalk`: `oldCode → newCode` (only with `crosswalk.fromVersion`).
 * - `Petunjuk`: instructions; never read.
 *
 * Exact numbers: weights, thresholds and band bounds written as text in the JSON are written as
 * text cells (the columns are text-formatted, so values typed later stay text too); JSON numbers
 * become number cells, whose shortest round-trip text is read back. Lists (`applicability`,
 * `sourceRefs`: comma-separated; `aliases`: one per line) fall back to a JSON array text when an
 * item contains the separator.
 *
 * Errors name their cell (`Node!H12`, `'Model Level'!G3`) in `details[].path`, with the JSON path
 * of the converted document in `details[].jsonPath` when the validator found it.
 */
import ExcelJS from 'exceljs';
import {
  type DecimalInput,
  type Instrument,
  type InstrumentNode,
  isGroup,
  jsonPath,
  METRIC_DIRECTIONS,
  SOURCE_STATUSES,
  UNIT_TYPES,
  validateInstrument,
} from '../../domain/instrument/index.js';
import { AppError, ValidationError } from '../../lib/errors.js';
import {
  checkWorkbook,
  loadWorkbook,
  problemText,
  type WorkbookGuard,
  type WorkbookLimits,
  type WorkbookProblem,
} from '../../lib/workbook-guard.js';

export const SHEETS = {
  meta: 'Instrumen',
  nodes: 'Node',
  levels: 'Model Level',
  bands: 'Predikat',
  sources: 'Sumber',
  crosswalk: 'Crosswalk',
  help: 'Petunjuk',
} as const;

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Limits for an uploaded instrument workbook (lib/workbook-guard.ts says what each one guards); a
 * large instrument has a few hundred nodes of about 40 columns.
 */
export const WORKBOOK_LIMITS: WorkbookLimits = {
  maxUncompressedBytes: 50 * 1024 * 1024,
  maxEntries: 2_000,
  maxRows: 50_000,
  maxCells: 500_000,
  maxSharedStrings: 500_000,
};

/** Excel's limit on the text in one cell. */
const MAX_CELL_CHARS = 32_767;

/** One problem found in a workbook; `path` is a cell (`Node!H12`), a row (`Node!12:12`) or a sheet. */
export interface WorkbookIssue {
  path: string;
  jsonPath?: string;
  code: string;
  message: string;
  messageEn: string;
}

// ------------------------------------------------------------------------------------ columns

type Kind = 'text' | 'decimal' | 'int' | 'bool' | 'list';

interface Column {
  header: string;
  width: number;
  kind: Kind;
  note: string;
  wrap?: boolean;
  /** List separator (kind 'list'). */
  sep?: ',' | '\n';
  /** Allowed values, offered as a drop-down. */
  options?: readonly string[];
  /** Node columns: which rows may fill it. */
  scope?: 'indicator' | 'metric';
}

const col = (header: string, width: number, kind: Kind, note: string, extra: Partial<Column> = {}) => ({
  header,
  width,
  kind,
  note,
  ...extra,
});

const NODE_KINDS = ['group', 'maturity', 'metric'] as const;

const NODE_COLUMNS: Column[] = [
  col('code', 10, 'text', 'Kode node, unik dan tetap (mis. D1, A3, 12, INF-01).'),
  col('parentCode', 10, 'text', 'Kode node induk; kosong untuk node tingkat teratas.'),
  col(
    'kind',
    10,
    'text',
    'group (domain/aspek/dimensi), maturity (tingkat 1–5) atau metric (nilai terukur).',
    {
      options: NODE_KINDS,
    },
  ),
  col('nodeType', 12, 'text', 'Label tingkatan untuk tampilan, mis. domain, aspek, indikator.'),
  col('name', 40, 'text', 'Nama node (Bahasa Indonesia).', { wrap: true }),
  col('weight', 10, 'decimal', 'Bobot: bagian dari indeks keseluruhan; bobot anak berjumlah bobot induk.'),
  col('levelModel', 16, 'text', 'Id model tingkat (lembar Model Level).', { scope: 'indicator' }),
  ...[1, 2, 3, 4, 5].map((i) =>
    col(`criteria${i}`, 45, 'text', `Kriteria tingkat ${i} (Bahasa Indonesia).`, {
      wrap: true,
      scope: 'indicator',
    }),
  ),
  col('evidenceGuidance', 40, 'text', 'Panduan bukti dukung.', { wrap: true, scope: 'indicator' }),
  col(
    'applicability',
    18,
    'list',
    `Jenis unit yang dinilai, dipisah koma, atau "all". Jenis: ${UNIT_TYPES.join(', ')}.`,
    {
      sep: ',',
      wrap: true,
      scope: 'indicator',
    },
  ),
  col('naAllowed', 10, 'bool', 'TRUE jika jawaban "tidak berlaku" (NA) diizinkan.', {
    options: ['TRUE', 'FALSE'],
    scope: 'indicator',
  }),
  col('unit', 14, 'text', 'Satuan nilai terukur (indikator metric).', { scope: 'metric' }),
  col('direction', 16, 'text', 'higher-is-better atau lower-is-better (indikator metric).', {
    options: METRIC_DIRECTIONS,
    scope: 'metric',
  }),
  ...[1, 2, 3, 4].map((i) =>
    col(
      `threshold${i}`,
      11,
      'decimal',
      `Ambang batas ke-${i} (antara tingkat ${i} dan ${i + 1}), naik tegas.`,
      {
        scope: 'metric',
      },
    ),
  ),
  col('valueMin', 10, 'decimal', 'Nilai terukur terkecil yang sah (opsional).', { scope: 'metric' }),
  col('valueMax', 10, 'decimal', 'Nilai terukur terbesar yang sah (opsional).', { scope: 'metric' }),
  col('nameEn', 30, 'text', 'Nama dalam bahasa Inggris (opsional).', { wrap: true }),
  col('description', 40, 'text', 'Uraian node (opsional).', { wrap: true }),
  ...[1, 2, 3, 4, 5].map((i) =>
    col(`criteriaEn${i}`, 35, 'text', `Kriteria tingkat ${i} dalam bahasa Inggris (opsional).`, {
      wrap: true,
      scope: 'indicator',
    }),
  ),
  col('weightSource', 25, 'text', 'Asal bobot (opsional).', { wrap: true }),
  col('criteriaSource', 25, 'text', 'Asal kriteria (opsional).', { wrap: true, scope: 'indicator' }),
  col('thresholdSource', 25, 'text', 'Asal ambang batas (opsional).', { wrap: true, scope: 'metric' }),
  col('aliases', 25, 'list', 'Nama lain, satu per baris dalam sel (opsional).', { sep: '\n', wrap: true }),
  col('sourceRefs', 16, 'list', 'Id sumber (lembar Sumber), dipisah koma.', { sep: ',' }),
  col('notes', 30, 'text', 'Catatan (opsional).', { wrap: true }),
];

const LEVEL_COLUMNS: Column[] = [
  col('modelId', 22, 'text', 'Id model tingkat; diulang pada kelima baris tingkatnya.'),
  col('modelName', 30, 'text', 'Nama model (cukup di baris pertama model).', { wrap: true }),
  col('modelNameEn', 25, 'text', 'Nama model dalam bahasa Inggris (opsional, baris pertama).', {
    wrap: true,
  }),
  col('appliesTo', 30, 'text', 'Untuk indikator apa model ini dipakai (opsional, baris pertama).', {
    wrap: true,
  }),
  col('level', 7, 'int', 'Tingkat 1 sampai 5, berurutan.'),
  col('name', 20, 'text', 'Nama tingkat, mis. Rintisan.'),
  col('nameEn', 18, 'text', 'Nama tingkat dalam bahasa Inggris (opsional).'),
  col('meaning', 50, 'text', 'Makna umum tingkat ini.', { wrap: true }),
  col('meaningEn', 40, 'text', 'Makna dalam bahasa Inggris (opsional).', { wrap: true }),
  col('status', 14, 'text', 'Status sumber (opsional).'),
];

const BAND_COLUMNS: Column[] = [
  col('name', 18, 'text', 'Nama predikat, mis. Baik.'),
  col('nameEn', 22, 'text', 'Nama dalam bahasa Inggris (opsional).'),
  col('min', 8, 'decimal', 'Batas bawah (termasuk).'),
  col('max', 8, 'decimal', 'Batas atas (tidak termasuk, kecuali batas atas skala).'),
  col('notes', 40, 'text', 'Catatan (opsional).', { wrap: true }),
];

const SOURCE_COLUMNS: Column[] = [
  col('id', 16, 'text', 'Id sumber, dirujuk kolom sourceRefs di lembar Node.'),
  col('title', 45, 'text', 'Judul sumber.', { wrap: true }),
  col('url', 35, 'text', 'Alamat web (opsional).'),
  col('status', 12, 'text', 'confirmed, derived, unconfirmed atau own.', { options: SOURCE_STATUSES }),
  col('notes', 60, 'text', 'Catatan (opsional).', { wrap: true }),
];

const CROSSWALK_COLUMNS: Column[] = [
  col('oldCode', 14, 'text', 'Kode node di versi asal (crosswalk.fromVersion).'),
  col('newCode', 14, 'text', 'Kode node di versi ini.'),
];

const META_COLUMNS: Column[] = [
  col('field', 24, 'text', 'Nama isian (jangan diubah).'),
  col('value', 70, 'text', 'Nilai.', { wrap: true }),
  col('keterangan', 50, 'text', 'Penjelasan isian (tidak dibaca).', { wrap: true }),
];

interface MetaField {
  key: string;
  kind: Kind;
  path: Array<string>;
  note: string;
}

const META_FIELDS: MetaField[] = [
  { key: '$schema', kind: 'text', path: ['$schema'], note: 'Rujukan JSON Schema (opsional).' },
  {
    key: 'code',
    kind: 'text',
    path: ['code'],
    note: 'Kode instrumen, huruf kecil dan tanda hubung (mis. idpd).',
  },
  { key: 'version', kind: 'text', path: ['version'], note: 'Label versi (mis. 1, 2020.1).' },
  { key: 'title', kind: 'text', path: ['title'], note: 'Judul instrumen.' },
  { key: 'titleEn', kind: 'text', path: ['titleEn'], note: 'Judul dalam bahasa Inggris (opsional).' },
  { key: 'description', kind: 'text', path: ['description'], note: 'Uraian (opsional).' },
  { key: 'legalBasis', kind: 'text', path: ['legalBasis'], note: 'Dasar hukum (opsional).' },
  { key: 'indexName', kind: 'text', path: ['indexName'], note: 'Nama indeks keseluruhan (opsional).' },
  { key: 'totalWeight', kind: 'decimal', path: ['totalWeight'], note: 'Jumlah bobot node tingkat teratas.' },
  { key: 'scale.min', kind: 'int', path: ['scale', 'min'], note: 'Skala terendah: 1.' },
  { key: 'scale.max', kind: 'int', path: ['scale', 'max'], note: 'Skala tertinggi: 5.' },
  {
    key: 'rounding.decimals',
    kind: 'int',
    path: ['rounding', 'decimals'],
    note: 'Jumlah desimal nilai yang dilaporkan.',
  },
  { key: 'rounding.mode', kind: 'text', path: ['rounding', 'mode'], note: 'Cara pembulatan: half-up.' },
  {
    key: 'rounding.notes',
    kind: 'text',
    path: ['rounding', 'notes'],
    note: 'Catatan pembulatan (opsional).',
  },
  {
    key: 'crosswalk.fromVersion',
    kind: 'text',
    path: ['crosswalk', 'fromVersion'],
    note: 'Versi asal crosswalk (opsional); pemetaan kode di lembar Crosswalk.',
  },
  {
    key: 'crosswalk.notes',
    kind: 'text',
    path: ['crosswalk', 'notes'],
    note: 'Catatan crosswalk (opsional).',
  },
  {
    key: 'notes',
    kind: 'text',
    path: ['notes'],
    note: 'Catatan instrumen; satu baris per catatan (boleh berulang).',
  },
];

// ------------------------------------------------------------------------------------ cells

/** A sheet reference as Excel writes it: `Node`, `'Model Level'`. */
function sheetRef(sheet: string): string {
  return /^[A-Za-z0-9_]+$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

const cellRef = (sheet: string, column: number, row: number) =>
  `${sheetRef(sheet)}!${columnLetter(column)}${row}`;
const rowRef = (sheet: string, row: number) => `${sheetRef(sheet)}!${row}:${row}`;

/**
 * Strings go into the XML with OOXML's `_xHHHH_` escapes for characters XML cannot carry (control
 * characters, and CR, which XML parsers turn into LF) and for literal `_xHHHH_` text; exceljs
 * decodes both when it reads the file back.
 */
function encodeText(s: string): string {
  let out = s.replace(/_x([0-9A-F]{4})_/g, '_x005F_x$1_');
  let needs = false;
  for (let i = 0; i < out.length; i++) {
    const c = out.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0xfffe || c === 0xffff) {
      needs = true;
      break;
    }
  }
  if (needs) {
    let acc = '';
    for (const ch of out) {
      const c = ch.charCodeAt(0);
      acc +=
        (c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0xfffe || c === 0xffff
          ? `_x${c.toString(16).toUpperCase().padStart(4, '0')}_`
          : ch;
    }
    out = acc;
  }
  return out;
}

type Out = string | number | boolean | undefined;

/** A raw cell as read: its type decides how a decimal travels (text stays text, number stays number). */
type Raw = { t: 'empty' } | { t: 's'; v: string } | { t: 'n'; v: number } | { t: 'b'; v: boolean };

function rawOf(value: ExcelJS.CellValue): Raw {
  let v: unknown = value;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) v = o.result ?? null;
  }
  if (v === null || v === undefined) return { t: 'empty' };
  if (typeof v === 'string') return v === '' ? { t: 'empty' } : { t: 's', v };
  if (typeof v === 'number') return { t: 'n', v };
  if (typeof v === 'boolean') return { t: 'b', v };
  if (v instanceof Date) return { t: 's', v: v.toISOString().slice(0, 10) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText))
      return rawOf((o.richText as Array<{ text: string }>).map((r) => r.text).join(''));
    if ('text' in o) return rawOf(o.text as ExcelJS.CellValue);
    if ('error' in o) return { t: 's', v: String(o.error) };
  }
  return { t: 's', v: String(v) };
}

// ------------------------------------------------------------------------------------ writing

function listText(items: readonly string[], sep: ',' | '\n'): string {
  const simple =
    items.length > 0 &&
    items.every((s) => s !== '' && s === s.trim() && !s.includes(sep) && !s.includes('\n')) &&
    !items[0]!.startsWith('[');
  return simple ? items.join(sep === ',' ? ', ' : '\n') : JSON.stringify(items);
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };

function addTableSheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  rows: Out[][],
  opts: { freezeColumns?: number; where?: (r: number, c: number) => string } = {},
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: opts.freezeColumns ?? 0 }],
  });
  ws.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    style: {
      ...(c.kind === 'text' || c.kind === 'decimal' || c.kind === 'list' ? { numFmt: '@' } : {}),
      alignment: { vertical: 'top', wrapText: c.wrap === true },
    },
  }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = HEADER_FILL;
  header.alignment = { vertical: 'middle' };
  columns.forEach((c, i) => {
    header.getCell(i + 1).note = c.note;
  });
  rows.forEach((values, r) => {
    const row = ws.getRow(r + 2);
    values.forEach((v, c) => {
      if (v === undefined) return;
      if (typeof v === 'string') {
        if (v.length > MAX_CELL_CHARS) {
          throw new ValidationError(
            `Teks di ${cellRef(name, c + 1, r + 2)} lebih dari ${MAX_CELL_CHARS} karakter, batas satu sel Excel.`,
            [{ path: cellRef(name, c + 1, r + 2), message: 'teks terlalu panjang untuk satu sel' }],
            `The text for ${cellRef(name, c + 1, r + 2)} exceeds Excel's ${MAX_CELL_CHARS}-character cell limit.`,
          );
        }
        row.getCell(c + 1).value = encodeText(v);
      } else {
        row.getCell(c + 1).value = v;
      }
    });
  });
  const last = rows.length + 200;
  columns.forEach((c, i) => {
    if (!c.options) return;
    const letter = columnLetter(i + 1);
    (ws as unknown as { dataValidations: { add(range: string, v: object): void } }).dataValidations.add(
      `${letter}2:${letter}${last}`,
      { type: 'list', allowBlank: true, formulae: [`"${c.options.join(',')}"`] },
    );
  });
  return ws;
}

function* preorder(
  nodes: readonly InstrumentNode[],
  parent: string | null,
): Generator<{ node: InstrumentNode; parent: string | null }> {
  for (const node of nodes) {
    yield { node, parent };
    if (isGroup(node)) yield* preorder(node.children, node.code);
  }
}

function nodeRow(node: InstrumentNode, parent: string | null): Out[] {
  const v: Record<string, Out> = {
    code: node.code,
    parentCode: parent ?? undefined,
    kind: isGroup(node) ? 'group' : node.kind,
    nodeType: node.nodeType,
    name: node.name,
    nameEn: node.nameEn,
    description: node.description,
    weight: node.weight,
    weightSource: node.weightSource,
    aliases: node.aliases && listText(node.aliases, '\n'),
    sourceRefs: node.sourceRefs && listText(node.sourceRefs, ','),
    notes: node.notes,
  };
  if (!isGroup(node)) {
    v.levelModel = node.levelModel;
    node.criteria.forEach((c, i) => {
      v[`criteria${i + 1}`] = c;
    });
    node.criteriaEn?.forEach((c, i) => {
      v[`criteriaEn${i + 1}`] = c;
    });
    v.criteriaSource = node.criteriaSource;
    v.evidenceGuidance = node.evidenceGuidance;
    v.applicability =
      node.applicability === undefined
        ? undefined
        : node.applicability === 'all'
          ? 'all'
          : listText(node.applicability, ',');
    v.naAllowed = node.naAllowed;
    if (node.kind === 'metric') {
      v.unit = node.unit;
      v.direction = node.direction;
      node.thresholds.forEach((t, i) => {
        v[`threshold${i + 1}`] = t;
      });
      v.valueMin = node.valueMin;
      v.valueMax = node.valueMax;
      v.thresholdSource = node.thresholdSource;
    }
  }
  return NODE_COLUMNS.map((c) => v[c.header]);
}

const HELP_LINES = [
  'Buku kerja instrumen Mercusuar',
  '',
  'Buku kerja ini adalah bentuk Excel dari satu versi instrumen. Saat diimpor, isinya diubah menjadi dokumen JSON dan diperiksa dengan aturan yang sama dengan impor JSON/YAML.',
  '',
  'Lembar:',
  '• Instrumen — satu baris per isian (field | value). Isian "notes" boleh berulang, satu baris per catatan.',
  '• Node — satu baris per node (domain, aspek, indikator) dalam urutan pohon; kolom parentCode menunjuk induknya. kind: group, maturity atau metric.',
  '• Model Level — lima baris per model tingkat (tingkat 1–5); nama model cukup di baris pertama.',
  '• Predikat — rentang nilai tiap predikat (min termasuk, max tidak termasuk kecuali batas atas skala).',
  '• Sumber — sumber yang dirujuk kolom sourceRefs.',
  '• Crosswalk — pemetaan kode lama → kode baru bila crosswalk.fromVersion diisi.',
  '',
  'Angka desimal (bobot, ambang batas, batas predikat) ditulis sebagai teks dengan titik desimal, mis. 2.75, agar tidak ada pembulatan biner. Koma desimal (2,75) juga diterima.',
  'Daftar: applicability dan sourceRefs dipisah koma; aliases satu per baris dalam sel. Sel kosong berarti isian tidak ada.',
  'Kesalahan saat impor menyebut selnya, mis. Node!F12.',
];

/** Writes an instrument as a workbook (see the module comment for the layout). */
export async function instrumentToWorkbook(instrument: Instrument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mercusuar';
  wb.created = new Date();
  wb.title = `${instrument.code} ${instrument.version}`;

  const meta: Out[][] = [];
  const get = (path: string[]): unknown =>
    path.reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      instrument,
    );
  for (const f of META_FIELDS) {
    if (f.key === 'notes') {
      const notes = instrument.notes?.length ? instrument.notes : [undefined];
      for (const n of notes) meta.push([f.key, n, f.note]);
      continue;
    }
    meta.push([f.key, get(f.path) as Out, f.note]);
  }
  addTableSheet(wb, SHEETS.meta, META_COLUMNS, meta, { freezeColumns: 1 });

  const nodes = [...preorder(instrument.nodes, null)].map(({ node, parent }) => nodeRow(node, parent));
  addTableSheet(wb, SHEETS.nodes, NODE_COLUMNS, nodes, { freezeColumns: 1 });

  const levels: Out[][] = [];
  for (const m of instrument.levelModels) {
    m.levels.forEach((l, i) => {
      levels.push([
        m.id,
        i === 0 ? m.name : undefined,
        i === 0 ? m.nameEn : undefined,
        i === 0 ? m.appliesTo : undefined,
        l.level,
        l.name,
        l.nameEn,
        l.meaning,
        l.meaningEn,
        l.status,
      ]);
    });
  }
  addTableSheet(wb, SHEETS.levels, LEVEL_COLUMNS, levels, { freezeColumns: 1 });

  addTableSheet(
    wb,
    SHEETS.bands,
    BAND_COLUMNS,
    instrument.predicateBands.map((b) => [b.name, b.nameEn, b.min, b.max, b.notes]),
  );
  addTableSheet(
    wb,
    SHEETS.sources,
    SOURCE_COLUMNS,
    instrument.sources.map((s) => [s.id, s.title, s.url, s.status, s.notes]),
    { freezeColumns: 1 },
  );
  addTableSheet(
    wb,
    SHEETS.crosswalk,
    CROSSWALK_COLUMNS,
    Object.entries(instrument.crosswalk?.map ?? {}).map(([from, to]) => [from, to]),
  );

  const help = wb.addWorksheet(SHEETS.help);
  help.getColumn(1).width = 120;
  HELP_LINES.forEach((line, i) => {
    const cell = help.getCell(i + 1, 1);
    cell.value = line;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) cell.font = { bold: true, size: 14 };
  });

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ------------------------------------------------------------------------------------ reading

const tooLarge = (message: string, messageEn: string, details: object) =>
  new AppError(413, 'PAYLOAD_TOO_LARGE', message, details, messageEn);

const notWorkbook = (why: string, whyEn: string) =>
  new ValidationError(
    `Berkas bukan buku kerja Excel (.xlsx) yang dapat dibaca: ${why}.`,
    [{ path: '$', code: 'not_a_workbook', message: why, messageEn: whyEn }],
    `The file is not a readable Excel workbook (.xlsx): ${whyEn}.`,
  );

/** Too big (inflated size, rows, cells or strings) → 413; anything else → 400 "not a readable workbook". */
function rejectWorkbook(p: WorkbookProblem): AppError {
  const { id, en } = problemText(p);
  if (p.kind === 'tooLarge')
    return tooLarge(`Berkas XLSX ditolak: ${id}.`, `XLSX rejected: ${en}.`, { limitBytes: p.limitBytes });
  if (p.kind === 'tooManyCells')
    return tooLarge(
      `Berkas XLSX ditolak: terlalu besar untuk sebuah instrumen (${id}).`,
      `XLSX rejected: too large for an instrument (${en}).`,
      { rows: p.rows, cells: p.cells, sharedStrings: p.sharedStrings },
    );
  return notWorkbook(id, en);
}

const guardWith = (limits: Partial<WorkbookLimits> = {}): WorkbookGuard => ({
  limits: { ...WORKBOOK_LIMITS, ...limits },
  reject: rejectWorkbook,
});

/**
 * Checks an untrusted workbook with lib/workbook-guard.ts (entry count, declared and real inflated
 * sizes, rows, cells and strings) and returns the checked copy exceljs may load, without merged
 * and data-validation ranges. Too big → 413; not a workbook or corrupt → 400.
 */
export function assertSafeWorkbook(buf: Buffer, limits: Partial<WorkbookLimits> = {}): Promise<Buffer> {
  return checkWorkbook(buf, guardWith(limits));
}

interface Cell {
  raw: Raw;
  ref: string;
}

interface TableRow {
  row: number;
  ref: string;
  cell(header: string): Cell;
}

class WorkbookReader {
  readonly issues: WorkbookIssue[] = [];
  /** JSON path → cell (or row/sheet) the value came from. */
  readonly where = new Map<string, string>();

  constructor(private readonly wb: ExcelJS.Workbook) {}

  issue(path: string, code: string, message: string, messageEn: string) {
    this.issues.push({ path, code, message, messageEn });
  }

  sheet(name: string, required: boolean): ExcelJS.Worksheet | undefined {
    const ws = this.wb.worksheets.find((w) => w.name.trim().toLowerCase() === name.toLowerCase());
    if (!ws && required) {
      this.issue(
        sheetRef(name),
        'missing_sheet',
        `Lembar "${name}" tidak ada di buku kerja.`,
        `The workbook has no sheet "${name}".`,
      );
    }
    return ws;
  }

  /** Reads a sheet with a header row into rows addressed by header name. */
  table(name: string, columns: Column[], required = true): TableRow[] {
    const ws = this.sheet(name, required);
    if (!ws) return [];
    const known = new Map(columns.map((c) => [c.header.toLowerCase(), c.header]));
    const index = new Map<string, number>();
    const header = ws.getRow(1);
    for (let c = 1; c <= Math.max(header.cellCount, ws.columnCount); c++) {
      const raw = rawOf(header.getCell(c).value);
      if (raw.t === 'empty') continue;
      const text = String(raw.v).trim();
      const key = known.get(text.toLowerCase());
      if (!key) {
        this.issue(
          cellRef(name, c, 1),
          'unknown_column',
          `Kolom "${text}" tidak dikenal. Kolom yang sah: ${columns.map((x) => x.header).join(', ')}.`,
          `Unknown column "${text}". Valid columns: ${columns.map((x) => x.header).join(', ')}.`,
        );
      } else if (index.has(key)) {
        this.issue(
          cellRef(name, c, 1),
          'duplicate_column',
          `Kolom "${key}" muncul dua kali.`,
          `Column "${key}" appears twice.`,
        );
      } else {
        index.set(key, c);
      }
    }
    const rows: TableRow[] = [];
    const last = ws.actualRowCount === 0 ? 0 : ws.rowCount;
    for (let r = 2; r <= last; r++) {
      const row = ws.getRow(r);
      const cells = new Map<string, Cell>();
      let blank = true;
      for (const [key, c] of index) {
        const raw = rawOf(row.getCell(c).value);
        if (raw.t !== 'empty' && !(raw.t === 's' && raw.v.trim() === '')) blank = false;
        cells.set(key, { raw, ref: cellRef(name, c, r) });
      }
      if (blank) continue;
      const ref = rowRef(name, r);
      rows.push({ row: r, ref, cell: (h) => cells.get(h) ?? { raw: { t: 'empty' }, ref } });
    }
    return rows;
  }

  // ---- value conversion (a value the validator will reject is passed through, so that its
  // message names the cell; only what cannot be expressed in JSON is reported here)

  text(c: Cell): string | undefined {
    const r = c.raw;
    if (r.t === 'empty') return undefined;
    if (r.t === 's') return r.v.trim() === '' ? undefined : r.v;
    return String(r.v);
  }

  /** Identifiers (codes, ids): trimmed. */
  id(c: Cell): string | undefined {
    return this.text(c)?.trim();
  }

  decimal(c: Cell): DecimalInput | undefined {
    const r = c.raw;
    if (r.t === 'empty') return undefined;
    if (r.t === 'n') return r.v;
    const s = String(r.v).trim();
    if (s === '') return undefined;
    return /^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s;
  }

  int(c: Cell): unknown {
    const r = c.raw;
    if (r.t === 'empty') return undefined;
    if (r.t === 'n') return r.v;
    const s = String(r.v).trim();
    return /^-?\d+$/.test(s) ? Number(s) : s;
  }

  bool(c: Cell): unknown {
    const r = c.raw;
    if (r.t === 'empty') return undefined;
    if (r.t === 'b') return r.v;
    if (r.t === 'n') return r.v === 1 ? true : r.v === 0 ? false : r.v;
    const s = r.v.trim().toLowerCase();
    if (s === '') return undefined;
    if (['true', 'ya', 'yes', 'benar', 'y'].includes(s)) return true;
    if (['false', 'tidak', 'no', 'salah', 'n'].includes(s)) return false;
    return r.v.trim();
  }

  list(c: Cell, sep: ',' | '\n'): string[] | undefined {
    const text = this.text(c)?.trim();
    if (text === undefined) return undefined;
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
      } catch {
        // reported below
      }
      this.issue(
        c.ref,
        'list_format',
        'Daftar yang diawali "[" harus berupa larik JSON berisi teks, mis. ["a", "b"].',
        'A list starting with "[" must be a JSON array of strings, e.g. ["a", "b"].',
      );
      return undefined;
    }
    return text
      .split(sep === ',' ? ',' : /\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  at(path: Array<string | number>, ref: string) {
    this.where.set(jsonPath(path), ref);
  }

  // ---- sheets

  readMeta(doc: Record<string, unknown>) {
    const rows = this.table(SHEETS.meta, META_COLUMNS);
    this.at([], sheetRef(SHEETS.meta));
    const byKey = new Map(META_FIELDS.map((f) => [f.key.toLowerCase(), f]));
    const seen = new Map<string, string>();
    const notes: string[] = [];
    for (const r of rows) {
      const keyCell = r.cell('field');
      const valueCell = r.cell('value');
      const key = this.id(keyCell);
      if (!key) {
        if (this.text(valueCell) !== undefined) {
          this.issue(keyCell.ref, 'missing_field', 'Nama isian kosong.', 'The field name is empty.');
        }
        continue;
      }
      const f = byKey.get(key.toLowerCase());
      if (!f) {
        this.issue(
          keyCell.ref,
          'unknown_field',
          `Isian "${key}" tidak dikenal. Isian yang sah: ${META_FIELDS.map((x) => x.key).join(', ')}.`,
          `Unknown field "${key}". Valid fields: ${META_FIELDS.map((x) => x.key).join(', ')}.`,
        );
        continue;
      }
      if (f.key === 'notes') {
        const text = this.text(valueCell);
        if (text !== undefined) {
          this.at(['notes', notes.length], valueCell.ref);
          notes.push(text);
        }
        continue;
      }
      const before = seen.get(f.key);
      if (before) {
        this.issue(
          keyCell.ref,
          'duplicate_field',
          `Isian "${f.key}" sudah ada di ${before}.`,
          `Field "${f.key}" already appears at ${before}.`,
        );
        continue;
      }
      seen.set(f.key, keyCell.ref);
      const value =
        f.kind === 'decimal'
          ? this.decimal(valueCell)
          : f.kind === 'int'
            ? this.int(valueCell)
            : this.text(valueCell);
      this.at(f.path, valueCell.ref);
      if (f.path.length === 2 && !this.where.has(jsonPath([f.path[0]!])))
        this.at([f.path[0]!], valueCell.ref);
      if (value === undefined) continue;
      if (f.path.length === 1) doc[f.path[0]!] = value;
      else {
        const parent = (doc[f.path[0]!] ?? {}) as Record<string, unknown>;
        parent[f.path[1]!] = value;
        doc[f.path[0]!] = parent;
      }
    }
    if (notes.length > 0) doc.notes = notes;
  }

  readNodes(doc: Record<string, unknown>) {
    const sheet = SHEETS.nodes;
    const rows = this.table(sheet, NODE_COLUMNS);
    this.at(['nodes'], sheetRef(sheet));
    type Entry = {
      r: TableRow;
      code: string;
      kind: string;
      children: Entry[];
    };
    const entries: Entry[] = [];
    const byCode = new Map<string, Entry>();
    for (const r of rows) {
      const codeCell = r.cell('code');
      const code = this.id(codeCell);
      if (!code) {
        this.issue(codeCell.ref, 'missing_code', 'Kode node wajib diisi.', 'The node code is required.');
        continue;
      }
      const kindCell = r.cell('kind');
      const kindText = this.id(kindCell)?.toLowerCase();
      const kind = kindText === 'grup' ? 'group' : kindText;
      if (kind !== undefined && !(NODE_KINDS as readonly string[]).includes(kind)) {
        this.issue(
          kindCell.ref,
          'node_kind',
          `Jenis node "${kindText}" tidak dikenal: gunakan group, maturity atau metric.`,
          `Unknown node kind "${kindText}": use group, maturity or metric.`,
        );
        continue;
      }
      const e: Entry = { r, code, kind: kind ?? '', children: [] };
      const first = byCode.get(code);
      if (first) {
        this.issue(
          codeCell.ref,
          'duplicate_code',
          `Kode "${code}" duplikat; sudah dipakai di ${first.r.cell('code').ref}.`,
          `Code "${code}" is duplicated; already used at ${first.r.cell('code').ref}.`,
        );
        continue;
      }
      byCode.set(code, e);
      entries.push(e);
    }
    const roots: Entry[] = [];
    for (const e of entries) {
      const pCell = e.r.cell('parentCode');
      const parentCode = this.id(pCell);
      if (!parentCode) {
        roots.push(e);
        continue;
      }
      const parent = byCode.get(parentCode);
      if (!parent || parent === e) {
        this.issue(
          pCell.ref,
          'unknown_parent',
          parent
            ? `Node "${e.code}" tidak boleh menjadi induknya sendiri.`
            : `Kode induk "${parentCode}" tidak ada di lembar Node.`,
          parent
            ? `Node "${e.code}" cannot be its own parent.`
            : `Parent code "${parentCode}" is not in the Node sheet.`,
        );
        continue;
      }
      if (parent.kind === 'maturity' || parent.kind === 'metric') {
        this.issue(
          pCell.ref,
          'parent_is_indicator',
          `Induk "${parentCode}" adalah indikator (${parent.kind}); hanya node group yang boleh punya anak.`,
          `Parent "${parentCode}" is an indicator (${parent.kind}); only group nodes can have children.`,
        );
        continue;
      }
      parent.children.push(e);
    }
    // A node that no root reaches sits on a parentCode cycle, or under a row reported above.
    const reached = new Set<Entry>();
    const mark = (e: Entry) => {
      if (reached.has(e)) return;
      reached.add(e);
      e.children.forEach(mark);
    };
    roots.forEach(mark);
    const parentOf = new Map<Entry, Entry>();
    for (const e of entries) for (const c of e.children) parentOf.set(c, e);
    for (const e of entries) {
      if (reached.has(e)) continue;
      let p = parentOf.get(e);
      for (let steps = 0; p && p !== e && steps < entries.length; steps++) p = parentOf.get(p);
      if (p === e) {
        this.issue(
          e.r.cell('parentCode').ref,
          'parent_cycle',
          `Rantai induk node "${e.code}" berputar (tidak sampai ke node tingkat teratas).`,
          `The parent chain of node "${e.code}" is a cycle (it never reaches a top-level node).`,
        );
      }
    }

    const build = (e: Entry, path: Array<string | number>): Record<string, unknown> => {
      const { r } = e;
      const kind = e.kind || (e.children.length > 0 ? 'group' : '');
      const isIndicator = kind === 'maturity' || kind === 'metric';
      this.at(path, r.cell('code').ref);
      for (const c of NODE_COLUMNS) this.at([...path, c.header], r.cell(c.header).ref);
      // Columns that do not belong to this kind of row must stay empty (a row without a kind gets
      // one error below instead).
      for (const c of kind ? NODE_COLUMNS : []) {
        const allowed = c.scope === undefined || (c.scope === 'indicator' ? isIndicator : kind === 'metric');
        const cell = r.cell(c.header);
        if (!allowed && cell.raw.t !== 'empty' && !(cell.raw.t === 's' && cell.raw.v.trim() === '')) {
          const what = c.scope === 'metric' ? 'indikator metric' : 'indikator';
          const whatEn = c.scope === 'metric' ? 'metric indicators' : 'indicators';
          this.issue(
            cell.ref,
            'column_not_for_kind',
            `Kolom ${c.header} hanya untuk ${what}; node "${e.code}" berjenis ${kind || 'tanpa jenis'}. Kosongkan sel ini atau ubah kolom kind.`,
            `Column ${c.header} is only for ${whatEn}; node "${e.code}" is ${kind || 'without a kind'}. Clear the cell or change the kind column.`,
          );
        }
      }
      if (!kind) {
        this.issue(
          r.cell('kind').ref,
          'node_kind',
          `Node "${e.code}" tidak punya anak, jadi kolom kind wajib diisi: maturity atau metric.`,
          `Node "${e.code}" has no children, so the kind column is required: maturity or metric.`,
        );
      }
      const n: Record<string, unknown> = {};
      const put = (key: string, value: unknown) => {
        if (value !== undefined) n[key] = value;
      };
      put('code', e.code);
      put('name', this.text(r.cell('name')));
      put('nameEn', this.text(r.cell('nameEn')));
      put('nodeType', this.text(r.cell('nodeType')));
      put('description', this.text(r.cell('description')));
      put('weight', this.decimal(r.cell('weight')));
      put('weightSource', this.text(r.cell('weightSource')));
      put('aliases', this.list(r.cell('aliases'), '\n'));
      put('sourceRefs', this.list(r.cell('sourceRefs'), ','));
      put('notes', this.text(r.cell('notes')));
      if (isIndicator) {
        put('levelModel', this.id(r.cell('levelModel')));
        const criteria = [1, 2, 3, 4, 5].map((i) => this.text(r.cell(`criteria${i}`)) ?? '');
        put('criteria', criteria);
        [1, 2, 3, 4, 5].forEach((i) => {
          this.at([...path, 'criteria', i - 1], r.cell(`criteria${i}`).ref);
        });
        const en = [1, 2, 3, 4, 5].map((i) => this.text(r.cell(`criteriaEn${i}`)));
        if (en.some((x) => x !== undefined))
          put(
            'criteriaEn',
            en.map((x) => x ?? ''),
          );
        [1, 2, 3, 4, 5].forEach((i) => {
          this.at([...path, 'criteriaEn', i - 1], r.cell(`criteriaEn${i}`).ref);
        });
        put('criteriaSource', this.text(r.cell('criteriaSource')));
        put('evidenceGuidance', this.text(r.cell('evidenceGuidance')));
        const appCell = r.cell('applicability');
        const appText = this.id(appCell)?.toLowerCase();
        if (appText === 'all' || appText === 'semua') put('applicability', 'all');
        else {
          const list = this.list(appCell, ',');
          put(
            'applicability',
            list?.map((s) =>
              (UNIT_TYPES as readonly string[]).includes(s.toLowerCase()) ? s.toLowerCase() : s,
            ),
          );
          list?.forEach((_, j) => {
            this.at([...path, 'applicability', j], appCell.ref);
          });
        }
        put('naAllowed', this.bool(r.cell('naAllowed')));
        put('kind', kind);
        if (kind === 'metric') {
          put('unit', this.text(r.cell('unit')));
          put('direction', this.id(r.cell('direction')));
          put(
            'thresholds',
            [1, 2, 3, 4].map((i) => this.decimal(r.cell(`threshold${i}`)) ?? ''),
          );
          [1, 2, 3, 4].forEach((i) => {
            this.at([...path, 'thresholds', i - 1], r.cell(`threshold${i}`).ref);
          });
          this.at([...path, 'thresholds'], r.cell('threshold1').ref);
          put('valueMin', this.decimal(r.cell('valueMin')));
          put('valueMax', this.decimal(r.cell('valueMax')));
          put('thresholdSource', this.text(r.cell('thresholdSource')));
        }
        this.at([...path, 'criteria'], r.cell('criteria1').ref);
        this.at([...path, 'criteriaEn'], r.cell('criteriaEn1').ref);
      } else {
        n.children = e.children.map((child, j) => build(child, [...path, 'children', j]));
        this.at([...path, 'children'], r.cell('kind').ref);
      }
      for (const key of ['aliases', 'sourceRefs'] as const) {
        const list = n[key] as string[] | undefined;
        list?.forEach((_, j) => {
          this.at([...path, key, j], r.cell(key).ref);
        });
      }
      return n;
    };
    doc.nodes = roots.map((e, i) => build(e, ['nodes', i]));
  }

  readLevelModels(doc: Record<string, unknown>) {
    const sheet = SHEETS.levels;
    const rows = this.table(sheet, LEVEL_COLUMNS);
    this.at(['levelModels'], sheetRef(sheet));
    const models = new Map<string, { model: Record<string, unknown>; levels: unknown[]; index: number }>();
    for (const r of rows) {
      const idCell = r.cell('modelId');
      const id = this.id(idCell);
      if (!id) {
        this.issue(
          idCell.ref,
          'missing_model_id',
          'Id model tingkat wajib diisi.',
          'The level model id is required.',
        );
        continue;
      }
      let m = models.get(id);
      if (!m) {
        m = { model: { id }, levels: [], index: models.size };
        models.set(id, m);
        this.at(['levelModels', m.index], idCell.ref);
        this.at(['levelModels', m.index, 'id'], idCell.ref);
        this.at(['levelModels', m.index, 'levels'], r.cell('level').ref);
        for (const [h, key] of [
          ['modelName', 'name'],
          ['modelNameEn', 'nameEn'],
          ['appliesTo', 'appliesTo'],
        ] as const) {
          this.at(['levelModels', m.index, key], r.cell(h).ref);
        }
      }
      for (const [h, key] of [
        ['modelName', 'name'],
        ['modelNameEn', 'nameEn'],
        ['appliesTo', 'appliesTo'],
      ] as const) {
        const c = r.cell(h);
        const v = this.text(c);
        if (v === undefined) continue;
        if (m.model[key] === undefined) {
          m.model[key] = v;
          this.at(['levelModels', m.index, key], c.ref);
        } else if (m.model[key] !== v) {
          this.issue(
            c.ref,
            'model_field_conflict',
            `Model "${id}" sudah punya ${h} lain di baris sebelumnya; cukup isi di baris pertama model.`,
            `Model "${id}" already has a different ${h} on an earlier row; fill it on the model's first row only.`,
          );
        }
      }
      const j = m.levels.length;
      const base = ['levelModels', m.index, 'levels', j] as Array<string | number>;
      this.at(base, r.cell('level').ref);
      const level: Record<string, unknown> = {};
      const put = (key: string, h: string, value: unknown) => {
        this.at([...base, key], r.cell(h).ref);
        if (value !== undefined) level[key] = value;
      };
      put('level', 'level', this.int(r.cell('level')));
      put('name', 'name', this.text(r.cell('name')));
      put('nameEn', 'nameEn', this.text(r.cell('nameEn')));
      put('meaning', 'meaning', this.text(r.cell('meaning')));
      put('meaningEn', 'meaningEn', this.text(r.cell('meaningEn')));
      put('status', 'status', this.text(r.cell('status')));
      m.levels.push(level);
    }
    doc.levelModels = [...models.values()].map(({ model, levels }) => {
      const { id, name, nameEn, appliesTo } = model;
      const out: Record<string, unknown> = { id };
      if (name !== undefined) out.name = name;
      if (nameEn !== undefined) out.nameEn = nameEn;
      if (appliesTo !== undefined) out.appliesTo = appliesTo;
      out.levels = levels;
      return out;
    });
  }

  readRecords(
    sheet: string,
    columns: Column[],
    key: string,
    fields: Array<[string, 'text' | 'id' | 'decimal']>,
  ): Array<Record<string, unknown>> {
    const rows = this.table(sheet, columns);
    this.at([key], sheetRef(sheet));
    return rows.map((r, i) => {
      this.at([key, i], r.ref);
      const out: Record<string, unknown> = {};
      for (const [h, kind] of fields) {
        const c = r.cell(h);
        this.at([key, i, h], c.ref);
        const v = kind === 'decimal' ? this.decimal(c) : kind === 'id' ? this.id(c) : this.text(c);
        if (v !== undefined) out[h] = v;
      }
      return out;
    });
  }

  readCrosswalk(doc: Record<string, unknown>) {
    const sheet = SHEETS.crosswalk;
    const rows = this.table(sheet, CROSSWALK_COLUMNS, false);
    const map: Record<string, string> = {};
    const seen = new Map<string, string>();
    for (const r of rows) {
      const oldCell = r.cell('oldCode');
      const newCell = r.cell('newCode');
      const from = this.id(oldCell);
      const to = this.id(newCell);
      if (!from || !to) {
        this.issue(
          from ? newCell.ref : oldCell.ref,
          'crosswalk_incomplete',
          'Baris crosswalk perlu kode lama dan kode baru.',
          'A crosswalk row needs both the old and the new code.',
        );
        continue;
      }
      const before = seen.get(from);
      if (before) {
        this.issue(
          oldCell.ref,
          'crosswalk_duplicate',
          `Kode lama "${from}" sudah dipetakan di ${before}.`,
          `Old code "${from}" is already mapped at ${before}.`,
        );
        continue;
      }
      seen.set(from, oldCell.ref);
      map[from] = to;
      this.at(['crosswalk', 'map', from], newCell.ref);
    }
    this.at(['crosswalk', 'map'], sheetRef(sheet));
    const cw = doc.crosswalk as Record<string, unknown> | undefined;
    if (cw) {
      doc.crosswalk = {
        fromVersion: cw.fromVersion,
        map,
        ...(cw.notes === undefined ? {} : { notes: cw.notes }),
      };
      if (cw.fromVersion === undefined) delete (doc.crosswalk as Record<string, unknown>).fromVersion;
    } else if (rows.length > 0) {
      this.issue(
        rows[0]!.cell('oldCode').ref,
        'crosswalk_without_version',
        'Lembar Crosswalk berisi pemetaan, tetapi isian crosswalk.fromVersion di lembar Instrumen kosong.',
        'The Crosswalk sheet has mappings but crosswalk.fromVersion in the Instrumen sheet is empty.',
      );
    }
  }

  read(): Record<string, unknown> {
    const head: Record<string, unknown> = {};
    this.readMeta(head);
    const doc: Record<string, unknown> = {};
    for (const k of [
      '$schema',
      'code',
      'version',
      'title',
      'titleEn',
      'description',
      'legalBasis',
      'indexName',
    ]) {
      if (head[k] !== undefined) doc[k] = head[k];
    }
    doc.sources = this.readRecords(SHEETS.sources, SOURCE_COLUMNS, 'sources', [
      ['id', 'id'],
      ['title', 'text'],
      ['url', 'text'],
      ['notes', 'text'],
      ['status', 'id'],
    ]);
    this.readLevelModels(doc);
    for (const k of ['scale', 'totalWeight', 'rounding']) if (head[k] !== undefined) doc[k] = head[k];
    doc.predicateBands = this.readRecords(SHEETS.bands, BAND_COLUMNS, 'predicateBands', [
      ['name', 'text'],
      ['nameEn', 'text'],
      ['min', 'decimal'],
      ['max', 'decimal'],
      ['notes', 'text'],
    ]);
    if (head.crosswalk !== undefined) doc.crosswalk = head.crosswalk;
    this.readCrosswalk(doc);
    if (head.notes !== undefined) doc.notes = head.notes;
    this.readNodes(doc);
    return doc;
  }

  /** The cell (or row, or sheet) a validator error points at. */
  locate(path: string, code: string): string {
    if (code === 'weight_sum') {
      if (path === '$.nodes') return this.where.get('$.totalWeight') ?? sheetRef(SHEETS.nodes);
      if (path.endsWith('.children')) {
        const w = this.where.get(`${path.slice(0, -'.children'.length)}.weight`);
        if (w) return w;
      }
    }
    let p = path;
    for (;;) {
      const hit = this.where.get(p);
      if (hit) return hit;
      const m = /(\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/.exec(p);
      if (!m || p === '$') return sheetRef(SHEETS.meta);
      p = p.slice(0, p.length - m[0].length) || '$';
    }
  }
}

function issuesError(issues: WorkbookIssue[]): ValidationError {
  return new ValidationError(
    `Buku kerja instrumen tidak valid (${issues.length} kesalahan). Setiap kesalahan menyebut selnya, mis. Node!F12.`,
    issues,
    `Invalid instrument workbook (${issues.length} errors). Each error names its cell, e.g. Node!F12.`,
  );
}

/**
 * Reads an instrument workbook into the JSON document and validates it with `validateInstrument`.
 * Throws ValidationError whose `details` name the cell of every problem (`path`: `Node!H12`,
 * `jsonPath`: `$.nodes[0].children[1].weight`), 413 for a zip that inflates past 50 MB or a workbook
 * past the row, cell or string limits (`WORKBOOK_LIMITS`).
 */
export async function instrumentFromWorkbook(body: Buffer): Promise<Instrument> {
  const wb = await loadWorkbook(body, guardWith());
  const reader = new WorkbookReader(wb);
  const doc = reader.read();
  if (reader.issues.length > 0) throw issuesError(reader.issues);
  const result = validateInstrument(doc);
  if (!result.ok) {
    throw issuesError(
      result.errors.map((e) => ({
        path: reader.locate(e.path, e.code),
        jsonPath: e.path,
        code: e.code,
        message: e.message,
        messageEn: e.messageEn,
      })),
    );
  }
  return result.instrument;
}
