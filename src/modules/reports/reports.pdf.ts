/**
 * Official PDF reports with pdfmake 0.3 on the server: A4, Indonesian, Roboto embedded from
 * pdfmake's bundled font files (no network; the file system only for those fonts), charts drawn by the shared ECharts builders and embedded as SVG. Every page
 * carries "Halaman X dari Y" and a footer naming the generation time (WIB), the generator
 * version and the SHA-256 of the score snapshot the numbers come from.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import type {
  Content,
  ContentSvg,
  ContentTable,
  TableCell,
  TDocumentDefinitions,
} from 'pdfmake/interfaces.js';
import {
  domainBarOption,
  domainRadarOption,
  heatmapOption,
  predicateColours,
  predicateDistributionOption,
  trendOption,
} from '../../domain/charts/index.js';
import { UNIT_TYPE_LABELS, type UnitType } from '../../domain/units.js';
import { renderChartSvg } from './charts-ssr.js';
import type { CycleReportData, UnitReportData } from './reports.data.js';
import {
  fmtBytes,
  fmtChange,
  fmtIndex,
  fmtLevel,
  formatDateId,
  formatPercent,
  formatWib,
  GENERATOR,
} from './reports.format.js';

// ------------------------------------------------------------------------------------------------
// Printer: Roboto from the font files pdfmake ships; no URL access, and local access only to
// those four files. (Real paths rather than pdfmake's in-memory vfs: the SVG renderer inside
// pdfmake hands font names straight to PDFKit, which opens them from disk; with a path PDFKit
// also parses each font once per document instead of once per chart label.)

const requireFromHere = createRequire(import.meta.url);
const FONT_FILES = {
  normal: requireFromHere.resolve('pdfmake/fonts/Roboto/Roboto-Regular.ttf'),
  bold: requireFromHere.resolve('pdfmake/fonts/Roboto/Roboto-Medium.ttf'),
  italics: requireFromHere.resolve('pdfmake/fonts/Roboto/Roboto-Italic.ttf'),
  bolditalics: requireFromHere.resolve('pdfmake/fonts/Roboto/Roboto-MediumItalic.ttf'),
} as const;
const ALLOWED_FILES = new Set<string>(Object.values(FONT_FILES));

let ready = false;
function printer() {
  if (!ready) {
    pdfmake.setFonts({ Roboto: { ...FONT_FILES } });
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((p: string) => ALLOWED_FILES.has(path.resolve(p)));
    ready = true;
  }
  return pdfmake;
}

/** Renders a document definition to PDF bytes. */
export async function renderPdf(doc: TDocumentDefinitions): Promise<Buffer> {
  const out = printer().createPdf(doc) as unknown as { getBuffer(): Promise<Buffer> };
  return out.getBuffer();
}

// ------------------------------------------------------------------------------------------------
// Shared pieces. Text uses only glyphs Roboto has (no → or ★: they would print as nothing).

const PAGE_WIDTH = 595.28 - 2 * 40;
const COLOURS = { ink: '#212529', muted: '#495057', line: '#ced4da', head: '#e9ecef', accent: '#1971c2' };

const styles: TDocumentDefinitions['styles'] = {
  coverKicker: { fontSize: 12, color: COLOURS.muted, characterSpacing: 1 },
  coverTitle: { fontSize: 26, bold: true, color: COLOURS.ink },
  coverUnit: { fontSize: 18, bold: true, color: COLOURS.accent },
  h1: { fontSize: 15, bold: true, margin: [0, 0, 0, 8], color: COLOURS.ink },
  h2: { fontSize: 11.5, bold: true, margin: [0, 10, 0, 4], color: COLOURS.ink },
  muted: { color: COLOURS.muted },
  small: { fontSize: 7.5 },
  th: { bold: true, fontSize: 8, fillColor: COLOURS.head },
  td: { fontSize: 8 },
  bigNumber: { fontSize: 22, bold: true, color: COLOURS.accent },
};

