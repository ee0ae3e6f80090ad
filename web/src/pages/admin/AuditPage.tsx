import {
  Badge,
  Button,
  Card,
  Code,
  Collapse,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconFilter } from '@tabler/icons-react';
import { type FormEvent, Fragment, useState } from 'react';
import { useSearchParams } from 'react-router';
import { type AuditEntry, type AuditFilter, useAuditLog } from '../../api/audit';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDateTime, formatNumber, wibDayEnd, wibDayStart } from '../../lib/format';

const FILTER_KEYS = ['action', 'entityType', 'from', 'to', 'q'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

/**
 * `/admin/audit` — the append-only audit log, newest first, with filters kept in the URL (so a
 * filtered view can be shared) and "load more" paging on the server's cursor.
 */
export default function AuditPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const [open, setOpen] = useState<number | null>(null);
  const current = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as Record<
    FilterKey,
    string
  >;

  const filter: AuditFilter = {
    action: current.action || undefined,
    entityType: current.entityType || undefined,
    q: current.q || undefined,
    from: current.from ? wibDayStart(current.from) : undefined,
    to: current.to ? wibDayEnd(current.to) : undefined,
  };
  const log = useAuditLog(filter);
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = String(data.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const entity = (e: AuditEntry) => (e.entityId ? `${e.entityType} · ${e.entityId}` : e.entityType);

  return (
    <>
      <PageHeader title={t.audit.title} intro={t.audit.intro} />
      <Stack>
        <Card withBorder padding="sm">
          {/* key: the inputs are uncontrolled; remount them when the URL's filters change */}
          <form onSubmit={apply} key={params.toString()} aria-label={t.audit.filters}>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="sm">
              <TextInput
                name="action"
                label={t.audit.action}
                placeholder={t.audit.actionPlaceholder}
                defaultValue={current.action}
              />
              <TextInput
                name="entityType"
                label={t.audit.entityType}
                placeholder={t.audit.entityTypePlaceholder}
                defaultValue={current.entityType}
              />
              <TextInput name="from" type="date" label={t.audit.from} defaultValue={current.from} />
              <TextInput name="to" type="date" label={t.audit.to} defaultValue={current.to} />
              <TextInput
                name="q"
                type="search"
                label={t.audit.q}
                placeholder={t.audit.qPlaceholder}
                defaultValue={current.q}
              />
            </SimpleGrid>
            <Group mt="sm" gap="xs">
              <Button type="submit" leftSection={<IconFilter size={16} aria-hidden="true" />}>
                {t.common.apply}
              </Button>
              <Button variant="default" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                {t.common.reset}
              </Button>
            </Group>
          </form>
        </Card>

        {log.isError && !log.data ? (
          <QueryError error={log.error} onRetry={() => log.refetch()} />
        ) : log.isPending ? (
          <Stack gap={6}>
            {[1, 2, 3, 4].map((i) => (
              <Skeleton key={i} height={32} />
            ))}
          </Stack>
        ) : entries.length === 0 ? (
          <Text>{t.audit.empty}</Text>
        ) : (
          <Card withBorder padding={0}>
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing="xs" data-testid="audit-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t.audit.at}</Table.Th>
                    <Table.Th scope="col">{t.audit.action}</Table.Th>
                    <Table.Th scope="col">{t.audit.entity}</Table.Th>
                    <Table.Th scope="col">{t.audit.actor}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {entries.map((e) => {
                    const isOpen = open === e.id;
                    return (
                      <Fragment key={e.id}>
                        <Table.Tr data-testid="audit-row">
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            <UnstyledButton
                              onClick={() => setOpen(isOpen ? null : e.id)}
                              aria-expanded={isOpen}
                              aria-controls={`audit-${e.id}`}
                              aria-label={`${isOpen ? t.common.hideDetails : t.common.showDetails}: ${e.action}, ${formatDateTime(e.at, lang)}`}
                              style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
                            >
                              {isOpen ? (
                                <IconChevronDown size={14} aria-hidden="true" />
                              ) : (
                                <IconChevronRight size={14} aria-hidden="true" />
                              )}
                              <Text size="sm" span>
                                {formatDateTime(e.at, lang)}
                              </Text>
                            </UnstyledButton>
                          </Table.Td>
                          <Table.Td>
                            <Badge variant="light" color="indigo" style={{ textTransform: 'none' }}>
                              {e.action}
                            </Badge>
                          </Table.Td>
                          <Table.Td className="wrap-anywhere">
                            <Text size="sm">{entity(e)}</Text>
                          </Table.Td>
                          <Table.Td className="wrap-anywhere">
                            <Text size="sm">{e.actorEmail ?? t.audit.system}</Text>
                          </Table.Td>
                        </Table.Tr>
                        <Table.Tr id={`audit-${e.id}`} hidden={!isOpen}>
                          <Table.Td colSpan={4} p={0}>
                            <Collapse expanded={isOpen}>
                              {isOpen && (
                                <SimpleGrid cols={{ base: 1, md: 2 }} p="sm" spacing="sm">
                                  <div>
                                    <Text size="xs" fw={700} mb={4}>
                                      {t.audit.before}
                                    </Text>
                                    <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
                                      {json(e.before)}
                                    </Code>
                                  </div>
                                  <div>
                                    <Text size="xs" fw={700} mb={4}>
                                      {t.audit.after}
                                    </Text>
                                    <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
                                      {json(e.after)}
                                    </Code>
                                  </div>
                                  {e.requestId && (
                                    <Text size="xs" c="dimmed">
                                      {t.audit.requestId}: {e.requestId}
                                      {e.ip ? ` · IP ${e.ip}` : ''}
                                    </Text>
                                  )}
                                </SimpleGrid>
                              )}
                            </Collapse>
                          </Table.Td>
                        </Table.Tr>
                      </Fragment>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        )}

        {entries.length > 0 && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite">
              {t.audit.shown(formatNumber(entries.length, lang))}
              {!log.hasNextPage && ` · ${t.audit.end}`}
            </Text>
            {log.hasNextPage && (
              <Button variant="light" onClick={() => log.fetchNextPage()} loading={log.isFetchingNextPage}>
                {t.common.loadMore}
              </Button>
            )}
          </Group>
        )}
        {log.isError && log.data && <QueryError error={log.error} onRetry={() => log.fetchNextPage()} />}
      </Stack>
    </>
  );
}
