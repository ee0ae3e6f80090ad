import { Card, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { CycleResults } from '../../api/results';
import { EChart } from '../../charts/EChart';
import { predicateBarsOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';

/** Final units per predicate, best first, in the predicate colours of the PDF summary. Loaded lazily. */
export default function DistributionCard({ data }: { data: CycleResults }) {
  const { t, lang } = useI18n();
  const option = useMemo(
    () =>
      predicateBarsOption(
        { distribution: data.aggregate.predicateDistribution, bands: data.method.predicateBands },
        { locale: lang },
      ),
    [data, lang],
  );
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="sm">
        {t.results.distribution}
      </Title>
      <EChart
        option={option}
        label={t.results.distribution}
        height={240}
        table={
          <DataTable
            caption={t.results.distribution}
            hideCaption
            rows={data.aggregate.predicateDistribution}
            rowKey={(r) => r.predicate}
            columns={[
              { key: 'p', header: t.results.predicate, cell: (r) => r.predicate },
              {
                key: 'n',
                header: t.dashboard.count,
                numeric: true,
                cell: (r) => formatNumber(r.count, lang),
              },
            ]}
          />
        }
      />
    </Card>
  );
}
