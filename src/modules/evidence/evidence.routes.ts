import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/policy/policy.js';
import type { RequestContext } from '../../lib/context.js';
import { AppError, PayloadTooLargeError, ValidationError } from '../../lib/errors.js';
import { contentDisposition } from '../../lib/storage/index.js';
import { authedContext, requireActor } from '../../plugins/auth.js';
import {
  evidenceCreatedDto,
  evidenceDto,
  evidenceIdParams,
  evidenceListQuery,
  evidencePatch,
  fileUploadFields,
  linkInput,
  unitEvidenceParams,
} from './evidence.schemas.js';
import type { EvidenceService, UploadResult } from './evidence.service.js';

const FIELD_NAMES = new Set(Object.keys(fileUploadFields.shape));
const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'self'";

export const evidenceRoutes: FastifyPluginAsyncZod<{
  evidence: EvidenceService;
  uploadMaxBytes: number;
}> = async (app, { evidence, uploadMaxBytes }) => {
  // Encapsulated: only this plugin's routes accept multipart bodies.
  await app.register(multipart, {
    limits: {
      // One byte over the limit reaches the service, which refuses it (and keeps nothing).
      fileSize: uploadMaxBytes + 1,
      files: 1,
      fields: 20,
      fieldNameSize: 100,
      fieldSize: 16 * 1024,
      parts: 25,
      headerPairs: 100,
    },
  });

  app.post(
    '/evidence',
    {
      schema: {
        operationId: 'createEvidence',
        tags: ['evidence'],
        summary: 'Upload a file (multipart/form-data) or register a link (JSON) as evidence of a unit',
        description:
          'multipart/form-data: fields unitId or unitCode, title, docType, docDate, validUntil, then ONE part ' +
          'named `file` as the last part. The type is decided from the content (PDF, PNG, JPEG, DOCX, XLSX, ' +
          'PPTX, ODT, ODS), otherwise 415; over the size limit 413. The same file again in the same unit ' +
          'answers 200 with the existing item and duplicate=true. application/json: a link ' +
          '{ kind: "link", unitId|unitCode, url (http/https), title, docType?, docDate?, validUntil? }.',
        consumes: ['multipart/form-data', 'application/json'],
        body: linkInput.nullish(),
        response: { 200: evidenceCreatedDto, 201: evidenceCreatedDto },
      },
    },
    async (request, reply) => {
      const ctx = authedContext(request);
      let result: UploadResult;
      if (request.isMultipart()) {
        result = await receiveUpload(request, ctx, evidence, uploadMaxBytes);
      } else {
        if (!request.body) {
          throw new ValidationError(
            'Kirim berkas sebagai multipart/form-data atau tautan sebagai JSON.',
            [{ path: 'body', message: 'Isi permintaan kosong' }],
            'Send a file as multipart/form-data or a link as JSON.',
          );
        }
        result = await evidence.createLink(ctx, request.body);
      }
      return reply
        .status(result.duplicate ? 200 : 201)
        .send({ ...result.evidence, duplicate: result.duplicate });
    },
  );

  app.get(
    '/units/:unitId/evidence',
    {
      schema: {
        operationId: 'listUnitEvidence',
        tags: ['evidence'],
        params: unitEvidenceParams,
        querystring: evidenceListQuery,
        response: { 200: z.object({ items: z.array(evidenceDto) }) },
      },
    },
    async (request) => ({
      items: await evidence.list(requireActor(request), request.params.unitId, request.query),
    }),
  );

  app.get(
    '/evidence/:id',
    {
      schema: {
        operationId: 'getEvidence',
        tags: ['evidence'],
        params: evidenceIdParams,
        response: { 200: evidenceDto },
      },
    },
    async (request) => evidence.get(requireActor(request), request.params.id),
  );

  app.patch(
    '/evidence/:id',
    {
      schema: {
        operationId: 'updateEvidence',
        tags: ['evidence'],
        params: evidenceIdParams,
        body: evidencePatch,
        response: { 200: evidenceDto },
      },
    },
    async (request) => evidence.update(authedContext(request), request.params.id, request.body),
  );

  app.delete(
    '/evidence/:id',
    {
      schema: {
        operationId: 'deleteEvidence',
        tags: ['evidence'],
        description: 'Only evidence that backs no indicator; otherwise 409 with details.usedBy.',
        params: evidenceIdParams,
        response: { 204: z.null().describe('deleted') },
      },
    },
    async (request, reply) => {
      await evidence.remove(authedContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/evidence/:id/download',
    {
      schema: {
        operationId: 'downloadEvidence',
        tags: ['evidence'],
        description: 'The stored file as an attachment. A link answers 400 EVIDENCE_IS_LINK with its url.',
        params: evidenceIdParams,
      },
    },
    async (request, reply) =>
      sendFile(reply, requireActor(request), request.params.id, 'attachment', evidence),
  );

  app.get(
    '/evidence/:id/preview',
    {
      schema: {
        operationId: 'previewEvidence',
        tags: ['evidence'],
        description: 'PDF, PNG and JPEG inline (sandboxed) for the review screen; other types 400.',
        params: evidenceIdParams,
      },
    },
    async (request, reply) => sendFile(reply, requireActor(request), request.params.id, 'inline', evidence),
  );
};

async function sendFile(
  reply: FastifyReply,
  actor: Actor,
  id: string,
  disposition: 'attachment' | 'inline',
  evidence: EvidenceService,
) {
  const f = await evidence.open(actor, id, disposition);
  reply
    .type(f.mimeType)
    .header('content-disposition', contentDisposition(disposition, f.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', FILE_CSP)
    .header('cache-control', 'private, no-store');
  if (f.sizeBytes !== null) reply.header('content-length', String(f.sizeBytes));
  if (f.sha256) reply.header('etag', `"${f.sha256}"`);
  return reply.send(f.stream);
}

/**
 * Reads a multipart upload in order: fields first, then the one `file` part, streamed straight
 * into the service (never buffered whole). Anything after the file is refused before the row is
 * written, so a malformed form keeps nothing.
 */
async function receiveUpload(
  request: FastifyRequest,
  ctx: RequestContext & { actor: Actor },
  evidence: EvidenceService,
  uploadMaxBytes: number,
): Promise<UploadResult> {
  try {
    const parts = request.parts();
    const fields: Record<string, string> = {};
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!FIELD_NAMES.has(part.fieldname)) {
          throw new ValidationError(`Kolom tidak dikenal: ${part.fieldname}.`, [
            { path: part.fieldname, message: 'Kolom tidak dikenal' },
          ]);
        }
        if (part.fieldname in fields || part.valueTruncated) {
          throw new ValidationError(
            `Kolom ${part.fieldname} dikirim lebih dari sekali atau terlalu panjang.`,
            [{ path: part.fieldname, message: 'Ganda atau terlalu panjang' }],
          );
        }
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file') {
        throw new ValidationError(
          `Berkas harus dikirim pada bagian bernama "file", bukan "${part.fieldname}".`,
          [{ path: part.fieldname, message: 'Gunakan nama bagian "file"' }],
        );
      }
      const parsed = fileUploadFields.safeParse(fields);
      if (!parsed.success) throw zodToValidation(parsed.error);
      const file = part.file;
      return await evidence.uploadFile(
        ctx,
        parsed.data,
        { stream: file, filename: part.filename },
        {
          beforeCommit: async () => {
            if (file.truncated) throw new PayloadTooLargeError(uploadMaxBytes);
            for await (const extra of parts) {
              if (extra.type === 'file') extra.file.resume();
              throw new ValidationError(
                'Berkas harus menjadi bagian terakhir formulir, dan hanya satu berkas per unggahan.',
                [{ path: extra.fieldname, message: 'Bagian setelah berkas tidak diterima' }],
                'The file must be the last part of the form, and only one file per upload.',
              );
            }
          },
        },
      );
    }
    throw new ValidationError(
      'Tidak ada berkas: kirim satu bagian bernama "file".',
      [{ path: 'file', message: 'Wajib' }],
      'No file: send one part named "file".',
    );
  } catch (err) {
    throw mapMultipartError(err, uploadMaxBytes);
  }
}

function mapMultipartError(err: unknown, uploadMaxBytes: number): unknown {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; message?: string };
  if (e.code === 'FST_REQ_FILE_TOO_LARGE') return new PayloadTooLargeError(uploadMaxBytes);
  if (e.code === 'FST_FILES_LIMIT' || e.code === 'FST_PARTS_LIMIT' || e.code === 'FST_FIELDS_LIMIT') {
    return new ValidationError(
      'Formulir berisi terlalu banyak bagian: satu berkas dan kolom keterangannya saja.',
      [{ path: 'body', message: e.code }],
      'Too many parts: one file and its fields only.',
    );
  }
  if (/terminated early|Unexpected end|Malformed|boundary/i.test(e.message ?? '')) {
    return new ValidationError(
      'Formulir multipart rusak atau terputus.',
      [{ path: 'body', message: e.message ?? 'multipart' }],
      'Malformed or truncated multipart body.',
    );
  }
  return err;
}

function zodToValidation(error: z.ZodError) {
  const details = error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message }));
  return new ValidationError(
    `Masukan tidak valid: ${details.map((d) => `${d.path} — ${d.message}`).join('; ')}`,
    details,
    'Invalid input',
  );
}
