import type { Services } from '../../app.js';
import type { Database } from '../../db/client.js';
import { BATCH_KIND, reportsBatchHandler, sweepBatchFiles } from '../reports/reports.batch.js';
import { createJobRunner, type JobHandler, type JobRunner, type JobRunnerOptions } from './jobs.runner.js';

/** Every kind of background job and its handler. */
export function jobHandlers(services: Pick<Services, 'reports' | 'jobs'>): Record<string, JobHandler> {
  return {
    [BATCH_KIND]: reportsBatchHandler(services.reports, services.jobs.filesRoot),
  };
}

/**
 * Starts this process's job runner (server.ts, after listen): it polls the jobs table, and looks
 * at once when a job is queued in this process. Stop it before closing the app and database.
 */
export function startJobRunner(
  database: Database,
  services: Pick<Services, 'reports' | 'jobs'>,
  opts: Omit<JobRunnerOptions, 'handlers'> = {},
): JobRunner {
  const runner = createJobRunner(database.db, { ...opts, handlers: jobHandlers(services) });
  const unsubscribe = services.jobs.onEnqueue(() => runner.kick());
  runner.start();
  // Old batch files go at start and then every six hours (reports.batch.ts: BATCH_RETENTION_MS).
  const sweep = () => void sweepBatchFiles(services.jobs.filesRoot).catch(() => {});
  sweep();
  const sweeper = setInterval(sweep, 6 * 60 * 60 * 1000);
  sweeper.unref();
  return {
    ...runner,
    async stop() {
      clearInterval(sweeper);
      unsubscribe();
      await runner.stop();
    },
  };
}
