/**
 * Excel exports, written with exceljs' streaming WorkbookWriter: rows are committed as they are
 * written, so memory stays flat however many units a cycle has. Indonesian headers, a frozen
 * header row, filters, and proper number formats: an index is a NUMBER cell (parsed from the exact
 * reported text, shown with the instrument's decimals), shares are percentages, times are WIB.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { STATE_LABELS } from '../../domain/workflow/index.js';
import type {
  CycleReportData,
  InstrumentInfo,
  MatrixData,
  MatrixRow,
  UnitReportData,
} from './reports.data.js';
import { formatWib, GENERATOR, labelOf, wibWallClock } from './reports.format.js';

type Cell = ExcelJS.CellValue;
type Sheet = ExcelJS.Worksheet;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE9ECEF' } };
const GROUP_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD0EBFF' } };
export const DATE_TIME_FMT = 'dd/mm/yyyy hh:mm';
export const DATE_FMT = 'dd/mm/yyyy';
/** A calendar date ("2026-01-15") as a date cell (midnight UTC, which Excel shows as that day). */
const dateCell = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null);
export const PERCENT_FMT = '0.0%';
export const indexFormat = (decimals: number) => (decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0');

export interface Column {
  header: string;
  width: number;
  numFmt?: string;
  wrap?: boolean;
}

function newWriter(out: Writable) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = GENERATOR;
  wb.created = new Date();
  return wb;
}

/** A sheet with one styled, frozen, filterable header row (or two when `groups` are given). */
function addTable(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: Column[],
  opts: { frozenColumns?: number; groups?: Array<{ label: string; span: number }> } = {},
): Sheet {
  const headerRows = opts.groups ? 2 : 1;
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: headerRows, xSplit: opts.frozenColumns ?? 0 }],
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  if (opts.groups) {
    const g = ws.addRow(opts.groups.flatMap((grp) => [grp.label, ...Array(grp.span - 1).fill(null)]));
    g.font = { bold: true };
    g.eachCell((cell) => {
      cell.fill = GROUP_FILL;
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    });
    let col = 1;
    for (const grp of opts.groups) {
      if (grp.span > 1) ws.mergeCells(1, col, 1, col + grp.span - 1);
      col += grp.span;
    }
    g.commit();
  }
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF868E96' } } };
  });
  header.commit();
  ws.autoFilter = { from: { row: headerRows, column: 1 }, to: { row: headerRows, column: columns.length } };
  return ws;
}

function addDataRow(ws: Sheet, columns: Column[], values: Cell[]) {
  const row = ws.addRow(values);
  columns.forEach((c, i) => {
    if (c.numFmt || c.wrap) {
      const cell = row.getCell(i + 1);
      if (c.numFmt) cell.numFmt = c.numFmt;
      if (c.wrap) cell.alignment = { wrapText: true, vertical: 'top' };
    }
  });
  row.commit();
}

/** Exact reported decimal text → number cell; null stays empty. */
export const num = (text: string | null | undefined): number | null =>
  text === null || text === undefined || text === '' ? null : Number(text);

/** Key–value sheet: what the file is, for whom, from which inputs, generated when and by what. */
function addInfoSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  title: string,
  entries: Array<[string, Cell, string?]>,
) {
  const ws = wb.addWorksheet('Keterangan');
  ws.columns = [{ width: 34 }, { width: 90 }];
  const t = ws.addRow([title]);
  t.font = { bold: true, size: 14 };
  t.commit();
  ws.addRow([]).commit();
  for (const [k, v, fmt] of entries) {
    const r = ws.addRow([k, v]);
    r.getCell(1).font = { bold: true };
    r.getCell(2).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
    if (fmt) r.getCell(2).numFmt = fmt;
    r.commit();
  }
  ws.commit();
}

function instrumentLabel(i: InstrumentInfo) {
  return `${i.title} (${i.code} versi ${i.version})`;
}

function commonInfo(data: { generatedAt: Date; generatorVersion: string; instrument: InstrumentInfo }) {
  return [
    ['Instrumen', instrumentLabel(data.instrument)],
    ['Hash isi instrumen (SHA-256)', data.instrument.contentHash],
    ['Dibuat pada (WIB)', wibWallClock(data.generatedAt), DATE_TIME_FMT],
    ['Dibuat pada', formatWib(data.generatedAt)],
    ['Pembuat', `Mercusuar ${data.generatorVersion}`],
  ] as Array<[string, Cell, string?]>;
}

// ------------------------------------------------------------------------------------------------
// 1. Cycle results: ranking, domain indices, predicate, change

