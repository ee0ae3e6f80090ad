import { Anchor, Badge, Card, Group, NativeSelect, Text, TextInput, Title } from '@mantine/core';
import { IconArrowDown, IconArrowsSort, IconArrowUp } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { UnitResult } from '../../api/results';
import { useI18n } from '../../i18n';
import { compareDecimal, formatDecimal, formatNumber } from '../../lib/format';
import { unitResultPath } from '../../lib/routes';
import css from './insight.module.css';
import { PEER_GROUPS, type PeerGroup } from './peers';

export type RankedRow = UnitResult & { peerGroup: PeerGroup; peerRank: number | null };

export type SortKey = 'rank' | 'unit' | 'index' | 'change' | 'gap' | 'type' | 'peerRank';
export interface Sort {
  key: SortKey;
  desc: boolean;
}
export interface Filter {
  type: string;
  peer: '' | PeerGroup;
  q: string;
}

/** Pads a decimal text to `decimals` places ("0.6" → "0.60"); never rounds. */
const padded = (v: string, decimals?: number) => {
  if (decimals === undefined) return v;
  const [int, frac = ''] = v.split('.') as [string, string?];
  return frac.length >= decimals ? v : `${int}.${frac.padEnd(decimals, '0')}`;
};

/** A change or gap with its sign ("+0,35", "-0,10"); zero without one. */
export const signed = (v: string | null, lang: 'id' | 'en', decimals?: number) =>
  v === null
    ? '—'
    : `${v.startsWith('-') || /^-?0(\.0+)?$/.test(v) ? '' : '+'}${formatDecimal(padded(v, decimals), lang)}`;

/** A stored decimal ("2.6000") with the instrument's decimals ("2,60"), for targets. */
export const withDecimals = (v: string | null, decimals: number, lang: 'id' | 'en') => {
  if (v === null) return '—';
  const [int, frac = ''] = v.split('.') as [string, string?];
  const kept = frac.replace(/0+$/, '');
  const digits = kept.length > decimals ? kept : kept.padEnd(decimals, '0');
  return formatDecimal(digits ? `${int}.${digits}` : int, lang);
};

