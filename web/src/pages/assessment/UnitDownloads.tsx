import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { type AssessmentDetail, assessmentKey } from '../../api/assessments';
import {
  importTemplate,
  previewTemplate,
  reportUrl,
  type TemplateAnswerValue,
  type TemplateChange,
  type TemplateImportResult,
  type TemplateProblem,
  templateProblems,
  templateUrl,
} from '../../api/templates';
import { DataTable } from '../../components/DataTable';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { downloadFile } from '../../lib/download';
import { formatDecimal } from '../../lib/format';

type Step =
  | { kind: 'idle' }
  | { kind: 'checking' }
  /** The server's dry run: what would change and the row problems; nothing saved yet. */
  | { kind: 'preview'; result: TemplateImportResult }
  /** The server refused the file (400 with problems); `canImportValid` when importing the valid rows may help. */
  | { kind: 'refused'; problems: TemplateProblem[]; canImportValid: boolean }
  | { kind: 'done'; result: TemplateImportResult };

/**
 * Issue 6 item 7 on the unit's own page: the Excel template (download, fill offline, upload back
 * with the server's dry run as the preview of the changes and row problems, then confirm) and
 * the unit's results report.
 */
export function UnitDownloads({ assessment: a }: { assessment: AssessmentDetail }) {
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
  const checking = useRef<AbortController | null>(null);
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

  const reset = () => {
    checking.current?.abort();
    checking.current = null;
    setFile(null);
    setStep({ kind: 'idle' });
    if (input.current) input.current.value = '';
  };

  /** Sends the chosen file to the server's dry run: nothing is saved until the user confirms. */
  const check = async (f: File | null) => {
    setError(null);
    if (!f) return reset();
    checking.current?.abort();
    const controller = new AbortController();
    checking.current = controller;
    setFile(f);
    setStep({ kind: 'checking' });
    try {
      const result = await previewTemplate(a.id, f, controller.signal);
      if (!controller.signal.aborted) setStep({ kind: 'preview', result });
    } catch (err) {
      if (controller.signal.aborted) return;
      const problems = templateProblems(err);
      if (problems.length > 0) setStep({ kind: 'refused', problems, canImportValid: false });
      else {
        setStep({ kind: 'idle' });
        setError(errorMessage(err));
      }
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
      // The rules can change between the preview and the import (e.g. the window closed).
      const problems = templateProblems(err);
      if (problems.length > 0) setStep({ kind: 'refused', problems, canImportValid: !importValid });
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
  const problemTable = (problems: TemplateProblem[]) => (
    <DataTable<TemplateProblem & { n: number }>
      caption={t.work.downloads.problemsCaption}
      hideCaption
      rowKey={(p) => String(p.n)}
      rows={problems.map((p, n) => ({ ...p, n }))}
      columns={problemColumns}
    />
  );

  const answerText = (v: TemplateAnswerValue | null) => {
    if (!v) return t.work.downloads.empty;
    if (v.notApplicable) return t.assess.notApplicable;
    if (v.metricValue !== null) return `${t.assess.metricValue}: ${formatDecimal(v.metricValue, lang)}`;
    if (v.level !== null) return t.assess.level(v.level);
    return t.work.downloads.empty;
  };
  /** The changed parts of one side of a change: the answer and/or the justification. */
  const side = (c: TemplateChange, v: TemplateAnswerValue | null) => {
    const answerChanged = c.fields.some((f) => f !== 'justification');
    const justification = v?.justification ?? '';
    return (
      <Stack gap={2}>
        {answerChanged && <span>{answerText(v)}</span>}
        {c.fields.includes('justification') && (
          <span className="wrap-anywhere">
            {t.assess.justification}: {justification ? clip(justification) : t.work.downloads.empty}
          </span>
        )}
      </Stack>
    );
  };

  const preview = step.kind === 'preview' ? step.result : null;
  const summary = (r: TemplateImportResult) => {
    const n = r.changes.length;
    if (r.problems.length === 0)
      return n === 0 ? t.work.downloads.previewNone : t.work.downloads.previewCount(n);
    return n === 0 ? t.work.downloads.previewNoValid : t.work.downloads.previewValidCount(n);
  };

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
          {step.kind === 'checking' && <Text size="sm">{t.work.downloads.checking}</Text>}
          {preview && (
            <Stack gap="xs" data-testid="template-preview">
              <Text fw={600} size="sm" component="h3">
                {t.work.downloads.previewTitle}
              </Text>
              {file && (
                <Text size="xs" c="dimmed" className="wrap-anywhere">
                  {t.work.downloads.previewFrom(file.name)}
                </Text>
              )}
              <Text size="sm">{summary(preview)}</Text>
              {preview.changes.length > 0 && (
                <DataTable<TemplateChange>
                  caption={t.work.downloads.changesCaption}
                  hideCaption
                  rowKey={(c) => `${c.row}:${c.indicatorCode}`}
                  rows={preview.changes}
                  columns={[
                    { key: 'row', header: t.work.downloads.row, numeric: true, cell: (c) => c.row },
                    { key: 'code', header: t.work.downloads.indicator, cell: (c) => c.indicatorCode },
                    { key: 'before', header: t.work.downloads.before, cell: (c) => side(c, c.before) },
                    { key: 'after', header: t.work.downloads.after, cell: (c) => side(c, c.after) },
                  ]}
                />
              )}
              {preview.problems.length === 0 && (
                <Group gap="xs">
                  <Button
                    onClick={() => runImport(false)}
                    loading={importing}
                    disabled={preview.changes.length === 0}
                  >
                    {t.work.downloads.confirm}
                  </Button>
                  <Button variant="subtle" onClick={reset} disabled={importing}>
                    {t.common.cancel}
                  </Button>
                </Group>
              )}
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
                  {problemTable(step.result.problems)}
                </>
              )}
            </Stack>
          )}
        </div>
        {preview && preview.problems.length > 0 && (
          <Alert
            color="orange"
            title={t.work.downloads.previewProblems(preview.problems.length)}
            role="alert"
            data-testid="template-problems"
          >
            <Stack gap="xs">
              <Text size="sm">{t.work.downloads.problemsHint}</Text>
              {problemTable(preview.problems)}
              <Group gap="xs">
                {preview.changes.length > 0 && (
                  <Button color="orange" onClick={() => runImport(true)} loading={importing}>
                    {t.work.downloads.importValid}
                  </Button>
                )}
                <Button variant="subtle" onClick={reset} disabled={importing}>
                  {t.common.cancel}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {step.kind === 'refused' && (
          <Alert
            color="orange"
            title={t.work.downloads.problemsTitle(step.problems.length)}
            role="alert"
            data-testid="template-problems"
          >
            <Stack gap="xs">
              <Text size="sm">
                {step.canImportValid ? t.work.downloads.problemsHint : t.work.downloads.refusedHint}
              </Text>
              {problemTable(step.problems)}
              <Group gap="xs">
                {step.canImportValid && (
                  <Button color="orange" onClick={() => runImport(true)} loading={importing}>
                    {t.work.downloads.importValid}
                  </Button>
                )}
                <Button variant="subtle" onClick={reset} disabled={importing}>
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

const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
