import { Stack, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { ResultsSection } from './dashboard/ResultsSection';

// Every chart of the dashboard sits in a lazily loaded section: the key figures, the ranking and
// the laggards render first (plain tables, readable on a slow connection), ECharts follows.
const UnitsByTypeCard = lazy(() => import('./dashboard/UnitsByTypeCard'));

/**
 * `/dasbor` — the leadership dashboard: a cycle's figures, downloads, ranking (by unit type and
 * peer group), predicate distribution, units × domains heatmap, self vs verified gap, trend across
 * cycles and laggards (ResultsSection), then the composition of the units in scope.
 */
export default function DashboardPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t.dashboard.title} />
      <Stack gap="lg">
        <ResultsSection />
        <Suspense fallback={<Text>{t.common.loading}</Text>}>
          <UnitsByTypeCard />
        </Suspense>
      </Stack>
    </>
  );
}
