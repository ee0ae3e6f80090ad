import { Anchor, Badge, Button, Card, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useCycles } from '../../api/cycles';
import { INSTRUMENTS_KEY, type InstrumentSummary, useInstruments } from '../../api/instruments';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { instrumentVersionPath } from '../../lib/routes';
import { InstrumentImport } from './InstrumentImport';
import {
  ExportLinks,
  InstrumentStatusBadge,
  type StatusChange,
  StatusChangeModal,
  WHOLE_BADGE,
} from './InstrumentParts';

/**
 * `/admin/instrumen` — instruments and their versions (status, content fingerprint, use by cycles),
 * import of a new draft, publish / retire, export.
 */
export default function InstrumentsPage() {
  const { t } = useI18n();
  const m = t.manage.instruments;
  const instruments = useInstruments();
  const cycles = useCycles();
  const queryClient = useQueryClient();
  const flash = useFlash();
  const [change, setChange] = useState<StatusChange | null>(null);

  // How many cycles (that the user can see) use each version: a version in use is worth a look
  // before it is retired.
  const usage = useMemo(() => {
    const map = new Map<string, number>();
    for (const c of cycles.data ?? []) map.set(c.instrument.id, (map.get(c.instrument.id) ?? 0) + 1);
    return map;
  }, [cycles.data]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: INSTRUMENTS_KEY });

  return (
    <>
      <PageHeader title={m.title} intro={m.intro} />
      <Flash message={flash.message} onClose={flash.clear} />
      <Stack gap="lg">
        {instruments.isError ? (
          <QueryError error={instruments.error} onRetry={() => instruments.refetch()} />
        ) : instruments.isPending ? (
          <Stack gap={6}>
            {[1, 2, 3].map((i) => (
              <Skeleton key={i} height={40} />
            ))}
          </Stack>
        ) : instruments.data.length === 0 ? (
          <Text>{m.empty}</Text>
        ) : (
          instruments.data.map((ins) => (
            <InstrumentCard key={ins.code} instrument={ins} usage={usage} onChange={setChange} />
          ))
        )}
        <InstrumentImport onImported={() => refresh()} />
      </Stack>
      <StatusChangeModal
        change={change}
        onClose={() => setChange(null)}
        onDone={async (_meta, message) => {
          setChange(null);
          flash.show(message);
          await refresh();
        }}
      />
    </>
  );
}

function InstrumentCard({
  instrument,
  usage,
  onChange,
}: {
  instrument: InstrumentSummary;
  usage: Map<string, number>;
  onChange: (c: StatusChange) => void;
}) {
  const { t, lang } = useI18n();
  const m = t.manage.instruments;
  const titleId = `instrument-${instrument.code}`;
  // Newest first: the version someone is working on is usually the latest.
  const versions = [...instrument.versions].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Card
      withBorder
      padding="lg"
      component="section"
      aria-labelledby={titleId}
      data-instrument={instrument.code}
    >
      <Group justify="space-between" align="flex-start" mb="sm" gap="xs">
        <div>
          <Title order={2} size="h4" id={titleId}>
            {instrument.title}
          </Title>
          <Text size="sm" c="dimmed" ff="monospace">
            {instrument.code}
          </Text>
        </div>
        <Badge variant="light" color="gray">
          {m.versions(formatNumber(instrument.versions.length, lang))}
        </Badge>
      </Group>
      <Table.ScrollContainer minWidth={820}>
        <Table striped verticalSpacing="sm" data-testid={`instrument-versions-${instrument.code}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{m.version}</Table.Th>
              <Table.Th scope="col">{m.status}</Table.Th>
              <Table.Th scope="col">{m.hash}</Table.Th>
              <Table.Th scope="col">{m.created}</Table.Th>
              <Table.Th scope="col">{m.usedBy}</Table.Th>
              <Table.Th scope="col">{m.export}</Table.Th>
              <Table.Th scope="col">{t.common.actions}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td miw={100}>
                  <Anchor component={Link} to={instrumentVersionPath(v.code, v.version)} fw={600}>
                    {v.version}
                  </Anchor>
                  {v.builtin && (
                    <div>
                      <Badge variant="light" color="blue" size="sm" styles={WHOLE_BADGE}>
                        {m.builtin}
                      </Badge>
                    </div>
                  )}
                </Table.Td>
                <Table.Td miw={120}>
                  <InstrumentStatusBadge status={v.status} />
                </Table.Td>
                <Table.Td>
                  <Text span ff="monospace" size="xs" title={v.contentHash} aria-hidden="true">
                    {v.contentHash.slice(0, 12)}…
                  </Text>
                  <span className="visually-hidden">{m.hashLabel(v.contentHash)}</span>
                </Table.Td>
                <Table.Td miw={130}>
                  {formatDate(v.createdAt, lang)}
                  {v.publishedAt && (
                    <Text size="xs" c="dimmed">
                      {m.publishedAt}: {formatDate(v.publishedAt, lang)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{m.usedByCount(formatNumber(usage.get(v.id) ?? 0, lang))}</Table.Td>
                <Table.Td>
                  <ExportLinks meta={v} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      component={Link}
                      to={instrumentVersionPath(v.code, v.version)}
                      aria-label={m.viewLabel(v.code, v.version)}
                    >
                      {m.view}
                    </Button>
                    {v.status === 'draft' && (
                      <Button
                        size="xs"
                        onClick={() => onChange({ meta: v, to: 'published' })}
                        aria-label={m.publishLabel(v.code, v.version)}
                      >
                        {m.publish}
                      </Button>
                    )}
                    {v.status === 'published' && (
                      <Button
                        size="xs"
                        variant="outline"
                        color="red"
                        onClick={() => onChange({ meta: v, to: 'retired' })}
                        aria-label={m.retireLabel(v.code, v.version)}
                      >
                        {m.retire}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
