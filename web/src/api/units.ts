import { useQuery } from '@tanstack/react-query';
import type { UnitType } from '../../../src/domain/units.js';
import { api } from '../lib/api';

/** GET /api/units item (src/modules/units/units.schemas.ts `unitDto`). */
export interface Unit {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  type: UnitType;
  parentId: string | null;
  parentCode: string | null;
  depth: number;
  active: boolean;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
}

/** Body of POST /api/units; PATCH takes the same without `code`. */
export interface UnitInput {
  code: string;
  name: string;
  shortName?: string | null;
  type: UnitType;
  parentCode?: string | null;
  active?: boolean;
  address?: string | null;
  latitude?: string | null;
  longitude?: string | null;
}

export interface UnitImportResult {
  dryRun: boolean;
  summary: { create: number; update: number; unchanged: number };
  rows: Array<{ row: number; code: string; action: 'create' | 'update' | 'unchanged'; changes?: string[] }>;
}

export const UNITS_KEY = ['units'] as const;

/** Every unit in the caller's scope: the tree is drawn from this one list. */
export function useUnits() {
  return useQuery({
    queryKey: UNITS_KEY,
    queryFn: async () => (await api<{ items: Unit[] }>('/api/units')).items,
    staleTime: 60_000,
  });
}

export const createUnit = (input: UnitInput) => api<Unit>('/api/units', { method: 'POST', body: input });
export const updateUnit = (id: string, patch: Omit<UnitInput, 'code'>) =>
  api<Unit>(`/api/units/${id}`, { method: 'PATCH', body: patch });

export const IMPORT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** POST /api/units/import with the raw file as the body; dryRun previews without writing. */
export const importUnits = (file: File, format: 'csv' | 'xlsx', dryRun: boolean) =>
  api<UnitImportResult>('/api/units/import', {
    method: 'POST',
    query: { dryRun: String(dryRun), format },
    body: file,
    contentType: IMPORT_TYPES[format],
  });

export const unitExportUrl = (format: 'csv' | 'xlsx') => `/api/units/export?format=${format}`;

export interface UnitTreeNode {
  unit: Unit;
  children: UnitTreeNode[];
}

/** Builds the forest from the flat list; units whose parent is outside the scope become roots. */
export function buildUnitTree(units: Unit[]): UnitTreeNode[] {
  const byId = new Map(units.map((u) => [u.id, { unit: u, children: [] as UnitTreeNode[] }]));
  const roots: UnitTreeNode[] = [];
  for (const node of byId.values()) {
    const parent = node.unit.parentId ? byId.get(node.unit.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (nodes: UnitTreeNode[]) => {
    nodes.sort((a, b) => a.unit.name.localeCompare(b.unit.name, 'id'));
    for (const n of nodes) sort(n.children);
  };
  sort(roots);
  return roots;
}