const tableLayout = {
  hLineWidth: (i: number) => (i === 0 ? 0 : 0.5),
  vLineWidth: () => 0,
  hLineColor: () => COLOURS.line,
  paddingLeft: () => 4,
  paddingRight: () => 4,
  paddingTop: () => 3,
  paddingBottom: () => 3,
};

const th = (text: string, extra: Record<string, unknown> = {}): TableCell => ({
  text,
  style: 'th',
  ...extra,
});
const td = (text: string | number | null | undefined, extra: Record<string, unknown> = {}): TableCell => ({
  text: text === null || text === undefined || text === '' ? '–' : String(text),
  style: 'td',
  ...extra,
});

function table(
  widths: Array<string | number>,
  header: TableCell[],
  body: TableCell[][],
  opts: { dontBreakRows?: boolean } = {},
): ContentTable {
  return {
    table: { headerRows: 1, widths, body: [header, ...body], dontBreakRows: opts.dontBreakRows ?? true },
    layout: tableLayout,
  };
}

function keyValues(rows: Array<[string, string]>): Content {
  return {
    table: {
      widths: [170, '*'],
      body: rows.map(([k, v]) => [
        { text: k, style: 'td', color: COLOURS.muted },
        { text: v, style: 'td', bold: true },
      ]),
    },
    layout: tableLayout,
  };
}

function svg(option: Parameters<typeof renderChartSvg>[0], width: number, height: number): ContentSvg {
  return { svg: renderChartSvg(option, { width, height }), width, margin: [0, 4, 0, 8] };
}

function footer(generatedAt: Date, hashLabel: string, hash: string | null) {
  return (currentPage: number, pageCount: number): Content => ({
    margin: [40, 6, 40, 0],
    stack: [
      {
        columns: [
          { text: `Dibuat ${formatWib(generatedAt)} oleh ${GENERATOR}`, fontSize: 7, color: COLOURS.muted },
          {
            text: `Halaman ${currentPage} dari ${pageCount}`,
            fontSize: 7.5,
            alignment: 'right',
            color: COLOURS.ink,
            width: 110,
          },
        ],
      },
      { text: `${hashLabel}: ${hash ?? 'belum ada (nilai sementara)'}`, fontSize: 6.5, color: COLOURS.muted },
    ],
  });
}

const unitTypeLabel = (t: string) => UNIT_TYPE_LABELS[t as UnitType] ?? t;

// ------------------------------------------------------------------------------------------------
// Per unit: Laporan Hasil Evaluasi

