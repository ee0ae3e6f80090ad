import { Anchor, Badge, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCycles } from '../../api/cycles';
import { useCycleResults, useLaggards } from '../../api/results';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDecimal, formatNumber } from '../../lib/format';
import { stateName } from '../../lib/labels';
import { unitResultPath } from '../../lib/routes';
import { peerGroupOf, ranksWithin } from './peers';
import { type Filter, type RankedRow, RankingCard, type Sort, sortRows, withDecimals } from './RankingCard';

// In chunks of their own, so the figures and the ranking show first: the charts share the chart
// option builders with the PDF reports, the heatmap and the trend bring chart types of their own,
// the downloads bring the job's progress bar.
const ReportsCard = lazy(() => import('./ReportsCard'));
const DistributionCard = lazy(() => import('./DistributionCard'));
const HeatmapCard = lazy(() => import('./HeatmapCard'));
const GapCard = lazy(() => import('./GapCard'));
const TrendCard = lazy(() => import('./TrendCard'));

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </div>
  );
}

/**
 * The dashboard's results of one cycle: key figures, report downloads, the ranking (filter by unit
 * type and peer group, sortable, each row linking to the unit's page), predicate distribution,
 * units × domains heatmap, self vs verified gap, trend across cycles and laggards. The cycle and a
 * running ZIP job are kept in the URL (?siklus=…&zip=…) so a reload shows the same.
 */
export function ResultsSection() {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const cycles = useCycles();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState<Filter>({ type: '', peer: '', q: '' });
  const [sort, setSort] = useState<Sort>({ key: 'rank', desc: false });
  const withResults = (cycles.data ?? []).filter((c) => c.status !== 'draft');
  const defaultCycle = withResults.find((c) => c.status === 'published') ?? withResults[0] ?? null;
  const picked = params.get('siklus');
  const cycleId = (picked && withResults.some((c) => c.id === picked) ? picked : defaultCycle?.id) ?? null;
  const results = useCycleResults(cycleId);
  const laggards = useLaggards(cycleId);

  const setParam = useCallback(
    (key: string, value: string | null) =>
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          if (value) next.set(key, value);
          else next.delete(key);
          if (key === 'siklus') next.delete('zip');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const onJob = useCallback((id: string | null) => setParam('zip', id), [setParam]);

  const typeLabel = useCallback((ty: string) => (t.unitTypes as Record<string, string>)[ty] ?? ty, [t]);
  const all: RankedRow[] = useMemo(() => {
    const units = results.data?.units ?? [];
    const peerRanks = ranksWithin(
      units.filter((u) => u.final),
      (u) => u.assessmentId,
      (u) => peerGroupOf(u.unit.type),
      (u) => u.verifiedIndex,
    );
    return units.map((u) => ({
      ...u,
      peerGroup: peerGroupOf(u.unit.type),
      peerRank: peerRanks.get(u.assessmentId) ?? null,
    }));
  }, [results.data]);
  const types = useMemo(() => [...new Set(all.map((r) => r.unit.type))].sort(), [all]);
  const shown = useMemo(() => {
    const q = filter.q.trim().toLowerCase();
    const rows = all.filter(
      (r) =>
        (!filter.type || r.unit.type === filter.type) &&
        (!filter.peer || r.peerGroup === filter.peer) &&
        (!q ||
          r.unit.name.toLowerCase().includes(q) ||
          r.unit.code.toLowerCase().includes(q) ||
          (r.unit.shortName ?? '').toLowerCase().includes(q)),
    );
    return sortRows(rows, sort, typeLabel);
  }, [all, filter, sort, typeLabel]);

  if (cycles.isError) return <QueryError error={cycles.error} onRetry={() => cycles.refetch()} />;
  if (cycles.isPending) return <Text>{t.common.loading}</Text>;
  if (!cycleId) return <Text>{t.results.noCycles}</Text>;
  const data = results.data;

  return (
    <Stack gap="lg">
      <NativeSelect
        label={t.results.cycle}
        value={cycleId}
        onChange={(e) => setParam('siklus', e.currentTarget.value)}
        data={withResults.map((c) => ({
          value: c.id,
          label: `${c.name} (${stateName(c.status, lang, c.statusLabel)})`,
        }))}
        maw={480}
      />
      {results.isError ? (
        <QueryError error={results.error} onRetry={() => results.refetch()} />
      ) : !data ? (
        <Text>{t.common.loading}</Text>
      ) : (
        <>
          <Card withBorder padding="lg">
            <Group gap="xl" wrap="wrap" align="flex-start">
              <Figure label={ti.meanIndex} value={formatDecimal(data.aggregate.meanIndex, lang)} />
              <Figure label={ti.median} value={formatDecimal(data.aggregate.medianIndex, lang)} />
              <Figure
                label={ti.finalUnits}
                value={`${formatNumber(data.aggregate.finalCount, lang)} / ${formatNumber(data.aggregate.unitCount, lang)}`}
              />
              <Figure label={ti.overClaiming} value={formatNumber(data.aggregate.overClaimingUnits, lang)} />
              <Figure
                label={ti.target}
                value={withDecimals(data.cycle.targetIndex, data.method.rounding.decimals, lang)}
              />
            </Group>
          </Card>
          <Suspense fallback={<Text>{t.common.loading}</Text>}>
            <ReportsCard cycleId={cycleId} urlJobId={params.get('zip')} onJob={onJob} />
          </Suspense>
          <RankingCard
            rows={shown}
            total={all.length}
            types={types}
            filter={filter}
            onFilter={setFilter}
            sort={sort}
            onSort={setSort}
            decimals={data.method.rounding.decimals}
            summary={t.results.summary(
              formatNumber(data.aggregate.unitCount, lang),
              formatDecimal(data.aggregate.meanIndex, lang),
            )}
          />
          <Suspense fallback={<Text>{t.common.loading}</Text>}>
            <DistributionCard data={data} />
            <HeatmapCard rows={shown} method={data.method} />
            <GapCard
              rows={shown}
              meanGap={data.aggregate.meanGap}
              decimals={data.method.rounding.decimals}
              overClaiming={data.aggregate.overClaimingUnits}
            />
            <TrendCard cycleId={cycleId} />
          </Suspense>
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
                  <Anchor component={Link} to={unitResultPath(l.assessmentId)} fw={600}>
                    {l.unit.name}
                  </Anchor>
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
