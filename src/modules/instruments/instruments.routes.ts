import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { authedContext, requireActor } from '../../plugins/auth.js';
import {
  exportQuery,
  importQuery,
  instrumentSummary,
  scoreBody,
  versionDetail,
  versionMeta,
  versionParams,
} from './instruments.schemas.js';
import type { InstrumentFormat, InstrumentsService } from './instruments.service.js';

const MIME: Record<InstrumentFormat, string> = {
  json: 'application/json; charset=utf-8',
  yaml: 'application/yaml; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function formatFromContentType(ct: string | undefined): InstrumentFormat | undefined {
  if (!ct) return undefined;
  if (ct.includes('json')) return 'json';
  if (ct.includes('yaml')) return 'yaml';
  if (ct.includes('spreadsheetml')) return 'xlsx';
  return undefined;
}

export const instrumentsRoutes: FastifyPluginAsyncZod<{
  instruments: InstrumentsService;
  importMaxBytes: number;
}> = async (app, { instruments, importMaxBytes }) => {
  app.get(
    '/instruments',
    {
      schema: {
        operationId: 'listInstruments',
        tags: ['instruments'],
        response: { 200: z.object({ items: z.array(instrumentSummary) }) },
      },
    },
    async (request) => ({ items: await instruments.list(requireActor(request)) }),
  );

  app.get(
    '/instruments/:code/versions/:version',
    {
      schema: {
        operationId: 'getInstrumentVersion',
        tags: ['instruments'],
        params: versionParams,
        response: { 200: versionDetail },
      },
    },
    async (request) => instruments.get(requireActor(request), request.params.code, request.params.version),
  );

  app.get(
    '/instruments/:code/versions/:version/export',
    {
      schema: {
        operationId: 'exportInstrumentVersion',
        tags: ['instruments'],
        params: versionParams,
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const { filename, body } = await instruments.export(
        requireActor(request),
        request.params.code,
        request.params.version,
        request.query.format,
      );
      return reply
        .header('content-type', MIME[request.query.format])
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(body);
    },
  );

  for (const [path, op, fn] of [
    ['publish', 'publishInstrumentVersion', instruments.publish],
    ['retire', 'retireInstrumentVersion', instruments.retire],
  ] as const) {
    app.post(
      `/instruments/:code/versions/:version/${path}`,
      {
        schema: {
          operationId: op,
          tags: ['instruments'],
          params: versionParams,
          response: { 200: versionMeta },
        },
      },
      async (request) => fn(authedContext(request), request.params.code, request.params.version),
    );
  }

  app.post(
    '/score',
    {
      schema: {
        operationId: 'score',
        tags: ['instruments'],
        description: 'Stateless scoring for simulations: nothing is stored.',
        body: scoreBody,
        response: {
          200: z.object({
            result: z.unknown(),
            receipt: z.unknown(),
            instrumentVersionId: z.uuid(),
            contentHash: z.string(),
          }),
        },
      },
    },
    async (request) => instruments.score(requireActor(request), request.body),
  );

  // The import takes the raw file: its own content-type parsers, scoped to this sub-plugin.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: importMaxBytes }, (_req, body, done) =>
      done(null, body),
    );
    raw.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>().post(
      '/instruments/import',
      {
        schema: {
          operationId: 'importInstrument',
          tags: ['instruments'],
          description: 'Body: the instrument file (JSON, YAML or XLSX). Creates a draft version.',
          querystring: importQuery,
          response: { 201: versionMeta },
        },
      },
      async (request, reply) => {
        const format = request.query.format ?? formatFromContentType(request.headers['content-type']);
        if (!format) {
          throw new ValidationError('Format berkas tidak diketahui: gunakan ?format=json|yaml|xlsx.', [
            { path: 'querystring.format', message: 'wajib diisi' },
          ]);
        }
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new ValidationError('Berkas instrumen kosong.', [{ path: 'body', message: 'kosong' }]);
        }
        const created = await instruments.importFile(authedContext(request), request.body, format, {
          replaceDraft: request.query.replaceDraft === 'true',
        });
        return reply.status(201).send(created);
      },
    );
  });
};