export function unitReportDoc(d: UnitReportData): TDocumentDefinitions {
  const r = d.result;
  const dec = d.instrument.decimals;
  const indexName = d.instrument.indexName ?? 'Indeks';
  const provisional = !d.assessment.final;

  const cover: Content[] = [
    { text: ' ', margin: [0, 90, 0, 0] },
    { text: 'LAPORAN HASIL EVALUASI', style: 'coverKicker' },
    { text: indexName, style: 'coverTitle', margin: [0, 6, 0, 24] },
    { text: d.unit.name, style: 'coverUnit' },
    {
      text: `Kode unit ${d.unit.code} · ${unitTypeLabel(d.unit.type)}`,
      style: 'muted',
      margin: [0, 4, 0, 30],
    },
    keyValues([
      ['Siklus evaluasi', d.cycle.name],
      ['Pemerintah daerah', d.cycle.scopeName],
      ['Periode', `${formatDateId(d.cycle.periodStart)} s.d. ${formatDateId(d.cycle.periodEnd)}`],
      ['Instrumen', `${d.instrument.title} (versi ${d.instrument.version})`],
      ['Status penilaian', `${d.assessment.stateLabel}${provisional ? ' — nilai sementara' : ''}`],
      ['Tanggal finalisasi', d.assessment.finalizedAt ? formatWib(d.assessment.finalizedAt) : '–'],
    ]),
    {
      text: provisional
        ? 'Penilaian ini belum final: nilai dapat berubah sampai finalisasi.'
        : 'Nilai dalam laporan ini berasal dari snapshot skor yang dibekukan saat finalisasi; hash snapshot tercantum di kaki setiap halaman.',
      style: ['small', 'muted'],
      margin: [0, 24, 0, 0],
    },
  ];

  const summary: Content[] = [
    { text: '1. Ringkasan', style: 'h1', pageBreak: 'before' },
    {
      columns: [
        {
          width: 160,
          stack: [
            { text: indexName, style: ['small', 'muted'] },
            { text: fmtIndex(r.verifiedIndex, dec), style: 'bigNumber' },
            { text: r.predicate ?? '–', fontSize: 12, bold: true, margin: [0, 2, 0, 0] },
          ],
        },
        keyValues([
          ['Peringkat', r.rank === null ? '– (belum final)' : `${r.rank} dari ${d.rankedCount} unit`],
          [
            'Perubahan dari siklus sebelumnya',
            r.change === null
              ? '–'
              : `${fmtChange(r.change, dec)} (sebelumnya ${fmtIndex(r.previousIndex, dec)})`,
          ],
          ['Indeks penilaian mandiri', fmtIndex(r.selfIndex, dec)],
          ['Selisih mandiri − terverifikasi', fmtChange(r.gap, dec)],
          ['Target siklus', fmtIndex(d.cycle.targetIndex, dec)],
          ['Kelengkapan bukti', formatPercent(r.evidenceCompleteness)],
          ['Cakupan verifikasi', formatPercent(r.verificationCoverage)],
        ]),
      ],
      columnGap: 16,
    },
    { text: 'Indeks per domain', style: 'h2' },
    svg(
      domainBarOption({ domains: r.domains, target: d.cycle.targetIndex }, { decimals: dec, locale: 'id' }),
      PAGE_WIDTH,
      Math.max(150, 44 * r.domains.length + 30),
    ),
    {
      columns: [
        {
          width: '*',
          ...table(
            ['auto', '*', 42, 52],
            [
              th('Kode'),
              th('Domain'),
              th('Indeks', { alignment: 'right' }),
              th('Rata-rata siklus', { alignment: 'right' }),
            ],
            r.domains.map((x) => [
              td(x.code),
              td(x.name),
              td(fmtIndex(x.index, dec), { alignment: 'right', bold: true }),
              td(fmtIndex(d.cycleDomainMeans.find((m) => m.code === x.code)?.index, dec), {
                alignment: 'right',
              }),
            ]),
          ),
        },
        {
          ...svg(
            domainRadarOption(
              {
                domains: r.domains,
                label: d.unit.shortName ?? 'Unit',
                compare: { label: 'Rata-rata siklus', domains: d.cycleDomainMeans },
              },
              { decimals: dec, axisNames: 'code' },
            ),
            230,
            210,
          ),
        } as Content,
      ],
      columnGap: 12,
    } as Content,
  ];

  // Indicator table grouped by domain: self vs verified, with the assessor's reason.
  const indicatorBody: TableCell[][] = [];
  let domain = '';
  for (const i of d.indicators) {
    if (i.domainCode !== domain) {
      domain = i.domainCode;
      indicatorBody.push([
        {
          text: `${i.domainCode} — ${i.domainName}`,
          colSpan: 5,
          style: 'td',
          bold: true,
          fillColor: '#f1f3f5',
        },
        {},
        {},
        {},
        {},
      ]);
    }
    const self = !i.applicable
      ? 'tidak berlaku'
      : i.self
        ? `${fmtLevel(i.self.level, i.self.notApplicable)}${i.self.metricValue ? `\n(${fmtIndex(i.self.metricValue, 0)} ${i.metricUnit ?? ''})` : ''}`
        : '–';
    const ver = !i.applicable
      ? 'tidak berlaku'
      : i.verified
        ? `${fmtLevel(i.verified.level, i.verified.notApplicable)}${i.verified.metricValue ? `\n(${fmtIndex(i.verified.metricValue, 0)} ${i.metricUnit ?? ''})` : ''}`
        : '–';
    const reason = [i.verified?.reasonLabel, i.verified?.note].filter(Boolean).join(': ');
    const differs =
      i.self &&
      i.verified &&
      (i.self.level !== i.verified.level || i.self.notApplicable !== i.verified.notApplicable);
    indicatorBody.push([
      td(i.code),
      td(i.name),
      td(self, { alignment: 'center' }),
      td(ver, { alignment: 'center', bold: true, color: differs ? '#c92a2a' : COLOURS.ink }),
      td(reason || '–'),
    ]);
  }
  const indicators: Content[] = [
    { text: '2. Penilaian per indikator', style: 'h1', pageBreak: 'before' },
    {
      text: 'Tingkat penilaian mandiri unit dibandingkan dengan tingkat hasil verifikasi asesor. Tingkat terverifikasi yang berbeda dari klaim unit dicetak merah.',
      style: ['small', 'muted'],
      margin: [0, 0, 0, 6],
    },
    table(
      [42, '*', 48, 56, 150],
      [th('Kode'), th('Indikator'), th('Mandiri'), th('Terverifikasi'), th('Alasan verifikasi')],
      indicatorBody,
    ),
  ];

  const recommendations: Content[] = [
    { text: '3. Rekomendasi', style: 'h1', pageBreak: 'before' },
    {
      text:
        'Untuk setiap indikator di bawah tingkat 5: kriteria tingkat berikutnya, diurutkan dari kenaikan indeks terbesar (perhitungan eksak dari bobot efektif). ' +
        (d.cycle.targetIndex
          ? 'Tanda • = termasuk langkah paling sedikit untuk mencapai target siklus.'
          : ''),
      style: ['small', 'muted'],
      margin: [0, 0, 0, 6],
    },
    d.recommendations.length === 0
      ? {
          text: 'Tidak ada rekomendasi: semua indikator yang dinilai sudah pada tingkat tertinggi atau belum ada nilai terverifikasi.',
          style: 'td',
        }
      : table(
          [16, 120, 40, '*', 48],
          [
            th('No'),
            th('Indikator'),
            th('Tingkat'),
            th('Kriteria tingkat berikutnya'),
            th('+ Indeks', { alignment: 'right' }),
          ],
          d.recommendations.map((x, k) => [
            td(k + 1),
            td(`${x.neededForTarget ? '• ' : ''}${x.code} ${x.name}`),
            td(`${x.level} » ${x.nextLevel}`, { alignment: 'center' }),
            td(x.criterion),
            td(fmtIndex(x.gain, 4), { alignment: 'right' }),
          ]),
        ),
  ];

  const evidence: Content[] = [
    { text: '4. Daftar bukti dukung', style: 'h1', pageBreak: 'before' },
    d.evidence.length === 0
      ? { text: 'Tidak ada bukti yang ditautkan pada jawaban.', style: 'td' }
      : table(
          [16, '*', 90],
          [th('No'), th('Bukti (judul, jenis, tanggal, SHA-256 atau tautan)'), th('Indikator')],
          d.evidence.map((e, k) => [
            td(k + 1),
            {
              stack: [
                { text: e.title, bold: true, fontSize: 8 },
                {
                  text: [
                    e.kind === 'file' ? 'Berkas' : 'Tautan',
                    e.docType ? ` · ${e.docType}` : '',
                    e.docDate ? ` · ${formatDateId(e.docDate)}` : '',
                    e.validUntil ? ` · berlaku s.d. ${formatDateId(e.validUntil)}` : '',
                    e.kind === 'file' ? ` · ${e.originalName ?? ''} (${fmtBytes(e.sizeBytes)})` : '',
                  ].join(''),
                  fontSize: 7,
                  color: COLOURS.muted,
                },
                {
                  text: e.kind === 'file' ? `SHA-256: ${e.sha256 ?? '–'}` : (e.url ?? '–'),
                  fontSize: 6.5,
                  color: COLOURS.muted,
                },
              ],
            },
            td(e.indicators.join(', ')),
          ]),
        ),
  ];

  const head = d.signatories.heads[0] ?? null;
  const assessors = d.signatories.assessors;
  const signLine = (role: string, name: string | null): Content => ({
    stack: [
      { text: role, fontSize: 9, alignment: 'center' },
      { text: ' ', margin: [0, 42, 0, 0] },
      {
        text: name ? name : '(.................................................)',
        fontSize: 9,
        bold: !!name,
        alignment: 'center',
      },
      { text: name ? ' ' : 'nama dan tanda tangan', fontSize: 7, alignment: 'center', color: COLOURS.muted },
    ],
  });
  const signature: Content[] = [
    { text: '5. Pengesahan', style: 'h1', margin: [0, 18, 0, 8] },
    {
      text: `Laporan ini disusun dari hasil evaluasi ${d.cycle.name}. Ditetapkan di .................................., tanggal ..................................`,
      style: 'td',
      margin: [0, 0, 0, 14],
    },
    {
      unbreakable: true,
      stack: [
        {
          columns: [
            signLine(`Kepala ${d.unit.shortName ?? d.unit.name}`, head),
            signLine('Asesor', assessors[0] ?? null),
            signLine('Koordinator TP2DD', null),
          ],
          columnGap: 12,
        },
      ],
    } as Content,
  ];

  return {
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 52],
    language: 'id-ID',
    info: {
      title: `Laporan Hasil Evaluasi — ${d.unit.name} — ${d.cycle.name}`,
      author: 'Mercusuar',
      subject: `${indexName} ${d.unit.code}`,
      keywords: `snapshot-sha256:${r.snapshotHash ?? 'none'} instrument:${d.instrument.code}@${d.instrument.version}`,
      creator: GENERATOR,
      producer: GENERATOR,
    },
    ...(provisional ? { watermark: { text: 'SEMENTARA', opacity: 0.06, bold: true } } : {}),
    defaultStyle: { font: 'Roboto', fontSize: 9, color: COLOURS.ink, lineHeight: 1.15 },
    styles,
    footer: footer(d.generatedAt, 'Hash snapshot skor (SHA-256)', r.snapshotHash),
    content: [...cover, ...summary, ...indicators, ...recommendations, ...evidence, ...signature],
  };
}

