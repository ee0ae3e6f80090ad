import {
  Anchor,
  Badge,
  Card,
  Code,
  Container,
  Group,
  List,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useOpenData } from '../api/opendata';
import { type PublicResults, usePublicResults } from '../api/public';
import { EChart } from '../charts/EChart';
import { predicateBarsOption } from '../charts/options';
import { DataTable } from '../components/DataTable';
import { PageLoader } from '../components/PageLoader';
import { PublicHeader } from '../components/PublicHeader';
import { QueryError } from '../components/QueryError';
import { useI18n } from '../i18n';
import { formatBytes, formatDate, formatDateTime, formatDecimal, formatNumber } from '../lib/format';

type UnitRow = PublicResults['units'][number];

/** By the server's rank (ties share one; units without an index last), then by name. */
function byRank(units: PublicResults['units']): UnitRow[] {
  return [...units].sort(
    (a, b) =>
      (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name, 'id'),
  );
}

/** `/hasil/:cycleId` — a published cycle for anyone: each unit's index and predicate, and the method. */
export default function PublicResultsPage() {
  const { cycleId = '' } = useParams();
  const { t, lang } = useI18n();
  const results = usePublicResults(cycleId);
  const [search, setSearch] = useState('');
  const [type, setType] = useState('');
  const pr = t.publicResults;

  const data = results.data;
  useEffect(() => {
    if (data) document.title = `${data.cycle.name} · Mercusuar`;
  }, [data]);

  const rows = useMemo(() => (data ? byRank(data.units) : []), [data]);
  const bandName = useMemo(() => {
    const m = new Map<string, string>();
    for (const b of data?.method.predicateBands ?? [])
      m.set(b.name, lang === 'en' && b.nameEn ? b.nameEn : b.name);
    return (name: string | null) => (name ? (m.get(name) ?? name) : pr.noIndex);
  }, [data, lang, pr.noIndex]);
  const distribution = useMemo(
    () =>
      (data?.method.predicateBands ?? []).map((b) => ({
        label: bandName(b.name),
        value: data!.units.filter((u) => u.predicate === b.name).length,
      })),
    [data, bandName],
  );
  // The same chart builder as the dashboard and the PDF summary, with the band names translated.
  const distributionOption = useMemo(
    () =>
      predicateBarsOption(
        {
          distribution: distribution.map((d) => ({ predicate: d.label, count: d.value })),
          bands: (data?.method.predicateBands ?? []).map((b) => ({ ...b, name: bandName(b.name) })),
        },
        { locale: lang },
      ),
    [distribution, data, bandName, lang],
  );
  const types = useMemo(() => [...new Set(rows.map((r) => r.type))], [rows]);
  const typeLabel = (ty: string) => (t.unitTypes as Record<string, string>)[ty] ?? ty;

  if (results.isPending) return <PageLoader fullHeight />;
  if (results.isError || !data)
    return (
      <>
        <PublicHeader />
        <Container size="lg" py="xl" component="main" id="main">
          <QueryError error={results.error} onRetry={() => results.refetch()} />
        </Container>
      </>
    );

  const { cycle, method } = data;
  const q = search.trim().toLowerCase();
  const shown = rows.filter(
    (r) =>
      (!type || r.type === type) &&
      (!q ||
        r.name.toLowerCase().includes(q) ||
        r.code.toLowerCase().includes(q) ||
        (r.shortName ?? '').toLowerCase().includes(q)),
  );
  const period = `${formatDate(cycle.periodStart, lang)} – ${formatDate(cycle.periodEnd, lang)}`;

  return (
    <>
      <PublicHeader />
      <Container component="main" id="main" size="xl" py="lg" tabIndex={-1}>
        <Stack gap="lg">
          <Anchor component={Link} to="/" size="sm">
            ← {pr.back}
          </Anchor>
          <div>
            <Title order={1}>{cycle.name}</Title>
            <Text c="dimmed">{pr.scope(cycle.scope.name, period)}</Text>
            <Group gap="xs" mt="xs">
              <Badge variant="light">{method.instrument.title}</Badge>
              {cycle.publishedAt && (
                <Badge variant="light" color="gray">
                  {t.landing.publishedAt(formatDate(cycle.publishedAt, lang))}
                </Badge>
              )}
              {cycle.targetIndex && (
                <Badge variant="light" color="grape">
                  {pr.target(formatDecimal(cycle.targetIndex, lang))}
                </Badge>
              )}
            </Group>
          </div>

          <Card withBorder padding="lg">
            <Title order={2} size="h3">
              {pr.distribution}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {pr.distributionIntro}
            </Text>
            <EChart
              option={distributionOption}
              label={pr.distribution}
              height={240}
              table={
                <DataTable
                  caption={pr.distribution}
                  hideCaption
                  rows={distribution}
                  rowKey={(r) => r.label}
                  columns={[
                    { key: 'band', header: pr.predicate, cell: (r) => r.label },
                    {
                      key: 'count',
                      header: pr.count,
                      numeric: true,
                      cell: (r) => formatNumber(r.value, lang),
                    },
                  ]}
                />
              }
            />
          </Card>

          <Card withBorder padding="lg">
            <Title order={2} size="h3">
              {pr.unitsTitle}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {pr.unitsIntro}
            </Text>
            <Group align="flex-end" gap="sm" mb="sm" wrap="wrap">
              <TextInput
                label={pr.search}
                placeholder={pr.searchPlaceholder}
                type="search"
                leftSection={<IconSearch size={16} aria-hidden="true" />}
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                style={{ flex: '1 1 14rem' }}
              />
              <NativeSelect
                label={pr.typeFilter}
                value={type}
                onChange={(e) => setType(e.currentTarget.value)}
                data={[
                  { value: '', label: pr.allTypes },
                  ...types.map((ty) => ({ value: ty, label: typeLabel(ty) })),
                ]}
                style={{ flex: '0 1 14rem' }}
              />
            </Group>
            <Text size="sm" c="dimmed" mb="xs" aria-live="polite">
              {pr.shown(formatNumber(shown.length, lang), formatNumber(rows.length, lang))}
            </Text>
            {shown.length === 0 ? (
              <Text>{pr.noMatch}</Text>
            ) : (
              <div data-testid="public-results-table">
                <DataTable
                  caption={pr.unitsTitle}
                  hideCaption
                  rows={shown}
                  rowKey={(r) => r.code}
                  columns={[
                    { key: 'rank', header: pr.rank, numeric: true, cell: (r) => r.rank ?? '—' },
                    {
                      key: 'unit',
                      header: pr.unit,
                      cell: (r) => (
                        <>
                          <Text size="sm" fw={500} className="wrap-anywhere">
                            {r.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {r.code}
                          </Text>
                        </>
                      ),
                    },
                    { key: 'type', header: pr.type, cell: (r) => typeLabel(r.type) },
                    {
                      key: 'index',
                      header: pr.index,
                      numeric: true,
                      cell: (r) => <strong>{formatDecimal(r.index, lang)}</strong>,
                    },
                    { key: 'predicate', header: pr.predicate, cell: (r) => bandName(r.predicate) },
                    ...method.domains.map((d) => ({
                      key: d.code,
                      header: d.name,
                      numeric: true,
                      cell: (r: UnitRow) =>
                        formatDecimal(r.domains.find((x) => x.code === d.code)?.index ?? null, lang),
                    })),
                  ]}
                />
              </div>
            )}
          </Card>

          <OpenDataCard cycleId={cycle.id} />

          <Card withBorder padding="lg" component="section" aria-labelledby="method-title">
            <Title order={2} size="h3" id="method-title" mb="sm">
              {pr.methodTitle}
            </Title>
            <Stack gap="md">
              <div>
                <Text fw={600}>
                  {pr.instrument}: {method.instrument.title} ({pr.version(method.instrument.version)})
                </Text>
                {method.instrument.description && <Text size="sm">{method.instrument.description}</Text>}
                {method.instrument.legalBasis && (
                  <Text size="sm" c="dimmed">
                    {pr.legalBasis}: {method.instrument.legalBasis}
                  </Text>
                )}
              </div>
              <div>
                <Text fw={600}>{pr.formula}</Text>
                <Text size="sm">{method.formula}</Text>
              </div>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Text size="sm">
                  <strong>{pr.scale}:</strong> {pr.scaleValue(method.scale.min, method.scale.max)}
                </Text>
                <Text size="sm">
                  <strong>{pr.rounding}:</strong>{' '}
                  {pr.roundingValue(method.rounding.decimals, method.rounding.mode)}
                </Text>
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
                <DataTable
                  caption={pr.bands}
                  rows={method.predicateBands}
                  rowKey={(b) => b.name}
                  columns={[
                    { key: 'band', header: pr.band, cell: (b) => bandName(b.name) },
                    {
                      key: 'range',
                      header: pr.range,
                      numeric: true,
                      cell: (b) => `${formatDecimal(b.min, lang)} – ${formatDecimal(b.max, lang)}`,
                    },
                  ]}
                />
                <DataTable
                  caption={pr.domains}
                  rows={method.domains}
                  rowKey={(d) => d.code}
                  columns={[
                    { key: 'domain', header: pr.domain, cell: (d) => d.name },
                    {
                      key: 'weight',
                      header: pr.weight,
                      numeric: true,
                      cell: (d) => formatDecimal(d.weight, lang),
                    },
                  ]}
                />
              </SimpleGrid>
              {method.sources.length > 0 && (
                <div>
                  <Text fw={600}>{pr.sources}</Text>
                  <List size="sm">
                    {method.sources.map((s) => (
                      <List.Item key={s.id}>
                        {s.url ? (
                          <Anchor href={s.url} target="_blank" rel="noreferrer">
                            {s.title}
                          </Anchor>
                        ) : (
                          s.title
                        )}
                      </List.Item>
                    ))}
                  </List>
                </div>
              )}
              <div>
                <Text size="sm" fw={600}>
                  {pr.contentHash}
                </Text>
                <Code className="wrap-anywhere">{method.instrument.contentHash}</Code>
              </div>
            </Stack>
          </Card>
        </Stack>
      </Container>
    </>
  );
}

/**
 * Open data of this cycle, for anyone: every release (newest first) with its changelog note, the
 * licence, the Frictionless datapackage.json and each CSV/JSON file with its SHA-256. The links go
 * straight to the public download endpoints (no login).
 */
function OpenDataCard({ cycleId }: { cycleId: string }) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const od = useOpenData();
  const releases = od.data?.find((c) => c.cycle.id === cycleId)?.versions ?? [];
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="opendata-title">
      <Title order={2} size="h3" id="opendata-title">
        {ti.openDataTitle}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {ti.openDataIntro}
      </Text>
      {od.isError ? (
        <QueryError error={od.error} onRetry={() => od.refetch()} />
      ) : od.isPending ? (
        <Text>{t.common.loading}</Text>
      ) : releases.length === 0 ? (
        <Text>{ti.openDataNone}</Text>
      ) : (
        <Stack gap="md" data-testid="opendata">
          {releases.map((r, i) => (
            <Stack key={r.version} gap={6}>
              <Group gap="xs">
                <Title order={3} size="h5">
                  {ti.openDataVersion(String(r.version))}
                </Title>
                {i === 0 && (
                  <Badge variant="light" color="green">
                    {ti.openDataLatest}
                  </Badge>
                )}
                <Text size="sm" c="dimmed">
                  {formatDateTime(r.created, lang)}
                </Text>
              </Group>
              {r.note && (
                <Text size="sm">
                  <strong>{ti.openDataChangelog}:</strong> {r.note}
                </Text>
              )}
              <Text size="sm">
                <strong>{ti.openDataLicence}:</strong>{' '}
                {r.licence.path ? (
                  <Anchor href={r.licence.path} target="_blank" rel="noreferrer">
                    {r.licence.title}
                  </Anchor>
                ) : (
                  r.licence.title
                )}
              </Text>
              <Group gap="xs">
                <Anchor href={r.datapackageUrl} size="sm">
                  datapackage.json
                </Anchor>
                <Text size="sm" c="dimmed" aria-hidden="true">
                  ·
                </Text>
                <Anchor href={r.changelogUrl} size="sm">
                  changelog.json
                </Anchor>
              </Group>
              <DataTable
                caption={ti.openDataFiles(String(r.version))}
                hideCaption
                rows={r.files}
                rowKey={(f) => f.name}
                columns={[
                  {
                    key: 'name',
                    header: ti.openDataFile,
                    cell: (f) => (
                      <Anchor href={f.url} size="sm" download>
                        {f.name}
                      </Anchor>
                    ),
                  },
                  {
                    key: 'size',
                    header: ti.openDataSize,
                    numeric: true,
                    cell: (f) => formatBytes(f.bytes, lang),
                  },
                  {
                    key: 'sha',
                    header: 'SHA-256',
                    cell: (f) => (
                      <Text size="xs" ff="monospace" className="wrap-anywhere">
                        {f.sha256}
                      </Text>
                    ),
                  },
                ]}
              />
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}
