/** Registers what the trend across cycles draws (import for its side effect, from a lazy chunk). */
import { LineChart } from 'echarts/charts';
import { LegendPlainComponent, MarkLineComponent } from 'echarts/components';
import { echarts } from './echarts';

echarts.use([LineChart, LegendPlainComponent, MarkLineComponent]);
