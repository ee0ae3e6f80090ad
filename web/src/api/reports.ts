import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';

/**
 * Report downloads (src/modules/reports/reports.routes.ts): the pages offer them with
 * `DownloadButton`, which fetches the file first so that a refusal is shown, not saved.
 */
export const reportUrls = {
  resultsXlsx: (cycleId: string) => `/api/cycles/${cycleId}/reports/results.xlsx`,
  matrixXlsx: (cycleId: string) => `/api/cycles/${cycleId}/reports/matrix.xlsx`,
  summaryPdf: (cycleId: string) => `/api/cycles/${cycleId}/reports/summary.pdf`,
  unitPdf: (assessmentId: string) => `/api/assessments/${assessmentId}/report.pdf`,
  unitXlsx: (assessmentId: string) => `/api/assessments/${assessmentId}/report.xlsx`,
};

/** GET /api/jobs/:id (src/modules/jobs/jobs.routes.ts `jobDto`). */
export interface Job {
  id: string;
  kind: string;
  kindLabel: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  statusLabel: string;
  progress: number;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  downloadUrl: string | null;
  result: { filename: string; sizeBytes: number; sha256: string } | null;
}

/** Queues "all unit reports of this cycle as one ZIP" (POST /api/cycles/:id/reports/batch). */
export const startReportsBatch = (cycleId: string) =>
  api<Job>(`/api/cycles/${cycleId}/reports/batch`, { method: 'POST', body: {} });

/**
 * A background job, polled every 1.5 s until it is done or failed. A job that is not the user's
 * (or no longer exists) answers 404: the caller forgets it instead of showing an error page.
 */
export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: ['job', jobId],
    queryFn: ({ signal }) => api<Job>(`/api/jobs/${jobId}`, { signal }),
    enabled: !!jobId,
    throwOnError: false,
    staleTime: 0,
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return q.state.error || s === 'done' || s === 'failed' ? false : 1500;
    },
  });
}
