import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../../lib/storage/index.js';
import { authedContext, requireActor } from '../../plugins/auth.js';
import { jobDto } from '../jobs/jobs.routes.js';
import type { ReportFile, ReportsService } from './reports.service.js';

const idParams = z.strictObject({ id: z.uuid() });
const fileResponse = (what: string) => ({ 200: z.any().describe(what) });

/** Streams a generated file as a download; the data was loaded (and authorised) before the first byte. */
export function sendReport(reply: FastifyReply, file: ReportFile) {
  const pass = new PassThrough();
  file.write(pass).then(
    () => pass.end(),
    (err) => pass.destroy(err as Error),
  );
  return reply
    .type(file.contentType)
    .header('content-disposition', contentDisposition('attachment', file.filename))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(pass);
}

/** Content types a template upload may be sent with; the content itself decides (it must be a workbook). */
export const TEMPLATE_CONTENT_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
  'application/zip',
  'application/vnd.ms-excel',
];

const problem = z.object({
  sheet: z.string().nullable(),
  row: z.number().int().nullable(),
  column: z.string().nullable().describe('column letter, e.g. "G"'),
  columnHeader: z.string().nullable(),
  indicatorCode: z.string().optional(),
  message: z.string(),
  messageEn: z.string(),
});

const templateAnswer = z.object({
  level: z.number().int().nullable().describe('for metric indicators: derived from metricValue'),
  notApplicable: z.boolean(),
  metricValue: z.string().nullable(),
  justification: z.string().nullable(),
});

const templateChange = z.object({
  indicatorCode: z.string(),
  sheet: z.string(),
  row: z.number().int(),
  before: templateAnswer.nullable().describe('the answer in the app now; null when not answered yet'),
  after: templateAnswer.describe('the answer the row saves (normalised)'),
  fields: z
    .array(z.enum(['level', 'notApplicable', 'metricValue', 'justification']))
    .describe('what differs between before and after'),
});

export const templateImportResult = z.object({
  dryRun: z.boolean().describe('true: nothing was written; the result says what an import would do'),
  saved: z.array(z.string()).describe('indicator codes whose answer was saved (empty in a dry run)'),
  changes: z
    .array(templateChange)
    .describe(
      'rows that changed an answer; in a dry run, the valid rows that would (all of them with importValid=true, or without it when problems is empty)',
    ),
  unchanged: z.number().int(),
  problems: z
    .array(problem)
    .describe('rows not imported (with importValid=true or dryRun=true; otherwise 400 and nothing saved)'),
  importValid: z.boolean(),
});

