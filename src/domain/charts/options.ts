/**
 * ECharts option builders shared by the web app and the PDF reports (rendered there with
 * ECharts' server-side SVG renderer). Pure: plain data in, an EChartsOption out; no DOM, no
 * database. Values arrive as exact decimal text and are turned into numbers only for geometry;
 * every label a person reads is formatted from the text (Indonesian: "2,55").
 *
 * Chart types and components used (the web app must register them with echarts.use):
 * BarChart, RadarChart, HeatmapChart, LineChart; GridComponent, TooltipComponent,
 * LegendComponent, VisualMapComponent, MarkLineComponent, AriaComponent, TitleComponent.
 */
import type { EChartsOption } from 'echarts';
import { type ChartLocale, formatDecimal, toChartNumber } from './format.js';

export type { EChartsOption };

export interface DomainValue {
  code: string;
  name: string;
  /** Exact reported index as text ("2.55"), or null when the domain has no index. */
  index: string | null;
}

export interface PredicateBandInput {
  name: string;
  /** Lower bound (inclusive) as text; used to order the bands and to colour heatmap cells. */
  min: string | number;
  max: string | number;
}

export interface CommonChartOptions {
  locale?: ChartLocale;
  /** Decimals of the reported index (the instrument's rounding rule); default 2. */
  decimals?: number;
  title?: string;
}

const INK = '#212529';
const MUTED = '#495057';
const PRIMARY = '#1971c2';
const TARGET = '#c92a2a';
const FONT = 'Roboto, Arial, sans-serif';

/** Colours from the best predicate to the worst (WCAG AA contrast against white text or black text as used). */
const PREDICATE_COLOURS = ['#2b8a3e', '#66a80f', '#1971c2', '#f08c00', '#c92a2a', '#862e9c', '#495057'];

/** Bands ordered best (highest minimum) first, each with its colour. */
export function predicateColours(
  bands: readonly PredicateBandInput[],
): Array<PredicateBandInput & { colour: string }> {
  return [...bands]
    .sort((a, b) => Number(b.min) - Number(a.min))
    .map((b, i) => ({ ...b, colour: PREDICATE_COLOURS[Math.min(i, PREDICATE_COLOURS.length - 1)]! }));
}

/** The exact text a data item carries next to its numeric value (see the builders' `data`). */
const textOf = (p: unknown): string | null => (p as { data?: { text?: string | null } }).data?.text ?? null;

const titleOf = (title: string | undefined) =>
  title
    ? { title: { text: title, left: 'center', textStyle: { fontSize: 13, color: INK, fontFamily: FONT } } }
    : {};

const topOf = (title: string | undefined) => (title ? 36 : 12);

/**
 * Domain indices of one unit as horizontal bars on the instrument scale (1–5), with the cycle
 * target as a vertical line when given, and the value printed at the end of each bar.
 */
export function domainBarOption(
  input: { domains: readonly DomainValue[]; target?: string | null; scaleMin?: number; scaleMax?: number },
  opts: CommonChartOptions = {},
): EChartsOption {
  const locale = opts.locale ?? 'id';
  const decimals = opts.decimals ?? 2;
  const domains = [...input.domains].reverse(); // first domain on top
  const target = toChartNumber(input.target ?? null);
  return {
    ...titleOf(opts.title),
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
    // Room above the bars for the target line's label.
    grid: {
      left: 8,
      right: 56,
      top: topOf(opts.title) + (target !== null ? 18 : 0),
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'value',
      min: input.scaleMin ?? 0,
      max: input.scaleMax ?? 5,
      interval: 1,
      axisLabel: { color: MUTED, formatter: (v: number) => formatDecimal(v, { locale }) },
    },
    yAxis: {
      type: 'category',
      data: domains.map((d) => d.name),
      axisLabel: { color: INK, width: 170, overflow: 'break' },
    },
    series: [
      {
        type: 'bar',
        name: locale === 'id' ? 'Indeks' : 'Index',
        barMaxWidth: 28,
        itemStyle: { color: PRIMARY },
        data: domains.map((d) => ({ value: toChartNumber(d.index), name: d.code, text: d.index })),
        label: {
          show: true,
          position: 'right',
          color: INK,
          formatter: (p: unknown) => formatDecimal(textOf(p), { locale, decimals }),
        },
        ...(target !== null
          ? {
              markLine: {
                symbol: 'none' as const,
                silent: true,
                lineStyle: { color: TARGET, type: 'dashed', width: 1.5 },
                label: {
                  color: TARGET,
                  formatter: `${locale === 'id' ? 'Target' : 'Target'} ${formatDecimal(input.target ?? null, { locale, decimals })}`,
                },
                data: [{ xAxis: target }],
              },
            }
          : {}),
      },
    ],
  };
}

