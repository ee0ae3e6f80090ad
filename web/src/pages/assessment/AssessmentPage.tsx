import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Divider,
  Grid,
  Group,
  List,
  Progress,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  type AssessmentDetail,
  assessmentKey,
  createLinkEvidence,
  flattenIndicators,
  type ResponseDto,
  type ResponseInput,
  submitAssessment,
  type TreeNode,
  useAssessment,
  useInstrumentTree,
  useUnitEvidence,
} from '../../api/assessments';
import type { EvidenceCreated } from '../../api/evidence';
import { CommentThread } from '../../components/comments/CommentThread';
import { IndicatorHistoryButton } from '../../components/comments/IndicatorHistory';
import { EvidenceUpload } from '../../components/evidence/EvidenceUpload';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError, useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatDateTime, formatNumber } from '../../lib/format';
import { reasonName } from '../../lib/labels';
import { useUser } from '../../lib/session';
import { SignoffPanel } from './SignoffPanel';
import { StateBadge } from './StateBadge';
import { UnitDownloads } from './UnitDownloads';
import { type SaveEntry, type SaveQueue, useSaveQueue } from './useSaveQueue';

interface Missing {
  indicatorCode: string;
  indicatorName: string;
  message: string;
}

/** `/penilaian/:assessmentId` — the unit's self-assessment, one indicator at a time. */
export default function AssessmentPage() {
  const { assessmentId = '' } = useParams();
  const { t, lang } = useI18n();
  const user = useUser();
  const detail = useAssessment(assessmentId);
  const tree = useInstrumentTree(assessmentId);
  const queue = useSaveQueue(assessmentId, user.id);
  const [params, setParams] = useSearchParams();
  const [missing, setMissing] = useState<Missing[] | null>(null);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const flash = useFlash();
  const queryClient = useQueryClient();

  const allIndicators = useMemo(
    () => (tree.data ? flattenIndicators(tree.data.content.nodes) : []),
    [tree.data],
  );
  const indicators = useMemo(() => {
    if (!detail.data) return [];
    const applicable = new Set(detail.data.applicableIndicators);
    return allIndicators.filter((i) => applicable.has(i.node.code));
  }, [allIndicators, detail.data]);

  // A failed background refetch (offline) keeps the page and its unsaved answers on screen.
  if (detail.isError && !detail.data)
    return <QueryError error={detail.error} onRetry={() => detail.refetch()} />;
  if (tree.isError && !tree.data) return <QueryError error={tree.error} onRetry={() => tree.refetch()} />;
  if (!detail.data || !tree.data) return <PageLoader />;
  const a = detail.data;
  const responses = new Map(a.responses.map((r) => [r.indicatorCode, r]));
  const selectedCode = params.get('indikator') ?? indicators[0]?.node.code;
  const index = indicators.findIndex((i) => i.node.code === selectedCode);
  const selected = indicators[index];
  const editable = new Set(a.editableIndicators);
  const canSubmit = a.allowedActions.includes('submit');
  const p = a.progress;
  const progressLabel = t.assess.progressLabel(
    formatNumber(p.answered, lang),
    formatNumber(p.applicable, lang),
  );
  const select = (code: string) => setParams({ indikator: code });
  const showMissing = (err: ApiError) =>
    setMissing(((err.details as { missing?: Missing[] })?.missing ?? []) as Missing[]);

  const submit = async () => {
    setSubmitting(true);
    setMissing(null);
    setSubmitError(null);
    try {
      await submitAssessment(a.id);
      flash.show(t.assess.submitted);
      await queryClient.invalidateQueries({ queryKey: assessmentKey(a.id) });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SUBMISSION_INCOMPLETE') showMissing(err);
      else setSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  };

  const selectedEntry = selected ? queue.entries[selected.node.code] : undefined;
  return (
    <>
      <PageHeader
        title={a.unit.name}
        intro={
          <>
            {a.cycle.name} · <StateBadge state={a.state} label={a.stateLabel} />
          </>
        }
        actions={
          canSubmit && (
            <Button onClick={submit} loading={submitting}>
              {t.assess.submit}
            </Button>
          )
        }
      />
      <Flash message={flash.message} onClose={flash.clear} />
      {submitError !== null && <QueryError error={submitError} />}
      {queue.waiting > 0 && (
        <Alert color="orange" mb="md" data-testid="offline-queue">
          <Group justify="space-between" gap="sm">
            <Text size="sm">{t.work.save.waiting(queue.waiting)}</Text>
            {queue.online && (
              <Button size="xs" variant="white" color="orange" onClick={queue.retryAll}>
                {t.work.save.retryNow}
              </Button>
            )}
          </Group>
        </Alert>
      )}
      {missing && (
        <Alert color="orange" title={t.assess.missingTitle} mb="md" role="alert" data-testid="missing-list">
          <List size="sm">
            {missing.map((m) => (
              <List.Item key={m.message}>
                <Anchor component={Link} to={`?indikator=${encodeURIComponent(m.indicatorCode)}`}>
                  {m.message}
                </Anchor>
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {a.returned.indicators.length > 0 && a.state === 'returned' && (
        <Alert color="orange" title={t.assess.returnedTitle} mb="md">
          <Text size="sm">{a.returned.message}</Text>
          <Text size="sm">{a.returned.indicators.join(', ')}</Text>
        </Alert>
      )}
      {a.editableIndicators.length === 0 && (
        <Alert color="gray" mb="md">
          {t.assess.readOnly}
        </Alert>
      )}
      <SignoffPanel assessment={a} onDone={flash.show} onIncomplete={showMissing} />
      <Stack gap={4} mb="md">
        <Progress value={p.applicable ? (100 * p.answered) / p.applicable : 0} aria-label={progressLabel} />
        <Text size="sm" data-testid="progress-text">
          {progressLabel}
        </Text>
      </Stack>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <nav aria-label={t.assess.tree}>
            <Title order={2} size="h5" mb="xs">
              {t.assess.tree}
            </Title>
            <ul className="indicator-nav" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {indicators.map(({ node, path }) => {
                const r = responses.get(node.code);
                const current = node.code === selectedCode;
                const entry = queue.entries[node.code];
                const unsent = entry?.status === 'offline' || entry?.status === 'conflict';
                return (
                  <li key={node.code} style={{ marginBottom: 4 }}>
                    <Anchor
                      component={Link}
                      to={`?indikator=${encodeURIComponent(node.code)}`}
                      aria-current={current ? 'true' : undefined}
                      fw={current ? 700 : 400}
                      size="sm"
                      title={path.join(' › ')}
                    >
                      {node.code} {node.name}
                    </Anchor>
                    {r && (r.level !== null || r.notApplicable) && (
                      <Text span size="xs" c="teal.8" ml={6}>
                        ✓ {t.assess.answered}
                      </Text>
                    )}
                    {r?.needsConfirmation && (
                      <Badge variant="light" color="orange" size="xs" ml={6}>
                        {t.assess.confirmAgain}
                      </Badge>
                    )}
                    {unsent && (
                      <Badge variant="light" color="orange" size="xs" ml={6}>
                        {t.work.save.pending}
                      </Badge>
                    )}
                  </li>
                );
              })}
            </ul>
          </nav>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {selected && (
            <IndicatorForm
              key={`${selected.node.code}:${queue.resets[selected.node.code] ?? 0}`}
              assessment={a}
              node={selected.node}
              path={selected.path}
              response={responses.get(selected.node.code)}
              editable={editable.has(selected.node.code)}
              entry={selectedEntry}
              queue={queue}
            />
          )}
          <Group justify="space-between" mt="md">
            <Button
              variant="default"
              disabled={index <= 0}
              onClick={() => select(indicators[index - 1]!.node.code)}
            >
              {t.assess.previous}
            </Button>
            <Button
              variant="default"
              disabled={index < 0 || index >= indicators.length - 1}
              onClick={() => select(indicators[index + 1]!.node.code)}
            >
              {t.assess.next}
            </Button>
          </Group>
        </Grid.Col>
      </Grid>
      <UnitDownloads assessment={a} />
    </>
  );
}

/** A saved answer as the input that would save it again. */
const answerOf = (r: ResponseDto | undefined): ResponseInput => ({
  level: r?.metricValue != null ? null : (r?.level ?? null),
  notApplicable: r?.notApplicable ?? false,
  metricValue: r?.metricValue ?? null,
  justification: r?.justification ?? null,
  evidenceIds: r?.evidenceIds ?? [],
});

/** The form's fields for an answer (metric values written the reader's way). */
const fieldsOf = (x: ResponseInput, lang: string) => ({
  level: x.level ? String(x.level) : null,
  na: x.notApplicable ?? false,
  metric: lang === 'id' ? (x.metricValue ?? '').replace('.', ',') : (x.metricValue ?? ''),
  justification: x.justification ?? '',
  evidenceIds: x.evidenceIds ?? [],
});

function IndicatorForm({
  assessment: a,
  node,
  path,
  response,
  editable,
  entry,
  queue,
}: {
  assessment: AssessmentDetail;
  node: TreeNode;
  path: string[];
  response: ResponseDto | undefined;
  editable: boolean;
  entry: SaveEntry | undefined;
  queue: SaveQueue;
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const evidence = useUnitEvidence(editable ? a.unit.code : undefined);
  // The form starts from the answer still waiting to be sent, if any, else from the server's.
  const [start] = useState(() =>
    fieldsOf(entry && entry.status !== 'saved' ? entry.input : answerOf(response), lang),
  );
  const [level, setLevel] = useState<string | null>(start.level);
  const [na, setNa] = useState(start.na);
  const [metric, setMetric] = useState(start.metric);
  const [justification, setJustification] = useState(start.justification);
  const [evidenceIds, setEvidenceIds] = useState<string[]>(start.evidenceIds);
  /** The server's answer the fields were last in step with. */
  const synced = useRef(response);
  const [linkUrl, setLinkUrl] = useState('');
  const [linkTitle, setLinkTitle] = useState('');
  const [linkError, setLinkError] = useState<string | null>(null);
  const criteria = (lang === 'en' && node.criteriaEn) || node.criteria || [];
  const metricKind = node.kind === 'metric';
  const verification = a.verifications.find((v) => v.indicatorCode === node.code);
  const status = entry?.status;

  const input = (ids = evidenceIds): ResponseInput => ({
    ...(metricKind
      ? { metricValue: na || metric === '' ? null : metric.replace(',', '.') }
      : { level: na || !level ? null : Number(level) }),
    notApplicable: na,
    justification: justification || null,
    evidenceIds: ids,
    expectedVersion: response?.version ?? 0,
  });
  // The upload finishes after its click: it links the file to the answer as the form is then.
  const latest = useRef({ input, evidenceIds });
  latest.current = { input, evidenceIds };
  // "Tersimpan" only while the form still shows what was saved.
  const shown = status === 'saved' && entry && !sameAnswer(input(), entry.input) ? undefined : status;

  const save = () => queue.save(node.code, input());

  // A newer answer from the server (this user's own save, a template import, another person)
  // replaces the fields only while they hold nothing the user has not saved.
  useEffect(() => {
    const before = synced.current;
    if (!response || response.version === before?.version) return;
    synced.current = response;
    const now = latest.current.input();
    const pristine =
      sameAnswer(now, answerOf(before)) || (entry?.status === 'saved' && sameAnswer(now, entry.input));
    if (!pristine || (entry && entry.status !== 'saved')) return;
    const f = fieldsOf(answerOf(response), lang);
    setLevel(f.level);
    setNa(f.na);
    setMetric(f.metric);
    setJustification(f.justification);
    setEvidenceIds(f.evidenceIds);
  }, [response, entry, lang]);

  const onUploaded = async (item: EvidenceCreated) => {
    const now = latest.current.evidenceIds;
    const ids = now.includes(item.id) ? now : [...now, item.id];
    setEvidenceIds(ids);
    await Promise.all([
      queue.save(node.code, latest.current.input(ids)),
      queryClient.invalidateQueries({ queryKey: ['unit-evidence', a.unit.code] }),
    ]);
  };

  const describe = (r: Pick<ResponseDto, 'notApplicable' | 'metricValue' | 'level'>) =>
    r.notApplicable
      ? t.assess.notApplicable
      : r.metricValue !== null && r.metricValue !== undefined
        ? `${t.assess.metricValue}: ${r.metricValue}`
        : r.level
          ? t.assess.level(r.level)
          : '—';

  const addLink = async () => {
    setLinkError(null);
    try {
      const item = await createLinkEvidence(a.unit.code, linkUrl, linkTitle);
      setEvidenceIds((ids) => [...ids, item.id]);
      setLinkUrl('');
      setLinkTitle('');
      await queryClient.invalidateQueries({ queryKey: ['unit-evidence', a.unit.code] });
    } catch (err) {
      setLinkError(errorMessage(err));
    }
  };

  return (
    <Card withBorder padding="lg" data-testid="indicator-form">
      <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
        <Text size="xs" c="dimmed" style={{ flex: '1 1 12rem' }}>
          {path.join(' › ')}
        </Text>
        <IndicatorHistoryButton assessmentId={a.id} indicatorCode={node.code} />
      </Group>
      <Title order={2} size="h4" mb="xs">
        {node.code} {node.name}
      </Title>
      {response?.needsConfirmation && (
        <Badge variant="light" color="orange" mb="xs">
          {t.assess.confirmAgain}
        </Badge>
      )}
      {node.description && (
        <Text size="sm" mb="sm">
          {node.description}
        </Text>
      )}
      {node.evidenceGuidance && (
        <Text size="sm" c="dimmed" mb="sm">
          <strong>{t.assess.guidance}:</strong> {node.evidenceGuidance}
        </Text>
      )}
      <Stack gap="md">
        {metricKind ? (
          <Stack gap="xs">
            <SimpleGrid cols={{ base: 1, sm: 5 }} spacing="xs" aria-label={t.assess.levelChoice}>
              {criteria.map((c, i) => (
                <Card
                  key={c}
                  withBorder
                  padding="xs"
                  bg={response?.level === i + 1 ? 'blue.0' : undefined}
                  aria-current={response?.level === i + 1 ? 'true' : undefined}
                >
                  <Text fw={700} size="sm">
                    {t.assess.level(i + 1)}
                  </Text>
                  <Text size="xs">{c}</Text>
                </Card>
              ))}
            </SimpleGrid>
            <TextInput
              label={`${t.assess.metricValue}${node.unit ? ` (${node.unit})` : ''}`}
              inputMode="decimal"
              value={metric}
              onChange={(e) => setMetric(e.currentTarget.value)}
              disabled={!editable || na}
              maw={280}
            />
          </Stack>
        ) : (
          <Radio.Group
            label={t.assess.levelChoice}
            value={level}
            onChange={setLevel}
            readOnly={!editable || na}
          >
            <SimpleGrid cols={{ base: 1, sm: 5 }} spacing="xs" mt="xs">
              {criteria.map((c, i) => (
                <Radio.Card
                  key={c}
                  value={String(i + 1)}
                  disabled={!editable || na}
                  p="sm"
                  radius="md"
                  aria-label={`${t.assess.level(i + 1)}: ${c}`}
                  data-testid={`level-${i + 1}`}
                >
                  <Stack gap={4}>
                    <Group gap="xs" wrap="nowrap">
                      <Radio.Indicator size="sm" />
                      <Text fw={700} size="sm">
                        {t.assess.level(i + 1)}
                      </Text>
                    </Group>
                    <Text size="xs">{c}</Text>
                  </Stack>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
        )}
        {node.naAllowed && (
          <Switch
            label={t.assess.notApplicable}
            description={t.assess.naReasonHint}
            checked={na}
            onChange={(e) => setNa(e.currentTarget.checked)}
            disabled={!editable}
          />
        )}
        <Textarea
          label={t.assess.justification}
          autosize
          minRows={3}
          value={justification}
          onChange={(e) => setJustification(e.currentTarget.value)}
          readOnly={!editable}
        />
        <Checkbox.Group label={t.assess.evidence} value={evidenceIds} onChange={setEvidenceIds}>
          <Stack gap={4} mt="xs">
            {(response?.evidence ?? [])
              .filter((e) => !(evidence.data ?? []).some((x) => x.id === e.id))
              .map((e) => (
                <Checkbox key={e.id} value={e.id} label={e.title} disabled={!editable} />
              ))}
            {(evidence.data ?? []).map((e) => (
              <Checkbox key={e.id} value={e.id} label={e.title} disabled={!editable} />
            ))}
            {editable && evidence.data?.length === 0 && (
              <Text size="sm" c="dimmed">
                {t.assess.evidenceEmpty}
              </Text>
            )}
          </Stack>
        </Checkbox.Group>
        {editable && <EvidenceUpload unitCode={a.unit.code} onUploaded={onUploaded} />}
        {editable && (
          <Card withBorder padding="sm">
            <Text fw={600} size="sm" mb="xs">
              {t.assess.addLink}
            </Text>
            <Group align="flex-end" gap="xs">
              <TextInput
                label={t.assess.linkUrl}
                type="url"
                value={linkUrl}
                onChange={(e) => setLinkUrl(e.currentTarget.value)}
                style={{ flex: '1 1 14rem' }}
              />
              <TextInput
                label={t.assess.linkTitle}
                value={linkTitle}
                onChange={(e) => setLinkTitle(e.currentTarget.value)}
                style={{ flex: '1 1 10rem' }}
              />
              <Button variant="default" onClick={addLink} disabled={!linkUrl || !linkTitle}>
                {t.assess.addLinkButton}
              </Button>
            </Group>
            {linkError && (
              <Text c="red.8" size="sm" role="alert" mt="xs">
                {linkError}
              </Text>
            )}
          </Card>
        )}
        {verification && (
          <Alert color="blue" title={t.assess.verified}>
            {verification.level ? t.assess.level(verification.level) : '—'} ·{' '}
            {reasonName(verification.reasonCode, lang, verification.reasonLabel)}
            {verification.note ? ` · ${verification.note}` : ''}
          </Alert>
        )}
        {editable && (
          <Group gap="sm" align="flex-start">
            <Button onClick={save} loading={status === 'saving'}>
              {t.assess.saveIndicator}
            </Button>
            <div role="status" aria-live="polite" data-testid="save-status" data-status={shown}>
              {status === 'saving' && <Text size="sm">{t.work.save.saving}</Text>}
              {shown === 'saved' && (
                <Text size="sm" c="teal.8">
                  {t.work.save.saved}
                </Text>
              )}
              {status === 'offline' && (
                <>
                  <Text size="sm" c="orange.9" fw={600}>
                    {t.work.save.offline}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t.work.save.offlineHint}
                  </Text>
                </>
              )}
              {status === 'error' && (
                <Text size="sm" c="red.8">
                  {errorMessage(entry?.error)}
                </Text>
              )}
              {status === 'conflict' && (
                <Text size="sm" c="red.8">
                  {t.work.save.conflictTitle}
                </Text>
              )}
            </div>
          </Group>
        )}
        {status === 'conflict' && entry && (
          <Alert color="orange" title={t.work.save.conflictTitle} data-testid="save-conflict">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Stack gap={2}>
                <Text size="sm" fw={600}>
                  {entry.current
                    ? t.work.save.conflictServer(
                        entry.current.updatedBy?.name ?? t.work.history.system,
                        entry.current.updatedAt ? formatDateTime(entry.current.updatedAt, lang) : '—',
                      )
                    : t.work.save.conflictServerNone}
                </Text>
                {entry.current && <AnswerSummary answer={entry.current} describe={describe} />}
              </Stack>
              <Stack gap={2}>
                <Text size="sm" fw={600}>
                  {t.work.save.conflictMine}
                </Text>
                <AnswerSummary
                  answer={{
                    notApplicable: entry.input.notApplicable ?? false,
                    metricValue: entry.input.metricValue ?? null,
                    level: entry.input.level ?? null,
                    justification: entry.input.justification ?? null,
                    evidenceIds: entry.input.evidenceIds ?? [],
                  }}
                  describe={describe}
                />
              </Stack>
            </SimpleGrid>
            <Group gap="xs" mt="sm">
              <Button size="xs" onClick={() => queue.resolve(node.code, 'mine')}>
                {t.work.save.keepMine}
              </Button>
              <Button size="xs" variant="default" onClick={() => queue.resolve(node.code, 'theirs')}>
                {t.work.save.takeServer}
              </Button>
            </Group>
          </Alert>
        )}
        <Divider />
        <CommentThread
          assessmentId={a.id}
          indicatorCode={node.code}
          canComment={a.allowedActions.includes('comment')}
        />
      </Stack>
    </Card>
  );
}

/** The same answer as the server would store it (justification trimmed, decimals by value). */
const sameAnswer = (x: ResponseInput, y: ResponseInput) =>
  (x.level ?? null) === (y.level ?? null) &&
  (x.notApplicable ?? false) === (y.notApplicable ?? false) &&
  sameDecimal(x.metricValue ?? null, y.metricValue ?? null) &&
  (x.justification ?? '').trim() === (y.justification ?? '').trim() &&
  [...(x.evidenceIds ?? [])].sort().join() === [...(y.evidenceIds ?? [])].sort().join();
const sameDecimal = (a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && Number(a) === Number(b));

function AnswerSummary({
  answer,
  describe,
}: {
  answer: Pick<ResponseDto, 'notApplicable' | 'metricValue' | 'level' | 'justification' | 'evidenceIds'>;
  describe: (r: Pick<ResponseDto, 'notApplicable' | 'metricValue' | 'level'>) => string;
}) {
  const { t } = useI18n();
  return (
    <>
      <Text size="sm">{describe(answer)}</Text>
      {answer.justification && (
        <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
          {t.work.save.justificationShort}: {answer.justification}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {t.work.save.evidenceCount(answer.evidenceIds.length)}
      </Text>
    </>
  );
}
