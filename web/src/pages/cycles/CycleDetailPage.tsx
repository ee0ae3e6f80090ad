import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import {
  CYCLES_KEY,
  type CycleAssessment,
  type CycleDetail,
  type CycleUnit,
  useCycle,
  useCycleAssessmentList,
  useCycleAssessors,
  useCycles,
} from '../../api/cycles';
import { DataTable } from '../../components/DataTable';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDate, formatDateTime, formatDecimal, formatNumber } from '../../lib/format';
import { APP_ROUTES, instrumentVersionPath, unitResultPath } from '../../lib/routes';
import { FactList, WHOLE_BADGE } from '../admin/InstrumentParts';
import { StateBadge } from '../assessment/StateBadge';
import {
  type AssessmentTarget,
  AssessorModal,
  BulkAssessorModal,
  ExtensionModal,
  OpenCycleModal,
  ReopenModal,
} from './CycleDialogs';
import { CycleEditModal } from './CycleEditModal';
import { phaseLabel } from './CycleFormParts';

const LOCKED_STATES = new Set(['final', 'published']);

interface Row {
  unit: CycleUnit;
  assessment: CycleAssessment | undefined;
}

/**
 * `/admin/siklus/:cycleId` — one cycle: summary and phases, edit (fully while draft), assessors per
 * unit, open; once open, each unit's state, progress and deadline with extension and reopen.
 */
