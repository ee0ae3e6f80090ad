/**
 * Chart option builders: pure functions of data (no DOM, no React), so the PDF reports can draw
 * the same charts with ECharts' server-side SVG renderer.
 */
import type { EChartsOption } from './echarts';

export interface CategoryCount {
  label: string;
  value: number;
}

/**
 * A horizontal bar per category, largest first (or in the given order, e.g. predicate bands from
 * the highest); labels stay readable on a phone.
 */
export function horizontalBarOption(
  data: CategoryCount[],
  opts: { valueName: string; locale: string; keepOrder?: boolean },
): EChartsOption {
  // The category axis draws its first entry at the bottom: reverse so the first one is on top.
  const sorted = opts.keepOrder ? [...data].reverse() : [...data].sort((a, b) => a.value - b.value);
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
