import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../../lib/storage/index.js';
import { authedContext } from '../../plugins/auth.js';
import type { OpendataService } from './opendata.service.js';

const releaseDto = z.object({
  version: z.number().int(),
  created: z.string().describe('ISO-8601 (UTC)'),
  note: z.string(),
  licence: z.object({ name: z.string(), title: z.string(), path: z.string().optional() }),
  contentHash: z.string().describe('SHA-256 over the data files’ names and hashes'),
  datapackageUrl: z.string(),
  changelogUrl: z.string(),
  files: z.array(
    z.object({
      name: z.string(),
      bytes: z.number().int(),
      sha256: z.string(),
      mediatype: z.string(),
      url: z.string(),
    }),
  ),
});

const listDto = z.object({
  items: z.array(
    z.object({
      cycle: z.object({
        id: z.uuid(),
        name: z.string(),
        scopeName: z.string(),
        periodStart: z.string(),
        periodEnd: z.string(),
        publishedAt: z.date().nullable(),
      }),
      latestVersion: z.number().int(),
      versions: z.array(releaseDto).describe('newest first'),
    }),
  ),
});

const fileParams = z.strictObject({
  cycleId: z.uuid(),
  version: z.coerce.number().int().min(1),
  file: z.string().regex(/^[a-z0-9-]+\.(csv|json)$/, 'nama berkas tidak dikenal'),
});

export const opendataRoutes: FastifyPluginAsyncZod<{ opendata: OpendataService }> = async (
  app,
  { opendata },
) => {
  app.get(
    '/public/opendata',
    {
      schema: {
        operationId: 'listOpenData',
        tags: ['public', 'opendata'],
        description:
          'Open data of every published cycle, no login: each release version (newest first) with its files (CSV, JSON), SHA-256 checksums, Frictionless datapackage.json and changelog. Unpublished cycles never appear.',
        response: { 200: listDto },
      },
    },
    async () => opendata.listPublic(),
  );

  app.get(
    '/public/opendata/:cycleId/versions/:version/:file',
    {
      schema: {
        operationId: 'downloadOpenDataFile',
        tags: ['public', 'opendata'],
        description:
          'One file of one open-data release (data files, datapackage.json, changelog.json). No login.',
        params: fileParams,
        response: { 200: z.any().describe('the file') },
      },
    },
    async (request, reply) => {
      const { cycleId, version, file } = request.params;
      const f = await opendata.openPublicFile(cycleId, version, file);
      reply
        .type(f.contentType)
        .header('content-disposition', contentDisposition('attachment', file))
        .header('content-length', String(f.bytes))
        .header('x-content-type-options', 'nosniff')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=86400, immutable');
      if (f.sha256) reply.header('etag', `"${f.sha256}"`);
      return reply.send(f.stream);
    },
  );

  app.post(
    '/cycles/:id/opendata/releases',
    {
      schema: {
        operationId: 'releaseOpenData',
        tags: ['opendata'],
        description:
          'Releases the open data of a published cycle as a new version with a changelog note (after a correction). 201 with the new release; 200 with the latest release when the data did not change.',
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({ changelog: z.string().trim().max(2000).optional() }).optional(),
        response: { 200: releaseDto, 201: releaseDto },
      },
    },
    async (request, reply) => {
      const r = await opendata.release(request.params.id, authedContext(request), request.body?.changelog);
      return reply.status(r.isNew ? 201 : 200).send(r.release);
    },
  );
};