export const reportsRoutes: FastifyPluginAsyncZod<{
  reports: ReportsService;
  importMaxBytes?: number;
}> = async (app, { reports, importMaxBytes = 10 * 1024 * 1024 }) => {
  app.get(
    '/cycles/:id/reports/results.xlsx',
    {
      schema: {
        operationId: 'downloadCycleResultsXlsx',
        tags: ['reports'],
        description:
          'The cycle results as Excel (ranking, domain indices, predicate, change, gap, coverage), limited to the units in your scope: the same values as GET /cycles/{id}/results.',
        params: idParams,
        response: fileResponse('XLSX workbook'),
      },
    },
    async (request, reply) =>
      sendReport(reply, await reports.resultsXlsx(requireActor(request), request.params.id)),
  );

  app.get(
    '/cycles/:id/reports/matrix.xlsx',
    {
      schema: {
        operationId: 'downloadCycleMatrixXlsx',
        tags: ['reports'],
        description:
          'Units × indicators: the self-assessed and the verified level of every indicator (1–5, NA, empty), streamed.',
        params: idParams,
        response: fileResponse('XLSX workbook'),
      },
    },
    async (request, reply) =>
      sendReport(reply, await reports.matrixXlsx(requireActor(request), request.params.id)),
  );

  app.get(
    '/cycles/:id/reports/summary.pdf',
    {
      schema: {
        operationId: 'downloadCycleSummaryPdf',
        tags: ['reports'],
        description:
          'Leadership summary (A4, Indonesian): key figures, predicate distribution, ranking, units × domains heatmap, laggards, trend across cycles.',
        params: idParams,
        response: fileResponse('PDF document'),
      },
    },
    async (request, reply) =>
      sendReport(reply, await reports.summaryPdf(requireActor(request), request.params.id)),
  );

  app.get(
    '/assessments/:id/report.pdf',
    {
      schema: {
        operationId: 'downloadAssessmentReportPdf',
        tags: ['reports'],
        description:
          'Laporan Hasil Evaluasi of one unit: cover, summary (index, predicate, rank, change), domain chart, indicators self vs verified with reasons, recommendations, evidence with SHA-256, signature block. The footer names the score snapshot hash.',
        params: idParams,
        response: fileResponse('PDF document'),
      },
    },
    async (request, reply) =>
      sendReport(reply, await reports.unitPdf(requireActor(request), request.params.id)),
  );

  app.get(
    '/assessments/:id/report.xlsx',
    {
      schema: {
        operationId: 'downloadAssessmentReportXlsx',
        tags: ['reports'],
        description:
          'One unit’s full assessment as Excel: answers, justifications, verification reasons and notes, evidence list, recommendations.',
        params: idParams,
        response: fileResponse('XLSX workbook'),
      },
    },
    async (request, reply) =>
      sendReport(reply, await reports.assessmentXlsx(requireActor(request), request.params.id)),
  );

  app.post(
    '/cycles/:id/reports/batch',
    {
      schema: {
        operationId: 'startCycleReportsBatch',
        tags: ['reports', 'jobs'],
        description:
          'Queues "all unit reports of this cycle as one ZIP" (the units in your scope) as a background job. Poll GET /jobs/{id} for progress; download from GET /jobs/{id}/download when done. Survives a server restart.',
        params: idParams,
        response: { 202: jobDto },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await reports.startBatch(authedContext(request), request.params.id)),
  );

  app.get(
    '/assessments/:id/template.xlsx',
    {
      schema: {
        operationId: 'downloadAssessmentTemplate',
        tags: ['reports', 'assessments'],
        description:
          'Excel template of the self-assessment: indicators with criteria, current answers, drop-down for levels 1–5/NA; only the cells you may answer now are unlocked. Fill offline and upload with POST /assessments/{id}/template.',
        params: idParams,
        response: fileResponse('XLSX workbook'),
      },
    },
    async (request, reply) =>
      sendReport(reply, await reports.templateXlsx(requireActor(request), request.params.id)),
  );

  // The upload takes the raw workbook as its body: its own parsers and size limit, for this route only.
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser(
      TEMPLATE_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: importMaxBytes },
      (_request, body, done) => done(null, body),
    );
    upload.withTypeProvider<ZodTypeProvider>().post(
      '/assessments/:id/template',
      {
        bodyLimit: importMaxBytes,
        schema: {
          operationId: 'importAssessmentTemplate',
          tags: ['reports', 'assessments'],
          description:
            'Upload a filled template as the raw request body (Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet). Every row is validated; with any problem nothing is saved (400, details list sheet/row/column) unless importValid=true, which saves the valid changed rows and reports the rest. Saves go through the same rules and audit as saving in the app; verified values are never touched. With dryRun=true the same checks run and nothing is written (no answer, no audit record): a file that cannot be imported at all (not a workbook, another unit or cycle, edited headers, not allowed) is refused as it would be, otherwise the answer is 200 with `changes` (per row: indicator, sheet/row, before → after) and every row problem in `problems`.',
          params: idParams,
          querystring: z.strictObject({
            importValid: z
              .enum(['true', 'false'])
              .optional()
              .describe('save the valid rows and report the others instead of refusing the file'),
            dryRun: z
              .enum(['true', 'false'])
              .optional()
              .describe('validate only: report what would change and the problems, write nothing'),
          }),
          response: { 200: templateImportResult },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return reports.importTemplate(authedContext(request), request.params.id, body, {
          importValid: request.query.importValid === 'true',
          dryRun: request.query.dryRun === 'true',
        });
      },
    );
  });
};
