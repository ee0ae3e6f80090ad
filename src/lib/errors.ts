/**
 * Typed errors thrown by services. One handler (plugins/error-handler.ts) maps them to
 * `{ code, message, details }`. Messages are in Bahasa Indonesia (the UI language); `messageEn`
 * carries the English text for clients that ask for it.
 */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    public readonly messageEn?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, messageEn?: string) {
    super(400, 'VALIDATION_ERROR', message, details, messageEn);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Silakan masuk terlebih dahulu.', messageEn = 'Please sign in first.') {
    super(401, 'UNAUTHORIZED', message, undefined, messageEn);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Anda tidak berwenang melakukan tindakan ini.', details?: unknown) {
    super(403, 'FORBIDDEN', message, details, 'You are not allowed to do this.');
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id?: string) {
    super(
      404,
      'NOT_FOUND',
      id ? `${entity} dengan id ${id} tidak ditemukan.` : `${entity} tidak ditemukan.`,
      id ? { entity, id } : { entity },
      id ? `${entity} ${id} was not found.` : `${entity} was not found.`,
    );
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown, messageEn?: string) {
    super(409, 'CONFLICT', message, details, messageEn);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(
      413,
      'PAYLOAD_TOO_LARGE',
      `Berkas terlalu besar: batasnya ${Math.round(limitBytes / 1024 / 1024)} MB.`,
      { limitBytes },
      `File too large: the limit is ${Math.round(limitBytes / 1024 / 1024)} MB.`,
    );
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string, details?: unknown, messageEn?: string) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message, details, messageEn);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number, messageEn?: string) {
    super(429, 'TOO_MANY_REQUESTS', message, { retryAfterSeconds }, messageEn);
  }
}

/** PostgreSQL unique_violation, identical on PGlite and node-postgres. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return pgError(err)?.code === '23503';
}

function pgError(err: unknown): { code?: string; constraint?: string } | undefined {
  let cur: unknown = err;
  // Drizzle wraps driver errors in `cause`.
  for (let i = 0; i < 3 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as { code: string };
    cur = c.cause;
  }
  return undefined;
}
