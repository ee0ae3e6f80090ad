import '../../charts/line';
import { Card, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { type CycleTrend, useCycleTrend } from '../../api/results';
import { EChart } from '../../charts/EChart';
import { trendLineOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDecimal, formatNumber } from '../../lib/format';

type TrendUnit = CycleTrend['units'][number];

/**
 * The index across cycles on the same instrument: the mean over the units in scope, and one unit
 * beside it when picked; the tables give every cycle's mean and median and every unit's index per
 * cycle. Lazily loaded with the line chart.
 */
export default function TrendCard({ cycleId }: { cycleId: string }) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const trend = useCycleTrend(cycleId);
  const [unitId, setUnitId] = useState('');
  const data = trend.data;
  const picked = data?.units.find((u) => u.id === unitId) ?? null;

  const option = useMemo(() => {
    if (!data) return null;
    const series = [{ name: ti.trendMean, values: data.cycles.map((c) => c.mean) }];
    if (picked)
      series.push({ name: picked.shortName ?? picked.name, values: picked.values.map((v) => v.index) });
    return trendLineOption(
      { cycles: data.cycles.map((c) => c.name), series, target: data.cycle.targetIndex },
      { locale: lang, decimals: data.instrument.decimals },
    );
  }, [data, picked, lang, ti]);

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {ti.trendTitle}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {ti.trendIntro}
      </Text>
      {trend.isError ? (
        <QueryError error={trend.error} onRetry={() => trend.refetch()} />
      ) : !data || !option ? (
        <Text>{t.common.loading}</Text>
      ) : data.cycles.length === 0 ? (
        <Text>{ti.noFinal}</Text>
      ) : (
        <Stack gap="sm">
          {data.cycles.length === 1 && <Text size="sm">{ti.trendOneCycle}</Text>}
          <NativeSelect
            label={ti.trendCompare}
            value={unitId}
            onChange={(e) => setUnitId(e.currentTarget.value)}
            data={[
              { value: '', label: ti.trendNoUnit },
              ...data.units.map((u) => ({ value: u.id, label: u.name })),
            ]}
            maw={480}
          />
          <EChart
            option={option}
            label={ti.trendTitle}
            height={300}
            table={
              <Stack gap="md">
                <DataTable
                  caption={ti.trendMeanTable}
                  rows={data.cycles}
                  rowKey={(c) => c.id}
                  columns={[
                    { key: 'cycle', header: t.results.cycle, cell: (c) => c.name },
                    {
                      key: 'units',
                      header: ti.finalUnits,
                      numeric: true,
                      cell: (c) => formatNumber(c.unitCount, lang),
                    },
                    {
                      key: 'mean',
                      header: ti.trendMean,
                      numeric: true,
                      cell: (c) => formatDecimal(c.mean, lang),
                    },
                    {
                      key: 'median',
                      header: ti.median,
                      numeric: true,
                      cell: (c) => formatDecimal(c.median, lang),
                    },
                  ]}
                />
                <DataTable<TrendUnit>
                  caption={ti.trendUnitTable}
                  rows={data.units}
                  rowKey={(u) => u.id}
                  columns={[
                    { key: 'unit', header: t.results.unit, cell: (u) => u.name },
                    ...data.cycles.map((c, i) => ({
                      key: c.id,
                      header: c.name,
                      numeric: true,
                      cell: (u: TrendUnit) => formatDecimal(u.values[i]?.index ?? null, lang),
                    })),
                  ]}
                />
              </Stack>
            }
          />
        </Stack>
      )}
    </Card>
  );
}
