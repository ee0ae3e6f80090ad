/**
 * ECharts, modular: the core plus only the chart types and components the app draws, so a page
 * pays for what it shows. This file holds what every chart page needs (bars on a grid with a
 * tooltip); heavier types register themselves from their own modules (heatmap.ts, line.ts,
 * radar.ts), imported only by the lazily loaded sections that draw them.
 * SVG rendering: crisp on any screen, and the same renderer the server uses for PDF reports.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

// No AriaComponent: it would replace the container's label with a generated English sentence;
// <EChart> names the chart itself and always offers the data as a table.
echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;
