import { Anchor, Progress, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { type AssessmentSummary, useAssessmentsOf } from '../../api/assessments';
import { type Cycle, useCycles } from '../../api/cycles';
import { DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { StateBadge } from './StateBadge';

type Row = AssessmentSummary & { cycle: Cycle };

/** The assessments of every cycle the user sees, newest cycle first; shared by /penilaian and /verifikasi. */
export function useAssessmentRows(filter: (c: Cycle) => boolean = () => true) {
  const cycles = useCycles();
  const list = (cycles.data ?? []).filter(filter);
  const results = useAssessmentsOf(list);
  const rows: Row[] = [];
  list.forEach((c, i) => {
    for (const a of results[i]?.data ?? []) rows.push({ ...a, cycle: c });
  });
  const failed = cycles.error ?? results.find((r) => r.error)?.error ?? null;
  const pending = cycles.isPending || results.some((r) => r.isPending);
  return { rows, failed, pending, retry: () => cycles.refetch() };
}

export function AssessmentTable({
  rows,
  hrefOf,
  caption,
}: {
  rows: Row[];
  hrefOf: (r: Row) => string;
  caption: string;
}) {
  const { t, lang } = useI18n();
  return (
    <DataTable
      caption={caption}
      hideCaption
      rows={rows}
      rowKey={(r) => r.id}
      columns={[
        {
          key: 'unit',
          header: t.assess.unit,
          cell: (r) => (
            <Anchor component={Link} to={hrefOf(r)}>
              {r.unit.name}
            </Anchor>
          ),
        },
        { key: 'cycle', header: t.assess.cycle, cell: (r) => r.cycle.name },
        {
          key: 'state',
          header: t.assess.state,
          cell: (r) => <StateBadge state={r.state} label={r.stateLabel} />,
        },
        {
          key: 'progress',
          header: t.assess.progress,
          cell: (r) => {
            const label = t.assess.progressLabel(
              formatNumber(r.progress.answered, lang),
              formatNumber(r.progress.applicable, lang),
            );
            return (
              <Stack gap={2} miw={140}>
                <Progress
                  value={r.progress.applicable ? (100 * r.progress.answered) / r.progress.applicable : 0}
                  aria-label={label}
                />
                <Text size="xs">{label}</Text>
              </Stack>
            );
          },
        },
      ]}
    />
  );
}

/** `/penilaian` — the operator's assessments, from GET /api/cycles then each cycle's assessments. */
export default function AssessmentListPage() {
  const { t } = useI18n();
  const { rows, failed, pending, retry } = useAssessmentRows((c) => c.status !== 'draft');
  return (
    <>
      <PageHeader title={t.assess.listTitle} intro={t.assess.listIntro} />
      {failed ? (
        <QueryError error={failed} onRetry={retry} />
      ) : pending ? (
        <PageLoader />
      ) : rows.length === 0 ? (
        <Text>{t.assess.empty}</Text>
      ) : (
        <AssessmentTable rows={rows} hrefOf={(r) => `/penilaian/${r.id}`} caption={t.assess.listTitle} />
      )}
    </>
  );
}
