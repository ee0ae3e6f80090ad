import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors.js';
import { fieldProblems } from './validation-messages.js';

/** The one error shape. `details` is always present (null when there is nothing to add). */
export interface ErrorBody {
  code: string;
  message: string;
  messageEn?: string;
  details: unknown;
}

// Fastify's own 4xx errors (and the rate limiter's), in our words.
const FASTIFY_ERRORS: Record<string, [code: string, message: string, messageEn: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [
    'PAYLOAD_TOO_LARGE',
    'Isi permintaan terlalu besar.',
    'The request body is too large.',
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'Jenis konten tidak didukung.',
    'Unsupported content type.',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'VALIDATION_ERROR',
    'Panjang isi permintaan tidak sesuai.',
    'Content-Length does not match the body.',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_ERROR', 'Isi JSON kosong.', 'The JSON body is empty.'],
};

const dataOf = (request: FastifyRequest, context: string | undefined): unknown => {
  switch (context) {
    case 'body':
      return request.body;
    case 'querystring':
      return request.query;
    case 'params':
      return request.params;
    case 'headers':
      return request.headers;
    default:
      return undefined;
  }
};

/**
 * One error shape for every failure: `{ code, message, messageEn, details }`; 5xx internals stay
 * in the log. Every response, error or not, also names its request id in `x-request-id` so that a
 * user can quote it and an operator can find the log lines.
 */
export function registerErrorHandler(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const send = (status: number, body: ErrorBody) => reply.status(status).send(body);

    if (err instanceof AppError) {
      if (err.statusCode === 429) {
        const retry = (err.details as { retryAfterSeconds?: number })?.retryAfterSeconds;
        if (retry) reply.header('retry-after', String(retry));
      }
      return send(err.statusCode, {
        code: err.code,
        message: err.message,
        messageEn: err.messageEn,
        details: err.details ?? null,
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const context = err.validationContext ?? 'body';
      const details = fieldProblems(context, err.validation, dataOf(request, context));
      return send(400, {
        code: 'VALIDATION_ERROR',
        message: `Masukan tidak valid: ${details.map((d) => `${d.path} — ${d.message}`).join('; ')}`,
        messageEn: `Invalid input: ${details.map((d) => `${d.path} — ${d.messageEn}`).join('; ')}`,
        details,
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err }, 'response did not match its schema');
      return send(500, {
        code: 'INTERNAL',
        message: 'Terjadi kesalahan pada server.',
        messageEn: 'Internal server error.',
        details: null,
      });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500 || status < 400) {
      request.log.error({ err }, 'unhandled error');
      return send(500, {
        code: 'INTERNAL',
        message: 'Terjadi kesalahan pada server. Silakan coba lagi.',
        messageEn: 'Internal server error. Please try again.',
        details: null,
      });
    }
    if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return send(400, {
        code: 'VALIDATION_ERROR',
        message: 'Isi permintaan bukan JSON yang valid.',
        messageEn: 'The request body is not valid JSON.',
        details: [{ path: 'body', message: 'JSON tidak valid', messageEn: err.message }],
      });
    }
    if (status === 429) {
      // @fastify/rate-limit has already set retry-after.
      return send(429, {
        code: 'TOO_MANY_REQUESTS',
        message: 'Terlalu banyak permintaan. Coba lagi sebentar lagi.',
        messageEn: err.message,
        details: null,
      });
    }
    const known = FASTIFY_ERRORS[err.code];
    if (known) return send(status, { code: known[0], message: known[1], messageEn: known[2], details: null });
    return send(status, {
      code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST',
      message: 'Permintaan tidak dapat diproses.',
      messageEn: err.message,
      details: null,
    });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      code: 'NOT_FOUND',
      message: `Alamat ${request.method} ${request.url.split('?')[0]} tidak ditemukan.`,
      messageEn: `Route ${request.method} ${request.url.split('?')[0]} not found.`,
      details: null,
    } satisfies ErrorBody);
  });
}
