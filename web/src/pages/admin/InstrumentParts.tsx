import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import {
  type InstrumentFormat,
  type InstrumentStatus,
  type InstrumentVersionMeta,
  instrumentExportUrl,
  publishInstrumentVersion,
  retireInstrumentVersion,
} from '../../api/instruments';
import { DownloadButton } from '../../components/DownloadButton';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';

/**
 * Mantine cuts a badge's label with an ellipsis when its cell or row is narrow; a status word must
 * stay whole, so these badges keep their full width.
 */
export const WHOLE_BADGE = {
  root: { overflow: 'visible', flexShrink: 0 },
  label: { overflow: 'visible' },
} as const;

const STATUS_COLOR: Record<InstrumentStatus, string> = {
  draft: 'yellow',
  published: 'green',
  retired: 'gray',
};

export function InstrumentStatusBadge({ status }: { status: InstrumentStatus }) {
  const { t } = useI18n();
  return (
    <Badge variant="light" color={STATUS_COLOR[status]} data-status={status} styles={WHOLE_BADGE}>
      {t.manage.instruments.statuses[status]}
    </Badge>
  );
}

const SOURCE_COLOR: Record<string, string> = {
  confirmed: 'green',
  derived: 'blue',
  unconfirmed: 'orange',
  own: 'gray',
};

/** A source's confirmation status; the explanation is in the title and the sources table. */
export function SourceStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const v = t.manage.version;
  return (
    <Badge
      variant="light"
      color={SOURCE_COLOR[status] ?? 'gray'}
      data-source-status={status}
      styles={WHOLE_BADGE}
    >
      {v.sourceStatuses[status] ?? status}
    </Badge>
  );
}

const FORMATS: Array<{ format: InstrumentFormat; label: string }> = [
  { format: 'json', label: 'JSON' },
  { format: 'yaml', label: 'YAML' },
  { format: 'xlsx', label: 'XLSX' },
];

/** Download links of one version in each format. */
export function ExportLinks({ meta, size = 'xs' }: { meta: InstrumentVersionMeta; size?: 'xs' | 'sm' }) {
  const { t } = useI18n();
  return (
    <Group gap={4} wrap="nowrap">
      {FORMATS.map(({ format, label }) => (
        <DownloadButton
          key={format}
          href={instrumentExportUrl(meta.code, meta.version, format)}
          fallbackName={`${meta.code}-${meta.version}.${format}`}
          size={size}
          variant="default"
          aria-label={t.manage.instruments.exportLabel(meta.code, meta.version, label)}
        >
          {label}
        </DownloadButton>
      ))}
    </Group>
  );
}

export type StatusChange = { meta: InstrumentVersionMeta; to: 'published' | 'retired' };

/** Asks before publishing (irreversible) or retiring a version, then does it. */
export function StatusChangeModal({
  change,
  onClose,
  onDone,
}: {
  change: StatusChange | null;
  onClose: () => void;
  onDone: (meta: InstrumentVersionMeta, message: string) => void;
}) {
  const { t } = useI18n();
  const m = t.manage.instruments;
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const publish = change?.to === 'published';

  const close = () => {
    setError(null);
    onClose();
  };
  const confirm = async () => {
    if (!change) return;
    setBusy(true);
    setError(null);
    try {
      const { code, version } = change.meta;
      const meta = publish
        ? await publishInstrumentVersion(code, version)
        : await retireInstrumentVersion(code, version);
      onDone(meta, publish ? m.published(code, version) : m.retired(code, version));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={!!change}
      onClose={close}
      title={
        change &&
        (publish
          ? m.publishTitle(change.meta.code, change.meta.version)
          : m.retireTitle(change.meta.code, change.meta.version))
      }
      closeButtonProps={{ 'aria-label': t.common.close }}
    >
      <Stack>
        <Text size="sm">{publish ? m.publishBody : m.retireBody}</Text>
        {error && (
          <Alert color="red" role="alert" icon={<IconAlertTriangle aria-hidden="true" />}>
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t.common.cancel}
          </Button>
          <Button color={publish ? 'blue' : 'red'} onClick={confirm} loading={busy}>
            {publish ? m.publish : m.retire}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export interface Fact {
  label: string;
  value: ReactNode;
}

const FACT_GRID = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(min(100%, 15rem), 1fr))',
  gap: 'var(--mantine-spacing-xs) var(--mantine-spacing-lg)',
  margin: 0,
} as const;

/** Label–value pairs as a description list; empty values are left out. */
export function FactList({ items, testId }: { items: Fact[]; testId?: string }) {
  const shown = items.filter((i) => i.value !== null && i.value !== undefined && i.value !== '');
  if (shown.length === 0) return null;
  return (
    <dl style={FACT_GRID} data-testid={testId}>
      {shown.map((i) => (
        <div key={i.label}>
          <dt>
            <Text span size="xs" c="dimmed" fw={600}>
              {i.label}
            </Text>
          </dt>
          <dd style={{ margin: 0 }}>
            <Text span size="sm" className="wrap-anywhere" component="div">
              {i.value}
            </Text>
          </dd>
        </div>
      ))}
    </dl>
  );
}
