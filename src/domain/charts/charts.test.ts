import { describe, expect, it } from 'vitest';
import {
  domainBarOption,
  domainRadarOption,
  formatDecimal,
  formatPercent,
  heatmapOption,
  predicateColours,
  predicateDistributionOption,
  trendOption,
} from './index.js';

const BANDS = [
  { name: 'Memuaskan', min: '4.2', max: '5' },
  { name: 'Sangat Baik', min: '3.5', max: '4.2' },
  { name: 'Baik', min: '2.6', max: '3.5' },
  { name: 'Cukup', min: '1.8', max: '2.6' },
  { name: 'Kurang', min: '1', max: '1.8' },
];
const DOMAINS = [
  { code: 'INF', name: 'Infrastruktur TIK', index: '2.55' },
  { code: 'SDM', name: 'SDM dan budaya digital', index: '3.10' },
  { code: 'APL', name: 'Aplikasi', index: null },
];

/** Calls a label formatter the way ECharts does, with the data item. */
const label = (series: any, data: unknown) => series.label.formatter({ data });

describe('Indonesian number formatting', () => {
  it('writes a decimal comma and dot thousands from the exact text, never re-rounding', () => {
    expect(formatDecimal('2.55')).toBe('2,55');
    expect(formatDecimal('2.5', { decimals: 2 })).toBe('2,50');
    expect(formatDecimal('1234567.125')).toBe('1.234.567,125');
    expect(formatDecimal('-0.10', { signed: true })).toBe('−0,10');
    expect(formatDecimal('0.12', { signed: true })).toBe('+0,12');
    expect(formatDecimal('0.00', { signed: true })).toBe('0,00');
    expect(formatDecimal('2.55', { locale: 'en' })).toBe('2.55');
    expect(formatDecimal(null)).toBe('–');
    expect(formatDecimal(2.345, { decimals: 2 })).toBe('2,35');
    expect(formatPercent('0.8750')).toBe('87,5%');
  });
});

describe('chart option builders', () => {
  it('domain bars: first domain on top, values labelled from the exact text, target as a marked line', () => {
    const o = domainBarOption({ domains: DOMAINS, target: '3.00' }) as any;
    expect(o.yAxis.data).toEqual(['Aplikasi', 'SDM dan budaya digital', 'Infrastruktur TIK']);
    const s = o.series[0];
    expect(s.data.map((d: any) => d.value)).toEqual([null, 3.1, 2.55]);
    expect(label(s, s.data[1])).toBe('3,10');
    expect(label(s, s.data[0])).toBe('–');
    expect(s.markLine.data).toEqual([{ xAxis: 3 }]);
    expect(s.markLine.label.formatter).toBe('Target 3,00');
    expect(o.xAxis.max).toBe(5);
  });

  it('radar compares a unit with another series on the same axes', () => {
    const o = domainRadarOption(
      {
        domains: DOMAINS,
        label: 'Diskominfo',
        compare: { label: 'Rata-rata', domains: [{ code: 'INF', name: 'x', index: '3.00' }] },
      },
      { axisNames: 'code' },
    ) as any;
    expect(o.radar.indicator.map((i: any) => i.name)).toEqual(['INF', 'SDM', 'APL']);
    expect(o.series[0].data.map((d: any) => d.name)).toEqual(['Diskominfo', 'Rata-rata']);
    expect(o.series[0].data[1].value).toEqual([3, 0, 0]);
  });

  it('predicate distribution: best predicate first, every band present, each in its own colour', () => {
    const o = predicateDistributionOption({
      distribution: [{ predicate: 'Baik', count: 3 }],
      bands: BANDS,
    }) as any;
    expect(o.xAxis.data).toEqual(['Memuaskan', 'Sangat Baik', 'Baik', 'Cukup', 'Kurang']);
    expect(o.series[0].data.map((d: any) => d.value)).toEqual([0, 0, 3, 0, 0]);
    const colours = new Set(o.series[0].data.map((d: any) => d.itemStyle.color));
    expect(colours.size).toBe(5);
    expect(predicateColours(BANDS.slice().reverse())[0]!.name).toBe('Memuaskan');
  });

  it('heatmap: one cell per unit × domain, first unit on top, cells coloured by predicate band', () => {
    const o = heatmapOption({
      domains: DOMAINS,
      units: [
        { label: 'A', values: ['2.55', '3.10', null] },
        { label: 'B', values: ['4.30', '1.20', '2.00'] },
      ],
      bands: BANDS,
    }) as any;
    expect(o.yAxis.data).toEqual(['B', 'A']);
    expect(o.series[0].data).toHaveLength(6);
    const a = o.series[0].data.filter((d: any) => d.value[1] === 1);
    expect(a.map((d: any) => d.value[2])).toEqual([2.55, 3.1, null]);
    expect(label(o.series[0], a[0])).toBe('2,55');
    expect(o.visualMap.type).toBe('piecewise');
    expect(o.visualMap.pieces[0]).toMatchObject({ gte: 4.2, lte: 5, label: 'Memuaskan' });
    expect(o.visualMap.pieces[2]).toMatchObject({ gte: 2.6, lt: 3.5, label: 'Baik' });
  });

  it('trend: a line per series over cycles with exact labels and the target', () => {
    const o = trendOption({
      cycles: ['2024', '2025'],
      series: [{ name: 'Rata-rata', values: ['2.10', null] }],
      target: '2.60',
    }) as any;
    expect(o.xAxis.data).toEqual(['2024', '2025']);
    expect(o.series[0].data.map((d: any) => d.value)).toEqual([2.1, null]);
    expect(label(o.series[0], o.series[0].data[0])).toBe('2,10');
    expect(o.series[0].markLine.data).toEqual([{ yAxis: 2.6 }]);
  });

  it('returns plain data: the same input gives the same option (no hidden state)', () => {
    const strip = (o: unknown) => JSON.stringify(o);
    expect(strip(domainBarOption({ domains: DOMAINS }))).toBe(strip(domainBarOption({ domains: DOMAINS })));
  });
});
