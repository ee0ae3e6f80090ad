import {
  Accordion,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type {
  GroupNode,
  IndicatorNode,
  InstrumentNode,
  LevelModel,
  Source,
} from '../../../../src/domain/instrument/schema.js';
import type { InstrumentContent } from '../../api/instruments';
import { type Dict, type Lang, useI18n } from '../../i18n';
import { formatDecimal, formatNumber } from '../../lib/format';
import { FactList, SourceStatusBadge, WHOLE_BADGE } from './InstrumentParts';

const isGroup = (n: InstrumentNode): n is GroupNode => 'children' in n;
const dec = (v: string | number | undefined, lang: Lang) =>
  v === undefined ? '' : formatDecimal(String(v), lang);

function countIndicators(nodes: InstrumentNode[]): number {
  return nodes.reduce((n, node) => n + (isGroup(node) ? countIndicators(node.children) : 1), 0);
}

/** Codes of the groups on the way to each matching indicator (to open them), or null without a query. */
function matchingGroups(nodes: InstrumentNode[], query: string): Set<string> | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const out = new Set<string>();
  const walk = (list: InstrumentNode[], path: string[]): boolean => {
    let any = false;
    for (const n of list) {
      if (isGroup(n)) {
        if (walk(n.children, [...path, n.code])) any = true;
      } else if (
        [n.code, n.name, n.nameEn ?? '', ...(n.aliases ?? [])].some((s) => s.toLowerCase().includes(q))
      ) {
        for (const p of path) out.add(p);
        out.add(`match:${n.code}`);
        any = true;
      }
    }
    return any;
  };
  walk(nodes, []);
  return out;
}

/** Value range that gives each level of a metric indicator (see the instrument schema's thresholds). */
export function metricRanges(ind: IndicatorNode, lang: Lang, v: Dict['manage']['version']): string[] {
  if (ind.kind !== 'metric') return [];
  const b = ind.thresholds.map((x) => dec(x, lang));
  if (ind.direction === 'higher-is-better') {
    return [
      v.below(b[0]!),
      v.between(b[0]!, b[1]!),
      v.between(b[1]!, b[2]!),
      v.between(b[2]!, b[3]!),
      v.atLeast(b[3]!),
    ];
  }
  return [
    v.above(b[3]!),
    v.aboveUpTo(b[2]!, b[3]!),
    v.aboveUpTo(b[1]!, b[2]!),
    v.aboveUpTo(b[0]!, b[1]!),
    v.atMost(b[0]!),
  ];
}

interface TreeContext {
  sources: Map<string, Source>;
  levelModels: Map<string, LevelModel>;
  matches: Set<string> | null;
  open: Set<string>;
  setOpen: (codes: string[], inList: string[]) => void;
}

/**
 * The instrument tree (domain → aspect → indicator, any depth) with weights; each indicator opens
 * to its five level criteria, metric thresholds, evidence guidance and sources.
 */
export function InstrumentTree({ content }: { content: InstrumentContent }) {
  const { t, lang } = useI18n();
  const v = t.manage.version;
  const [query, setQuery] = useState('');
  const [open, setOpenState] = useState<Set<string>>(() => new Set());
  const sources = useMemo(() => new Map(content.sources.map((s) => [s.id, s])), [content.sources]);
  const levelModels = useMemo(
    () => new Map(content.levelModels.map((m) => [m.id, m])),
    [content.levelModels],
  );
  const matches = useMemo(() => matchingGroups(content.nodes, query), [content.nodes, query]);

  const allGroupCodes = useMemo(() => {
    const out: string[] = [];
    const walk = (list: InstrumentNode[]) => {
      for (const n of list) {
        if (isGroup(n)) {
          out.push(n.code);
          walk(n.children);
        }
      }
    };
    walk(content.nodes);
    return out;
  }, [content.nodes]);

  const ctx: TreeContext = {
    sources,
    levelModels,
    matches,
    open,
    // One accordion reports the values open among its own items; the others keep theirs.
    setOpen: (codes, inList) =>
      setOpenState((prev) => {
        const next = new Set([...prev].filter((c) => !inList.includes(c)));
        for (const c of codes) next.add(c);
        return next;
      }),
  };

  const nothing = matches !== null && ![...matches].some((c) => c.startsWith('match:'));

  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label={v.search}
          placeholder={v.searchPlaceholder}
          type="search"
          leftSection={<IconSearch size={16} aria-hidden="true" />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          style={{ flex: '1 1 14rem' }}
        />
        <Group gap="xs">
          <Button variant="default" size="sm" onClick={() => setOpenState(new Set(allGroupCodes))}>
            {v.expandAll}
          </Button>
          <Button variant="default" size="sm" onClick={() => setOpenState(new Set())}>
            {v.collapseAll}
          </Button>
        </Group>
      </Group>
      {nothing ? (
        <Text role="status">{v.noMatch}</Text>
      ) : (
        <NodeList nodes={content.nodes} depth={0} ctx={ctx} />
      )}
      <Text size="xs" c="dimmed">
        {v.indicatorCount(formatNumber(countIndicators(content.nodes), lang))}
      </Text>
    </Stack>
  );
}

