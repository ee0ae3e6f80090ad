import { Alert, Anchor, Button, Card, Checkbox, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { IconAlertTriangle, IconFileCode, IconUpload, IconX } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { type InstrumentVersionMeta, importInstrument, instrumentFormatOf } from '../../api/instruments';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatBytes, formatNumber } from '../../lib/format';
import { instrumentVersionPath } from '../../lib/routes';

interface PathError {
  path?: string;
  message: string;
  messageEn?: string;
}

const ACCEPT = {
  'application/json': ['.json'],
  'application/yaml': ['.yaml', '.yml'],
  'application/x-yaml': ['.yaml', '.yml'],
  'text/yaml': ['.yaml', '.yml'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};

/**
 * Imports an instrument file as a draft. A file that does not validate lists every problem with
 * its JSON path, so the author can find the place in the file; nothing is saved until it is valid.
 */
export function InstrumentImport({ onImported }: { onImported: (meta: InstrumentVersionMeta) => void }) {
  const { t, lang } = useI18n();
  const m = t.manage.importer;
  const errorMessage = useErrorMessage();
  const openRef = useRef<() => void>(null);
  const [file, setFile] = useState<File | null>(null);
  const [rejected, setRejected] = useState(false);
  const [replaceDraft, setReplaceDraft] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [pathErrors, setPathErrors] = useState<PathError[] | null>(null);
  const [done, setDone] = useState<InstrumentVersionMeta | null>(null);

  const pick = (f: File | null) => {
    setRejected(false);
    setFailure(null);
    setPathErrors(null);
    setDone(null);
    setFile(f);
  };

  const submit = async () => {
    if (!file) return;
    const format = instrumentFormatOf(file.name);
    if (!format) {
      setRejected(true);
      return;
    }
    setBusy(true);
    setFailure(null);
    setPathErrors(null);
    try {
      const meta = await importInstrument(file, format, replaceDraft);
      setDone(meta);
      setFile(null);
      onImported(meta);
    } catch (err) {
      const details = err instanceof ApiError && err.status === 400 ? (err.fieldDetails as PathError[]) : [];
      if (details.length) {
        setFailure(err instanceof ApiError ? err.message : null);
        setPathErrors(details);
      } else setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="instrument-import-title">
      <Stack>
        <div>
          <Title order={2} size="h4" id="instrument-import-title">
            {m.title}
          </Title>
          <Text size="sm" c="dimmed">
            {m.intro}
          </Text>
        </div>
        <Dropzone
          openRef={openRef}
          onDrop={(files) => pick(files[0] ?? null)}
          onReject={() => setRejected(true)}
          accept={ACCEPT}
          multiple={false}
          maxFiles={1}
          aria-label={m.drop}
          data-testid="instrument-dropzone"
        >
          <Group justify="center" gap="md" mih={100} style={{ pointerEvents: 'none' }}>
            <Dropzone.Accept>
              <IconUpload size={36} aria-hidden="true" />
            </Dropzone.Accept>
            <Dropzone.Reject>
              <IconX size={36} aria-hidden="true" />
            </Dropzone.Reject>
            <Dropzone.Idle>
              <IconFileCode size={36} aria-hidden="true" />
            </Dropzone.Idle>
            <div>
              <Text fw={600}>{m.drop}</Text>
              <Text size="sm" c="dimmed">
                {m.dropHint}
              </Text>
            </div>
          </Group>
        </Dropzone>
        {rejected && (
          <Alert color="red" role="alert">
            {m.reject}
          </Alert>
        )}
        <Group justify="space-between" gap="sm">
          <Group gap="xs">
            <Button variant="default" onClick={() => openRef.current?.()}>
              {m.choose}
            </Button>
            {file && (
              <Text size="sm" className="wrap-anywhere" data-testid="instrument-chosen-file">
                {m.chosen(file.name, formatBytes(file.size, lang))}
              </Text>
            )}
          </Group>
          <Button onClick={submit} disabled={!file} loading={busy}>
            {m.submit}
          </Button>
        </Group>
        <Checkbox
          label={m.replaceDraft}
          description={m.replaceDraftHint}
          checked={replaceDraft}
          onChange={(e) => setReplaceDraft(e.currentTarget.checked)}
        />

        <div role="status" aria-live="polite">
          {done && (
            <Alert color="green" data-testid="instrument-imported">
              <Group gap="sm">
                <Text size="sm">{m.done(done.code, done.version)}</Text>
                <Anchor component={Link} to={instrumentVersionPath(done.code, done.version)} size="sm">
                  {m.openDraft}
                </Anchor>
              </Group>
            </Alert>
          )}
        </div>
        {failure && !pathErrors && (
          <Alert color="red" role="alert" icon={<IconAlertTriangle aria-hidden="true" />}>
            {failure}
          </Alert>
        )}
        {pathErrors && (
          <Stack gap="xs">
            <Alert
              color="red"
              role="alert"
              title={m.errorsTitle(formatNumber(pathErrors.length, lang))}
              icon={<IconAlertTriangle aria-hidden="true" />}
            >
              {m.errorsBody}
            </Alert>
            <Table.ScrollContainer minWidth={480}>
              <Table striped withTableBorder data-testid="instrument-import-errors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{m.path}</Table.Th>
                    <Table.Th scope="col">{m.message}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {pathErrors.map((e, i) => (
                    // Paths may repeat (two problems in one place): the position keeps keys unique.
                    // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced, never reordered
                    <Table.Tr key={i}>
                      <Table.Td className="wrap-anywhere" ff="monospace" fz="xs">
                        {e.path ?? t.common.none}
                      </Table.Td>
                      <Table.Td>{lang === 'en' && e.messageEn ? e.messageEn : e.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
