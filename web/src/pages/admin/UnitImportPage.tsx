import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SegmentedControl,
  Stack,
  Stepper,
  Table,
  Text,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { IconAlertTriangle, IconFileSpreadsheet, IconUpload, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { importUnits, UNITS_KEY, type UnitImportResult } from '../../api/units';
import { PageHeader } from '../../components/PageHeader';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatBytes, formatNumber } from '../../lib/format';
import { APP_ROUTES } from '../../lib/routes';

type Action = UnitImportResult['rows'][number]['action'];
interface RowError {
  row?: number;
  column?: string | null;
  message: string;
  messageEn?: string;
}

const ACCEPT = {
  'text/csv': ['.csv'],
  'application/vnd.ms-excel': ['.csv'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};
const MAX_ROWS_SHOWN = 300;
const ACTION_COLOR: Record<Action, string> = { create: 'green', update: 'blue', unchanged: 'gray' };

const formatOf = (file: File): 'csv' | 'xlsx' => (/\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv');

/**
 * `/admin/unit/impor` — the import wizard: choose a CSV/XLSX file → dry-run preview (or the rows
 * to fix) → confirm. Nothing is written before the last step; the server imports all or nothing.
 */
export default function UnitImportPage() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const openRef = useRef<() => void>(null);
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [rejected, setRejected] = useState(false);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<UnitImportResult | null>(null);
  const [rowErrors, setRowErrors] = useState<RowError[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<UnitImportResult | null>(null);
  const [filter, setFilter] = useState<'all' | Action>('all');

  const reset = () => {
    setStep(0);
    setFile(null);
    setPreview(null);
    setRowErrors(null);
    setFailure(null);
    setResult(null);
    setFilter('all');
  };

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    setRowErrors(null);
    try {
      const res = await importUnits(file, formatOf(file), dryRun);
      if (dryRun) {
        setPreview(res);
        setStep(1);
      } else {
        setResult(res);
        setStep(2);
        await queryClient.invalidateQueries({ queryKey: UNITS_KEY });
      }
    } catch (err) {
      const details = err instanceof ApiError && err.status === 400 ? (err.fieldDetails as RowError[]) : [];
      if (details.length) {
        setRowErrors(details);
        setStep(1);
      } else setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const rows = preview?.rows.filter((r) => filter === 'all' || r.action === filter) ?? [];
  const changes = preview ? preview.summary.create + preview.summary.update : 0;

  return (
    <>
      <PageHeader
        title={t.unitImport.title}
        intro={t.unitImport.intro}
        actions={
          <Button component={Link} to={APP_ROUTES.units.path} variant="default">
            {t.unitImport.toUnits}
          </Button>
        }
      />
      <Card withBorder padding="lg">
        <Stepper active={step} allowNextStepsSelect={false} size="sm" mb="lg">
          <Stepper.Step label={t.unitImport.stepFile} />
          <Stepper.Step label={t.unitImport.stepPreview} />
          <Stepper.Step label={t.unitImport.stepDone} />
        </Stepper>

        {failure && (
          <Alert color="red" role="alert" mb="md" icon={<IconAlertTriangle aria-hidden="true" />}>
            {failure}
          </Alert>
        )}

        {step === 0 && (
          <Stack>
            <Dropzone
              openRef={openRef}
              onDrop={(files) => {
                setRejected(false);
                setFile(files[0] ?? null);
              }}
              onReject={() => setRejected(true)}
              accept={ACCEPT}
              multiple={false}
              maxFiles={1}
              aria-label={t.unitImport.drop}
              data-testid="import-dropzone"
            >
              <Group justify="center" gap="md" mih={140} style={{ pointerEvents: 'none' }}>
                <Dropzone.Accept>
                  <IconUpload size={40} aria-hidden="true" />
                </Dropzone.Accept>
                <Dropzone.Reject>
                  <IconX size={40} aria-hidden="true" />
                </Dropzone.Reject>
                <Dropzone.Idle>
                  <IconFileSpreadsheet size={40} aria-hidden="true" />
                </Dropzone.Idle>
                <div>
                  <Text fw={600}>{t.unitImport.drop}</Text>
                  <Text size="sm" c="dimmed">
                    {t.unitImport.dropHint}
                  </Text>
                </div>
              </Group>
            </Dropzone>
            {rejected && (
              <Alert color="red" role="alert">
                {t.unitImport.reject}
              </Alert>
            )}
            <Text size="sm" c="dimmed">
              {t.unitImport.templateHint}
            </Text>
            <Group justify="space-between">
              <Group gap="xs">
                <Button variant="default" onClick={() => openRef.current?.()}>
                  {t.unitImport.choose}
                </Button>
                {file && (
                  <Text size="sm" data-testid="chosen-file">
                    {t.unitImport.chosen(file.name, formatBytes(file.size, lang))}
                  </Text>
                )}
              </Group>
              <Button onClick={() => run(true)} disabled={!file} loading={busy}>
                {t.unitImport.preview}
              </Button>
            </Group>
          </Stack>
        )}

        {step === 1 && rowErrors && (
          <Stack>
            <Alert
              color="red"
              role="alert"
              title={t.unitImport.errorsTitle}
              icon={<IconAlertTriangle aria-hidden="true" />}
            >
              {t.unitImport.errorsBody}
            </Alert>
            <Table.ScrollContainer minWidth={480}>
              <Table striped withTableBorder data-testid="import-errors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t.unitImport.row}</Table.Th>
                    <Table.Th scope="col">{t.unitImport.column}</Table.Th>
                    <Table.Th scope="col">{t.unitImport.message}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rowErrors.map((e) => (
                    <Table.Tr key={`${e.row}-${e.column}-${e.message}`}>
                      <Table.Td>{e.row ?? t.common.none}</Table.Td>
                      <Table.Td>{e.column ?? t.common.none}</Table.Td>
                      <Table.Td>{lang === 'en' && e.messageEn ? e.messageEn : e.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group>
              <Button onClick={reset}>{t.unitImport.startOver}</Button>
            </Group>
          </Stack>
        )}

        {step === 1 && preview && (
          <Stack>
            <Alert color="blue">{t.unitImport.previewNote}</Alert>
            <div>
              <Text fw={600} mb="xs">
                {t.unitImport.summary}
              </Text>
              <Group gap="xs" data-testid="import-summary">
                <Badge color="green" variant="light" size="lg">
                  {t.unitImport.create}: {formatNumber(preview.summary.create, lang)}
                </Badge>
                <Badge color="blue" variant="light" size="lg">
                  {t.unitImport.update}: {formatNumber(preview.summary.update, lang)}
                </Badge>
                <Badge color="gray" variant="light" size="lg">
                  {t.unitImport.unchanged}: {formatNumber(preview.summary.unchanged, lang)}
                </Badge>
              </Group>
            </div>
            <SegmentedControl
              aria-label={t.unitImport.filterAction}
              value={filter}
              onChange={(v) => setFilter(v as typeof filter)}
              data={[
                { value: 'all', label: t.common.all },
                { value: 'create', label: t.unitImport.create },
                { value: 'update', label: t.unitImport.update },
                { value: 'unchanged', label: t.unitImport.unchanged },
              ]}
              w="fit-content"
            />
            <Table.ScrollContainer minWidth={480}>
              <Table striped withTableBorder data-testid="import-preview">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t.unitImport.row}</Table.Th>
                    <Table.Th scope="col">{t.unitImport.code}</Table.Th>
                    <Table.Th scope="col">{t.unitImport.action}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.slice(0, MAX_ROWS_SHOWN).map((r) => (
                    <Table.Tr key={r.row}>
                      <Table.Td>{r.row}</Table.Td>
                      <Table.Td className="wrap-anywhere">{r.code}</Table.Td>
                      <Table.Td>
                        <Badge color={ACTION_COLOR[r.action]} variant="light">
                          {t.unitImport[r.action]}
                        </Badge>
                        {r.changes && r.changes.length > 0 && (
                          <Text span size="xs" c="dimmed" ml="xs">
                            {r.changes.join(', ')}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {rows.length > MAX_ROWS_SHOWN && (
              <Text size="sm" c="dimmed">
                {t.unitImport.rowsShown(formatNumber(MAX_ROWS_SHOWN, lang), formatNumber(rows.length, lang))}
              </Text>
            )}
            {changes === 0 && <Alert color="gray">{t.unitImport.nothingToDo}</Alert>}
            <Group justify="space-between">
              <Button variant="default" onClick={reset}>
                {t.common.back}
              </Button>
              <Button onClick={() => run(false)} disabled={changes === 0} loading={busy}>
                {t.unitImport.confirm}
              </Button>
            </Group>
          </Stack>
        )}

        {step === 2 && result && (
          <Stack>
            <Alert color="green" title={t.unitImport.done} role="status" data-testid="import-done">
              {t.unitImport.doneBody(result.summary.create, result.summary.update)}
            </Alert>
            <Group>
              <Button component={Link} to={APP_ROUTES.units.path}>
                {t.unitImport.toUnits}
              </Button>
              <Anchor component="button" type="button" onClick={reset}>
                {t.unitImport.startOver}
              </Anchor>
            </Group>
          </Stack>
        )}
      </Card>
    </>
  );
}
