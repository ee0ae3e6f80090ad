import '../../charts/heatmap';
import { Card, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { CycleResults, UnitResult } from '../../api/results';
import { EChart } from '../../charts/EChart';
import { heatmapOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n';
import { formatDecimal } from '../../lib/format';

/**
 * Units × domains: each cell the unit's verified domain index, coloured by the predicate band it
 * falls in (the builder the PDF summary uses too). Lazily loaded with its chart type.
 */
export default function HeatmapCard({
  rows,
  method,
}: {
  rows: UnitResult[];
  method: CycleResults['method'];
}) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const finals = useMemo(() => rows.filter((r) => r.final), [rows]);
  const option = useMemo(
    () =>
      heatmapOption(
        {
          domains: method.domains,
          units: finals.map((r) => ({
            label: r.unit.shortName ?? r.unit.name,
            values: method.domains.map((d) => r.domains.find((x) => x.code === d.code)?.index ?? null),
          })),
          bands: method.predicateBands,
        },
        { locale: lang, decimals: method.rounding.decimals },
      ),
    [finals, method, lang],
  );

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {ti.heatmapTitle}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {ti.heatmapIntro(method.domains.map((d) => `${d.code} = ${d.name}`).join('; '))}
      </Text>
      {finals.length === 0 ? (
        <Text>{ti.noFinal}</Text>
      ) : (
        <EChart
          option={option}
          label={ti.heatmapTitle}
          height={Math.max(220, finals.length * 22 + 90)}
          table={
            <DataTable
              caption={ti.heatmapTitle}
              hideCaption
              rows={finals}
              rowKey={(r) => r.assessmentId}
              columns={[
                { key: 'unit', header: t.results.unit, cell: (r) => r.unit.name },
                ...method.domains.map((d) => ({
                  key: d.code,
                  header: `${d.code} ${d.name}`,
                  numeric: true,
                  cell: (r: UnitResult) =>
                    formatDecimal(r.domains.find((x) => x.code === d.code)?.index ?? null, lang),
                })),
                {
                  key: 'index',
                  header: t.results.index,
                  numeric: true,
                  cell: (r) => formatDecimal(r.verifiedIndex, lang),
                },
              ]}
            />
          }
        />
      )}
    </Card>
  );
}