/**
 * Radar of one unit's domain indices on the instrument scale, optionally against a comparison
 * series (e.g. the cycle's mean per domain).
 */
export function domainRadarOption(
  input: {
    domains: readonly DomainValue[];
    label?: string;
    compare?: { label: string; domains: readonly DomainValue[] };
    scaleMax?: number;
  },
  opts: CommonChartOptions & { axisNames?: 'name' | 'code' } = {},
): EChartsOption {
  const locale = opts.locale ?? 'id';
  const max = input.scaleMax ?? 5;
  const series: Array<{ name: string; value: Array<number | null>; itemStyle: { color: string } }> = [
    {
      name: input.label ?? (locale === 'id' ? 'Unit' : 'Unit'),
      value: input.domains.map((d) => toChartNumber(d.index) ?? 0),
      itemStyle: { color: PRIMARY },
    },
  ];
  if (input.compare) {
    const byCode = new Map(input.compare.domains.map((d) => [d.code, d.index]));
    series.push({
      name: input.compare.label,
      value: input.domains.map((d) => toChartNumber(byCode.get(d.code) ?? null) ?? 0),
      itemStyle: { color: '#868e96' },
    });
  }
  return {
    ...titleOf(opts.title),
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
    legend: input.compare ? { bottom: 0, data: series.map((s) => s.name) } : undefined,
    tooltip: {},
    radar: {
      center: ['50%', opts.title ? '55%' : '50%'],
      radius: '62%',
      indicator: input.domains.map((d) => ({
        name: opts.axisNames === 'code' ? d.code : d.name,
        max,
        min: 0,
      })),
      axisName: { color: INK, fontSize: 11 },
      splitNumber: max,
    },
    series: [
      {
        type: 'radar',
        data: series.map((s) => ({
          name: s.name,
          value: s.value as number[],
          itemStyle: s.itemStyle,
          areaStyle: { opacity: 0.15 },
        })),
      },
    ],
  };
}

/** Number of final units per predicate, best predicate first, each bar in its predicate's colour. */
export function predicateDistributionOption(
  input: {
    distribution: ReadonlyArray<{ predicate: string; count: number }>;
    bands?: readonly PredicateBandInput[];
  },
  opts: CommonChartOptions = {},
): EChartsOption {
  const locale = opts.locale ?? 'id';
  const colours = new Map((input.bands ? predicateColours(input.bands) : []).map((b) => [b.name, b.colour]));
  const ordered = input.bands
    ? predicateColours(input.bands).map(
        (b) => input.distribution.find((d) => d.predicate === b.name) ?? { predicate: b.name, count: 0 },
      )
    : [...input.distribution];
  return {
    ...titleOf(opts.title),
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
    grid: {
      left: 8,
      right: 16,
      top: topOf(opts.title),
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: ordered.map((d) => d.predicate),
      axisLabel: { color: INK, interval: 0 },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: MUTED, formatter: (v: number) => formatDecimal(v, { locale }) },
      name: locale === 'id' ? 'Jumlah unit' : 'Units',
      nameTextStyle: { color: MUTED },
    },
    series: [
      {
        type: 'bar',
        name: locale === 'id' ? 'Jumlah unit' : 'Units',
        barMaxWidth: 48,
        data: ordered.map((d) => ({
          value: d.count,
          itemStyle: { color: colours.get(d.predicate) ?? PRIMARY },
        })),
        label: { show: true, position: 'top', color: INK },
      },
    ],
  };
}

/**
 * Units × domains heatmap: one row per unit (in the order given, first on top), one column per
 * domain, each cell coloured by the predicate band its index falls in (or a 1–5 colour ramp
 * without bands) and labelled with the index.
 */
