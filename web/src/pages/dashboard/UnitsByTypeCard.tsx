import { Card, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { UNIT_TYPES } from '../../../../src/domain/units.js';
import { useUnits } from '../../api/units';
import { EChart } from '../../charts/EChart';
import { horizontalBarOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';

/** The composition of the units in scope: active units per type, as a chart and a table. Loaded lazily. */
export default function UnitsByTypeCard() {
  const { t, lang } = useI18n();
  const units = useUnits();

  const byType = useMemo(() => {
    const counts = new Map<string, number>();
    for (const u of units.data ?? []) if (u.active) counts.set(u.type, (counts.get(u.type) ?? 0) + 1);
    return UNIT_TYPES.filter((ty) => counts.has(ty))
      .map((ty) => ({ type: ty, label: t.unitTypes[ty], value: counts.get(ty)! }))
      .sort((a, b) => b.value - a.value);
  }, [units.data, t]);

  const option = useMemo(
    () =>
      horizontalBarOption(byType, {
        valueName: t.dashboard.unitsByType,
        locale: lang === 'en' ? 'en-GB' : 'id-ID',
      }),
    [byType, t, lang],
  );

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {t.dashboard.unitsByType}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t.dashboard.unitsByTypeIntro}
      </Text>
      {units.isError ? (
        <QueryError error={units.error} onRetry={() => units.refetch()} />
      ) : units.isPending ? (
        <Text>{t.common.loading}</Text>
      ) : (
        <EChart
          option={option}
          label={t.dashboard.unitsByType}
          height={Math.max(200, byType.length * 32)}
          table={
            <DataTable
              caption={t.dashboard.unitsByType}
              hideCaption
              rows={byType}
              rowKey={(r) => r.type}
              columns={[
                { key: 'type', header: t.units.field.type, cell: (r) => r.label },
                {
                  key: 'count',
                  header: t.dashboard.count,
                  numeric: true,
                  cell: (r) => formatNumber(r.value, lang),
                },
              ]}
            />
          }
        />
      )}
    </Card>
  );
}
