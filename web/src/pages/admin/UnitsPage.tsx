import {
  Badge,
  Button,
  Card,
  Grid,
  Group,
  getTreeExpandedState,
  Modal,
  ScrollArea,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
  Tree,
  type TreeNodeData,
  useTree,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconChevronRight, IconFileExport, IconFileImport, IconPlus, IconSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import {
  buildUnitTree,
  createUnit,
  UNITS_KEY,
  type Unit,
  type UnitInput,
  type UnitTreeNode,
  unitExportUrl,
  updateUnit,
  useUnits,
} from '../../api/units';
import { DownloadButton } from '../../components/DownloadButton';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { UNIT_IMPORT_PATH } from '../../lib/routes';
import { UnitForm } from './UnitForm';

const matches = (u: Unit, q: string) =>
  u.name.toLowerCase().includes(q) ||
  u.code.toLowerCase().includes(q) ||
  (u.shortName ?? '').toLowerCase().includes(q);

/** Keeps the nodes that match and the path to them. */
function filterTree(nodes: UnitTreeNode[], q: string): UnitTreeNode[] {
  if (!q) return nodes;
  const out: UnitTreeNode[] = [];
  for (const n of nodes) {
    const children = filterTree(n.children, q);
    if (matches(n.unit, q) || children.length) out.push({ unit: n.unit, children });
  }
  return out;
}

const toTreeData = (nodes: UnitTreeNode[]): TreeNodeData[] =>
  nodes.map((n) => ({ value: n.unit.id, label: n.unit.name, children: toTreeData(n.children) }));

/** Only the fields that changed: moving a unit needs more rights than renaming it. */
function changedFields(unit: Unit, input: UnitInput): Omit<UnitInput, 'code'> {
  const patch: Record<string, unknown> = {};
  const { code: _code, ...fields } = input;
  for (const [k, v] of Object.entries(fields)) {
    if ((unit as unknown as Record<string, unknown>)[k] !== v) patch[k] = v;
  }
  return patch as Omit<UnitInput, 'code'>;
}

/** `/admin/unit` — the organisation tree with search, create and edit, import and export. */
export default function UnitsPage() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const units = useUnits();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const flash = useFlash();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim().toLowerCase(), 150);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState<{ parentCode: string | null } | null>(null);
  const [expanded, setExpanded] = useState<Record<string, boolean> | null>(null);

  const list = units.data ?? [];
  const byId = useMemo(() => new Map(list.map((u) => [u.id, u])), [list]);
  const forest = useMemo(() => buildUnitTree(list), [list]);
  const data = useMemo(() => toTreeData(filterTree(forest, q)), [forest, q]);
  const selected = selectedId ? byId.get(selectedId) : undefined;

  // Searching opens every branch that holds a match; otherwise the top level starts open.
  const expandedState = useMemo(() => {
    if (q) return getTreeExpandedState(data, '*');
    if (expanded) return expanded;
    return Object.fromEntries(forest.map((n) => [n.unit.id, true]));
  }, [q, data, expanded, forest]);

  const tree = useTree({
    expandedState,
    onExpandedStateChange: (state) => {
      if (!q) setExpanded(state);
    },
    selectedState: selectedId ? [selectedId] : [],
    onSelectedStateChange: (state) => setSelectedId(state.at(-1) ?? null),
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: UNITS_KEY });

  const onCreate = async (input: UnitInput) => {
    const unit = await createUnit(input);
    await refresh();
    setCreating(null);
    setSelectedId(unit.id);
    setExpanded((e) => ({ ...(e ?? expandedState), ...(unit.parentId ? { [unit.parentId]: true } : {}) }));
    flash.show(t.units.created(unit.name));
  };

  const onUpdate = async (input: UnitInput) => {
    if (!selected) return;
    const patch = changedFields(selected, input);
    const unit = Object.keys(patch).length ? await updateUnit(selected.id, patch) : selected;
    await refresh();
    flash.show(t.units.updated(unit.name));
  };

  // Enter on a focused tree item opens it, like a click.
  const onTreeKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter') return;
    const item = (e.target as HTMLElement).closest<HTMLElement>('[role=treeitem]');
    if (item?.dataset.value) {
      e.preventDefault();
      setSelectedId(item.dataset.value);
    }
  };

  const actions = (
    <>
      <Button
        leftSection={<IconPlus size={16} aria-hidden="true" />}
        onClick={() => setCreating({ parentCode: null })}
      >
        {t.units.add}
      </Button>
      <Button
        component={Link}
        to={UNIT_IMPORT_PATH}
        variant="light"
        leftSection={<IconFileImport size={16} aria-hidden="true" />}
      >
        {t.units.import}
      </Button>
      <DownloadButton
        href={unitExportUrl('csv')}
        fallbackName="unit-kerja.csv"
        variant="default"
        leftSection={<IconFileExport size={16} aria-hidden="true" />}
      >
        {t.units.exportCsv}
      </DownloadButton>
      <DownloadButton
        href={unitExportUrl('xlsx')}
        fallbackName="unit-kerja.xlsx"
        variant="default"
        leftSection={<IconFileExport size={16} aria-hidden="true" />}
      >
        {t.units.exportXlsx}
      </DownloadButton>
    </>
  );

  return (
    <>
      <PageHeader title={t.units.title} intro={t.units.intro} actions={actions} />
      <Flash message={flash.message} onClose={flash.clear} />
      {units.isError ? (
        <QueryError error={units.error} onRetry={() => units.refetch()} />
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Card withBorder padding="sm">
              <Stack gap="sm">
                <TextInput
                  label={t.units.searchLabel}
                  placeholder={t.units.searchPlaceholder}
                  leftSection={<IconSearch size={16} aria-hidden="true" />}
                  value={search}
                  onChange={(e) => setSearch(e.currentTarget.value)}
                  type="search"
                />
                <Group justify="space-between" gap="xs">
                  <Text size="sm" c="dimmed" aria-live="polite">
                    {units.isPending ? t.common.loading : t.units.count(formatNumber(list.length, lang))}
                  </Text>
                  <Group gap={4}>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setExpanded(getTreeExpandedState(data, '*'))}
                      disabled={!!q}
                    >
                      {t.units.expandAll}
                    </Button>
                    <Button size="compact-xs" variant="subtle" onClick={() => setExpanded({})} disabled={!!q}>
                      {t.units.collapseAll}
                    </Button>
                  </Group>
                </Group>
                {units.isPending ? (
                  <Stack gap={6}>
                    {[1, 2, 3, 4, 5].map((i) => (
                      <Skeleton key={i} height={24} />
                    ))}
                  </Stack>
                ) : data.length === 0 ? (
                  <Text>{q ? t.units.noMatch : t.units.empty}</Text>
                ) : (
                  <ScrollArea.Autosize mah={isPhone ? 420 : 640} type="auto">
                    {/* biome-ignore lint/a11y/noStaticElementInteractions: forwards Enter from the tree items (role=treeitem) */}
                    <div onKeyDown={onTreeKeyDown}>
                      <Tree
                        aria-label={t.units.treeLabel}
                        data={data}
                        tree={tree}
                        levelOffset="md"
                        expandOnClick={false}
                        selectOnClick
                        data-testid="unit-tree"
                        renderNode={({ node, expanded: isOpen, hasChildren, elementProps }) => {
                          const u = byId.get(node.value)!;
                          return (
                            <Group
                              gap={6}
                              wrap="nowrap"
                              py={4}
                              {...elementProps}
                              className={`${elementProps.className} tree-node`}
                            >
                              {hasChildren ? (
                                <IconChevronRight
                                  size={16}
                                  aria-hidden="true"
                                  style={{ transform: isOpen ? 'rotate(90deg)' : undefined, flexShrink: 0 }}
                                  onClick={(e) => {
                                    e.stopPropagation();
                                    tree.toggleExpanded(node.value);
                                  }}
                                />
                              ) : (
                                <span style={{ width: 16, flexShrink: 0 }} />
                              )}
                              <Text
                                size="sm"
                                className="wrap-anywhere"
                                fw={node.value === selectedId ? 600 : 400}
                              >
                                {u.name}
                              </Text>
                              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                                {u.code}
                              </Text>
                              {!u.active && (
                                <Badge size="xs" color="gray" variant="light">
                                  {t.common.inactive}
                                </Badge>
                              )}
                            </Group>
                          );
                        }}
                      />
                    </div>
                  </ScrollArea.Autosize>
                )}
              </Stack>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Card withBorder padding="md">
              {selected ? (
                <Stack>
                  <Group justify="space-between" gap="xs">
                    <Title order={2} size="h4" className="wrap-anywhere">
                      {t.units.editTitle(selected.name)}
                    </Title>
                    <Badge variant="light">{t.unitTypes[selected.type] ?? selected.type}</Badge>
                  </Group>
                  <Button
                    variant="light"
                    size="xs"
                    w="fit-content"
                    leftSection={<IconPlus size={14} aria-hidden="true" />}
                    onClick={() => setCreating({ parentCode: selected.code })}
                  >
                    {t.units.addChild}
                  </Button>
                  <UnitForm key={selected.id} unit={selected} units={list} onSubmit={onUpdate} />
                </Stack>
              ) : (
                <Text c="dimmed">{t.units.selectHint}</Text>
              )}
            </Card>
          </Grid.Col>
        </Grid>
      )}
      <Modal
        opened={!!creating}
        onClose={() => setCreating(null)}
        title={t.units.createTitle}
        size="lg"
        fullScreen={!!isPhone}
      >
        {creating && (
          <UnitForm
            parentCode={creating.parentCode}
            units={list}
            onSubmit={onCreate}
            onCancel={() => setCreating(null)}
          />
        )}
      </Modal>
    </>
  );
}
