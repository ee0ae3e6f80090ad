import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

/** GET /api/cycles item (src/modules/cycles/cycles.schemas.ts `cycleDto`). */
export interface Cycle {
  id: string;
  name: string;
  periodStart: string;
  periodEnd: string;
  status: string;
  statusLabel: string;
  instrument: { id: string; code: string; version: string; title: string };
  scopeUnit: { id: string; code: string; name: string };
  currentPhase: string | null;
  targetIndex: string | null;
  previousCycleId: string | null;
  openedAt: string | null;
  publishedAt: string | null;
  createdAt: string;
  assessmentCount: number;
  stateCounts: Record<string, number>;
  canManage: boolean;
}

export const CYCLES_KEY = ['cycles'] as const;

export function useCycles() {
  return useQuery({
    queryKey: CYCLES_KEY,
    queryFn: async ({ signal }) => (await api<{ items: Cycle[] }>('/api/cycles', { signal })).items,
  });
}

export const openCycle = (id: string) => api<unknown>(`/api/cycles/${id}/open`, { method: 'POST', body: {} });
export const publishCycle = (id: string) =>
  api<unknown>(`/api/cycles/${id}/publish`, { method: 'POST', body: {} });