// ------------------------------------------------------------------------------------------------
// Cycle summary for leadership

/**
 * One hash for a cycle summary: SHA-256 over the final units' "code:snapshotHash" lines in code
 * order. The same finals with the same snapshots always give the same hash.
 */
export function resultsHash(
  units: ReadonlyArray<{ unit: { code: string }; snapshotHash: string | null }>,
): string | null {
  const lines = units
    .filter((u) => u.snapshotHash)
    .map((u) => `${u.unit.code}:${u.snapshotHash}`)
    .sort();
  if (lines.length === 0) return null;
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

const HEATMAP_ROWS_PER_PAGE = 34;

export function cycleSummaryDoc(d: CycleReportData): TDocumentDefinitions {
  const res = d.results;
  const a = res.aggregate;
  const dec = d.instrument.decimals;
  const indexName = d.instrument.indexName ?? 'Indeks';
  const hash = resultsHash(res.units);
  const finals = res.units.filter((u) => u.final);
  const bands = predicateColours(d.instrument.bands);

  const cover: Content[] = [
    { text: ' ', margin: [0, 90, 0, 0] },
    { text: 'RINGKASAN HASIL EVALUASI UNTUK PIMPINAN', style: 'coverKicker' },
    { text: indexName, style: 'coverTitle', margin: [0, 6, 0, 24] },
    { text: d.cycle.name, style: 'coverUnit' },
    { text: d.cycle.scopeName, style: 'muted', margin: [0, 4, 0, 30] },
    keyValues([
      ['Periode', `${formatDateId(d.cycle.periodStart)} s.d. ${formatDateId(d.cycle.periodEnd)}`],
      ['Instrumen', `${d.instrument.title} (versi ${d.instrument.version})`],
      ['Unit dievaluasi', `${a.unitCount} unit, ${a.finalCount} final`],
      ['Status siklus', d.cycle.status === 'published' ? 'Dipublikasikan' : d.cycle.status],
    ]),
  ];

  const summary: Content[] = [
    { text: '1. Ringkasan', style: 'h1', pageBreak: 'before' },
    {
      columns: [
        {
          width: 160,
          stack: [
            { text: `Rata-rata ${indexName}`, style: ['small', 'muted'] },
            { text: fmtIndex(a.meanIndex, dec), style: 'bigNumber' },
            { text: `median ${fmtIndex(a.medianIndex, dec)}`, style: 'muted' },
          ],
        },
        keyValues([
          ['Unit final / seluruh unit', `${a.finalCount} / ${a.unitCount}`],
          ['Target siklus', fmtIndex(d.cycle.targetIndex, dec)],
          ['Unit di bawah target', String(finals.filter((u) => u.belowTarget).length)],
          ['Rata-rata selisih mandiri − terverifikasi', fmtChange(a.meanGap, dec)],
          ['Unit yang menilai diri lebih tinggi', String(a.overClaimingUnits)],
        ]),
      ],
      columnGap: 16,
    },
    { text: 'Sebaran predikat', style: 'h2' },
    svg(
      predicateDistributionOption(
        { distribution: a.predicateDistribution, bands: d.instrument.bands },
        { decimals: dec },
      ),
      PAGE_WIDTH,
      200,
    ),
    table(
      ['*', 100, 80],
      [th('Predikat'), th('Rentang indeks'), th('Jumlah unit', { alignment: 'right' })],
      bands.map((b) => [
        td(b.name),
        td(`${fmtIndex(String(b.min), dec)} – ${fmtIndex(String(b.max), dec)}`),
        td(a.predicateDistribution.find((x) => x.predicate === b.name)?.count ?? 0, { alignment: 'right' }),
      ]),
    ),
  ];

  const domainHeads = d.instrument.domains.map((x) => th(x.code, { alignment: 'right' }));
  const ranking: Content[] = [
    { text: '2. Peringkat unit', style: 'h1', pageBreak: 'before' },
    {
      text: 'Peringkat hanya untuk unit final; nilai yang sama berbagi peringkat. Perubahan dibanding siklus sebelumnya.',
      style: ['small', 'muted'],
      margin: [0, 0, 0, 6],
    },
    table(
      [22, '*', 34, 52, 34, ...d.instrument.domains.map(() => 26)],
      [
        th('No'),
        th('Unit'),
        th('Indeks', { alignment: 'right' }),
        th('Predikat'),
        th('Ubah', { alignment: 'right' }),
        ...domainHeads,
      ],
      res.units.map((u) => [
        td(u.rank ?? '–'),
        td(u.unit.name),
        td(fmtIndex(u.verifiedIndex, dec), { alignment: 'right', bold: true }),
        td(u.final ? u.predicate : `${u.predicate ?? '–'} (sementara)`),
        td(fmtChange(u.change, dec), { alignment: 'right' }),
        ...d.instrument.domains.map((x) =>
          td(fmtIndex(u.domains.find((y) => y.code === x.code)?.index, dec), {
            alignment: 'right',
            fontSize: 7,
          }),
        ),
      ]),
    ),
    {
      text: d.instrument.domains.map((x) => `${x.code} = ${x.name}`).join(' · '),
      style: ['small', 'muted'],
      margin: [0, 4, 0, 0],
    },
  ];

  const heatmap: Content[] = [];
  for (let start = 0; start < Math.max(1, finals.length); start += HEATMAP_ROWS_PER_PAGE) {
    const chunk = finals.slice(start, start + HEATMAP_ROWS_PER_PAGE);
    heatmap.push(
      {
        text: start === 0 ? '3. Peta panas unit × domain' : '3. Peta panas unit × domain (lanjutan)',
        style: 'h1',
        pageBreak: 'before',
      },
      chunk.length === 0
        ? { text: 'Belum ada unit final.', style: 'td' }
        : svg(
            heatmapOption(
              {
                domains: d.instrument.domains,
                units: chunk.map((u) => ({
                  label: u.unit.shortName ?? u.unit.code,
                  values: d.instrument.domains.map(
                    (x) => u.domains.find((y) => y.code === x.code)?.index ?? null,
                  ),
                })),
                bands: d.instrument.bands,
              },
              { decimals: dec },
            ),
            PAGE_WIDTH,
            Math.min(700, 90 + chunk.length * 17),
          ),
    );
  }

  const laggards: Content[] = [
    { text: '4. Unit yang tertinggal', style: 'h1', pageBreak: 'before' },
    {
      text: 'Unit final di bawah target siklus atau di kuartil terbawah, dengan tiga indikator yang paling banyak mengurangi indeksnya (poin indeks yang hilang terhadap tingkat 5).',
      style: ['small', 'muted'],
      margin: [0, 0, 0, 6],
    },
    d.laggards.length === 0
      ? { text: 'Tidak ada unit yang tertinggal.', style: 'td' }
      : table(
          ['*', 34, 56, 70, 190],
          [
            th('Unit'),
            th('Indeks', { alignment: 'right' }),
            th('Predikat'),
            th('Alasan'),
            th('Indikator penahan (poin hilang)'),
          ],
          d.laggards.map((l) => [
            td(l.unit.name),
            td(fmtIndex(l.verifiedIndex, dec), { alignment: 'right', bold: true }),
            td(l.predicate),
            td(
              l.reasons
                .map((x) => (x === 'below_target' ? 'di bawah target' : 'kuartil terbawah'))
                .join(', '),
            ),
            td(
              l.holdingBack
                .map((h) => `${h.code} ${h.name} (tingkat ${h.level ?? '–'}, −${fmtIndex(h.lostPoints, 4)})`)
                .join('\n'),
            ),
          ]),
        ),
  ];

  const trend: Content[] = [
    { text: '5. Tren antarsiklus', style: 'h1', pageBreak: 'before' },
    d.trend.length === 0
      ? { text: 'Belum ada siklus dengan nilai final.', style: 'td' }
      : svg(
          trendOption(
            {
              cycles: d.trend.map((t) => t.cycleName),
              series: [{ name: `Rata-rata ${indexName}`, values: d.trend.map((t) => t.mean) }],
              target: d.cycle.targetIndex,
            },
            { decimals: dec },
          ),
          PAGE_WIDTH,
          240,
        ),
    d.trend.length === 0
      ? { text: '' }
      : table(
          ['*', 90, 60, 80],
          [
            th('Siklus'),
            th('Akhir periode'),
            th('Unit final', { alignment: 'right' }),
            th('Rata-rata', { alignment: 'right' }),
          ],
          d.trend.map((t) => [
            td(t.cycleName),
            td(formatDateId(t.periodEnd)),
            td(t.units, { alignment: 'right' }),
            td(fmtIndex(t.mean, dec), { alignment: 'right', bold: true }),
          ]),
        ),
    { text: 'Metode', style: 'h2', margin: [0, 18, 0, 4] },
    { text: res.method.formula, style: 'td' },
    {
      text: `Hash hasil siklus (SHA-256 atas kode unit dan hash snapshot setiap unit final): ${hash ?? '–'}`,
      style: ['small', 'muted'],
      margin: [0, 6, 0, 0],
    },
  ];

  return {
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 52],
    language: 'id-ID',
    info: {
      title: `Ringkasan Hasil Evaluasi — ${d.cycle.name}`,
      author: 'Mercusuar',
      subject: `${indexName} — ${d.cycle.scopeName}`,
      keywords: `results-sha256:${hash ?? 'none'} instrument:${d.instrument.code}@${d.instrument.version}`,
      creator: GENERATOR,
      producer: GENERATOR,
    },
    defaultStyle: { font: 'Roboto', fontSize: 9, color: COLOURS.ink, lineHeight: 1.15 },
    styles,
    footer: footer(d.generatedAt, 'Hash hasil siklus (SHA-256)', hash),
    content: [...cover, ...summary, ...ranking, ...heatmap, ...laggards, ...trend],
  };
}
