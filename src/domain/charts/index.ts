export { type ChartLocale, formatDecimal, formatPercent, toChartNumber } from './format.js';
export {
  type CommonChartOptions,
  type DomainValue,
  domainBarOption,
  domainRadarOption,
  type EChartsOption,
  heatmapOption,
  type PredicateBandInput,
  predicateColours,
  predicateDistributionOption,
  trendOption,
} from './options.js';