export default function CycleDetailPage() {
  const { cycleId = '' } = useParams();
  const { t, lang } = useI18n();
  const c = t.manage.cycle;
  const query = useCycle(cycleId);
  const cycles = useCycles();
  const queryClient = useQueryClient();
  const location = useLocation();
  const navigate = useNavigate();
  const flash = useFlash();
  const cycle = query.data;
  const opened = !!cycle && cycle.status !== 'draft';
  const list = useCycleAssessmentList(cycleId, opened);

  const [editing, setEditing] = useState(false);
  const [opening, setOpening] = useState(false);
  const [assigning, setAssigning] = useState<CycleUnit | null>(null);
  const [bulk, setBulk] = useState(false);
  const [extending, setExtending] = useState<AssessmentTarget | null>(null);
  const [reopening, setReopening] = useState<AssessmentTarget | null>(null);
  const assessors = useCycleAssessors(cycleId, !!cycle?.canManage && (!!assigning || bulk));

  // The wizard hands over its outcome in the navigation state: show it once.
  const handed = (location.state as { flash?: string } | null)?.flash;
  const showFlash = flash.show;
  useEffect(() => {
    if (handed) {
      showFlash(handed);
      navigate(location.pathname, { replace: true, state: null });
    }
  }, [handed, showFlash, navigate, location.pathname]);

  const [search, setSearch] = useState('');
  const rows: Row[] = useMemo(() => {
    const byId = new Map((list.data ?? []).map((a) => [a.id, a]));
    const q = search.trim().toLowerCase();
    return (cycle?.units ?? [])
      .filter((u) => !q || [u.name, u.code, u.shortName ?? ''].some((s) => s.toLowerCase().includes(q)))
      .sort((a, b) => a.name.localeCompare(b.name, 'id'))
      .map((unit) => ({
        unit,
        assessment: unit.assessmentId ? byId.get(unit.assessmentId) : undefined,
      }));
  }, [cycle?.units, list.data, search]);

  if (query.isError) return <QueryError error={query.error} onRetry={() => query.refetch()} />;
  if (!cycle) return <PageLoader />;

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: CYCLES_KEY });
    await queryClient.invalidateQueries({ queryKey: ['cycle-assessments', cycleId] });
  };
  const done = (close: () => void) => async (message: string) => {
    close();
    flash.show(message);
    await refresh();
  };
  const previous = cycles.data?.find((x) => x.id === cycle.previousCycleId) ?? null;
  const manage = cycle.canManage && cycle.status !== 'published';

  return (
    <>
      <PageHeader
        title={cycle.name}
        intro={`${cycle.scopeUnit.name} · ${formatDate(cycle.periodStart, lang)} – ${formatDate(cycle.periodEnd, lang)}`}
        actions={
          <>
            <Button component={Link} to={APP_ROUTES.cycles.path} variant="default">
              {c.backToList}
            </Button>
            {opened && (
              <Button component={Link} to={`${APP_ROUTES.cycles.path}?siklus=${cycle.id}`} variant="default">
                {c.board}
              </Button>
            )}
            {manage && (
              <Button variant="light" onClick={() => setEditing(true)}>
                {c.edit}
              </Button>
            )}
            {cycle.canManage && cycle.status === 'draft' && (
              <Button onClick={() => setOpening(true)}>{t.cyc.open}</Button>
            )}
          </>
        }
      />
      <Flash message={flash.message} onClose={flash.clear} />
      <Stack gap="lg">
        <Summary cycle={cycle} previousName={previous?.name ?? null} />
        <Phases cycle={cycle} />

        <Card withBorder padding="lg" component="section" aria-labelledby="cycle-units">
          <Group justify="space-between" align="flex-start" mb="sm" gap="xs">
            <div>
              <Title order={2} size="h4" id="cycle-units">
                {c.units}
              </Title>
              <Text size="sm" c="dimmed">
                {opened ? c.unitsOpen : c.unitsDraft} {c.unitCount(formatNumber(cycle.units.length, lang))}
              </Text>
            </div>
            {manage && cycle.units.length > 0 && (
              <Button
                variant="light"
                size="sm"
                onClick={() => setBulk(true)}
                // A long label wraps on a phone instead of being cut off.
                styles={{ root: { height: 'auto', minHeight: 36 }, label: { whiteSpace: 'normal' } }}
                py={6}
              >
                {c.bulkAssign}
              </Button>
            )}
          </Group>
          {list.isError && <QueryError error={list.error} onRetry={() => list.refetch()} />}
          {cycle.units.length > 8 && (
            <TextInput
              label={t.units.searchLabel}
              placeholder={t.units.searchPlaceholder}
              type="search"
              leftSection={<IconSearch size={16} aria-hidden="true" />}
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
              maw={420}
              mb="sm"
            />
          )}
          <Table.ScrollContainer minWidth={opened ? 900 : 640}>
            <Table striped verticalSpacing="sm" data-testid="cycle-units">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{c.unit}</Table.Th>
                  <Table.Th scope="col">{c.state}</Table.Th>
                  {opened && <Table.Th scope="col">{c.progress}</Table.Th>}
                  {opened && <Table.Th scope="col">{c.deadline}</Table.Th>}
                  <Table.Th scope="col">{c.assessors}</Table.Th>
                  <Table.Th scope="col">{t.common.actions}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map(({ unit, assessment: a }) => {
                  const state = a?.state ?? unit.state;
                  const target = unit.assessmentId
                    ? { assessmentId: unit.assessmentId, unitName: unit.name }
                    : null;
                  return (
                    <Table.Tr key={unit.id} data-unit={unit.code}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {unit.name}
                        </Text>
                        <Text size="xs" c="dimmed" className="wrap-anywhere">
                          {unit.code} · {t.unitTypes[unit.type as keyof typeof t.unitTypes] ?? unit.type}
                        </Text>
                      </Table.Td>
                      <Table.Td miw={130}>
                        {state ? (
                          <StateBadge state={state} label={a?.stateLabel ?? t.cyc.states[state] ?? state} />
                        ) : (
                          <Text size="sm" c="dimmed">
                            {c.notCreated}
                          </Text>
                        )}
                      </Table.Td>
                      {opened && (
                        <Table.Td miw={150}>
                          {a && (
                            <>
                              <Progress
                                value={
                                  a.progress.applicable
                                    ? (100 * a.progress.answered) / a.progress.applicable
                                    : 0
                                }
                                size="sm"
                                aria-label={t.assess.progressLabel(
                                  formatNumber(a.progress.answered, lang),
                                  formatNumber(a.progress.applicable, lang),
                                )}
                              />
                              <Text size="xs" mt={4}>
                                {t.assess.progressLabel(
                                  formatNumber(a.progress.answered, lang),
                                  formatNumber(a.progress.applicable, lang),
                                )}
                              </Text>
                            </>
                          )}
                        </Table.Td>
                      )}
                      {opened && (
                        <Table.Td>
                          {a?.editDeadline && <Text size="sm">{formatDateTime(a.editDeadline, lang)}</Text>}
                          {a?.extended && (
                            <Badge variant="light" color="orange" size="sm" styles={WHOLE_BADGE}>
                              {c.extended}
                            </Badge>
                          )}
                        </Table.Td>
                      )}
                      <Table.Td miw={120}>
                        <Text size="sm">
                          {unit.assessors.length
                            ? unit.assessors.map((p) => p.name).join(', ')
                            : c.noAssessor}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {manage && (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => setAssigning(unit)}
                              aria-label={c.assignLabel(unit.name)}
                            >
                              {c.assign}
                            </Button>
                          )}
                          {manage && target && state && !LOCKED_STATES.has(state) && (
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => setExtending(target)}
                              aria-label={c.extendLabel(unit.name)}
                            >
                              {c.extend}
                            </Button>
                          )}
                          {manage && target && state === 'final' && (
                            <Button
                              size="xs"
                              variant="light"
                              color="orange"
                              onClick={() => setReopening(target)}
                              aria-label={c.reopenLabel(unit.name)}
                            >
                              {c.reopen}
                            </Button>
                          )}
                          {unit.assessmentId && (
                            <Anchor
                              component={Link}
                              to={unitResultPath(unit.assessmentId)}
                              size="sm"
                              aria-label={c.detailsLabel(unit.name)}
                            >
                              {c.details}
                            </Anchor>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      </Stack>

      <CycleEditModal
        cycle={cycle}
        opened={editing}
        onClose={() => setEditing(false)}
        onSaved={() => done(() => setEditing(false))(c.saved)}
      />
      <OpenCycleModal
        cycle={cycle}
        previousName={previous?.name ?? null}
        opened={opening}
        onClose={() => setOpening(false)}
        onDone={done(() => setOpening(false))}
      />
      <AssessorModal
        cycleId={cycle.id}
        unit={assigning}
        assessors={assessors}
        onClose={() => setAssigning(null)}
        onDone={done(() => setAssigning(null))}
      />
      <BulkAssessorModal
        cycleId={cycle.id}
        units={cycle.units}
        opened={bulk}
        assessors={assessors}
        onClose={() => setBulk(false)}
        onDone={done(() => setBulk(false))}
      />
      <ExtensionModal
        target={extending}
        onClose={() => setExtending(null)}
        onDone={async (message) => {
          const id = extending?.assessmentId;
          await done(() => setExtending(null))(message);
          if (id) await queryClient.invalidateQueries({ queryKey: ['assessment', id] });
        }}
      />
      <ReopenModal
        target={reopening}
        onClose={() => setReopening(null)}
        onDone={async (message) => {
          const id = reopening?.assessmentId;
          await done(() => setReopening(null))(message);
          if (id) await queryClient.invalidateQueries({ queryKey: ['assessment', id] });
        }}
      />
    </>
  );
}

function Summary({ cycle, previousName }: { cycle: CycleDetail; previousName: string | null }) {
  const { t, lang } = useI18n();
  const c = t.manage.cycle;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="cycle-summary">
      <Title order={2} size="h4" mb="sm" id="cycle-summary">
        {c.summary}
      </Title>
      <FactList
        testId="cycle-facts"
        items={[
          { label: c.status, value: <StateBadge state={cycle.status} label={cycle.statusLabel} /> },
          {
            label: c.period,
            value: `${formatDate(cycle.periodStart, lang)} – ${formatDate(cycle.periodEnd, lang)}`,
          },
          {
            label: c.instrument,
            value: (
              <Anchor
                component={Link}
                to={instrumentVersionPath(cycle.instrument.code, cycle.instrument.version)}
              >
                {t.manage.form.instrumentOption(cycle.instrument.title, cycle.instrument.version)}
              </Anchor>
            ),
          },
          { label: c.scope, value: `${cycle.scopeUnit.name} (${cycle.scopeUnit.code})` },
          {
            label: c.scopeTypes,
            value: cycle.scopeUnitTypes.length
              ? cycle.scopeUnitTypes.map((u) => t.unitTypes[u] ?? u).join(', ')
              : c.allTypes,
          },
          { label: c.nestedPemda, value: cycle.includeNestedPemda ? c.included : c.excluded },
          {
            label: c.targetIndex,
            value: cycle.targetIndex ? formatDecimal(cycle.targetIndex, lang) : c.noTarget,
          },
          {
            label: c.evidence,
            value: cycle.evidenceThreshold >= 6 ? c.evidenceNever : c.evidenceFrom(cycle.evidenceThreshold),
          },
          { label: c.signoff, value: cycle.requireSignoff ? c.required : c.notRequired },
          {
            label: c.previous,
            value: cycle.previousCycleId ? (
              <Anchor component={Link} to={`${APP_ROUTES.cycles.path}/${cycle.previousCycleId}`}>
                {previousName ?? cycle.previousCycleId}
              </Anchor>
            ) : (
              c.none
            ),
          },
          {
            label: c.currentPhase,
            value:
              cycle.status === 'open'
                ? cycle.currentPhase
                  ? phaseLabel(cycle.currentPhase as Parameters<typeof phaseLabel>[0], lang)
                  : c.noCurrentPhase
                : null,
          },
          { label: c.createdAt, value: formatDateTime(cycle.createdAt, lang) },
          { label: c.openedAt, value: cycle.openedAt && formatDateTime(cycle.openedAt, lang) },
          { label: c.publishedAt, value: cycle.publishedAt && formatDateTime(cycle.publishedAt, lang) },
        ]}
      />
    </Card>
  );
}

function Phases({ cycle }: { cycle: CycleDetail }) {
  const { t, lang } = useI18n();
  const c = t.manage.cycle;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="cycle-phases">
      <Title order={2} size="h4" mb="sm" id="cycle-phases">
        {c.phases}
      </Title>
      <DataTable
        caption={c.phases}
        hideCaption
        rows={cycle.phases}
        rowKey={(p) => p.phase}
        columns={[
          {
            key: 'phase',
            header: c.phase,
            cell: (p) => (
              <Group gap="xs">
                <Text size="sm">{phaseLabel(p.phase, lang)}</Text>
                {cycle.status === 'open' && cycle.currentPhase === p.phase && (
                  <Badge variant="light" color="blue" size="sm">
                    {c.now}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'starts', header: c.starts, cell: (p) => formatDateTime(p.startsAt, lang) },
          { key: 'ends', header: c.ends, cell: (p) => formatDateTime(p.endsAt, lang) },
        ]}
      />
    </Card>
  );
}
