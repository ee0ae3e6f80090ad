/**
 * ECharts, modular: the core plus only the chart types and components the app draws, so a page
 * pays for what it shows. Register a new chart type here when a screen starts using it.
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