function visibleNodes(nodes: InstrumentNode[], matches: Set<string> | null) {
  if (!matches) return nodes;
  return nodes.filter((n) => matches.has(isGroup(n) ? n.code : `match:${n.code}`));
}

function NodeList({ nodes, depth, ctx }: { nodes: InstrumentNode[]; depth: number; ctx: TreeContext }) {
  const shown = visibleNodes(nodes, ctx.matches);
  const codes = shown.map((n) => n.code);
  // While searching, the groups on the way to a match are open.
  const value = codes.filter((c) => (ctx.matches ? ctx.matches.has(c) || ctx.open.has(c) : ctx.open.has(c)));
  return (
    <Accordion
      multiple
      value={value}
      onChange={(vals) => ctx.setOpen(vals, codes)}
      variant={depth === 0 ? 'separated' : 'contained'}
      chevronPosition="left"
      order={Math.min(3 + depth, 6) as 3 | 4 | 5 | 6}
    >
      {shown.map((n) => (
        <Accordion.Item key={n.code} value={n.code} data-node={n.code}>
          <NodeControl node={n} />
          <Accordion.Panel>
            {value.includes(n.code) &&
              (isGroup(n) ? (
                <GroupBody node={n} depth={depth} ctx={ctx} />
              ) : (
                <IndicatorBody node={n} ctx={ctx} />
              ))}
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function NodeControl({ node }: { node: InstrumentNode }) {
  const { t, lang } = useI18n();
  const v = t.manage.version;
  const name = (lang === 'en' && node.nameEn) || node.name;
  return (
    <Accordion.Control>
      <Group gap="xs" wrap="wrap" justify="space-between">
        <Text span fw={600} size="sm" className="wrap-anywhere" style={{ flex: '1 1 12rem' }}>
          <Text span ff="monospace" size="sm">
            {node.code}
          </Text>{' '}
          {name}
        </Text>
        <Group gap={4}>
          {node.nodeType && (
            <Badge variant="light" color="gray" size="sm" styles={WHOLE_BADGE}>
              {node.nodeType}
            </Badge>
          )}
          {!isGroup(node) && (
            <Badge
              variant="light"
              color={node.kind === 'metric' ? 'grape' : 'blue'}
              size="sm"
              styles={WHOLE_BADGE}
            >
              {node.kind === 'metric' ? v.kindMetric : v.kindMaturity}
            </Badge>
          )}
          <Badge variant="light" color="teal" size="sm" styles={WHOLE_BADGE}>
            {v.weight(dec(node.weight, lang))}
          </Badge>
        </Group>
      </Group>
    </Accordion.Control>
  );
}

function SourceRefs({ refs, ctx }: { refs: string[] | undefined; ctx: TreeContext }) {
  const { t } = useI18n();
  const v = t.manage.version;
  if (!refs?.length) return null;
  return (
    <Stack gap={4}>
      {refs.map((id) => {
        const s = ctx.sources.get(id);
        return (
          <Group key={id} gap="xs" wrap="nowrap" align="flex-start">
            {s && <SourceStatusBadge status={s.status} />}
            <Text size="sm" className="wrap-anywhere">
              {s ? (
                s.url ? (
                  <Anchor href={s.url} target="_blank" rel="noreferrer noopener" size="sm">
                    {s.title}
                  </Anchor>
                ) : (
                  s.title
                )
              ) : (
                v.unknownSource(id)
              )}
            </Text>
          </Group>
        );
      })}
    </Stack>
  );
}

function GroupBody({ node, depth, ctx }: { node: GroupNode; depth: number; ctx: TreeContext }) {
  const { t, lang } = useI18n();
  const v = t.manage.version;
  return (
    <Stack gap="sm">
      {node.description && <Text size="sm">{node.description}</Text>}
      <FactList
        items={[
          { label: v.weightSource, value: node.weightSource },
          {
            label: v.indicators,
            value: formatNumber(countIndicators(node.children), lang),
          },
          {
            label: v.sources,
            value: node.sourceRefs?.length ? <SourceRefs refs={node.sourceRefs} ctx={ctx} /> : null,
          },
          { label: v.notes, value: node.notes },
        ]}
      />
      <NodeList nodes={node.children} depth={depth + 1} ctx={ctx} />
    </Stack>
  );
}

function IndicatorBody({ node, ctx }: { node: IndicatorNode; ctx: TreeContext }) {
  const { t, lang } = useI18n();
  const v = t.manage.version;
  const model = ctx.levelModels.get(node.levelModel);
  const criteria = (lang === 'en' && node.criteriaEn?.every((c) => c) && node.criteriaEn) || node.criteria;
  const ranges = metricRanges(node, lang, v);
  const applicability =
    !node.applicability || node.applicability === 'all'
      ? v.applicabilityAll
      : node.applicability.map((u) => t.unitTypes[u] ?? u).join(', ');
  let validValues: string | undefined;
  if (node.kind === 'metric') {
    const min = node.valueMin !== undefined ? dec(node.valueMin, lang) : null;
    const max = node.valueMax !== undefined ? dec(node.valueMax, lang) : null;
    validValues =
      min && max ? v.validRange(min, max) : min ? v.validMin(min) : max ? v.validMax(max) : undefined;
  }
  return (
    <Stack gap="sm" data-testid={`indicator-${node.code}`}>
      {node.description && <Text size="sm">{node.description}</Text>}
      <Text fw={600} size="sm">
        {v.criteria}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 5 }} spacing="xs">
        {criteria.map((c, i) => {
          const level = model?.levels.find((l) => l.level === i + 1);
          return (
            // The five criteria are positions (levels 1–5), never reordered.
            // biome-ignore lint/suspicious/noArrayIndexKey: the index is the level
            <Card key={i} withBorder padding="xs" data-level={i + 1}>
              <Text fw={700} size="sm">
                {v.level(i + 1)}
              </Text>
              {level && (
                <Text size="xs" c="dimmed" fw={600}>
                  {(lang === 'en' && level.nameEn) || level.name}
                </Text>
              )}
              {ranges[i] && (
                <Text size="xs" fw={600} mt={4}>
                  {ranges[i]} {node.kind === 'metric' ? node.unit : ''}
                </Text>
              )}
              <Text size="xs" mt={4}>
                {c}
              </Text>
            </Card>
          );
        })}
      </SimpleGrid>
      <FactList
        items={[
          {
            label: v.levelModel,
            value: model ? (lang === 'en' && model.nameEn) || model.name : node.levelModel,
          },
          ...(node.kind === 'metric'
            ? [
                { label: v.unit, value: node.unit },
                { label: v.direction, value: v.directions[node.direction] ?? node.direction },
                { label: v.validValues, value: validValues },
                { label: v.thresholdSource, value: node.thresholdSource },
              ]
            : []),
          { label: v.criteriaSource, value: node.criteriaSource },
          { label: v.weightSource, value: node.weightSource },
          { label: v.applicability, value: applicability },
          { label: v.naAllowed, value: node.naAllowed ? v.naYes : v.naNo },
          { label: v.evidenceGuidance, value: node.evidenceGuidance },
          {
            label: v.sources,
            value: node.sourceRefs?.length ? <SourceRefs refs={node.sourceRefs} ctx={ctx} /> : null,
          },
          { label: v.notes, value: node.notes },
        ]}
      />
    </Stack>
  );
}
