import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { type AssessmentDetail, assessmentKey, type TreeNode } from '../../api/assessments';
import {
  downloadFile,
  importTemplate,
  reportUrl,
  type TemplateImportResult,
  type TemplateProblem,
  templateProblems,
  templateUrl,
} from '../../api/templates';
import { DataTable } from '../../components/DataTable';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import type { TemplateChange } from './templatePreview';

type Step =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'preview'; changes: TemplateChange[] | null }
  | { kind: 'problems'; problems: TemplateProblem[] }
  | { kind: 'done'; result: TemplateImportResult };

/**
 * Issue 6 item 7 on the unit's own page: the Excel template (download, fill offline, upload back
 * with a preview of the changes and the server's row errors) and the unit's results report.
 */
export function UnitDownloads({
  assessment: a,
  indicators,
}: {
  assessment: AssessmentDetail;
  indicators: TreeNode[];
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const ids = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [importing, setImporting] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const canImport = a.allowedActions.includes('edit');
  const reportsReady = a.state === 'final' || a.state === 'published';

  const download = async (key: string, url: string, name: string) => {
    setBusy(key);
    setError(null);
    try {
      await downloadFile(url, name);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const check = async (f: File | null) => {
    setFile(f);
    setError(null);
    if (!f) {
      setStep({ kind: 'idle' });
      if (input.current) input.current.value = '';
      return;
    }
    setStep({ kind: 'checking' });
    try {
      const { templateChanges } = await import('./templatePreview');
      setStep({ kind: 'preview', changes: await templateChanges(f, a.responses, indicators) });
    } catch {
      // Not readable here (not a template, or an unusual workbook): the server decides on import.
      setStep({ kind: 'preview', changes: null });
    }
  };

  const runImport = async (importValid: boolean) => {
    if (!file) return;
    setError(null);
    setImporting(true);
    try {
      const result = await importTemplate(a.id, file, importValid);
      setStep({ kind: 'done', result });
      setFile(null);
      if (input.current) input.current.value = '';
      await queryClient.invalidateQueries({ queryKey: assessmentKey(a.id) });
    } catch (err) {
      const problems = templateProblems(err);
      if (problems.length > 0) setStep({ kind: 'problems', problems });
      else {
        setStep({ kind: 'idle' });
        setError(errorMessage(err));
      }
    } finally {
      setImporting(false);
    }
  };

  const problemColumns = [
    { key: 'sheet', header: t.work.downloads.sheet, cell: (p: TemplateProblem) => p.sheet ?? '—' },
    { key: 'row', header: t.work.downloads.row, numeric: true, cell: (p: TemplateProblem) => p.row ?? '—' },
    {
      key: 'column',
      header: t.work.downloads.column,
      cell: (p: TemplateProblem) =>
        p.column ? `${p.column}${p.columnHeader ? ` (${p.columnHeader})` : ''}` : '—',
    },
    {
      key: 'message',
      header: t.work.downloads.problem,
      cell: (p: TemplateProblem) => (lang === 'en' ? p.messageEn : p.message),
    },
  ];
  const empty = (v: string) => v || t.work.downloads.empty;

  return (
    <Card withBorder padding="lg" mt="lg" component="section" aria-labelledby={`${ids}-title`}>
      <Title order={2} size="h4" mb="xs" id={`${ids}-title`}>
        {t.work.downloads.title}
      </Title>
      <Stack gap="sm">
        <Text size="sm">{t.work.downloads.templateIntro}</Text>
        <Group gap="xs" wrap="wrap">
          <Button
            variant="default"
            leftSection={<IconFileSpreadsheet size={18} aria-hidden="true" />}
            loading={busy === 'template'}
            onClick={() => download('template', templateUrl(a.id), 'templat-penilaian.xlsx')}
          >
            {t.work.downloads.templateDownload}
          </Button>
          {reportsReady && (
            <>
              <Button
                variant="default"
                leftSection={<IconDownload size={18} aria-hidden="true" />}
                loading={busy === 'pdf'}
                onClick={() => download('pdf', reportUrl(a.id, 'pdf'), 'laporan.pdf')}
              >
                {t.work.downloads.reportPdf}
              </Button>
              <Button
                variant="default"
                leftSection={<IconDownload size={18} aria-hidden="true" />}
                loading={busy === 'xlsx'}
                onClick={() => download('xlsx', reportUrl(a.id, 'xlsx'), 'laporan.xlsx')}
              >
                {t.work.downloads.reportXlsx}
              </Button>
            </>
          )}
        </Group>
        {!reportsReady && (
          <Text size="sm" c="dimmed">
            {t.work.downloads.reportsLater}
          </Text>
        )}
        {canImport && (
          <Stack gap={4}>
            <Text component="label" htmlFor={`${ids}-file`} size="sm" fw={600}>
              {t.work.downloads.templateFile}
            </Text>
            <input
              ref={input}
              id={`${ids}-file`}
              type="file"
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => check(e.currentTarget.files?.[0] ?? null)}
              style={{ maxWidth: '100%' }}
            />
          </Stack>
        )}
        <div role="status" aria-live="polite" data-testid="template-status">
          {step.kind === 'checking' && <Text size="sm">{t.common.loading}</Text>}
          {step.kind === 'preview' && (
            <Stack gap="xs" data-testid="template-preview">
              <Text fw={600} size="sm" component="h3">
                {t.work.downloads.previewTitle}
              </Text>
              {file && (
                <Text size="xs" c="dimmed" className="wrap-anywhere">
                  {t.work.downloads.previewFrom(file.name)}
                </Text>
              )}
              <Text size="sm">
                {step.changes === null
                  ? t.work.downloads.previewUnavailable
                  : step.changes.length === 0
                    ? t.work.downloads.previewNone
                    : t.work.downloads.previewCount(new Set(step.changes.map((c) => c.indicatorCode)).size)}
              </Text>
              {step.changes && step.changes.length > 0 && (
                <DataTable<TemplateChange>
                  caption={t.work.downloads.changesCaption}
                  hideCaption
                  rowKey={(c) => `${c.row}:${c.column}`}
                  rows={step.changes}
                  columns={[
                    { key: 'row', header: t.work.downloads.row, numeric: true, cell: (c) => c.row },
                    { key: 'code', header: t.work.downloads.indicator, cell: (c) => c.indicatorCode },
                    {
                      key: 'column',
                      header: t.work.downloads.column,
                      cell: (c) => `${c.column} (${c.columnHeader})`,
                    },
                    { key: 'before', header: t.work.downloads.before, cell: (c) => empty(c.before) },
                    { key: 'after', header: t.work.downloads.after, cell: (c) => empty(c.after) },
                  ]}
                />
              )}
              <Group gap="xs">
                <Button
                  onClick={() => runImport(false)}
                  loading={importing}
                  disabled={step.changes !== null && step.changes.length === 0}
                >
                  {t.work.downloads.confirm}
                </Button>
                <Button variant="subtle" onClick={() => check(null)} disabled={importing}>
                  {t.common.cancel}
                </Button>
              </Group>
            </Stack>
          )}
          {step.kind === 'done' && (
            <Stack gap="xs" data-testid="template-result">
              <Text size="sm" c="teal.8">
                {t.work.downloads.imported(step.result.saved.length, step.result.unchanged)}
                {step.result.saved.length > 0 ? ` (${step.result.saved.join(', ')})` : ''}
              </Text>
              {step.result.problems.length > 0 && (
                <>
                  <Text size="sm">{t.work.downloads.skipped(step.result.problems.length)}</Text>
                  <DataTable<TemplateProblem & { n: number }>
                    caption={t.work.downloads.problemsCaption}
                    hideCaption
                    rowKey={(p) => String(p.n)}
                    rows={step.result.problems.map((p, n) => ({ ...p, n }))}
                    columns={problemColumns}
                  />
                </>
              )}
            </Stack>
          )}
        </div>
        {step.kind === 'problems' && (
          <Alert
            color="orange"
            title={t.work.downloads.problemsTitle(step.problems.length)}
            role="alert"
            data-testid="template-problems"
          >
            <Stack gap="xs">
              <Text size="sm">{t.work.downloads.problemsHint}</Text>
              <DataTable<TemplateProblem & { n: number }>
                caption={t.work.downloads.problemsCaption}
                hideCaption
                rowKey={(p) => String(p.n)}
                rows={step.problems.map((p, n) => ({ ...p, n }))}
                columns={problemColumns}
              />
              <Group gap="xs">
                <Button color="orange" onClick={() => runImport(true)} loading={importing}>
                  {t.work.downloads.importValid}
                </Button>
                <Button variant="subtle" onClick={() => check(null)} disabled={importing}>
                  {t.common.cancel}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {error && (
          <Text size="sm" c="red.8" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
