import { Badge, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useCycles } from '../../api/cycles';
import { type UnitResult, useCycleResults, useLaggards } from '../../api/results';
import { EChart } from '../../charts/EChart';
import { horizontalBarOption } from '../../charts/options';
import { DataTable } from '../../components/DataTable';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDecimal, formatNumber } from '../../lib/format';

const signed = (v: string | null, lang: 'id' | 'en') =>
  v === null ? '—' : `${v.startsWith('-') ? '' : '+'}${formatDecimal(v, lang)}`;

/** The dashboard's results: ranking, predicate distribution and laggards of one cycle. */
export function ResultsSection() {
  const { t, lang } = useI18n();
  const cycles = useCycles();
  const [picked, setPicked] = useState<string | null>(null);
  const withResults = (cycles.data ?? []).filter((c) => c.status !== 'draft');
  const defaultCycle = withResults.find((c) => c.status === 'published') ?? withResults[0] ?? null;
  const cycleId = picked ?? defaultCycle?.id ?? null;
  const results = useCycleResults(cycleId);
  const laggards = useLaggards(cycleId);

  const distribution = useMemo(
    () =>
      (results.data?.aggregate.predicateDistribution ?? []).map((d) => ({
        label: d.predicate,
        value: d.count,
      })),
    [results.data],
  );
  const option = useMemo(
    () =>
      horizontalBarOption(distribution, {
        valueName: t.results.distribution,
        locale: lang === 'en' ? 'en-GB' : 'id-ID',
        keepOrder: true,
      }),
    [distribution, t, lang],
  );
  const ranked = useMemo(
    () =>
      [...(results.data?.units ?? [])].sort(
        (a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER),
      ),
    [results.data],
  );

  if (cycles.isError) return <QueryError error={cycles.error} onRetry={() => cycles.refetch()} />;
  if (cycles.isPending) return <Text>{t.common.loading}</Text>;
  if (!cycleId) return <Text>{t.results.noCycles}</Text>;

  return (
    <Stack gap="lg">
      <NativeSelect
        label={t.results.cycle}
        value={cycleId}
        onChange={(e) => setPicked(e.currentTarget.value)}
        data={withResults.map((c) => ({ value: c.id, label: `${c.name} (${c.statusLabel})` }))}
        maw={480}
      />
      {results.isError ? (
        <QueryError error={results.error} onRetry={() => results.refetch()} />
      ) : !results.data ? (
        <Text>{t.common.loading}</Text>
      ) : (
        <>
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="xs">
              {t.results.ranking}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t.results.summary(
                formatNumber(results.data.aggregate.unitCount, lang),
                formatDecimal(results.data.aggregate.meanIndex, lang),
              )}
            </Text>
            <div data-testid="ranking-table">
              <DataTable<UnitResult>
                caption={t.results.ranking}
                hideCaption
                rows={ranked}
                rowKey={(r) => r.assessmentId}
                columns={[
                  { key: 'rank', header: t.results.rank, numeric: true, cell: (r) => r.rank ?? '—' },
                  { key: 'unit', header: t.results.unit, cell: (r) => r.unit.name },
                  {
                    key: 'index',
                    header: t.results.index,
                    numeric: true,
                    cell: (r) => formatDecimal(r.verifiedIndex, lang),
                  },
                  { key: 'predicate', header: t.results.predicate, cell: (r) => r.predicate ?? '—' },
                  {
                    key: 'change',
                    header: t.results.change,
                    numeric: true,
                    cell: (r) => signed(r.change, lang),
                  },
                  { key: 'gap', header: t.results.gap, numeric: true, cell: (r) => signed(r.gap, lang) },
                ]}
              />
            </div>
          </Card>
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="sm">
              {t.results.distribution}
            </Title>
            <EChart
              option={option}
              label={t.results.distribution}
              height={Math.max(200, distribution.length * 40)}
              table={
                <DataTable
                  caption={t.results.distribution}
                  hideCaption
                  rows={distribution}
                  rowKey={(r) => r.label}
                  columns={[
                    { key: 'p', header: t.results.predicate, cell: (r) => r.label },
                    {
                      key: 'n',
                      header: t.dashboard.count,
                      numeric: true,
                      cell: (r) => formatNumber(r.value, lang),
                    },
                  ]}
                />
              }
            />
          </Card>
        </>
      )}
      <Card withBorder padding="lg">
        <Title order={2} size="h4" mb="sm">
          {t.results.laggards}
        </Title>
        {laggards.isError ? (
          <QueryError error={laggards.error} onRetry={() => laggards.refetch()} />
        ) : !laggards.data ? (
          <Text>{t.common.loading}</Text>
        ) : laggards.data.length === 0 ? (
          <Text>{t.results.laggardsEmpty}</Text>
        ) : (
          <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0 }}>
            {laggards.data.map((l) => (
              <li key={l.assessmentId}>
                <Group gap="xs">
                  <Text fw={600}>{l.unit.name}</Text>
                  <Text>{formatDecimal(l.verifiedIndex, lang)}</Text>
                  {l.reasons.map((r) => (
                    <Badge key={r} variant="light" color="orange">
                      {r === 'below_target' ? t.results.belowTarget : t.results.bottomQuartile}
                    </Badge>
                  ))}
                </Group>
                <Text size="sm" c="dimmed">
                  {t.results.holdingBack}:{' '}
                  {l.holdingBack
                    .slice(0, 3)
                    .map((h) => `${h.code} ${h.name} (${formatDecimal(h.lostPoints, lang)})`)
                    .join('; ')}
                </Text>
              </li>
            ))}
          </Stack>
        )}
      </Card>
    </Stack>
  );
}
