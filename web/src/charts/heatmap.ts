/** Registers what the units × domains heatmap draws (import for its side effect, from a lazy chunk). */
import { HeatmapChart } from 'echarts/charts';
import { VisualMapPiecewiseComponent } from 'echarts/components';
import { echarts } from './echarts';

echarts.use([HeatmapChart, VisualMapPiecewiseComponent]);
