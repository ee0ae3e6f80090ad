import {
  Alert,
  Anchor,
  Box,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  NativeSelect,
  ScrollArea,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import {
  type AssessmentDetail,
  assessmentKey,
  completeVerification,
  flattenIndicators,
  type ResponseDto,
  returnAssessment,
  saveVerification,
  type TreeNode,
  useAssessment,
  useInstrumentTree,
  useReasonCatalogue,
  type VerificationDto,
} from '../../api/assessments';
import { CommentThread } from '../../components/comments/CommentThread';
import { IndicatorHistoryButton } from '../../components/comments/IndicatorHistory';
import { EvidencePreview } from '../../components/evidence/EvidencePreview';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError, useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { StateBadge } from '../assessment/StateBadge';

/** `/verifikasi/:assessmentId` — each indicator's answer and evidence beside the assessor's verification. */
export default function ReviewPage() {
  const { assessmentId = '' } = useParams();
  const { t } = useI18n();
  const detail = useAssessment(assessmentId);
  const tree = useInstrumentTree(assessmentId);
  const flash = useFlash();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const [returnCodes, setReturnCodes] = useState<string[]>([]);
  const [returnMessage, setReturnMessage] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);

  const indicators = useMemo(() => {
    if (!tree.data || !detail.data) return [];
    const applicable = new Set(detail.data.applicableIndicators);
    return flattenIndicators(tree.data.content.nodes).filter((i) => applicable.has(i.node.code));
  }, [tree.data, detail.data]);

  if (detail.isError && !detail.data)
    return <QueryError error={detail.error} onRetry={() => detail.refetch()} />;
  if (tree.isError && !tree.data) return <QueryError error={tree.error} onRetry={() => tree.refetch()} />;
  if (!detail.data || !tree.data) return <PageLoader />;
  const a = detail.data;
  const canVerify = a.allowedActions.includes('verify');
  const refresh = () => queryClient.invalidateQueries({ queryKey: assessmentKey(a.id) });

  const run = async (action: () => Promise<unknown>, done: string) => {
    setActionError(null);
    try {
      await action();
      flash.show(done);
      await refresh();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };

  return (
    <>
      <PageHeader
        title={t.review.detailTitle(a.unit.name)}
        intro={
          <>
            {a.cycle.name} · <StateBadge state={a.state} label={a.stateLabel} />
          </>
        }
        actions={
          a.allowedActions.includes('complete_verification') && (
            <Button onClick={() => run(() => completeVerification(a.id), t.review.completed)}>
              {t.review.complete}
            </Button>
          )
        }
      />
      <Flash message={flash.message} onClose={flash.clear} />
      {actionError && (
        <Alert color="red" role="alert" mb="md">
          {actionError}
        </Alert>
      )}
      {!canVerify && (
        <Alert color="gray" mb="md">
          {t.review.notVerifiable}
        </Alert>
      )}
      <Stack gap="md">
        {indicators.map(({ node }) => (
          <ReviewItem
            key={node.code}
            assessment={a}
            node={node}
            response={a.responses.find((r) => r.indicatorCode === node.code)}
            verification={a.verifications.find((v) => v.indicatorCode === node.code)}
            canVerify={canVerify}
          />
        ))}
      </Stack>
      {a.allowedActions.includes('return') && (
        <Card withBorder padding="lg" mt="lg">
          <Title order={2} size="h4" mb="sm">
            {t.review.returnTitle}
          </Title>
          <Checkbox.Group label={t.review.returnIndicators} value={returnCodes} onChange={setReturnCodes}>
            <ScrollArea.Autosize mah={240} mt="xs">
              <Stack gap={4}>
                {indicators.map(({ node }) => (
                  <Checkbox key={node.code} value={node.code} label={`${node.code} ${node.name}`} />
                ))}
              </Stack>
            </ScrollArea.Autosize>
          </Checkbox.Group>
          <Textarea
            label={t.review.returnMessage}
            value={returnMessage}
            onChange={(e) => setReturnMessage(e.currentTarget.value)}
            mt="sm"
          />
          <Button
            mt="sm"
            color="orange"
            disabled={returnCodes.length === 0 || returnMessage.trim().length < 5}
            onClick={() => run(() => returnAssessment(a.id, returnCodes, returnMessage), t.review.returned)}
          >
            {t.review.returnButton}
          </Button>
        </Card>
      )}
    </>
  );
}

function answerText(r: ResponseDto | undefined, t: ReturnType<typeof useI18n>['t']) {
  if (!r || (r.level === null && !r.notApplicable)) return t.review.noAnswer;
  if (r.notApplicable) return t.assess.notApplicable;
  return `${t.assess.level(r.level!)}${r.metricValue !== null ? ` (${r.metricValue})` : ''}`;
}

function ReviewItem({
  assessment: a,
  node,
  response,
  verification,
  canVerify,
}: {
  assessment: AssessmentDetail;
  node: TreeNode;
  response: ResponseDto | undefined;
  verification: VerificationDto | undefined;
  canVerify: boolean;
}) {
  const { t, lang } = useI18n();
  const catalogue = useReasonCatalogue();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const [level, setLevel] = useState(String(verification?.level ?? response?.level ?? ''));
  const [reason, setReason] = useState(verification?.reasonCode ?? '');
  const [stage, setStage] = useState(verification?.stage ?? 'dokumen');
  const [note, setNote] = useState(verification?.note ?? '');
  const [status, setStatus] = useState<string | null>(null);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [discussion, setDiscussion] = useState(false);
  const ids = useId();
  const criteria = (lang === 'en' && node.criteriaEn) || node.criteria || [];
  const evidence = response?.evidence ?? [];
  const previewed = evidence.find((e) => e.id === previewId);
  const comments = a.commentCounts?.[node.code] ?? 0;

  const save = async () => {
    setStatus(t.common.saving);
    try {
      await saveVerification(a.id, node.code, {
        ...(node.kind === 'metric'
          ? { metricValue: verification?.metricValue ?? response?.metricValue ?? null }
          : { level: level ? Number(level) : null }),
        notApplicable: !level && !!response?.notApplicable,
        reasonCode: reason,
        stage,
        note: note || null,
        expectedVersion: verification?.version ?? 0,
      });
      setStatus(t.review.saved);
      await queryClient.invalidateQueries({ queryKey: assessmentKey(a.id) });
    } catch (err) {
      setStatus(errorMessage(err));
    }
  };

  return (
    <Card withBorder padding="md" data-testid={`review-${node.code}`}>
      <Title order={2} size="h5" mb="xs">
        {node.code} {node.name}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Text fw={600} size="sm">
            {t.review.unitAnswer}
          </Text>
          <Text size="sm">{answerText(response, t)}</Text>
          {response?.level && criteria[response.level - 1] && (
            <Text size="xs" c="dimmed">
              {criteria[response.level - 1]}
            </Text>
          )}
          {response?.justification && (
            <Text size="sm" mt="xs">
              {response.justification}
            </Text>
          )}
          {evidence.length > 0 && (
            <Stack gap={2} mt="xs">
              <Text fw={600} size="sm">
                {t.assess.evidence}
              </Text>
              {evidence.map((e) => (
                <Group key={e.id} gap="xs" wrap="wrap">
                  <Anchor href={e.url ?? e.downloadUrl ?? undefined} target="_blank" size="sm">
                    {e.title}
                  </Anchor>
                  <Text span size="xs" c="dimmed">
                    {e.kind === 'link' ? t.work.preview.link : t.work.preview.file}
                  </Text>
                  {e.previewUrl && (
                    <Button
                      size="compact-xs"
                      variant="light"
                      aria-expanded={previewId === e.id}
                      aria-controls={`${ids}-preview`}
                      aria-label={
                        previewId === e.id ? t.work.preview.hide : t.work.preview.showLabel(e.title)
                      }
                      onClick={() => setPreviewId(previewId === e.id ? null : e.id)}
                    >
                      {previewId === e.id ? t.work.preview.hide : t.work.preview.show}
                    </Button>
                  )}
                </Group>
              ))}
            </Stack>
          )}
          <div id={`${ids}-preview`}>
            {previewed && (
              <Box mt="xs">
                <EvidencePreview evidence={previewed} />
              </Box>
            )}
          </div>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          {verification?.stale && (
            <Text size="sm" c="orange.9" mb="xs">
              {t.review.stale}
            </Text>
          )}
          <Stack gap="xs">
            <NativeSelect
              label={t.review.level}
              value={level}
              onChange={(e) => setLevel(e.currentTarget.value)}
              disabled={!canVerify}
              data={[
                { value: '', label: t.review.choose },
                ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: t.assess.level(n) })),
              ]}
            />
            <NativeSelect
              label={t.review.reason}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              disabled={!canVerify}
              data={[
                { value: '', label: t.review.choose },
                ...(catalogue.data?.reasons ?? []).map((r) => ({
                  value: r.code,
                  label: lang === 'en' ? r.labelEn : r.label,
                })),
              ]}
            />
            <NativeSelect
              label={t.review.stage}
              value={stage}
              onChange={(e) => setStage(e.currentTarget.value)}
              disabled={!canVerify}
              data={(
                catalogue.data?.stages ?? [{ code: 'dokumen', label: 'Penilaian dokumen', labelEn: '' }]
              ).map((s) => ({ value: s.code, label: lang === 'en' ? s.labelEn : s.label }))}
            />
            <Textarea
              label={t.review.note}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              readOnly={!canVerify}
            />
            {canVerify && (
              <Group gap="sm">
                <Button onClick={save} disabled={!reason} size="sm">
                  {t.review.save}
                </Button>
                <div role="status" aria-live="polite">
                  {status && <Text size="sm">{status}</Text>}
                </div>
              </Group>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Group gap="xs" mt="sm">
        <Button
          size="xs"
          variant="subtle"
          aria-expanded={discussion}
          aria-controls={`${ids}-discussion`}
          onClick={() => setDiscussion((d) => !d)}
        >
          {t.work.comments.count(comments)}
        </Button>
        <IndicatorHistoryButton assessmentId={a.id} indicatorCode={node.code} />
      </Group>
      <div id={`${ids}-discussion`}>
        {discussion && (
          <Box mt="xs">
            <CommentThread
              assessmentId={a.id}
              indicatorCode={node.code}
              canComment={a.allowedActions.includes('comment')}
            />
          </Box>
        )}
      </div>
    </Card>
  );
}
