import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../lib/api';

/** GET /api/public/cycles item (src/modules/public/public.schemas.ts `publicCycleDto`). */
export interface PublicCycle {
  id: string;
  name: string;
  periodStart: string;
  periodEnd: string;
  publishedAt: string | null;
  targetIndex: string | null;
  instrument: { code: string; version: string; title: string };
  scope: { code: string; name: string };
  unitCount: number;
  resultsUrl: string;
}

/**
 * GET /api/public/cycles (no login). An installation without the endpoint (404) shows the same
 * empty state as one with nothing published yet.
 */
export function usePublicCycles() {
  return useQuery({
    queryKey: ['public', 'cycles'],
    queryFn: async (): Promise<PublicCycle[]> => {
      try {
        return (await api<{ items: PublicCycle[] }>('/api/public/cycles', { allowUnauthorized: true })).items;
      } catch (err) {
        if (isApiError(err, 404)) return [];
        throw err;
      }
    },
    throwOnError: false,
  });
}

/** GET /api/public/cycles/:id/results (`publicResultsDto`): frozen results and the method. */
export interface PublicResults {
  cycle: PublicCycle;
  method: {
    instrument: {
      code: string;
      version: string;
      title: string;
      indexName: string | null;
      description: string | null;
      legalBasis: string | null;
      contentHash: string;
    };
    formula: string;
    scale: { min: number; max: number };
    rounding: { decimals: number; mode: string };
    predicateBands: Array<{ name: string; nameEn: string | null; min: string; max: string }>;
    domains: Array<{ code: string; name: string; weight: string }>;
    sources: Array<{ id: string; title: string; url: string | null; status: string }>;
  };
  units: Array<{
    code: string;
    name: string;
    shortName: string | null;
    type: string;
    index: string | null;
    predicate: string | null;
    /** Rank by verified index among the published units (ties share a rank), from the server. */
    rank: number | null;
    /** Index change since the previous cycle on the same instrument. */
    change: string | null;
    domains: Array<{ code: string; name: string; index: string | null; predicate: string | null }>;
    inputsHash: string;
    finalizedAt: string;
  }>;
}

/** A published cycle's results; 404 (not published, or no such cycle) shows the not-found page. */
export function usePublicResults(cycleId: string) {
  return useQuery({
    queryKey: ['public', 'results', cycleId],
    queryFn: () =>
      api<PublicResults>(`/api/public/cycles/${encodeURIComponent(cycleId)}/results`, {
        allowUnauthorized: true,
      }),
    staleTime: 5 * 60_000,
  });
}