export function resultsColumns(data: Pick<CycleReportData, 'instrument'>): Column[] {
  const idx = indexFormat(data.instrument.decimals);
  return [
    { header: 'Peringkat', width: 10, numFmt: '0' },
    { header: 'Kode Unit', width: 18 },
    { header: 'Nama Unit', width: 48 },
    { header: 'Jenis Unit', width: 14 },
    { header: 'Status Penilaian', width: 16 },
    { header: 'Final', width: 8 },
    { header: 'Indeks Terverifikasi', width: 12, numFmt: idx },
    { header: 'Predikat', width: 14 },
    { header: 'Indeks Mandiri', width: 12, numFmt: idx },
    { header: 'Selisih Mandiri − Terverifikasi', width: 14, numFmt: idx },
    { header: 'Indeks Siklus Sebelumnya', width: 12, numFmt: idx },
    { header: 'Perubahan', width: 12, numFmt: `+${idx};-${idx};${idx}` },
    ...data.instrument.domains.map((d) => ({
      header: `Indeks ${d.code} – ${d.name}`,
      width: 14,
      numFmt: idx,
    })),
    { header: 'Kelengkapan Bukti', width: 12, numFmt: PERCENT_FMT },
    { header: 'Cakupan Verifikasi', width: 12, numFmt: PERCENT_FMT },
    { header: 'Di Bawah Target', width: 10 },
    { header: 'Kuartil Bawah', width: 10 },
    { header: 'Hash Snapshot Skor (SHA-256)', width: 68 },
  ];
}

const yesNo = (b: boolean) => (b ? 'Ya' : 'Tidak');

/** The values of one ranking row, in `resultsColumns` order. */
export function resultsRowValues(
  data: Pick<CycleReportData, 'instrument'>,
  u: CycleReportData['results']['units'][number],
): Cell[] {
  return [
    u.rank,
    u.unit.code,
    u.unit.name,
    u.unit.type,
    labelOf(STATE_LABELS, u.state),
    yesNo(u.final),
    num(u.verifiedIndex),
    u.predicate,
    num(u.selfIndex),
    num(u.gap),
    num(u.previousIndex),
    num(u.change),
    ...data.instrument.domains.map((d) => num(u.domains.find((x) => x.code === d.code)?.index)),
    num(u.evidenceCompleteness),
    num(u.verificationCoverage),
    yesNo(u.belowTarget),
    yesNo(u.inBottomQuartile),
    u.snapshotHash,
  ];
}

export async function writeResultsXlsx(data: CycleReportData, out: Writable): Promise<void> {
  const wb = newWriter(out);
  const cols = resultsColumns(data);
  const ws = addTable(wb, 'Peringkat', cols, { frozenColumns: 3 });
  for (const u of data.results.units) addDataRow(ws, cols, resultsRowValues(data, u));
  ws.commit();

  const distCols: Column[] = [
    { header: 'Predikat', width: 18 },
    { header: 'Rentang Indeks', width: 18 },
    { header: 'Jumlah Unit Final', width: 14, numFmt: '0' },
  ];
  const dist = addTable(wb, 'Sebaran Predikat', distCols);
  for (const d of data.results.aggregate.predicateDistribution) {
    const band = data.instrument.bands.find((b) => b.name === d.predicate);
    addDataRow(dist, distCols, [d.predicate, band ? `${band.min} – ${band.max}` : null, d.count]);
  }
  dist.commit();

  const a = data.results.aggregate;
  const idx = indexFormat(data.instrument.decimals);
  addInfoSheet(wb, `Hasil ${data.cycle.name}`, [
    ['Siklus', data.cycle.name],
    ['Periode', `${data.cycle.periodStart} s.d. ${data.cycle.periodEnd}`],
    ['Status siklus', data.cycle.status],
    ['Target indeks', num(data.cycle.targetIndex), idx],
    ['Jumlah unit', a.unitCount, '0'],
    ['Jumlah unit final', a.finalCount, '0'],
    ['Rata-rata indeks (unit final)', num(a.meanIndex), idx],
    ['Median indeks (unit final)', num(a.medianIndex), idx],
    ['Rata-rata selisih mandiri − terverifikasi', num(a.meanGap), idx],
    ['Unit yang menilai diri lebih tinggi', a.overClaimingUnits, '0'],
    ['Rumus', data.results.method.formula],
    [
      'Pembulatan',
      `Setengah ke atas, ${data.instrument.decimals} desimal, sekali pada nilai yang dilaporkan; predikat dibaca dari nilai yang dilaporkan.`,
    ],
    ...commonInfo(data),
    ['Catatan', 'Peringkat hanya untuk unit final (snapshot skor beku); unit lain bernilai sementara.'],
  ]);
  await wb.commit();
}

