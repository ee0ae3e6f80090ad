/**
 * Chart option builders. The ones the PDF reports draw too (predicate distribution, heatmap,
 * trend, radar, domain bars) live in src/domain/charts and are re-exported here, so the web page
 * and the PDF show one chart from one function. The ones below are the web's own: pure functions
 * of data (no DOM, no React).
 */
import {
  formatDecimal,
  predicateDistributionOption,
  toChartNumber,
  trendOption,
} from '../../../src/domain/charts/index.js';
import type { EChartsOption } from './echarts';

export { domainRadarOption, heatmapOption } from '../../../src/domain/charts/index.js';

/** The shared predicate distribution builder, with room above the bars for the value axis name. */
export function predicateBarsOption(...args: Parameters<typeof predicateDistributionOption>): EChartsOption {
  const option = predicateDistributionOption(...args);
  return { ...option, grid: { ...(option.grid as Record<string, unknown>), top: 36 } };
}

/**
 * The shared trend builder, with room on the right for the target line's label (the builder's
 * narrow right margin cuts "Target 2,60" off on a web page).
 */
export function trendLineOption(...args: Parameters<typeof trendOption>): EChartsOption {
  const option = trendOption(...args);
  if (!args[0].target) return option;
  return { ...option, grid: { ...(option.grid as Record<string, unknown>), right: 72 } };
}

export interface CategoryCount {
  label: string;
  value: number;
}

/** A horizontal bar per category, largest on top (counts, e.g. units per type). */
export function horizontalBarOption(
  data: CategoryCount[],
  opts: { valueName: string; locale: string },
): EChartsOption {
  // The category axis draws its first entry at the bottom: ascending puts the largest on top.
  const sorted = [...data].sort((a, b) => a.value - b.value);
  const fmt = new Intl.NumberFormat(opts.locale);
  return {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => fmt.format(Number(v)),
    },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => fmt.format(v) } },
    yAxis: { type: 'category', data: sorted.map((d) => d.label), axisLabel: { color: '#343a40' } },
    series: [
      {
        type: 'bar',
        name: opts.valueName,
        data: sorted.map((d) => d.value),
        itemStyle: { color: '#1971c2' },
        label: {
          show: true,
          position: 'right',
          color: '#212529',
          formatter: (p: { value: unknown }) => fmt.format(Number(p.value)),
        },
      },
    ],
  };
}

export interface GapRow {
  label: string;
  /** self − verified as exact text ("0.35"); positive = the unit claimed more than was verified. */
  gap: string;
}

/**
 * Self-assessed minus verified index per unit as diverging horizontal bars: over-claiming
 * (positive) in red to the right, under-claiming in blue to the left, largest over-claim on top.
 * Labels are formatted from the exact text.
 */
export function gapBarOption(
  rows: readonly GapRow[],
  opts: { locale: 'id' | 'en'; valueName: string; decimals?: number },
): EChartsOption {
  const ordered = [...rows].reverse(); // the first row (largest gap) is drawn on top
  const label = (p: unknown) =>
    formatDecimal((p as { data?: { text?: string } }).data?.text ?? null, {
      locale: opts.locale,
      decimals: opts.decimals,
      signed: true,
    });
  return {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'value',
      axisLabel: { color: '#495057', formatter: (v: number) => formatDecimal(v, { locale: opts.locale }) },
    },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => r.label),
      axisLabel: { color: '#212529', width: 150, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: opts.valueName,
        barMaxWidth: 18,
        data: ordered.map((r) => {
          const v = toChartNumber(r.gap) ?? 0;
          return { value: v, text: r.gap, itemStyle: { color: v > 0 ? '#c92a2a' : '#1971c2' } };
        }),
        label: { show: true, position: 'right', color: '#212529', formatter: label },
      },
    ],
  };
}