export function heatmapOption(
  input: {
    domains: ReadonlyArray<{ code: string; name: string }>;
    units: ReadonlyArray<{ label: string; values: ReadonlyArray<string | null> }>;
    bands?: readonly PredicateBandInput[];
    scaleMin?: number;
    scaleMax?: number;
  },
  opts: CommonChartOptions & { showValues?: boolean } = {},
): EChartsOption {
  const locale = opts.locale ?? 'id';
  const decimals = opts.decimals ?? 2;
  const rows = [...input.units].reverse(); // ECharts draws category 0 at the bottom
  const data: Array<{ value: [number, number, number | null]; text: string | null }> = [];
  rows.forEach((u, y) => {
    input.domains.forEach((_d, x) => {
      const text = u.values[x] ?? null;
      data.push({ value: [x, y, toChartNumber(text)], text });
    });
  });
  const bands = input.bands ? predicateColours(input.bands) : null;
  const visualMap = bands
    ? {
        type: 'piecewise' as const,
        dimension: 2,
        orient: 'horizontal' as const,
        left: 'center',
        bottom: 0,
        pieces: bands.map((b, i) => ({
          gte: Number(b.min),
          // the top band includes its upper bound (e.g. 5.00); the others exclude it
          ...(i === 0 ? { lte: Number(b.max) } : { lt: Number(b.max) }),
          label: b.name,
          color: b.colour,
        })),
        textStyle: { color: INK },
      }
    : {
        type: 'continuous' as const,
        dimension: 2,
        min: input.scaleMin ?? 1,
        max: input.scaleMax ?? 5,
        orient: 'horizontal' as const,
        left: 'center',
        bottom: 0,
        inRange: { color: ['#c92a2a', '#f08c00', '#fab005', '#66a80f', '#2b8a3e'] },
        textStyle: { color: INK },
      };
  return {
    ...titleOf(opts.title),
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
    tooltip: { position: 'top' },
    grid: {
      left: 8,
      right: 16,
      top: topOf(opts.title) + 16,
      bottom: 44,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: {
      type: 'category',
      position: 'top',
      data: input.domains.map((d) => d.code),
      splitArea: { show: true },
      axisLabel: { color: INK, interval: 0 },
    },
    yAxis: {
      type: 'category',
      data: rows.map((u) => u.label),
      splitArea: { show: true },
      axisLabel: { color: INK, interval: 0, fontSize: rows.length > 40 ? 7 : rows.length > 20 ? 8 : 10 },
    },
    visualMap,
    series: [
      {
        type: 'heatmap',
        name: locale === 'id' ? 'Indeks domain' : 'Domain index',
        data: data as never,
        label: {
          show: opts.showValues ?? true,
          fontSize: rows.length > 40 ? 6 : rows.length > 20 ? 7 : 9,
          color: '#ffffff',
          formatter: (p: unknown) => formatDecimal(textOf(p), { locale, decimals }),
        },
        itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
      },
    ],
  };
}

/**
 * Index over cycles: one line per series (e.g. the province mean, or one unit), points labelled
 * with their exact reported values, and the target as a dashed line when given.
 */
export function trendOption(
  input: {
    cycles: readonly string[];
    series: ReadonlyArray<{ name: string; values: ReadonlyArray<string | null> }>;
    target?: string | null;
    scaleMin?: number;
    scaleMax?: number;
  },
  opts: CommonChartOptions = {},
): EChartsOption {
  const locale = opts.locale ?? 'id';
  const decimals = opts.decimals ?? 2;
  const target = toChartNumber(input.target ?? null);
  const palette = [PRIMARY, '#2b8a3e', '#f08c00', '#862e9c', '#495057'];
  return {
    ...titleOf(opts.title),
    textStyle: { fontFamily: FONT },
    aria: { enabled: true },
    legend: input.series.length > 1 ? { bottom: 0, data: input.series.map((s) => s.name) } : undefined,
    tooltip: { trigger: 'axis' },
    grid: {
      left: 8,
      right: 24,
      top: topOf(opts.title),
      bottom: input.series.length > 1 ? 32 : 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: { type: 'category', data: [...input.cycles], axisLabel: { color: INK, interval: 0 } },
    yAxis: {
      type: 'value',
      min: input.scaleMin ?? 1,
      max: input.scaleMax ?? 5,
      interval: 1,
      axisLabel: { color: MUTED, formatter: (v: number) => formatDecimal(v, { locale }) },
    },
    series: input.series.map((s, i) => ({
      type: 'line' as const,
      name: s.name,
      connectNulls: false,
      symbolSize: 7,
      itemStyle: { color: palette[i % palette.length] },
      data: s.values.map((v) => ({ value: toChartNumber(v), text: v })),
      label: {
        show: true,
        position: 'top' as const,
        color: INK,
        formatter: (p: unknown) => formatDecimal(textOf(p), { locale, decimals }),
      },
      ...(i === 0 && target !== null
        ? {
            markLine: {
              symbol: 'none' as const,
              silent: true,
              lineStyle: { color: TARGET, type: 'dashed' as const },
              label: {
                color: TARGET,
                formatter: `Target ${formatDecimal(input.target ?? null, { locale, decimals })}`,
              },
              data: [{ yAxis: target }],
            },
          }
        : {}),
    })),
  };
}
