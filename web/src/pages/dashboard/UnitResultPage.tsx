import { Anchor, Badge, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconFileSpreadsheet, IconFileTypePdf } from '@tabler/icons-react';
import { lazy, type ReactNode, Suspense } from 'react';
import { Link, useParams } from 'react-router';
import { reportUrls } from '../../api/reports';
import { type UnitInsight, useUnitInsight } from '../../api/results';
import { DataTable } from '../../components/DataTable';
import { DownloadButton } from '../../components/DownloadButton';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDecimal } from '../../lib/format';
import { stateName } from '../../lib/labels';
import { APP_ROUTES } from '../../lib/routes';
import { signed } from './RankingCard';
import { ScoreReceipt } from './ScoreReceipt';

// The radar and the history chart load after the figures and the receipt (ECharts is a chunk of its own).
const UnitCharts = lazy(() => import('./UnitCharts'));

const percent = (share: string | null, lang: 'id' | 'en') =>
  share === null ? '—' : `${formatDecimal((Number(share) * 100).toFixed(1), lang)}%`;

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" component="div">
        {children}
      </Text>
    </div>
  );
}

/**
 * `/dasbor/unit/:assessmentId` — one unit's result: key figures, a radar of its domain indices
 * against the cycle mean, its index over cycles, the plan to reach the target and the score receipt
 * down to every indicator's evidence and verifier; with the unit's report as PDF and Excel.
 */
export default function UnitResultPage() {
  const { assessmentId = '' } = useParams();
  const { t } = useI18n();
  const q = useUnitInsight(assessmentId);
  if (q.isPending) return <PageLoader />;
  if (q.isError || !q.data)
    return (
      <>
        <PageHeader title={t.insight.unitPageTitle} />
        <QueryError error={q.error} onRetry={() => q.refetch()} />
      </>
    );
  return <UnitResult data={q.data} />;
}

function UnitResult({ data }: { data: UnitInsight }) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const r = data.result;

  return (
    <>
      <Anchor component={Link} to={`${APP_ROUTES.dashboard.path}?siklus=${data.cycle.id}`} size="sm">
        ← {ti.backToDashboard}
      </Anchor>
      <PageHeader
        title={data.unit.name}
        intro={`${data.cycle.name} · ${stateName(data.assessment.state, lang, data.assessment.stateLabel)}`}
        actions={
          <>
            <DownloadButton
              href={reportUrls.unitPdf(data.assessment.id)}
              fallbackName="laporan-unit.pdf"
              variant="default"
              leftSection={<IconFileTypePdf size={16} aria-hidden="true" />}
            >
              {ti.unitPdf}
            </DownloadButton>
            <DownloadButton
              href={reportUrls.unitXlsx(data.assessment.id)}
              fallbackName="laporan-unit.xlsx"
              variant="default"
              leftSection={<IconFileSpreadsheet size={16} aria-hidden="true" />}
            >
              {ti.unitXlsx}
            </DownloadButton>
          </>
        }
      />
      <Stack gap="lg">
        <Card withBorder padding="lg">
          <Group gap="xs" mb="sm">
            <Badge variant="light" color={data.assessment.final ? 'green' : 'yellow'}>
              {data.assessment.final ? ti.final : ti.provisional}
            </Badge>
            {r.belowTarget && (
              <Badge variant="light" color="orange">
                {t.results.belowTarget}
              </Badge>
            )}
            {r.inBottomQuartile && (
              <Badge variant="light" color="orange">
                {t.results.bottomQuartile}
              </Badge>
            )}
          </Group>
          <SimpleGrid cols={{ base: 2, sm: 3, md: 4 }} spacing="sm">
            <Figure label={t.results.index}>
              <span data-testid="unit-index">{formatDecimal(r.verifiedIndex, lang)}</span>{' '}
              {r.predicate && (
                <Badge variant="light" size="sm">
                  {r.predicate}
                </Badge>
              )}
            </Figure>
            <Figure label={t.results.rank}>
              {r.rank === null ? '—' : ti.rankOf(String(r.rank), String(r.rankedCount))}
            </Figure>
            <Figure label={t.results.change}>{signed(r.change, lang, data.instrument.decimals)}</Figure>
            <Figure label={ti.selfIndex}>{formatDecimal(r.selfIndex, lang)}</Figure>
            <Figure label={t.results.gap}>{signed(r.gap, lang, data.instrument.decimals)}</Figure>
            <Figure label={ti.target}>{formatDecimal(data.cycle.targetIndex, lang)}</Figure>
            <Figure label={ti.evidenceCompleteness}>{percent(r.evidenceCompleteness, lang)}</Figure>
            <Figure label={ti.verificationCoverage}>{percent(r.verificationCoverage, lang)}</Figure>
          </SimpleGrid>
          {data.assessment.snapshotHash && (
            <Text size="xs" c="dimmed" mt="sm">
              {ti.snapshotHash}: <Code className="wrap-anywhere">{data.assessment.snapshotHash}</Code>
            </Text>
          )}
        </Card>

        <Suspense fallback={<Text>{t.common.loading}</Text>}>
          <UnitCharts data={data} />
        </Suspense>

        {data.receipt && data.cycle.targetIndex && (
          <PlanCard data={data} receipt={data.receipt} target={data.cycle.targetIndex} />
        )}

        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="xs">
            {ti.receiptTitle}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {ti.receiptIntro}
          </Text>
          <ScoreReceipt data={data} />
        </Card>
      </Stack>
    </>
  );
}

/** The fewest level steps that lift the reported index to the cycle target (score receipt). */
function PlanCard({
  data,
  receipt,
  target,
}: {
  data: UnitInsight;
  receipt: NonNullable<UnitInsight['receipt']>;
  target: string;
}) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const plan = receipt.planToTarget;
  const gap = receipt.gapToTarget;
  const reached = gap === null || gap.startsWith('-') || /^0\.0+$/.test(gap) || plan?.length === 0;
  const criterionOf = (code: string, level: number) =>
    data.nodes.find((n) => n.code === code)?.indicator?.criteria[level - 1] ?? '';
  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {ti.planTitle}
      </Title>
      {reached ? (
        <Text size="sm">{ti.targetReached(formatDecimal(target, lang))}</Text>
      ) : !plan ? (
        <Text size="sm">{ti.planUnreachable}</Text>
      ) : (
        <>
          <Text size="sm" mb="sm">
            {ti.planIntro(formatDecimal(target, lang), formatDecimal(gap, lang))}
          </Text>
          <div data-testid="plan-to-target">
            <DataTable
              caption={ti.planTitle}
              hideCaption
              rows={plan}
              rowKey={(p) => p.code}
              columns={[
                { key: 'ind', header: ti.indicator, cell: (p) => `${p.code} ${p.name}` },
                { key: 'levels', header: ti.levelStep, cell: (p) => `${p.fromLevel} → ${p.toLevel}` },
                {
                  key: 'criterion',
                  header: ti.criterionToReach,
                  cell: (p) => criterionOf(p.code, p.toLevel),
                },
                {
                  key: 'gain',
                  header: ti.gain,
                  numeric: true,
                  cell: (p) => `+${formatDecimal(p.gain, lang)}`,
                },
              ]}
            />
          </div>
        </>
      )}
    </Card>
  );
}
