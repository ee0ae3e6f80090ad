/**
 * The self-assessment template: a workbook a unit fills offline and uploads back. Building it and
 * reading it back are here (no database); the service decides what may be saved and saves through
 * the assessments service, so the same window, state, returned-indicator and audit rules apply.
 *
 * Layout: sheet "Penilaian Mandiri" with one row per indicator (criteria, current answer,
 * drop-down for the level, editable cells unlocked, everything else locked), sheet "Petunjuk", and
 * a very hidden, protected sheet "Meta" naming the assessment, cycle, unit and instrument hash the
 * template belongs to, and the version of every answer when it was downloaded.
 */
import ExcelJS from 'exceljs';
import type { CompiledInstrument } from '../../domain/scoring/index.js';
import type { IndicatorView } from '../../domain/workflow/index.js';
import { formatWib } from './reports.format.js';
import { cellText } from './reports.upload.js';

export const TEMPLATE_FORMAT = 'mercusuar.self-assessment-template/1';
export const TEMPLATE_SHEET = 'Penilaian Mandiri';
export const META_SHEET = 'Meta';
export const GUIDE_SHEET = 'Petunjuk';

export const TEMPLATE_COLUMNS = [
  { key: 'code', header: 'Kode Indikator', width: 13 },
  { key: 'name', header: 'Indikator', width: 36 },
  { key: 'domain', header: 'Domain', width: 20 },
  { key: 'kind', header: 'Jenis', width: 11 },
  { key: 'criteria', header: 'Kriteria Tingkat 1–5', width: 70 },
  { key: 'unit', header: 'Satuan Nilai Terukur', width: 16 },
  { key: 'level', header: 'Tingkat (1–5 / NA)', width: 12 },
  { key: 'metric', header: 'Nilai Terukur', width: 13 },
  { key: 'justification', header: 'Justifikasi', width: 60 },
  { key: 'status', header: 'Keterangan', width: 34 },
  { key: 'verified', header: 'Tingkat Terverifikasi (informasi)', width: 14 },
] as const;
export type ColumnKey = (typeof TEMPLATE_COLUMNS)[number]['key'];
const COL = Object.fromEntries(TEMPLATE_COLUMNS.map((c, i) => [c.key, i + 1])) as Record<ColumnKey, number>;
export const columnLetter = (n: number) => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

export interface TemplateMeta {
  format: string;
  assessmentId: string;
  cycleId: string;
  cycleName: string;
  unitId: string;
  unitCode: string;
  unitName: string;
  instrumentVersionId: string;
  instrumentCode: string;
  instrumentVersion: string;
  instrumentHash: string;
  generatedAt: string;
}

export interface TemplateAnswer {
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
  justification: string | null;
  version: number;
}

export interface TemplateInput {
  meta: TemplateMeta;
  compiled: CompiledInstrument;
  views: IndicatorView[];
  /** Indicators the downloading user may answer now (state, window, returned indicators, role). */
  editable: ReadonlySet<string>;
  state: string;
  stateLabel: string;
  responses: ReadonlyMap<string, TemplateAnswer>;
  verified: ReadonlyMap<string, { level: number | null; notApplicable: boolean }>;
  generatedAt: Date;
}

const LOCKED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F5' } };
const EDIT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF9DB' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE9ECEF' } };

function domainOf(c: CompiledInstrument, i: number) {
  let node = c.indicatorNode[i]!;
  while (c.nodeDepth[node]! > 1) node = c.parent[node]!;
  return c.nodeSource[node]!;
}

