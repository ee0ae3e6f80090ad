/** Registers what a unit's radar of domain indices draws (the radar chart brings its coordinate system). */
import { RadarChart } from 'echarts/charts';
import { LegendPlainComponent } from 'echarts/components';
import { echarts } from './echarts';

echarts.use([RadarChart, LegendPlainComponent]);