// ------------------------------------------------------------------------------------------------
// 2. Units × indicators matrix (self and verified level of every indicator)

export interface MatrixMeta {
  generatedAt: Date;
  generatorVersion: string;
  cycle: MatrixData['cycle'];
  instrument: InstrumentInfo;
  indicators: MatrixData['indicators'];
}

export const MATRIX_FIXED_COLUMNS = 7;

/**
 * Streams the matrix: one row per unit, then for each indicator its self-assessed and verified
 * level (1–5, "NA", or empty when unanswered). Rows may come from an async generator (national
 * scale: 25,000 units) and are committed one by one.
 */
export async function writeMatrixXlsx(
  meta: MatrixMeta,
  rows: Iterable<MatrixRow> | AsyncIterable<MatrixRow>,
  out: Writable,
): Promise<number> {
  const wb = newWriter(out);
  const idx = indexFormat(meta.instrument.decimals);
  const fixed: Column[] = [
    { header: 'Kode Unit', width: 18 },
    { header: 'Nama Unit', width: 40 },
    { header: 'Jenis Unit', width: 12 },
    { header: 'Status Penilaian', width: 14 },
    { header: 'Final', width: 7 },
    { header: 'Indeks Terverifikasi', width: 11, numFmt: idx },
    { header: 'Predikat', width: 13 },
  ];
  const perIndicator: Column[] = meta.indicators.flatMap((i) => [
    { header: `${i.code} Mandiri`, width: 9, numFmt: '0' },
    { header: `${i.code} Terverifikasi`, width: 11, numFmt: '0' },
  ]);
  const cols = [...fixed, ...perIndicator];
  const ws = addTable(wb, 'Matriks', cols, {
    frozenColumns: 2,
    groups: [
      { label: 'Unit', span: fixed.length },
      ...meta.indicators.map((i) => ({ label: `${i.code} – ${i.name}`, span: 2 })),
    ],
  });
  let count = 0;
  for await (const r of rows) {
    const values: Cell[] = [
      r.unitCode,
      r.unitName,
      r.unitType,
      labelOf(STATE_LABELS, r.state),
      yesNo(r.final),
      num(r.verifiedIndex),
      r.predicate,
    ];
    for (let i = 0; i < meta.indicators.length; i++) values.push(r.self[i] ?? null, r.verified[i] ?? null);
    // Plain row commit: per-cell number formats on 2 × 47 level cells would double the file for nothing.
    ws.addRow(values).commit();
    count++;
  }
  ws.commit();

  const indCols: Column[] = [
    { header: 'Kode Indikator', width: 14 },
    { header: 'Nama Indikator', width: 60 },
    { header: 'Domain', width: 10 },
    { header: 'Jenis', width: 12 },
    { header: 'Bobot', width: 10 },
  ];
  const ind = addTable(wb, 'Indikator', indCols);
  for (const i of meta.indicators)
    addDataRow(ind, indCols, [
      i.code,
      i.name,
      i.domainCode,
      i.kind === 'metric' ? 'terukur' : 'kematangan',
      Number(i.weight),
    ]);
  ind.commit();

  addInfoSheet(wb, `Matriks unit × indikator — ${meta.cycle.name}`, [
    ['Siklus', meta.cycle.name],
    ['Periode', `${meta.cycle.periodStart} s.d. ${meta.cycle.periodEnd}`],
    ['Jumlah unit', count, '0'],
    ['Jumlah indikator', meta.indicators.length, '0'],
    [
      'Isi sel',
      'Tingkat 1–5; "NA" = tidak berlaku (termasuk indikator yang tidak berlaku bagi jenis unit); kosong = belum dijawab/diverifikasi. Tingkat terverifikasi unit final diambil dari snapshot skor beku.',
    ],
    ...commonInfo(meta),
  ]);
  await wb.commit();
  return count;
}

// ------------------------------------------------------------------------------------------------
// 3. One unit's full assessment

