import '../../charts/radar';
import '../../charts/line';
import { Card, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { UnitInsight } from '../../api/results';
import { EChart } from '../../charts/EChart';
import { domainRadarOption, trendLineOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n';
import { formatDecimal } from '../../lib/format';

/**
 * A unit's charts: radar of its domain indices against the cycle mean (the builder of the PDF
 * report), and its index over earlier cycles. Loaded lazily with their chart types.
 */
export default function UnitCharts({ data }: { data: UnitInsight }) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const r = data.result;
  const decimals = data.instrument.decimals;

  const radar = useMemo(
    () =>
      domainRadarOption(
        {
          domains: r.domains,
          label: data.unit.shortName ?? data.unit.name,
          compare: { label: ti.cycleMean, domains: data.cycleDomainMeans },
        },
        { locale: lang, decimals, axisNames: 'code' },
      ),
    [r.domains, data, ti, lang, decimals],
  );
  const history = useMemo(
    () =>
      trendLineOption(
        {
          cycles: data.history.map((h) => h.cycleName),
          series: [
            { name: data.unit.shortName ?? data.unit.name, values: data.history.map((h) => h.index) },
            { name: ti.cycleMean, values: data.history.map((h) => h.cycleMean) },
          ],
          target: data.cycle.targetIndex,
        },
        { locale: lang, decimals },
      ),
    [data, ti, lang, decimals],
  );
  const meanOf = (code: string) => data.cycleDomainMeans.find((d) => d.code === code)?.index ?? null;

  return (
    <>
      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="xs">
          {ti.radarTitle}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {ti.radarIntro}
        </Text>
        <EChart
          option={radar}
          label={ti.radarTitle}
          height={340}
          table={
            <DataTable
              caption={ti.radarTitle}
              hideCaption
              rows={r.domains}
              rowKey={(d) => d.code}
              columns={[
                { key: 'domain', header: ti.domain, cell: (d) => `${d.code} ${d.name}` },
                {
                  key: 'index',
                  header: t.results.index,
                  numeric: true,
                  cell: (d) => formatDecimal(d.index, lang),
                },
                {
                  key: 'self',
                  header: ti.selfIndex,
                  numeric: true,
                  cell: (d) => formatDecimal(d.selfIndex, lang),
                },
                {
                  key: 'mean',
                  header: ti.cycleMean,
                  numeric: true,
                  cell: (d) => formatDecimal(meanOf(d.code), lang),
                },
              ]}
            />
          }
        />
      </Card>

      {data.history.length > 0 && (
        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="sm">
            {ti.historyTitle}
          </Title>
          <EChart
            option={history}
            label={ti.historyTitle}
            height={260}
            table={
              <DataTable
                caption={ti.historyTitle}
                hideCaption
                rows={data.history}
                rowKey={(h) => h.cycleId}
                columns={[
                  { key: 'cycle', header: t.results.cycle, cell: (h) => h.cycleName },
                  {
                    key: 'index',
                    header: t.results.index,
                    numeric: true,
                    cell: (h) => formatDecimal(h.index, lang),
                  },
                  { key: 'predicate', header: t.results.predicate, cell: (h) => h.predicate ?? '—' },
                  {
                    key: 'mean',
                    header: ti.cycleMean,
                    numeric: true,
                    cell: (h) => formatDecimal(h.cycleMean, lang),
                  },
                ]}
              />
            }
          />
        </Card>
      )}
    </>
  );
}