/** Builds the template workbook. */
export async function buildTemplate(input: TemplateInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mercusuar';
  wb.created = input.generatedAt;
  const c = input.compiled;

  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  ws.columns = TEMPLATE_COLUMNS.map((col) => ({ key: col.key, width: col.width }));
  const header = ws.addRow(TEMPLATE_COLUMNS.map((col) => col.header));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.alignment = { wrapText: true, vertical: 'middle' };
  });

  input.views.forEach((view, i) => {
    const node = c.nodeSource[c.indicatorNode[i]!] as { criteria: string[]; name: string };
    const r = input.responses.get(view.code);
    const v = input.verified.get(view.code);
    const editable = input.editable.has(view.code);
    const metric = view.kind === 'metric';
    const status = !view.applicable
      ? 'Tidak berlaku untuk jenis unit ini'
      : editable
        ? 'Dapat diisi'
        : `Terkunci (${input.stateLabel.toLowerCase()})`;
    const row = ws.addRow([
      view.code,
      view.name,
      `${domainOf(c, i).code} – ${domainOf(c, i).name}`,
      metric ? 'terukur' : 'kematangan',
      node.criteria.map((text, k) => `${k + 1}: ${text}`).join('\n'),
      metric ? (view.metric?.unit ?? null) : null,
      r?.notApplicable ? 'NA' : metric ? null : (r?.level ?? null),
      metric && !r?.notApplicable && r?.metricValue ? Number(r.metricValue) : null,
      r?.justification ?? null,
      status,
      v ? (v.notApplicable ? 'NA' : v.level) : null,
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.fill = LOCKED_FILL;
      cell.protection = { locked: true };
    });
    if (editable) {
      const levelCell = row.getCell(COL.level);
      const metricCell = row.getCell(COL.metric);
      const justCell = row.getCell(COL.justification);
      for (const cell of [justCell, ...(metric ? [metricCell] : [levelCell])]) {
        cell.protection = { locked: false };
        cell.fill = EDIT_FILL;
      }
      if (!metric) {
        levelCell.dataValidation = {
          type: 'list',
          allowBlank: true,
          formulae: [view.naAllowed ? '"1,2,3,4,5,NA"' : '"1,2,3,4,5"'],
          showErrorMessage: true,
          errorStyle: 'stop',
          errorTitle: 'Tingkat tidak valid',
          error: view.naAllowed ? 'Pilih tingkat 1–5 atau NA.' : 'Pilih tingkat 1–5.',
        };
      } else {
        if (view.naAllowed) {
          levelCell.protection = { locked: false };
          levelCell.fill = EDIT_FILL;
          levelCell.dataValidation = {
            type: 'list',
            allowBlank: true,
            formulae: ['"NA"'],
            showErrorMessage: true,
            errorTitle: 'Isian tidak valid',
            error: 'Indikator terukur: isi Nilai Terukur; kolom ini hanya untuk NA.',
          };
        }
        const m = view.metric!;
        const bound = (d: { units: bigint; scale: number } | undefined) =>
          d ? Number(d.units) / 10 ** d.scale : undefined;
        const lo = bound(m.valueMin);
        const hi = bound(m.valueMax);
        metricCell.numFmt = '0.###';
        metricCell.dataValidation = {
          type: 'decimal',
          operator: lo !== undefined && hi !== undefined ? 'between' : 'greaterThanOrEqual',
          allowBlank: true,
          formulae: lo !== undefined && hi !== undefined ? [lo, hi] : [lo ?? -1e12],
          showErrorMessage: true,
          errorTitle: 'Nilai terukur tidak valid',
          error: `Isi angka${lo !== undefined ? ` ≥ ${lo}` : ''}${hi !== undefined ? ` dan ≤ ${hi}` : ''} (${m.unit}).`,
        };
      }
    }
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: TEMPLATE_COLUMNS.length } };
  await ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    autoFilter: true,
  });

  const guide = wb.addWorksheet(GUIDE_SHEET);
  guide.columns = [{ width: 110 }];
  for (const line of [
    `Templat penilaian mandiri — ${input.meta.unitName} (${input.meta.unitCode})`,
    `Siklus: ${input.meta.cycleName}. Diunduh ${formatWib(input.generatedAt)}.`,
    '',
    '1. Isi hanya sel berwarna kuning pada lembar "Penilaian Mandiri": Tingkat (1–5 atau NA), Nilai Terukur (indikator terukur) dan Justifikasi.',
    '2. Jawaban "NA" (tidak berlaku) hanya untuk indikator yang mengizinkannya dan wajib disertai justifikasi minimal 10 karakter.',
    '3. Jangan mengubah judul kolom, kode indikator, atau lembar lain; jangan menyalin baris dari templat unit atau siklus lain.',
    '4. Unggah kembali berkas ini pada halaman penilaian. Setiap baris diperiksa; bila ada yang salah, tidak ada yang disimpan',
    '   (kecuali Anda memilih "impor baris yang valid"). Kesalahan disebutkan per lembar, baris dan kolom.',
    '5. Tingkat terverifikasi hanya informasi: nilai asesor tidak pernah diubah oleh impor.',
    '6. Bukti dukung tidak diunggah lewat templat: lampirkan bukti di aplikasi.',
  ]) {
    guide.addRow([line]);
  }
  guide.getRow(1).font = { bold: true, size: 13 };

  const meta = wb.addWorksheet(META_SHEET, { state: 'veryHidden' });
  meta.columns = [{ width: 24 }, { width: 60 }];
  for (const [k, v] of Object.entries(input.meta)) meta.addRow([k, v]);
  meta.addRow([]);
  meta.addRow(['versions', 'indicatorCode → response version at download (0 = no answer yet)']);
  for (const view of input.views) meta.addRow([view.code, input.responses.get(view.code)?.version ?? 0]);
  await meta.protect('', {});

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ------------------------------------------------------------------------------------------------
// Reading an uploaded template

