import { Button, Card, Group, Progress, Stack, Text, TextInput } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { type DragEvent, useId, useRef, useState } from 'react';
import { EVIDENCE_ACCEPT, type EvidenceCreated, uploadEvidence } from '../../api/evidence';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatBytes, formatNumber } from '../../lib/format';
import { useErrorMessage } from '../QueryError';

type FieldErrors = Partial<Record<'title' | 'docType' | 'docDate', string>>;

/**
 * Uploads one evidence file into a unit's library: a drop zone around a real file input (so
 * keyboard and screen-reader users choose the file the ordinary way), title / document type /
 * date, a progress bar, and the server's refusals (413 too large, 415 wrong type, field errors)
 * shown in place.
 */
export function EvidenceUpload({
  unitCode,
  onUploaded,
}: {
  unitCode: string;
  onUploaded: (item: EvidenceCreated) => void | Promise<void>;
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const ids = useId();
  const inputId = `${ids}-file`;
  const hintId = `${ids}-hint`;
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [docType, setDocType] = useState('');
  const [docDate, setDocDate] = useState('');
  const [dragging, setDragging] = useState(false);
  const [focused, setFocused] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const choose = (f: File | null) => {
    setFile(f);
    setError(null);
    setFieldErrors({});
    setDone(null);
    setProgress(null);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) choose(f);
  };

  const upload = async () => {
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    setUploading(true);
    setError(null);
    setFieldErrors({});
    setDone(null);
    setProgress(0);
    try {
      const item = await uploadEvidence({ unitCode, title, docType, docDate }, file, {
        signal: controller.signal,
        onProgress: (loaded, total) => setProgress(total ? Math.min(100, (100 * loaded) / total) : 0),
      });
      setProgress(100);
      setDone(item.duplicate ? t.work.upload.duplicate(item.title) : t.work.upload.done(item.title));
      setFile(null);
      setTitle('');
      setDocType('');
      setDocDate('');
      if (input.current) input.current.value = '';
      await onUploaded(item);
    } catch (err) {
      setProgress(null);
      if (err instanceof DOMException && err.name === 'AbortError') {
        setError(t.work.upload.cancelled);
        return;
      }
      const fields: FieldErrors = {};
      if (err instanceof ApiError) {
        for (const d of err.fieldDetails) {
          if (d.path === 'title' || d.path === 'docType' || d.path === 'docDate') fields[d.path] = d.message;
        }
      }
      setFieldErrors(fields);
      setError(errorMessage(err));
    } finally {
      setUploading(false);
      abort.current = null;
    }
  };

  const pct = progress === null ? '' : formatNumber(Math.round(progress), lang);

  return (
    <Card withBorder padding="sm" data-testid="evidence-upload">
      <Text fw={600} size="sm" mb="xs" component="h3">
        {t.work.upload.title}
      </Text>
      <Stack gap="xs">
        {/* The drop zone only adds dragging a file onto it; choosing works through the labelled input. */}
        <fieldset
          onDragEnter={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragOver={(e) => e.preventDefault()}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="evidence-dropzone"
          data-dragging={dragging || undefined}
          style={{
            border: `2px dashed var(--mantine-color-${dragging ? 'blue-8' : 'gray-5'})`,
            background: dragging ? 'var(--mantine-color-blue-0)' : undefined,
            borderRadius: 'var(--mantine-radius-md)',
            padding: 'var(--mantine-spacing-md)',
            margin: 0,
            minWidth: 0,
            outline: focused ? '3px solid var(--mantine-color-blue-8)' : undefined,
            outlineOffset: 2,
          }}
        >
          <legend className="visually-hidden">{t.work.upload.title}</legend>
          <Stack gap={6} align="flex-start">
            <Text size="sm" component="label" htmlFor={inputId} fw={600}>
              {t.work.upload.fileLabel}
            </Text>
            <Text size="sm" id={hintId}>
              {dragging ? t.work.upload.dropActive : t.work.upload.dropHint}{' '}
              <Text span size="xs" c="dimmed">
                {t.work.upload.accepted}
              </Text>
            </Text>
            <input
              ref={input}
              id={inputId}
              type="file"
              className="visually-hidden"
              accept={EVIDENCE_ACCEPT}
              aria-describedby={hintId}
              disabled={uploading}
              onFocus={() => setFocused(true)}
              onBlur={() => setFocused(false)}
              onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)}
            />
            <Button
              variant="default"
              size="xs"
              leftSection={<IconUpload size={16} aria-hidden="true" />}
              onClick={() => input.current?.click()}
              disabled={uploading}
              tabIndex={-1}
              aria-hidden="true"
            >
              {t.work.upload.choose}
            </Button>
            <Text size="sm" className="wrap-anywhere" data-testid="upload-selected">
              {file ? t.work.upload.selected(file.name, formatBytes(file.size, lang)) : t.work.upload.noFile}
            </Text>
          </Stack>
        </fieldset>
        <Group align="flex-start" gap="xs" grow preventGrowOverflow={false} wrap="wrap">
          <TextInput
            label={t.work.upload.titleLabel}
            description={t.work.upload.titleHint}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={fieldErrors.title}
            maxLength={300}
            style={{ flex: '1 1 12rem' }}
          />
          <TextInput
            label={t.work.upload.docType}
            placeholder={t.work.upload.docTypePlaceholder}
            value={docType}
            onChange={(e) => setDocType(e.currentTarget.value)}
            error={fieldErrors.docType}
            maxLength={100}
            style={{ flex: '1 1 9rem' }}
          />
          <TextInput
            label={t.work.upload.docDate}
            type="date"
            value={docDate}
            onChange={(e) => setDocDate(e.currentTarget.value)}
            error={fieldErrors.docDate}
            style={{ flex: '1 1 9rem' }}
          />
        </Group>
        <Group gap="xs">
          <Button onClick={upload} disabled={!file || uploading} loading={uploading} size="sm">
            {t.work.upload.submit}
          </Button>
          {uploading && (
            <Button variant="subtle" size="sm" onClick={() => abort.current?.abort()}>
              {t.work.upload.cancel}
            </Button>
          )}
        </Group>
        {progress !== null && (
          <Stack gap={2}>
            <Progress
              value={Math.round(progress)}
              aria-label={t.work.upload.progress}
              data-testid="upload-progress"
              transitionDuration={100}
            />
            <Text size="xs">{progress < 100 ? t.work.upload.progressText(pct) : `${pct}%`}</Text>
          </Stack>
        )}
        <div role="status" aria-live="polite">
          {done && (
            <Text size="sm" c="teal.8" data-testid="upload-done">
              {done}
            </Text>
          )}
        </div>
        {error && (
          <Text size="sm" c="red.8" role="alert" data-testid="upload-error">
            {error}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
