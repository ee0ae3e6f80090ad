import { Anchor, Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Source } from '../../../../src/domain/instrument/schema.js';
import { INSTRUMENTS_KEY, useInstrumentVersion } from '../../api/instruments';
import { DataTable } from '../../components/DataTable';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatDate, formatDecimal, formatNumber } from '../../lib/format';
import { APP_ROUTES } from '../../lib/routes';
import {
  ExportLinks,
  FactList,
  InstrumentStatusBadge,
  SourceStatusBadge,
  type StatusChange,
  StatusChangeModal,
} from './InstrumentParts';
import { InstrumentTree } from './InstrumentTree';

/**
 * `/admin/instrumen/:code/:version` — one version as its users will apply it: the tree with
 * weights, each indicator's five level criteria and thresholds, the predicate bands, the level
 * models, and the sources with their confirmation status.
 */
export default function InstrumentVersionPage() {
  const { code = '', version = '' } = useParams();
  const { t, lang } = useI18n();
  const m = t.manage.instruments;
  const v = t.manage.version;
  const query = useInstrumentVersion(code, version);
  const queryClient = useQueryClient();
  const flash = useFlash();
  const [change, setChange] = useState<StatusChange | null>(null);

  if (query.isError) return <QueryError error={query.error} onRetry={() => query.refetch()} />;
  if (!query.data) return <PageLoader />;
  const d = query.data;
  const c = d.content;
  const title = (lang === 'en' && c.titleEn) || d.title;
  const scaleMax = String(c.scale.max);

  return (
    <>
      <PageHeader
        title={v.title(title, d.version)}
        intro={
          <Group gap="xs" component="span">
            <Text span ff="monospace">
              {d.code}
            </Text>
            <InstrumentStatusBadge status={d.status} />
          </Group>
        }
        actions={
          <>
            <Button component={Link} to={APP_ROUTES.instruments.path} variant="default">
              {v.back}
            </Button>
            {d.status === 'draft' && (
              <Button onClick={() => setChange({ meta: d, to: 'published' })}>{m.publish}</Button>
            )}
            {d.status === 'published' && (
              <Button variant="outline" color="red" onClick={() => setChange({ meta: d, to: 'retired' })}>
                {m.retire}
              </Button>
            )}
          </>
        }
      />
      <Flash message={flash.message} onClose={flash.clear} />
      <Stack gap="lg">
        <Card withBorder padding="lg" component="section" aria-labelledby="version-summary">
          <Title order={2} size="h4" mb="sm" id="version-summary">
            {v.summary}
          </Title>
          {c.description && (
            <Text size="sm" mb="sm">
              {c.description}
            </Text>
          )}
          <FactList
            testId="version-facts"
            items={[
              { label: v.indexName, value: c.indexName },
              { label: v.indicators, value: formatNumber(d.indicatorCount, lang) },
              { label: v.totalWeight, value: formatDecimal(String(c.totalWeight), lang) },
              { label: v.scale, value: v.scaleValue(c.scale.min, c.scale.max) },
              { label: v.rounding, value: v.roundingValue(c.rounding.decimals, c.rounding.mode) },
              { label: v.legalBasis, value: c.legalBasis },
              {
                label: m.hash,
                value: (
                  <Text span ff="monospace" size="xs" data-testid="content-hash">
                    {d.contentHash}
                  </Text>
                ),
              },
              { label: v.createdAt, value: formatDate(d.createdAt, lang) },
              { label: v.publishedAt, value: d.publishedAt && formatDate(d.publishedAt, lang) },
              { label: v.retiredAt, value: d.retiredAt && formatDate(d.retiredAt, lang) },
              {
                label: 'Crosswalk',
                value:
                  c.crosswalk &&
                  v.crosswalk(
                    c.crosswalk.fromVersion,
                    formatNumber(Object.keys(c.crosswalk.map).length, lang),
                  ),
              },
              { label: m.export, value: <ExportLinks meta={d} /> },
            ]}
          />
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="version-tree">
          <Title order={2} size="h4" id="version-tree">
            {v.tree}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {v.treeIntro}
          </Text>
          <InstrumentTree content={c} />
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="version-bands">
          <Title order={2} size="h4" id="version-bands">
            {v.bands}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {v.bandsIntro}
          </Text>
          <DataTable
            caption={v.bands}
            hideCaption
            rows={c.predicateBands}
            rowKey={(b) => b.name}
            columns={[
              { key: 'name', header: v.band, cell: (b) => (lang === 'en' && b.nameEn) || b.name },
              {
                key: 'range',
                header: v.range,
                cell: (b) => {
                  const min = formatDecimal(String(b.min), lang);
                  const max = formatDecimal(String(b.max), lang);
                  return Number(b.max) === Number(scaleMax)
                    ? v.bandRangeLast(min, max)
                    : v.bandRange(min, max);
                },
              },
              { key: 'notes', header: v.notes, cell: (b) => b.notes ?? '' },
            ]}
          />
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="version-levels">
          <Title order={2} size="h4" mb="sm" id="version-levels">
            {v.levelModels}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {c.levelModels.map((model) => (
              <Card key={model.id} withBorder padding="sm">
                <Text fw={600}>{(lang === 'en' && model.nameEn) || model.name}</Text>
                {model.appliesTo && (
                  <Text size="xs" c="dimmed" mb="xs">
                    {v.appliesTo}: {model.appliesTo}
                  </Text>
                )}
                <DataTable
                  caption={(lang === 'en' && model.nameEn) || model.name}
                  hideCaption
                  rows={model.levels}
                  rowKey={(l) => String(l.level)}
                  columns={[
                    {
                      key: 'level',
                      header: v.levelModel,
                      cell: (l) => `${v.level(l.level)} · ${(lang === 'en' && l.nameEn) || l.name}`,
                    },
                    {
                      key: 'meaning',
                      header: v.meaning,
                      cell: (l) => (lang === 'en' && l.meaningEn) || l.meaning,
                    },
                  ]}
                />
              </Card>
            ))}
          </SimpleGrid>
        </Card>

        <Card withBorder padding="lg" component="section" aria-labelledby="version-sources">
          <Title order={2} size="h4" id="version-sources">
            {v.sourcesTitle}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {v.sourcesIntro}
          </Text>
          <List size="xs" mb="sm" spacing={2}>
            {(['confirmed', 'derived', 'unconfirmed', 'own'] as const).map((s) => (
              <List.Item key={s}>
                <Badge variant="light" color="gray" size="xs" mr={6} component="span">
                  {v.sourceStatuses[s]}
                </Badge>
                {v.sourceStatusHelp[s]}
              </List.Item>
            ))}
          </List>
          <div data-testid="version-sources">
            <DataTable<Source>
              caption={v.sourcesTitle}
              hideCaption
              rows={c.sources}
              rowKey={(s) => s.id}
              columns={[
                {
                  key: 'title',
                  header: v.sourceTitle,
                  cell: (s) => (
                    <Stack gap={2}>
                      {s.url ? (
                        <Anchor
                          href={s.url}
                          target="_blank"
                          rel="noreferrer noopener"
                          size="sm"
                          className="wrap-anywhere"
                        >
                          {s.title}
                        </Anchor>
                      ) : (
                        <Text size="sm">{s.title}</Text>
                      )}
                      <Text size="xs" c="dimmed" ff="monospace">
                        {s.id}
                      </Text>
                    </Stack>
                  ),
                },
                {
                  key: 'status',
                  header: v.sourceStatus,
                  cell: (s) => <SourceStatusBadge status={s.status} />,
                },
                {
                  key: 'notes',
                  header: v.sourceNotes,
                  cell: (s) => (
                    <Text size="xs" className="wrap-anywhere">
                      {s.notes ?? ''}
                    </Text>
                  ),
                },
              ]}
            />
          </div>
        </Card>

        {c.notes && c.notes.length > 0 && (
          <Card withBorder padding="lg" component="section" aria-labelledby="version-notes">
            <Title order={2} size="h4" mb="sm" id="version-notes">
              {v.instrumentNotes}
            </Title>
            <List size="sm" spacing={4}>
              {c.notes.map((n) => (
                <List.Item key={n}>{n}</List.Item>
              ))}
            </List>
          </Card>
        )}
      </Stack>
      <StatusChangeModal
        change={change}
        onClose={() => setChange(null)}
        onDone={async (_meta, message) => {
          setChange(null);
          flash.show(message);
          await queryClient.invalidateQueries({ queryKey: INSTRUMENTS_KEY });
        }}
      />
    </>
  );
}
