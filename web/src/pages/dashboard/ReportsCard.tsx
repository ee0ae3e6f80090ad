import { Alert, Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconFileTypePdf, IconFileZip } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { reportUrls, startReportsBatch, useJob } from '../../api/reports';
import { DownloadButton } from '../../components/DownloadButton';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { isApiError } from '../../lib/api';
import { formatBytes } from '../../lib/format';
import { jobStatusName } from '../../lib/labels';

const storageKey = (cycleId: string) => `mercusuar.reportsZip.${cycleId}`;

/** The job id remembered for a cycle on this browser (the URL is the first place it is kept). */
function rememberedZipJob(cycleId: string): string | null {
  try {
    return localStorage.getItem(storageKey(cycleId));
  } catch {
    return null;
  }
}

function remember(cycleId: string, jobId: string | null) {
  try {
    if (jobId) localStorage.setItem(storageKey(cycleId), jobId);
    else localStorage.removeItem(storageKey(cycleId));
  } catch {
    // storage blocked: the URL still holds the job
  }
}

/**
 * Downloads of a cycle: the results and matrix workbooks and the summary PDF stream straight from
 * the server; "all unit reports as one ZIP" runs as a background job whose id stays in the URL
 * (and this browser's storage), so a reload shows its progress again. Loaded lazily with the
 * job's progress bar.
 */
export default function ReportsCard({
  cycleId,
  urlJobId,
  onJob,
}: {
  cycleId: string;
  /** The job id in the page URL (?zip=…); without it, the one this browser remembers for the cycle. */
  urlJobId: string | null;
  onJob: (jobId: string | null) => void;
}) {
  const jobId = urlJobId ?? rememberedZipJob(cycleId);
  const { t, lang } = useI18n();
  const ti = t.insight;
  const errorMessage = useErrorMessage();
  const job = useJob(jobId);
  const start = useMutation({
    mutationFn: () => startReportsBatch(cycleId),
    onSuccess: (j) => {
      remember(cycleId, j.id);
      onJob(j.id);
    },
  });

  // A job that is gone or not ours (404) is forgotten rather than shown as an error.
  useEffect(() => {
    if (jobId && isApiError(job.error, 404)) {
      remember(cycleId, null);
      onJob(null);
    }
  }, [job.error, jobId, cycleId, onJob]);

  const j = job.data;
  const running = !!jobId && (!j || j.status === 'queued' || j.status === 'running');

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {ti.reportsTitle}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {ti.reportsIntro}
      </Text>
      <Group gap="xs" mb="md">
        <DownloadButton
          href={reportUrls.resultsXlsx(cycleId)}
          fallbackName="hasil-siklus.xlsx"
          variant="default"
          leftSection={<IconFileSpreadsheet size={16} aria-hidden="true" />}
        >
          {ti.resultsXlsx}
        </DownloadButton>
        <DownloadButton
          href={reportUrls.matrixXlsx(cycleId)}
          fallbackName="matriks-jawaban.xlsx"
          variant="default"
          leftSection={<IconFileSpreadsheet size={16} aria-hidden="true" />}
        >
          {ti.matrixXlsx}
        </DownloadButton>
        <DownloadButton
          href={reportUrls.summaryPdf(cycleId)}
          fallbackName="ringkasan-siklus.pdf"
          variant="default"
          leftSection={<IconFileTypePdf size={16} aria-hidden="true" />}
        >
          {ti.summaryPdf}
        </DownloadButton>
      </Group>
      <Stack gap="xs">
        <Group gap="xs">
          <Button
            onClick={() => start.mutate()}
            loading={start.isPending}
            disabled={running}
            leftSection={<IconFileZip size={16} aria-hidden="true" />}
          >
            {ti.zipStart}
          </Button>
        </Group>
        {start.isError && (
          <Alert color="red" role="alert">
            {errorMessage(start.error)}
          </Alert>
        )}
        <div role="status" aria-live="polite" data-testid="zip-job">
          {jobId && job.isError && !isApiError(job.error, 404) && (
            <Text size="sm" c="red">
              {errorMessage(job.error)}
            </Text>
          )}
          {jobId && !j && !job.isError && <Text size="sm">{t.common.loading}</Text>}
          {j && (
            <Stack gap={6}>
              <Text size="sm">
                {ti.zipStatus(jobStatusName(j.status, lang, j.statusLabel))}
                {j.status === 'running' || j.status === 'queued' ? ` · ${j.progress}%` : ''}
              </Text>
              {(j.status === 'queued' || j.status === 'running') && (
                <Progress.Root size="lg">
                  <Progress.Section value={j.progress} animated aria-label={ti.zipProgress} />
                </Progress.Root>
              )}
              {j.status === 'done' && j.downloadUrl && (
                <Group gap="xs">
                  <DownloadButton
                    href={j.downloadUrl}
                    fallbackName={j.result?.filename ?? 'laporan-unit.zip'}
                    color="green"
                    leftSection={<IconDownload size={16} aria-hidden="true" />}
                  >
                    {ti.zipDownload}
                  </DownloadButton>
                  {j.result && (
                    <Text size="sm" c="dimmed">
                      {j.result.filename} · {formatBytes(j.result.sizeBytes, lang)}
                    </Text>
                  )}
                </Group>
              )}
              {j.status === 'failed' && (
                <Text size="sm" c="red">
                  {ti.zipFailed}
                  {j.error ? `: ${j.error}` : ''}
                </Text>
              )}
            </Stack>
          )}
        </div>
      </Stack>
    </Card>
  );
}