export interface TemplateProblem {
  sheet: string;
  row: number | null;
  column: string | null;
  columnHeader: string | null;
  indicatorCode?: string;
  message: string;
  messageEn: string;
}

export interface TemplateRow {
  row: number;
  code: string;
  level: ExcelJS.CellValue;
  metric: ExcelJS.CellValue;
  justification: ExcelJS.CellValue;
}

export interface ParsedTemplate {
  meta: Partial<TemplateMeta>;
  versions: Map<string, number>;
  rows: TemplateRow[];
  problems: TemplateProblem[];
}

const problemAt = (
  sheet: string,
  row: number | null,
  key: ColumnKey | null,
  message: string,
  messageEn: string,
  indicatorCode?: string,
): TemplateProblem => ({
  sheet,
  row,
  column: key ? columnLetter(COL[key]) : null,
  columnHeader: key ? TEMPLATE_COLUMNS[COL[key] - 1]!.header : null,
  ...(indicatorCode ? { indicatorCode } : {}),
  message,
  messageEn,
});

/** Formula cells count by their cached result; everything else as given. */
function cellValueOf(v: ExcelJS.CellValue): ExcelJS.CellValue {
  if (v && typeof v === 'object' && 'result' in v) return (v.result ?? null) as ExcelJS.CellValue;
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
  return v ?? null;
}

/**
 * Reads a loaded workbook as a template: the meta sheet, the header row (exactly as written), and
 * the raw editable values of every indicator row. Structural problems are returned, not thrown.
 */
