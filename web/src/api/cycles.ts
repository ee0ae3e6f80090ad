import { useQuery } from '@tanstack/react-query';
import type { UnitType } from '../../../src/domain/units.js';
import type { CyclePhase } from '../../../src/domain/workflow/catalogue.js';
import { api } from '../lib/api';
import type { AssessmentDetail, AssessmentSummary } from './assessments';

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

export const openCycle = (id: string) =>
  api<OpenCycleResult>(`/api/cycles/${id}/open`, { method: 'POST', body: {} });
export const publishCycle = (id: string) =>
  api<unknown>(`/api/cycles/${id}/publish`, { method: 'POST', body: {} });

// ── one cycle: detail, create, edit, assessors ──────────────────────────────────────────────

/** A phase window as the server returns it (`phaseDto`): times in WIB (+07:00). */
export interface PhaseWindow {
  phase: CyclePhase;
  label: string;
  startsAt: string;
  endsAt: string;
}

export interface Person {
  id: string;
  name: string;
}

/** A unit of a cycle (`cycleUnitDto`): before opening as it would be opened, afterwards with its assessment. */
export interface CycleUnit {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  type: string;
  assessmentId: string | null;
  state: string | null;
  assessors: Person[];
}

/** GET /api/cycles/:id (`cycleDetailDto`). */
export interface CycleDetail extends Cycle {
  scopeUnitTypes: UnitType[];
  includeNestedPemda: boolean;
  phases: PhaseWindow[];
  evidenceThreshold: number;
  requireSignoff: boolean;
  units: CycleUnit[];
}

/** Body of POST /api/cycles (`cycleInput`). Times without an offset are read as WIB. */
export interface CycleInput {
  name: string;
  periodStart: string;
  periodEnd: string;
  instrumentVersionId: string;
  scopeUnitCode: string;
  scopeUnitTypes: UnitType[];
  includeNestedPemda: boolean;
  phases: Array<{ phase: CyclePhase; startsAt: string; endsAt: string }>;
  targetIndex: string | null;
  evidenceThreshold: number;
  requireSignoff: boolean;
  previousCycleId: string | null;
}

/** Body of PATCH /api/cycles/:id (`cyclePatch`): draft-only fields must be absent once opened. */
export type CyclePatch = Partial<Omit<CycleInput, 'scopeUnitCode'>>;

export interface OpenCycleResult {
  cycle: Cycle;
  created: number;
  carriedAnswers: number;
}

/** GET /api/cycles/:id/assessors (`assessorsDto`): the units and the assessors who may be assigned. */
export interface CycleAssessors {
  units: CycleUnit[];
  candidates: Array<{ id: string; name: string; email: string; unitCode: string }>;
}

export const cycleKey = (id: string) => [...CYCLES_KEY, id] as const;

export function useCycle(id: string) {
  return useQuery({
    queryKey: cycleKey(id),
    queryFn: ({ signal }) => api<CycleDetail>(`/api/cycles/${id}`, { signal }),
  });
}

/** Assessor candidates are fetched only when the assignment controls are shown. */
export function useCycleAssessors(id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...cycleKey(id), 'assessors'],
    queryFn: ({ signal }) => api<CycleAssessors>(`/api/cycles/${id}/assessors`, { signal }),
    enabled,
  });
}

export const createCycle = (input: CycleInput) => api<Cycle>('/api/cycles', { method: 'POST', body: input });
export const updateCycle = (id: string, patch: CyclePatch) =>
  api<Cycle>(`/api/cycles/${id}`, { method: 'PATCH', body: patch });

/** Replaces the assessors of each listed unit; units not listed keep theirs. */
export const setCycleAssessors = (id: string, assignments: Array<{ unitCode: string; userIds: string[] }>) =>
  api<{ units: CycleUnit[] }>(`/api/cycles/${id}/assessors`, { method: 'PUT', body: { assignments } });

// ── the assessments of an opened cycle, as the cycle page manages them ──────────────────────

/** GET /api/cycles/:id/assessments item with the fields the cycle page uses beyond the board's. */
export interface CycleAssessment extends AssessmentSummary {
  extended: boolean;
  verifiedAt: string | null;
  finalizedAt: string | null;
}

/** Same request and cache entry as the progress board (`useCycleAssessments`). */
export function useCycleAssessmentList(cycleId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['cycle-assessments', cycleId],
    queryFn: async ({ signal }) =>
      (await api<{ items: CycleAssessment[] }>(`/api/cycles/${cycleId}/assessments`, { signal })).items,
    enabled,
  });
}

/** POST /api/assessments/:id/extension — a per-unit deadline (WIB) with a reason; `until: null` removes it. */
export const extendAssessment = (id: string, until: string | null, reason: string) =>
  api<AssessmentDetail>(`/api/assessments/${id}/extension`, { method: 'POST', body: { until, reason } });

/** POST /api/assessments/:id/reopen — final → verified, with a reason. */
export const reopenAssessment = (id: string, reason: string) =>
  api<AssessmentDetail>(`/api/assessments/${id}/reopen`, { method: 'POST', body: { reason } });

/** The extension of one assessment (GET /api/assessments/:id, the same cache entry as `useAssessment`). */
export function useAssessmentExtension(id: string | null) {
  return useQuery({
    queryKey: ['assessment', id],
    queryFn: ({ signal }) =>
      api<
        AssessmentDetail & {
          extension: { until: string; reason: string | null } | null;
          editWindow: { opensAt: string | null; deadline: string | null; extended: boolean; open: boolean };
        }
      >(`/api/assessments/${id}`, { signal }),
    enabled: !!id,
  });
}
