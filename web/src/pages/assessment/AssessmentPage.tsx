import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
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
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  type AssessmentDetail,
  assessmentKey,
  createLinkEvidence,
  flattenIndicators,
  type ResponseDto,
  saveResponse,
  submitAssessment,
  type TreeNode,
  useAssessment,
  useInstrumentTree,
  useUnitEvidence,
} from '../../api/assessments';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError, useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatNumber } from '../../lib/format';
import { StateBadge } from './StateBadge';

type SaveState = { code: string; status: 'saving' | 'saved' | 'error' | 'conflict'; message?: string };

interface Missing {
  indicatorCode: string;
  indicatorName: string;
  message: string;
}

/** `/penilaian/:assessmentId` — the unit's self-assessment, one indicator at a time. */
export default function AssessmentPage() {
  const { assessmentId = '' } = useParams();
  const { t, lang } = useI18n();
  const detail = useAssessment(assessmentId);
  const tree = useInstrumentTree(assessmentId);
  const [params, setParams] = useSearchParams();
  const [saveState, setSaveState] = useState<SaveState | null>(null);
  const [missing, setMissing] = useState<Missing[] | null>(null);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const flash = useFlash();
  const queryClient = useQueryClient();

  const indicators = useMemo(() => {
    if (!tree.data || !detail.data) return [];
    const applicable = new Set(detail.data.applicableIndicators);
    return flattenIndicators(tree.data.content.nodes).filter((i) => applicable.has(i.node.code));
  }, [tree.data, detail.data]);

  if (detail.isError) return <QueryError error={detail.error} onRetry={() => detail.refetch()} />;
  if (tree.isError) return <QueryError error={tree.error} onRetry={() => tree.refetch()} />;
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

  const submit = async () => {
    setSubmitting(true);
    setMissing(null);
    setSubmitError(null);
    try {
      await submitAssessment(a.id);
      flash.show(t.assess.submitted);
      await queryClient.invalidateQueries({ queryKey: assessmentKey(a.id) });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SUBMISSION_INCOMPLETE') {
        setMissing(((err.details as { missing?: Missing[] })?.missing ?? []) as Missing[]);
      } else setSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  };

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
                  </li>
                );
              })}
            </ul>
          </nav>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {selected && (
            <IndicatorForm
              key={`${selected.node.code}:${responses.get(selected.node.code)?.version ?? 0}`}
              assessment={a}
              node={selected.node}
              path={selected.path}
              response={responses.get(selected.node.code)}
              editable={editable.has(selected.node.code)}
              saveState={saveState?.code === selected.node.code ? saveState : null}
              onSaveState={setSaveState}
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
    </>
  );
}

function IndicatorForm({
  assessment: a,
  node,
  path,
  response,
  editable,
  saveState,
  onSaveState,
}: {
  assessment: AssessmentDetail;
  node: TreeNode;
  path: string[];
  response: ResponseDto | undefined;
  editable: boolean;
  saveState: SaveState | null;
  onSaveState: (s: SaveState) => void;
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const evidence = useUnitEvidence(editable ? a.unit.code : undefined);
  const [level, setLevel] = useState<string | null>(response?.level ? String(response.level) : null);
  const [na, setNa] = useState(response?.notApplicable ?? false);
  const [metric, setMetric] = useState(
    lang === 'id' ? (response?.metricValue ?? '').replace('.', ',') : (response?.metricValue ?? ''),
  );
  const [justification, setJustification] = useState(response?.justification ?? '');
  const [evidenceIds, setEvidenceIds] = useState<string[]>(response?.evidenceIds ?? []);
  const [linkUrl, setLinkUrl] = useState('');
  const [linkTitle, setLinkTitle] = useState('');
  const [linkError, setLinkError] = useState<string | null>(null);
  const criteria = (lang === 'en' && node.criteriaEn) || node.criteria || [];
  const metricKind = node.kind === 'metric';
  const verification = a.verifications.find((v) => v.indicatorCode === node.code);

  const save = async () => {
    onSaveState({ code: node.code, status: 'saving' });
    try {
      await saveResponse(a.id, node.code, {
        ...(metricKind
          ? { metricValue: na || metric === '' ? null : metric.replace(',', '.') }
          : { level: na || !level ? null : Number(level) }),
        notApplicable: na,
        justification: justification || null,
        evidenceIds,
        expectedVersion: response?.version ?? 0,
      });
      onSaveState({ code: node.code, status: 'saved' });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') {
        const cur = (err.details as { current?: ResponseDto } | null)?.current;
        onSaveState({
          code: node.code,
          status: 'conflict',
          message: cur ? `${t.assess.conflict} ${describe(cur)}` : t.assess.conflict,
        });
      } else onSaveState({ code: node.code, status: 'error', message: errorMessage(err) });
    }
    await queryClient.invalidateQueries({ queryKey: assessmentKey(a.id) });
  };

  const describe = (r: ResponseDto) =>
    r.notApplicable
      ? t.assess.notApplicable
      : r.metricValue !== null
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
      <Text size="xs" c="dimmed">
        {path.join(' › ')}
      </Text>
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
            {verification.level ? t.assess.level(verification.level) : '—'} · {verification.reasonLabel}
            {verification.note ? ` · ${verification.note}` : ''}
          </Alert>
        )}
        {editable && (
          <Group gap="sm">
            <Button onClick={save} loading={saveState?.status === 'saving'}>
              {t.assess.saveIndicator}
            </Button>
            <div role="status" aria-live="polite" data-testid="save-status">
              {saveState?.status === 'saving' && <Text size="sm">{t.common.saving}</Text>}
              {saveState?.status === 'saved' && (
                <Text size="sm" c="teal.8">
                  {t.assess.saved}
                </Text>
              )}
              {(saveState?.status === 'error' || saveState?.status === 'conflict') && (
                <Text size="sm" c="red.8">
                  {saveState.message}
                </Text>
              )}
            </div>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