export async function writeAssessmentXlsx(data: UnitReportData, out: Writable): Promise<void> {
  const wb = newWriter(out);
  const idx = indexFormat(data.instrument.decimals);
  const r = data.result;

  const ansCols: Column[] = [
    { header: 'Kode Indikator', width: 12 },
    { header: 'Indikator', width: 44, wrap: true },
    { header: 'Domain', width: 24, wrap: true },
    { header: 'Jenis', width: 11 },
    { header: 'Bobot', width: 8 },
    { header: 'Berlaku', width: 9 },
    { header: 'Tingkat Mandiri', width: 10 },
    { header: 'Nilai Terukur Mandiri', width: 12 },
    { header: 'Satuan', width: 16 },
    { header: 'Justifikasi', width: 60, wrap: true },
    { header: 'Jumlah Bukti', width: 9, numFmt: '0' },
    { header: 'Tingkat Terverifikasi', width: 12 },
    { header: 'Nilai Terukur Terverifikasi', width: 12 },
    { header: 'Alasan Verifikasi', width: 26, wrap: true },
    { header: 'Catatan Asesor', width: 50, wrap: true },
    { header: 'Tahap Verifikasi', width: 18 },
    { header: 'Diverifikasi oleh', width: 24 },
  ];
  const ws = addTable(wb, 'Jawaban', ansCols, { frozenColumns: 2 });
  const level = (l: number | null | undefined, na: boolean | undefined) =>
    na ? 'NA' : l === null || l === undefined ? null : l;
  for (const i of data.indicators) {
    addDataRow(ws, ansCols, [
      i.code,
      i.name,
      `${i.domainCode} – ${i.domainName}`,
      i.kind === 'metric' ? 'terukur' : 'kematangan',
      Number(i.weight),
      yesNo(i.applicable),
      level(i.self?.level, i.self?.notApplicable),
      num(i.self?.metricValue),
      i.metricUnit,
      i.self?.justification ?? null,
      i.self?.evidenceCount ?? 0,
      level(i.verified?.level, i.verified?.notApplicable),
      num(i.verified?.metricValue),
      i.verified?.reasonLabel ?? null,
      i.verified?.note ?? null,
      i.verified?.stageLabel ?? null,
      i.verified?.verifiedBy ?? null,
    ]);
  }
  ws.commit();

  const evCols: Column[] = [
    { header: 'Judul', width: 40, wrap: true },
    { header: 'Bentuk', width: 8 },
    { header: 'Jenis Dokumen', width: 14 },
    { header: 'Tanggal Dokumen', width: 13, numFmt: DATE_FMT },
    { header: 'Berlaku Sampai', width: 13, numFmt: DATE_FMT },
    { header: 'Nama Berkas', width: 28 },
    { header: 'Ukuran (bita)', width: 12, numFmt: '#,##0' },
    { header: 'SHA-256', width: 68 },
    { header: 'Tautan', width: 40 },
    { header: 'Indikator', width: 30, wrap: true },
  ];
  const ev = addTable(wb, 'Bukti', evCols);
  for (const e of data.evidence) {
    addDataRow(ev, evCols, [
      e.title,
      e.kind === 'file' ? 'berkas' : 'tautan',
      e.docType,
      dateCell(e.docDate),
      dateCell(e.validUntil),
      e.originalName,
      e.sizeBytes,
      e.sha256,
      e.url,
      e.indicators.join(', '),
    ]);
  }
  ev.commit();

  const recCols: Column[] = [
    { header: 'Urutan', width: 8, numFmt: '0' },
    { header: 'Kode Indikator', width: 12 },
    { header: 'Indikator', width: 40, wrap: true },
    { header: 'Tingkat Sekarang', width: 10, numFmt: '0' },
    { header: 'Tingkat Berikutnya', width: 10, numFmt: '0' },
    { header: 'Kriteria Tingkat Berikutnya', width: 80, wrap: true },
    { header: 'Kenaikan Indeks', width: 12, numFmt: '0.0000' },
    { header: 'Diperlukan untuk Target', width: 12 },
  ];
  const rec = addTable(wb, 'Rekomendasi', recCols);
  data.recommendations.forEach((x, k) => {
    addDataRow(rec, recCols, [
      k + 1,
      x.code,
      x.name,
      x.level,
      x.nextLevel,
      x.criterion,
      num(x.gain),
      yesNo(x.neededForTarget),
    ]);
  });
  rec.commit();

  addInfoSheet(wb, `Penilaian ${data.unit.name}`, [
    ['Unit', `${data.unit.name} (${data.unit.code})`],
    ['Siklus', data.cycle.name],
    ['Status penilaian', data.assessment.stateLabel],
    ['Nilai', data.assessment.final ? 'Final (snapshot skor beku)' : 'Sementara (belum final)'],
    ['Indeks terverifikasi', num(r.verifiedIndex), idx],
    ['Predikat', r.predicate],
    ['Indeks mandiri', num(r.selfIndex), idx],
    ['Peringkat', r.rank === null ? null : `${r.rank} dari ${data.rankedCount}`],
    ['Perubahan dari siklus sebelumnya', num(r.change), idx],
    ['Hash snapshot skor (SHA-256)', r.snapshotHash],
    ...commonInfo(data),
  ]);
  await wb.commit();
}
