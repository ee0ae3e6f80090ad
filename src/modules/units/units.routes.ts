import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../domain/policy/policy.js';
import { ForbiddenError } from '../../lib/errors.js';
import { authedContext, requireActor } from '../../plugins/auth.js';
import {
  unitDto,
  unitExportQuery,
  unitIdParams,
  unitImportQuery,
  unitImportResult,
  unitInput,
  unitListQuery,
  unitPatch,
} from './units.schemas.js';
import type { UnitsService } from './units.service.js';

/** The default of IMPORT_MAX_MB, used when the app does not pass config.importMaxBytes. */
const DEFAULT_IMPORT_MAX_BYTES = 10 * 1024 * 1024;

/** Content types an import body may be sent with; the content itself decides the format. */
export const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
  // what browsers on Windows report for .csv files
  'application/vnd.ms-excel',
];

export const unitsRoutes: FastifyPluginAsyncZod<{ units: UnitsService; importMaxBytes?: number }> = async (
  app,
  { units, importMaxBytes = DEFAULT_IMPORT_MAX_BYTES },
) => {
  app.get(
    '/units',
    {
      schema: {
        operationId: 'listUnits',
        tags: ['units'],
        querystring: unitListQuery,
        response: { 200: z.object({ items: z.array(unitDto) }) },
      },
    },
    async (request) => {
      const { active, ...rest } = request.query;
      const items = await units.list(requireActor(request), {
        ...rest,
        active: active === undefined ? undefined : active === 'true',
      });
      return { items };
    },
  );

  app.get(
    '/units/:id',
    { schema: { operationId: 'getUnit', tags: ['units'], params: unitIdParams, response: { 200: unitDto } } },
    async (request) => units.get(requireActor(request), request.params.id),
  );

  app.post(
    '/units',
    { schema: { operationId: 'createUnit', tags: ['units'], body: unitInput, response: { 201: unitDto } } },
    async (request, reply) =>
      reply.status(201).send(await units.create(authedContext(request), request.body)),
  );

  app.patch(
    '/units/:id',
    {
      schema: {
        operationId: 'updateUnit',
        tags: ['units'],
        params: unitIdParams,
        body: unitPatch,
        response: { 200: unitDto },
      },
    },
    async (request) => units.update(authedContext(request), request.params.id, request.body),
  );

  app.get(
    '/units/export',
    {
      schema: {
        operationId: 'exportUnits',
        tags: ['units'],
        description:
          'Units in your scope as CSV or XLSX, with the same columns as the import (export → import round-trips).',
        querystring: unitExportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: z.any().describe('the file (CSV or XLSX) as an attachment') },
      },
    },
    async (request, reply) => {
      const file = await units.exportUnits(requireActor(request), request.query);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );

  // The import takes the raw file as its body: its own parsers and size limit, for this route only.
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser(
      IMPORT_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: importMaxBytes },
      (_request, body, done) => done(null, body),
    );
    // Refuse before reading a large body when the caller may not import at all.
    upload.addHook('onRequest', async (request) => {
      if (!can(requireActor(request), 'unit.import')) {
        throw new ForbiddenError('Anda tidak berwenang mengimpor unit.');
      }
    });
    upload.withTypeProvider<ZodTypeProvider>().post(
      '/units/import',
      {
        bodyLimit: importMaxBytes,
        schema: {
          operationId: 'importUnits',
          tags: ['units'],
          description:
            'Send the CSV or XLSX file as the raw body. All or nothing: with any bad row nothing is written and every bad row is listed (row, column).',
          querystring: unitImportQuery,
          consumes: IMPORT_CONTENT_TYPES,
          body: z
            .custom<Buffer>(
              (v) => Buffer.isBuffer(v),
              'Berkas CSV atau XLSX wajib dikirim sebagai isi permintaan',
            )
            .describe('the CSV or XLSX file, as the raw request body'),
          response: { 200: unitImportResult },
        },
      },
      async (request) => {
        return units.importUnits(authedContext(request), request.body, {
          dryRun: request.query.dryRun === 'true',
          format: request.query.format,
          maxBytes: importMaxBytes,
        });
      },
    );
  });
};
