import { Card, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { UnitResult } from '../../api/results';
import { EChart } from '../../charts/EChart';
import { gapBarOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n';
import { compareDecimal, formatDecimal, formatNumber } from '../../lib/format';
import { signed } from './RankingCard';

/**
 * Self-assessed vs verified index: who claimed more than the assessor verified (over-claiming),
 * largest gap first; units whose claim matched are counted, not drawn. Loaded lazily.
 */
export default function GapCard({
  rows,
  meanGap,
  overClaiming,
  decimals,
}: {
  rows: UnitResult[];
  meanGap: string | null;
  overClaiming: number;
  decimals: number;
}) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const withGap = useMemo(
    () =>
      rows
        .filter((r) => r.final && r.gap !== null && compareDecimal(r.gap, '0') !== 0)
        .sort((a, b) => compareDecimal(b.gap, a.gap) || a.unit.name.localeCompare(b.unit.name, 'id')),
    [rows],
  );
  const option = useMemo(
    () =>
      gapBarOption(
        withGap.map((r) => ({ label: r.unit.shortName ?? r.unit.name, gap: r.gap! })),
        { locale: lang, valueName: t.results.gap, decimals },
      ),
    [withGap, lang, t, decimals],
  );

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {ti.gapTitle}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {ti.gapIntro(formatNumber(overClaiming, lang), formatDecimal(meanGap, lang))}
      </Text>
      {withGap.length === 0 ? (
        <Text>{ti.gapNone}</Text>
      ) : (
        <EChart
          option={option}
          label={ti.gapTitle}
          height={Math.max(160, withGap.length * 24 + 24)}
          table={
            <DataTable
              caption={ti.gapTitle}
              hideCaption
              rows={withGap}
              rowKey={(r) => r.assessmentId}
              columns={[
                { key: 'unit', header: t.results.unit, cell: (r) => r.unit.name },
                {
                  key: 'self',
                  header: ti.selfIndex,
                  numeric: true,
                  cell: (r) => formatDecimal(r.selfIndex, lang),
                },
                {
                  key: 'verified',
                  header: t.results.index,
                  numeric: true,
                  cell: (r) => formatDecimal(r.verifiedIndex, lang),
                },
                {
                  key: 'gap',
                  header: t.results.gap,
                  numeric: true,
                  cell: (r) => signed(r.gap, lang, decimals),
                },
              ]}
            />
          }
        />
      )}
    </Card>
  );
}
