import { Alert, Anchor, Button, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { finalizeAssessment, useCycleAssessments } from '../../api/assessments';
import { CYCLES_KEY, type Cycle, openCycle, publishCycle, useCycles } from '../../api/cycles';
import { DataTable } from '../../components/DataTable';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError, useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { CYCLE_NEW_PATH, cyclePath } from '../../lib/routes';
import { StateBadge } from '../assessment/StateBadge';

/** `/admin/siklus` — the cycles, their state counts, and the progress board of the chosen cycle. */
export default function CyclesPage() {
  const { t, lang } = useI18n();
  const cycles = useCycles();
  // `?siklus=<id>` (from a cycle's page) preselects that cycle's progress board.
  const [params] = useSearchParams();
  const [picked, setPicked] = useState<string | null>(params.get('siklus'));
  const flash = useFlash();
  const errorMessage = useErrorMessage();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();

  const run = async (action: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await action();
      flash.show(done);
      await queryClient.invalidateQueries({ queryKey: CYCLES_KEY });
      await queryClient.invalidateQueries({ queryKey: ['cycle-assessments'] });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  if (cycles.isError) return <QueryError error={cycles.error} onRetry={() => cycles.refetch()} />;
  if (!cycles.data) return <PageLoader />;
  const current = cycles.data.find((c) => c.id === picked) ?? cycles.data[0];

  return (
    <>
      <PageHeader
        title={t.cyc.title}
        intro={t.cyc.intro}
        actions={
          <Button component={Link} to={CYCLE_NEW_PATH}>
            {t.manage.cycle.newCycle}
          </Button>
        }
      />
      <Flash message={flash.message} onClose={flash.clear} />
      {error && (
        <Alert color="red" role="alert" mb="md">
          {error}
        </Alert>
      )}
      {cycles.data.length === 0 ? (
        <Text>{t.cyc.empty}</Text>
      ) : (
        <Stack gap="lg">
          <DataTable<Cycle>
            caption={t.cyc.title}
            hideCaption
            rows={cycles.data}
            rowKey={(c) => c.id}
            columns={[
              {
                key: 'name',
                header: t.assess.cycle,
                cell: (c) => (
                  <Anchor component={Link} to={cyclePath(c.id)} aria-label={t.manage.cycle.openPage(c.name)}>
                    {c.name}
                  </Anchor>
                ),
              },
              {
                key: 'period',
                header: t.cyc.period,
                cell: (c) => `${formatDate(c.periodStart, lang)} – ${formatDate(c.periodEnd, lang)}`,
              },
              {
                key: 'status',
                header: t.cyc.status,
                cell: (c) => <StateBadge state={c.status} label={c.statusLabel} />,
              },
              {
                key: 'counts',
                header: t.cyc.assessments,
                cell: (c) =>
                  Object.entries(c.stateCounts)
                    .map(([s, n]) => `${t.cyc.states[s] ?? s}: ${formatNumber(n, lang)}`)
                    .join(' · ') || formatNumber(c.assessmentCount, lang),
              },
              {
                key: 'actions',
                header: '',
                cell: (c) =>
                  c.canManage && (
                    <Group gap="xs" wrap="nowrap">
                      {c.status === 'draft' && (
                        <Button size="xs" onClick={() => run(() => openCycle(c.id), t.cyc.opened)}>
                          {t.cyc.open}
                        </Button>
                      )}
                      {(c.status === 'open' || c.status === 'closed') && (
                        <Button size="xs" onClick={() => run(() => publishCycle(c.id), t.cyc.published)}>
                          {t.cyc.publish}
                        </Button>
                      )}
                    </Group>
                  ),
              },
            ]}
          />
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="sm">
              {t.cyc.board}
            </Title>
            <NativeSelect
              label={t.cyc.pick}
              value={current?.id ?? ''}
              onChange={(e) => setPicked(e.currentTarget.value)}
              data={cycles.data.map((c) => ({ value: c.id, label: c.name }))}
              mb="md"
              maw={420}
            />
            {current && <Board cycle={current} run={run} />}
          </Card>
        </Stack>
      )}
    </>
  );
}

function Board({ cycle, run }: { cycle: Cycle; run: (a: () => Promise<unknown>, done: string) => void }) {
  const { t, lang } = useI18n();
  const list = useCycleAssessments(cycle.id);
  if (list.isError) return <QueryError error={list.error} onRetry={() => list.refetch()} />;
  if (!list.data) return <PageLoader />;
  return (
    <DataTable
      caption={t.cyc.board}
      hideCaption
      rows={list.data}
      rowKey={(r) => r.id}
      columns={[
        { key: 'unit', header: t.assess.unit, cell: (r) => r.unit.name },
        {
          key: 'state',
          header: t.assess.state,
          cell: (r) => <StateBadge state={r.state} label={r.stateLabel} />,
        },
        {
          key: 'progress',
          header: t.assess.progress,
          cell: (r) =>
            t.assess.progressLabel(
              formatNumber(r.progress.answered, lang),
              formatNumber(r.progress.applicable, lang),
            ),
        },
        {
          key: 'action',
          header: '',
          cell: (r) =>
            r.state === 'verified' &&
            cycle.canManage && (
              <Button
                size="xs"
                onClick={() => run(() => finalizeAssessment(r.id), t.cyc.finalized(r.unit.name))}
              >
                {t.cyc.finalize}
              </Button>
            ),
        },
      ]}
    />
  );
}
