import { useQueries, useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../lib/api';
import type { Cycle } from './cycles';

export type AssessmentState =
  | 'draft'
  | 'submitted'
  | 'returned'
  | 'resubmitted'
  | 'verified'
  | 'final'
  | 'published';

export type AssessmentAction =
  | 'edit'
  | 'signoff'
  | 'submit'
  | 'verify'
  | 'return'
  | 'complete_verification'
  | 'finalize'
  | 'reopen'
  | 'comment'
  | 'extend';

export interface Progress {
  applicable: number;
  answered: number;
  notApplicable: number;
  withEvidence: number;
  evidenceRequired: number;
  evidenceCovered: number;
  needsConfirmation: number;
  verified: number;
}

export interface UnitRef {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  type: string;
}

/** GET /api/cycles/:id/assessments item (`assessmentSummaryDto`). */
export interface AssessmentSummary {
  id: string;
  cycleId: string;
  state: AssessmentState;
  stateLabel: string;
  unit: UnitRef;
  progress: Progress;
  editDeadline: string | null;
  submittedAt: string | null;
  assessors: Array<{ id: string; name: string }>;
}

export interface EvidenceSummary {
  id: string;
  kind: string;
  title: string;
  docType?: string | null;
  docDate?: string | null;
  url: string | null;
  originalName: string | null;
  /** Files only: the content type detected at upload. */
  mimeType: string | null;
  downloadUrl: string | null;
  /** Files the server shows inline (PDF, PNG, JPEG): GET /api/evidence/:id/preview; else null. */
  previewUrl: string | null;
}

export interface ResponseDto {
  indicatorCode: string;
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
  justification: string | null;
  evidenceIds: string[];
  evidence: EvidenceSummary[];
  needsConfirmation: boolean;
  version: number;
  updatedAt?: string;
  updatedBy?: Person | null;
}

export interface Person {
  id: string;
  name: string;
}

export interface VerificationDto {
  indicatorCode: string;
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
  reasonCode: string;
  reasonLabel: string;
  note: string | null;
  stage: string;
  stale: boolean;
  version: number;
}

/** GET /api/assessments/:id (`assessmentDetailDto`). */
export interface AssessmentDetail {
  id: string;
  state: AssessmentState;
  stateLabel: string;
  version: number;
  cycle: {
    id: string;
    name: string;
    status: string;
    evidenceThreshold: number;
    requireSignoff?: boolean;
  };
  unit: UnitRef;
  instrument: { code: string; version: string; title: string };
  editWindow: { deadline: string | null; open: boolean };
  returned: { indicators: string[]; message: string | null };
  submittedAt?: string | null;
  submittedBy?: Person | null;
  /** The unit head's sign-off; `valid` is false once an answer changed after it. */
  signoff?: { at: string; by: Person | null; valid: boolean } | null;
  finalizedAt?: string | null;
  commentCounts?: Record<string, number>;
  progress: Progress;
  applicableIndicators: string[];
  editableIndicators: string[];
  responses: ResponseDto[];
  verifications: VerificationDto[];
  allowedActions: AssessmentAction[];
}

/** Instrument tree node (src/domain/instrument/schema.ts), as much as the screens use. */
export interface TreeNode {
  code: string;
  name: string;
  nameEn?: string;
  nodeType?: string;
  description?: string;
  children?: TreeNode[];
  kind?: 'maturity' | 'metric';
  criteria?: string[];
  criteriaEn?: string[];
  evidenceGuidance?: string;
  naAllowed?: boolean;
  unit?: string;
}

export interface InstrumentTree {
  code: string;
  version: string;
  title: string;
  applicableIndicators: string[];
  content: { nodes: TreeNode[] };
}

export const assessmentKey = (id: string) => ['assessment', id] as const;

export function useCycleAssessments(cycleId: string | null) {
  return useQuery({
    queryKey: ['cycle-assessments', cycleId],
    queryFn: async ({ signal }) =>
      (await api<{ items: AssessmentSummary[] }>(`/api/cycles/${cycleId}/assessments`, { signal })).items,
    enabled: !!cycleId,
  });
}

/** The assessments of several cycles at once (each cycle one request). */
export function useAssessmentsOf(cycles: Cycle[]) {
  return useQueries({
    queries: cycles.map((c) => ({
      queryKey: ['cycle-assessments', c.id],
      queryFn: async ({ signal }: { signal: AbortSignal }) =>
        (await api<{ items: AssessmentSummary[] }>(`/api/cycles/${c.id}/assessments`, { signal })).items,
    })),
  });
}

export function useAssessment(id: string) {
  return useQuery({
    queryKey: assessmentKey(id),
    queryFn: async ({ signal }) => {
      try {
        return await api<AssessmentDetail>(`/api/assessments/${id}`, { signal });
      } catch (err) {
        // The server answers 404 both for an assessment that does not exist and for one outside
        // the user's scope (nothing leaked). To the person, either is a page they may not open:
        // the not-allowed page, with the server's message under it.
        if (err instanceof ApiError && err.status === 404)
          throw new ApiError(403, 'ASSESSMENT_NOT_AVAILABLE', err.message, err.details);
        throw err;
      }
    },
  });
}

export function useInstrumentTree(id: string) {
  return useQuery({
    queryKey: ['assessment-instrument', id],
    queryFn: ({ signal }) => api<InstrumentTree>(`/api/assessments/${id}/instrument`, { signal }),
    staleTime: 10 * 60_000,
  });
}

export interface ResponseInput {
  level?: number | null;
  notApplicable?: boolean;
  metricValue?: string | null;
  justification?: string | null;
  evidenceIds?: string[];
  expectedVersion?: number;
}

export const saveResponse = (id: string, code: string, body: ResponseInput) =>
  api<ResponseDto>(`/api/assessments/${id}/responses/${encodeURIComponent(code)}`, { method: 'PUT', body });
export const submitAssessment = (id: string) =>
  api<unknown>(`/api/assessments/${id}/submit`, { method: 'POST', body: {} });

export interface VerificationInput {
  level?: number | null;
  notApplicable?: boolean;
  metricValue?: string | null;
  reasonCode: string;
  note?: string | null;
  stage: string;
  expectedVersion?: number;
}
export const saveVerification = (id: string, code: string, body: VerificationInput) =>
  api<VerificationDto>(`/api/assessments/${id}/verifications/${encodeURIComponent(code)}`, {
    method: 'PUT',
    body,
  });
export const signoffAssessment = (id: string) =>
  api<AssessmentDetail>(`/api/assessments/${id}/signoff`, { method: 'POST', body: {} });
export const returnAssessment = (id: string, indicators: string[], message: string) =>
  api<unknown>(`/api/assessments/${id}/return`, { method: 'POST', body: { indicators, message } });
export const completeVerification = (id: string) =>
  api<unknown>(`/api/assessments/${id}/complete-verification`, { method: 'POST', body: {} });
export const finalizeAssessment = (id: string) =>
  api<unknown>(`/api/assessments/${id}/finalize`, { method: 'POST', body: {} });

export interface ReasonCatalogue {
  reasons: Array<{ code: string; label: string; labelEn: string; description: string }>;
  stages: Array<{ code: string; label: string; labelEn: string }>;
}
export function useReasonCatalogue() {
  return useQuery({
    queryKey: ['verification-reasons'],
    queryFn: ({ signal }) => api<ReasonCatalogue>('/api/catalogue/verification-reasons', { signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** GET /api/units/:unit/evidence item (src/modules/evidence/evidence.schemas.ts `evidenceDto`). */
export interface EvidenceItem extends EvidenceSummary {
  unitCode: string;
  expired: boolean;
}
export function useUnitEvidence(unitCode: string | undefined) {
  return useQuery({
    queryKey: ['unit-evidence', unitCode],
    queryFn: async ({ signal }) =>
      (
        await api<{ items: EvidenceItem[] }>(`/api/units/${encodeURIComponent(unitCode!)}/evidence`, {
          signal,
        })
      ).items,
    enabled: !!unitCode,
  });
}
export const createLinkEvidence = (unitCode: string, url: string, title: string) =>
  api<EvidenceItem>('/api/evidence', { method: 'POST', body: { kind: 'link', unitCode, url, title } });

/** Indicators of the tree in document order, each with its path of group names. */
export function flattenIndicators(
  nodes: TreeNode[],
  path: string[] = [],
): Array<{ node: TreeNode; path: string[] }> {
  const out: Array<{ node: TreeNode; path: string[] }> = [];
  for (const n of nodes) {
    if (n.children) out.push(...flattenIndicators(n.children, [...path, n.name]));
    else out.push({ node: n, path });
  }
  return out;
}

/** GET /api/assessments/:id/comments item (`commentDto`). */
export interface CommentDto {
  id: number;
  indicatorCode: string;
  body: string;
  author: Person;
  authorIsAssessor: boolean;
  createdAt: string;
}

export const commentsKey = (id: string, code: string) => ['assessment-comments', id, code] as const;

/** One indicator's thread, oldest first. */
export function useComments(id: string, code: string) {
  return useQuery({
    queryKey: commentsKey(id, code),
    queryFn: async ({ signal }) =>
      (
        await api<{ items: CommentDto[] }>(`/api/assessments/${id}/comments`, {
          signal,
          query: { indicator: code },
        })
      ).items,
  });
}

export const addComment = (id: string, indicatorCode: string, body: string) =>
  api<CommentDto>(`/api/assessments/${id}/comments`, { method: 'POST', body: { indicatorCode, body } });

/** GET /api/assessments/:id/indicators/:code/history (`historyDto`): audit entries of both ledgers. */
export interface HistoryEntry {
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  /** The actor's display name; null for system entries. */
  actorName: string | null;
  action: string;
  ledger: 'response' | 'verification';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export function useIndicatorHistory(id: string, code: string, enabled: boolean) {
  return useQuery({
    queryKey: ['indicator-history', id, code],
    queryFn: async ({ signal }) =>
      (
        await api<{ indicatorCode: string; entries: HistoryEntry[] }>(
          `/api/assessments/${id}/indicators/${encodeURIComponent(code)}/history`,
          { signal },
        )
      ).entries,
    enabled,
    staleTime: 0,
  });
}
