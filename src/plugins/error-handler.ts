import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors.js';

interface ErrorBody {
  code: string;
  message: string;
  messageEn?: string;
  details?: unknown;
}

/** One error shape for every failure: `{ code, message, details }`; 5xx internals stay in the log. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      if (err.statusCode === 429) {
        const retry = (err.details as { retryAfterSeconds?: number })?.retryAfterSeconds;
        if (retry) reply.header('retry-after', String(retry));
      }
      return reply.status(err.statusCode).send({
        code: err.code,
        message: err.message,
        messageEn: err.messageEn,
        details: err.details,
      } satisfies ErrorBody);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'tidak valid',
      }));
      return reply.status(400).send({
        code: 'VALIDATION_ERROR',
        message: `Masukan tidak valid: ${details.map((d) => `${d.path} — ${d.message}`).join('; ')}`,
        messageEn: 'Invalid input',
        details,
      } satisfies ErrorBody);
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err }, 'response did not match its schema');
      return reply.status(500).send({ code: 'INTERNAL', message: 'Terjadi kesalahan pada server.' });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({
        code: 'INTERNAL',
        message: 'Terjadi kesalahan pada server. Silakan coba lagi.',
        messageEn: 'Internal server error. Please try again.',
      } satisfies ErrorBody);
    }
    // Fastify's own 4xx (malformed JSON, body too large, unsupported media type, …)
    const known: Record<string, [string, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'Isi permintaan terlalu besar.'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Jenis konten tidak didukung.'],
      FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_ERROR', 'Isi JSON kosong.'],
      FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION_ERROR', 'JSON tidak valid.'],
      FST_ERR_RATE_LIMIT: ['TOO_MANY_REQUESTS', 'Terlalu banyak permintaan. Coba lagi sebentar lagi.'],
    };
    const syntax = err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY';
    const [code, message] = syntax
      ? ['VALIDATION_ERROR', `JSON tidak valid: ${err.message}`]
      : (known[err.code] ?? [err.code ?? 'BAD_REQUEST', err.message]);
    return reply.status(status).send({ code, message, messageEn: err.message } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      code: 'NOT_FOUND',
      message: `Alamat ${request.method} ${request.url.split('?')[0]} tidak ditemukan.`,
      messageEn: 'Route not found',
    } satisfies ErrorBody);
  });
}
