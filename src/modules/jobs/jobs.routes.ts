import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../../lib/storage/index.js';
import { requireActor } from '../../plugins/auth.js';
import type { JobsService } from './jobs.service.js';

export const jobDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  kindLabel: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  statusLabel: z.string(),
  progress: z.number().int().min(0).max(100),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  downloadUrl: z.string().nullable().describe('set when the job is done and produced a file'),
  result: z.object({ filename: z.string(), sizeBytes: z.number().int(), sha256: z.string() }).nullable(),
});

const idParams = z.strictObject({ id: z.uuid() });

export const jobsRoutes: FastifyPluginAsyncZod<{ jobs: JobsService }> = async (app, { jobs }) => {
  app.get(
    '/jobs/:id',
    {
      schema: {
        operationId: 'getJob',
        tags: ['jobs'],
        description:
          'Status and progress (0–100) of a background job you started. Poll it; when status is done, downloadUrl is set.',
        params: idParams,
        response: { 200: jobDto },
      },
    },
    async (request) => jobs.get(requireActor(request), request.params.id),
  );

  app.get(
    '/jobs/:id/download',
    {
      schema: {
        operationId: 'downloadJobResult',
        tags: ['jobs'],
        description:
          'The file a finished job produced (e.g. the ZIP of all unit reports). 409 JOB_NOT_DONE before.',
        params: idParams,
        response: { 200: z.any().describe('the file') },
      },
    },
    async (request, reply) => {
      const f = await jobs.openDownload(requireActor(request), request.params.id);
      return reply
        .type(f.contentType)
        .header('content-disposition', contentDisposition('attachment', f.filename))
        .header('content-length', String(f.sizeBytes))
        .header('etag', `"${f.sha256}"`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(f.stream);
    },
  );
};