export function readTemplate(wb: ExcelJS.Workbook): ParsedTemplate {
  const problems: TemplateProblem[] = [];
  const meta: Partial<TemplateMeta> = {};
  const versions = new Map<string, number>();
  const metaSheet = wb.getWorksheet(META_SHEET);
  if (!metaSheet) {
    problems.push(
      problemAt(
        META_SHEET,
        null,
        null,
        'Berkas ini bukan templat penilaian Mercusuar: lembar tersembunyi "Meta" tidak ada. Unduh templat dari halaman penilaian.',
        'This file is not a Mercusuar self-assessment template: the hidden "Meta" sheet is missing.',
      ),
    );
    return { meta, versions, rows: [], problems };
  }
  let inVersions = false;
  metaSheet.eachRow((r) => {
    const key = cellText(cellValueOf(r.getCell(1).value));
    const value = cellValueOf(r.getCell(2).value);
    if (key === 'versions') {
      inVersions = true;
      return;
    }
    if (!key) return;
    if (inVersions) versions.set(key, Number(value) || 0);
    else (meta as Record<string, string>)[key] = cellText(value);
  });

  const ws = wb.getWorksheet(TEMPLATE_SHEET);
  if (!ws) {
    problems.push(
      problemAt(
        TEMPLATE_SHEET,
        null,
        null,
        `Lembar "${TEMPLATE_SHEET}" tidak ada (namanya diubah atau dihapus).`,
        `Sheet "${TEMPLATE_SHEET}" is missing.`,
      ),
    );
    return { meta, versions, rows: [], problems };
  }
  const header = ws.getRow(1);
  TEMPLATE_COLUMNS.forEach((col, i) => {
    const found = cellText(cellValueOf(header.getCell(i + 1).value)).trim();
    if (found !== col.header) {
      problems.push(
        problemAt(
          TEMPLATE_SHEET,
          1,
          col.key,
          `Judul kolom ${columnLetter(i + 1)} diubah: tertulis "${found}", seharusnya "${col.header}".`,
          `Header of column ${columnLetter(i + 1)} was changed: "${found}" instead of "${col.header}".`,
        ),
      );
    }
  });
  const extra = cellText(cellValueOf(header.getCell(TEMPLATE_COLUMNS.length + 1).value)).trim();
  if (extra) {
    problems.push({
      sheet: TEMPLATE_SHEET,
      row: 1,
      column: columnLetter(TEMPLATE_COLUMNS.length + 1),
      columnHeader: extra,
      message: `Kolom tambahan "${extra}" tidak dikenal; hapus kolom itu.`,
      messageEn: `Unknown extra column "${extra}".`,
    });
  }
  if (problems.length > 0) return { meta, versions, rows: [], problems };

  const rows: TemplateRow[] = [];
  ws.eachRow((r, n) => {
    if (n === 1) return;
    const code = cellText(cellValueOf(r.getCell(COL.code).value)).trim();
    const level = cellValueOf(r.getCell(COL.level).value);
    const metric = cellValueOf(r.getCell(COL.metric).value);
    const justification = cellValueOf(r.getCell(COL.justification).value);
    if (!code && level === null && metric === null && justification === null) return;
    rows.push({ row: n, code, level, metric, justification });
  });
  return { meta, versions, rows, problems };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A level cell: 1–5, NA, or empty; anything else is a problem (text, fractions, out of range). */
export function parseLevel(
  v: ExcelJS.CellValue,
): { ok: true; level: number | null; na: boolean } | { ok: false; message: string; messageEn: string } {
  if (v === null || v === undefined || v === '') return { ok: true, level: null, na: false };
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 1 && v <= 5) return { ok: true, level: v, na: false };
    return {
      ok: false,
      message: `Tingkat harus bilangan bulat 1–5 atau NA; tertulis ${String(v).replace('.', ',')}.`,
      messageEn: `The level must be a whole number 1–5 or NA; found ${v}.`,
    };
  }
  const s = cellText(v).trim().toUpperCase();
  if (s === '') return { ok: true, level: null, na: false };
  if (s === 'NA' || s === 'N/A') return { ok: true, level: null, na: true };
  if (/^[1-5]$/.test(s)) return { ok: true, level: Number(s), na: false };
  return {
    ok: false,
    message: `Tingkat harus 1–5 atau NA; tertulis "${cellText(v).trim()}".`,
    messageEn: `The level must be 1–5 or NA; found "${cellText(v).trim()}".`,
  };
}

/** A measured value: a number cell, or text with a decimal point or comma ("12,5"); empty = none. */
export function parseMetric(
  v: ExcelJS.CellValue,
): { ok: true; value: string | null } | { ok: false; message: string; messageEn: string } {
  if (v === null || v === undefined || v === '') return { ok: true, value: null };
  if (typeof v === 'number') {
    const text = String(v);
    if (Number.isFinite(v) && DECIMAL.test(text)) return { ok: true, value: text };
    return {
      ok: false,
      message: `Nilai terukur tidak dapat dibaca: ${text}.`,
      messageEn: `Unreadable measured value: ${text}.`,
    };
  }
  const raw = cellText(v).trim();
  if (raw === '') return { ok: true, value: null };
  const text = /^-?\d+,\d+$/.test(raw) ? raw.replace(',', '.') : raw;
  if (DECIMAL.test(text)) return { ok: true, value: text };
  return {
    ok: false,
    message: `Nilai terukur harus angka; tertulis "${raw}".`,
    messageEn: `The measured value must be a number; found "${raw}".`,
  };
}

export function parseJustification(v: ExcelJS.CellValue): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : cellText(v);
  return s.trim() === '' ? null : s.trim();
}

export { problemAt };
