import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

/** GET /api/audit item (src/modules/audit/audit.routes.ts). */
export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  unitId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

export interface AuditFilter {
  action?: string;
  entityType?: string;
  /** ISO instants (the page turns WIB calendar days into these). */
  from?: string;
  to?: string;
  q?: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, paged with the `beforeId` cursor ("load more"). */
export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: ['audit', filter],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam, signal }) =>
      api<{ items: AuditEntry[]; nextBeforeId: number | null }>('/api/audit', {
        query: { ...filter, beforeId: pageParam, limit: AUDIT_PAGE_SIZE },
        signal,
      }),
    getNextPageParam: (last) => last.nextBeforeId,
  });
}
