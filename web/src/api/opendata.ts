import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../lib/api';

/** One release of a cycle's open data (src/modules/opendata/opendata.routes.ts `releaseDto`). */
export interface OpenDataRelease {
  version: number;
  created: string;
  note: string;
  licence: { name: string; title: string; path?: string };
  contentHash: string;
  datapackageUrl: string;
  changelogUrl: string;
  files: Array<{ name: string; bytes: number; sha256: string; mediatype: string; url: string }>;
}

export interface OpenDataCycle {
  cycle: {
    id: string;
    name: string;
    scopeName: string;
    periodStart: string;
    periodEnd: string;
    publishedAt: string | null;
  };
  latestVersion: number;
  /** Newest first. */
  versions: OpenDataRelease[];
}

/**
 * GET /api/public/opendata (no login): every published cycle's open-data releases. An
 * installation without the endpoint (404) shows the same empty state as one without releases.
 */
export function useOpenData() {
  return useQuery({
    queryKey: ['public', 'opendata'],
    queryFn: async ({ signal }): Promise<OpenDataCycle[]> => {
      try {
        return (
          await api<{ items: OpenDataCycle[] }>('/api/public/opendata', { signal, allowUnauthorized: true })
        ).items;
      } catch (err) {
        if (isApiError(err, 404)) return [];
        throw err;
      }
    },
    staleTime: 5 * 60_000,
    throwOnError: false,
  });
}
