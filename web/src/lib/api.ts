/**
 * The one way the web app talks to the server: same-origin fetch with the session cookie, the
 * CSRF token (kept in memory only, never in storage) on every mutation, and the server's error
 * shape `{ code, message, messageEn, details }` turned into an ApiError.
 */

export interface FieldDetail {
  path?: string;
  row?: number;
  column?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field- or row-level problems, when the server sent them. */
  get fieldDetails(): FieldDetail[] {
    return Array.isArray(this.details)
      ? this.details.filter((d): d is FieldDetail => !!d && typeof d === 'object' && 'message' in d)
      : [];
  }
}

/** A network failure (offline, server down): no HTTP status. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network', { cause });
    this.name = 'NetworkError';
  }
}

let csrfToken: string | null = null;
let language: 'id' | 'en' = 'id';
let onUnauthorized: (() => void) | null = null;

export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};
export const setApiLanguage = (lang: 'id' | 'en') => {
  language = lang;
};
/** Called when a request that needed a session gets 401 (expired or revoked session). */
export const setUnauthorizedHandler = (handler: (() => void) | null) => {
  onUnauthorized = handler;
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: string;
  /** A plain object is sent as JSON; a Blob/File/ArrayBuffer is sent raw with `contentType`. */
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Do not run the global 401 handler (sign-in form, session probe). */
  allowUnauthorized?: boolean;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method ?? 'GET').toUpperCase();
  const res = await send(path, method, opts);
  if (res.status === 403 && MUTATING.has(method) && (await peekCode(res)) === 'CSRF_TOKEN_INVALID') {
    // The in-memory token is gone or stale (another tab signed in again): fetch it once and retry.
    await refreshCsrfToken();
    return handle<T>(await send(path, method, opts), opts);
  }
  return handle<T>(res, opts);
}

async function send(path: string, method: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob || opts.body instanceof ArrayBuffer) {
    body = opts.body;
    headers['content-type'] = opts.contentType ?? 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  if (MUTATING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError(err);
  }
}

async function peekCode(res: Response): Promise<string | undefined> {
  try {
    return ((await res.clone().json()) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

async function refreshCsrfToken() {
  const res = await send('/api/auth/session', 'GET', {});
  if (res.ok) csrfToken = ((await res.json()) as { csrfToken: string }).csrfToken;
}

async function handle<T>(res: Response, opts: RequestOptions): Promise<T> {
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('application/json') ? await res.json() : await res.text()) as T;
  }
  let payload: ErrorPayload = {};
  try {
    payload = await res.json();
  } catch {
    // not JSON (proxy error page): fall through with the status only
  }
  const error = apiErrorOf(res.status, payload);
  if (res.status === 401 && !opts.allowUnauthorized) onUnauthorized?.();
  return Promise.reject(error);
}

type ErrorPayload = { code?: string; message?: string; messageEn?: string; details?: unknown };

/** The server's error body as an ApiError, in the current language. */
function apiErrorOf(status: number, payload: ErrorPayload): ApiError {
  const message =
    (language === 'en' ? (payload.messageEn ?? payload.message) : payload.message) ?? `HTTP ${status}`;
  return new ApiError(status, payload.code ?? `HTTP_${status}`, message, payload.details);
}

/** A GET of a file (report, template): its bytes and Content-Disposition; errors as `api` gives them. */
export async function apiBlob(
  path: string,
  opts: RequestOptions = {},
): Promise<{ blob: Blob; disposition: string | null }> {
  const res = await send(path, 'GET', opts);
  if (!res.ok) return handle<never>(res, opts);
  return { blob: await res.blob(), disposition: res.headers.get('content-disposition') };
}

export interface UploadOptions {
  /** Bytes of the request body sent so far (XHR upload progress; fetch has none). */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * POSTs a multipart form with upload progress: XMLHttpRequest with the same cookie, CSRF header,
 * error shape, 401 handling and one-time CSRF refresh as `api`.
 */
export async function uploadForm<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  let res = await xhrPost(path, form, opts);
  if (res.status === 403 && (res.payload as ErrorPayload | null)?.code === 'CSRF_TOKEN_INVALID') {
    await refreshCsrfToken();
    res = await xhrPost(path, form, opts);
  }
  if (res.status >= 200 && res.status < 300) return res.payload as T;
  if (res.status === 401) onUnauthorized?.();
  throw apiErrorOf(res.status, (res.payload ?? {}) as ErrorPayload);
}

function xhrPost(path: string, form: FormData, opts: UploadOptions) {
  return new Promise<{ status: number; payload: unknown }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      let payload: unknown = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        // not JSON (proxy error page): the status alone
      }
      resolve({ status: xhr.status, payload });
    };
    xhr.onerror = () => reject(new NetworkError(new Error('upload failed')));
    xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
    if (opts.signal) {
      if (opts.signal.aborted) return reject(new DOMException('Upload aborted', 'AbortError'));
      opts.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

export const isApiError = (err: unknown, status?: number): err is ApiError =>
  err instanceof ApiError && (status === undefined || err.status === status);