const byNumber = (a: number | null, b: number | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

/** Orders rows by one column; values missing sort last in either direction. */
export function sortRows(rows: RankedRow[], sort: Sort, typeLabel: (t: string) => string): RankedRow[] {
  const dir = sort.desc ? -1 : 1;
  const nullsLast = (a: unknown, b: unknown, cmp: number) =>
    a === null && b !== null ? 1 : b === null && a !== null ? -1 : cmp * dir;
  const cmp = (a: RankedRow, b: RankedRow): number => {
    switch (sort.key) {
      case 'rank':
        return nullsLast(a.rank, b.rank, byNumber(a.rank, b.rank));
      case 'peerRank':
        return nullsLast(a.peerRank, b.peerRank, byNumber(a.peerRank, b.peerRank));
      case 'index':
        return nullsLast(a.verifiedIndex, b.verifiedIndex, compareDecimal(a.verifiedIndex, b.verifiedIndex));
      case 'change':
        return nullsLast(a.change, b.change, compareDecimal(a.change, b.change));
      case 'gap':
        return nullsLast(a.gap, b.gap, compareDecimal(a.gap, b.gap));
      case 'type':
        return typeLabel(a.unit.type).localeCompare(typeLabel(b.unit.type), 'id') * dir;
      case 'unit':
        return a.unit.name.localeCompare(b.unit.name, 'id') * dir;
    }
  };
  return [...rows].sort((a, b) => cmp(a, b) || a.unit.name.localeCompare(b.unit.name, 'id'));
}

/** The ranking: filters (unit type, peer group, name), sortable columns, links to each unit's page. */
export function RankingCard({
  rows,
  total,
  types,
  filter,
  onFilter,
  sort,
  onSort,
  summary,
  decimals,
}: {
  rows: RankedRow[];
  total: number;
  types: string[];
  filter: Filter;
  onFilter: (f: Filter) => void;
  sort: Sort;
  onSort: (s: Sort) => void;
  summary: ReactNode;
  /** Decimals of the reported index (instrument rounding), for changes and gaps. */
  decimals: number;
}) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const typeLabel = (ty: string) => (t.unitTypes as Record<string, string>)[ty] ?? ty;

  const improved = rows
    .filter((r) => r.change !== null && compareDecimal(r.change, '0') > 0)
    .sort((a, b) => compareDecimal(b.change, a.change))
    .slice(0, 3);

  interface Head {
    key: string;
    label: string;
    numeric: boolean;
    ariaSort: 'ascending' | 'descending' | undefined;
    button: ReactNode;
  }
  const header = (key: SortKey, label: string, numeric = false): Head => {
    const active = sort.key === key;
    return {
      key,
      label,
      numeric,
      ariaSort: active ? (sort.desc ? 'descending' : 'ascending') : undefined,
      button: (
        <button
          type="button"
          className={css.sort}
          onClick={() =>
            onSort({ key, desc: active ? !sort.desc : key === 'index' || key === 'change' || key === 'gap' })
          }
        >
          {label}
          {active ? (
            sort.desc ? (
              <IconArrowDown size={14} aria-hidden="true" />
            ) : (
              <IconArrowUp size={14} aria-hidden="true" />
            )
          ) : (
            <IconArrowsSort size={14} aria-hidden="true" />
          )}
        </button>
      ),
    };
  };

  const columns: Array<{
    head: Head;
    cell: (r: RankedRow) => ReactNode;
  }> = [
    { head: header('rank', t.results.rank, true), cell: (r) => r.rank ?? '—' },
    {
      head: header('unit', t.results.unit),
      cell: (r) => (
        <Anchor component={Link} to={unitResultPath(r.assessmentId)} size="sm" display="block" miw="12rem">
          {r.unit.name}
        </Anchor>
      ),
    },
    {
      head: header('index', t.results.index, true),
      cell: (r) => formatDecimal(r.verifiedIndex, lang),
    },
    {
      head: {
        key: 'predicate',
        label: t.results.predicate,
        numeric: false,
        ariaSort: undefined,
        button: null,
      },
      cell: (r) => r.predicate ?? '—',
    },
    { head: header('change', t.results.change, true), cell: (r) => signed(r.change, lang, decimals) },
    { head: header('gap', t.results.gap, true), cell: (r) => signed(r.gap, lang, decimals) },
    { head: header('type', ti.unitType), cell: (r) => typeLabel(r.unit.type) },
    {
      head: header('peerRank', ti.peerRank, true),
      cell: (r) =>
        r.peerRank === null ? (
          '—'
        ) : (
          <>
            {r.peerRank}
            <Text span size="xs" c="dimmed" display="block">
              {ti.peerGroups[r.peerGroup as PeerGroup]}
            </Text>
          </>
        ),
    },
  ];

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {t.results.ranking}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {summary}
      </Text>
      <Text size="sm" mb="sm">
        {ti.peerIntro}
      </Text>
      <Group align="flex-end" gap="sm" mb="sm" wrap="wrap">
        <TextInput
          label={ti.searchUnit}
          type="search"
          value={filter.q}
          onChange={(e) => onFilter({ ...filter, q: e.currentTarget.value })}
          style={{ flex: '1 1 12rem' }}
        />
        <NativeSelect
          label={ti.unitType}
          value={filter.type}
          onChange={(e) => onFilter({ ...filter, type: e.currentTarget.value })}
          data={[
            { value: '', label: ti.allTypes },
            ...types.map((ty) => ({ value: ty, label: typeLabel(ty) })),
          ]}
          style={{ flex: '0 1 12rem' }}
        />
        <NativeSelect
          label={ti.peerGroup}
          value={filter.peer}
          onChange={(e) => onFilter({ ...filter, peer: e.currentTarget.value as Filter['peer'] })}
          data={[
            { value: '', label: ti.allPeerGroups },
            ...PEER_GROUPS.map((g) => ({ value: g, label: ti.peerGroups[g] })),
          ]}
          style={{ flex: '0 1 14rem' }}
        />
      </Group>
      <Text size="sm" c="dimmed" mb="xs" aria-live="polite" data-testid="ranking-count">
        {ti.shown(formatNumber(rows.length, lang), formatNumber(total, lang))}
      </Text>
      {improved.length > 0 && (
        <Group gap="xs" mb="xs">
          <Text size="sm" fw={600}>
            {ti.mostImproved}:
          </Text>
          {improved.map((r) => (
            <Badge key={r.assessmentId} variant="light" color="green">
              {r.unit.shortName ?? r.unit.name} {signed(r.change, lang, decimals)}
            </Badge>
          ))}
        </Group>
      )}
      {rows.length === 0 ? (
        <Text>{ti.noMatch}</Text>
      ) : (
        <div data-testid="ranking-table">
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section className="data-table-wrap" tabIndex={0} aria-label={t.results.ranking}>
            <table className="data-table">
              <caption className="visually-hidden">{t.results.ranking}</caption>
              <thead>
                <tr>
                  {columns.map(({ head }) => (
                    <th
                      key={head.key}
                      scope="col"
                      aria-sort={head.ariaSort}
                      data-numeric={head.numeric || undefined}
                    >
                      {head.button ?? head.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.assessmentId}>
                    {columns.map(({ head, cell }) => (
                      <td key={head.key} data-numeric={head.numeric || undefined}>
                        {cell(r)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </Card>
  );
}
