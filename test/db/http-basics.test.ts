import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.services.users.create(
    { actor: null, requestId: 'cli' },
    {
      email: 'admin@basics.test',
      name: 'Admin Uji',
      password: 'kata-sandi-uji-123',
      roles: [],
    },
  );
});
afterAll(() => t.close());

const expectErrorShape = (body: Record<string, unknown>) => {
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message', 'messageEn']);
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(typeof body.messageEn).toBe('string');
};

const loginRaw = (payload: string, contentType = 'application/json', remoteAddress?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': contentType },
    payload,
    ...(remoteAddress ? { remoteAddress } : {}),
  });

describe('health', () => {
  it('answers { status: ok, database } with the backend in use', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });
});

describe('API description', () => {
  it('serves an OpenAPI 3 document in which every operation has a unique operationId and tags', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const spec = res.json();
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(spec.info).toMatchObject({ title: 'Mercusuar API', version: expect.any(String) });
    const ops: Array<{ method: string; path: string; op: Record<string, unknown> }> = [];
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      expect(path.startsWith('/api/')).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        ops.push({ method, path, op: op as Record<string, unknown> });
      }
    }
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const missing = ops.filter((o) => typeof o.op.operationId !== 'string' || !o.op.operationId);
    expect(missing.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual([]);
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const untagged = ops.filter((o) => !Array.isArray(o.op.tags) || o.op.tags.length === 0);
    expect(untagged.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual([]);
    for (const o of ops) expect(Object.keys(o.op.responses as object).length).toBeGreaterThan(0);
    // Every local $ref resolves.
    const refs = JSON.stringify(spec).match(/"\$ref":"#\/[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice(9, -1).split('/');
      let node: unknown = spec;
      for (const key of pointer) node = (node as Record<string, unknown>)?.[key];
      expect(node, ref).toBeDefined();
    }
    expect(ids).toEqual(expect.arrayContaining(['health', 'login', 'getSession', 'listAudit', 'createUser']));
  });

  it('serves an HTML API docs page at /api/docs', async () => {
    let res = await t.app.inject({ url: '/api/docs' });
    if (res.statusCode >= 300 && res.statusCode < 400)
      res = await t.app.inject({ url: res.headers.location! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe('one error shape for bad input', () => {
  it('answers malformed JSON with 400 naming the body', async () => {
    const res = await loginRaw('{"email": "a@b.c", "password": ');
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expectErrorShape(body);
    expect(body).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Isi permintaan bukan JSON yang valid.',
      details: [{ path: 'body', message: 'JSON tidak valid' }],
    });
  });

  it('answers wrong types with 400 naming each field, in Indonesian and English', async () => {
    const res = await loginRaw(JSON.stringify({ email: 12, password: ['x'] }));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expectErrorShape(body);
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.details).toEqual([
      {
        path: 'body.email',
        message: 'Harus berupa teks, bukan angka',
        messageEn: expect.stringMatching(/expected string/),
      },
      {
        path: 'body.password',
        message: 'Harus berupa teks, bukan daftar (array)',
        messageEn: expect.stringMatching(/expected string/),
      },
    ]);
    expect(body.message).toMatch(/^Masukan tidak valid: body\.email — Harus berupa teks/);
    expect(body.messageEn).toMatch(/^Invalid input: body\.email — Invalid input: expected string/);
  });

  it('answers missing fields and unknown fields with 400 naming them', async () => {
    const res = await loginRaw(JSON.stringify({ email: 'a@b.c', pasword: 'typo', role: 'admin' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual(
      expect.arrayContaining([
        { path: 'body.password', message: 'Wajib diisi', messageEn: expect.any(String) },
        { path: 'body.pasword', message: 'Kolom tidak dikenal', messageEn: 'Unknown field' },
        { path: 'body.role', message: 'Kolom tidak dikenal', messageEn: 'Unknown field' },
      ]),
    );
  });

  it('keeps a message written in the schema as it is', async () => {
    const res = await loginRaw(JSON.stringify({ email: '', password: 'x' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      { path: 'body.email', message: 'Email wajib diisi', messageEn: 'Email wajib diisi' },
    ]);
  });

  it('names fields of the query string and path parameters', async () => {
    const admin = await login(t.app, 'admin@basics.test', 'kata-sandi-uji-123');
    const query = await admin.get('/api/users?role=raja&extra=1');
    expect(query.statusCode).toBe(400);
    expect(
      query
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['querystring.extra', 'querystring.role']);
    expect(query.json().details.find((d: { path: string }) => d.path === 'querystring.role').message).toMatch(
      /^Harus salah satu dari: admin, coordinator/,
    );
    const params = await admin.get('/api/users/not-a-uuid');
    expect(params.statusCode).toBe(400);
    expect(params.json().details).toEqual([
      { path: 'params.id', message: 'Harus berupa UUID', messageEn: expect.any(String) },
    ]);
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await loginRaw(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024) }));
    expect(res.statusCode).toBe(413);
    const body = res.json();
    expectErrorShape(body);
    expect(body).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Isi permintaan terlalu besar.',
      details: null,
    });
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await loginRaw('email=a', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expectErrorShape(res.json());
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/api/no-such-thing?x=1' });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expectErrorShape(body);
    expect(body).toEqual({
      code: 'NOT_FOUND',
      message: 'Alamat DELETE /api/no-such-thing tidak ditemukan.',
      messageEn: 'Route DELETE /api/no-such-thing not found.',
      details: null,
    });
  });

  it('answers the 31st login from one address within a minute with 429 in the error shape', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof loginRaw>> | undefined;
    for (let i = 0; i < 31; i++) {
      last = await loginRaw(
        JSON.stringify({ email: `flood${i}@x.test`, password: 'wrong-password' }),
        undefined,
        '10.99.0.1',
      );
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    expectErrorShape(last!.json());
    expect(last!.json().code).toBe('TOO_MANY_REQUESTS');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect(
      (await loginRaw(JSON.stringify({ email: 'a@x.test', password: 'y' }), undefined, '10.99.0.2'))
        .statusCode,
    ).toBe(401);
  });
});

describe('request ids and security headers', () => {
  it('generates a request id when none is sent', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const other = await t.app.inject({ url: '/api/health' });
    expect(other.headers['x-request-id']).not.toBe(res.headers['x-request-id']);
  });

  it('echoes a well-formed request id, on errors too', async () => {
    const ok = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'trace-abc_123' } });
    expect(ok.headers['x-request-id']).toBe('trace-abc_123');
    const missing = await t.app.inject({ url: '/api/nowhere', headers: { 'x-request-id': 'trace-404' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-request-id']).toBe('trace-404');
    const bad = await loginRaw('{', 'application/json');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces a malformed request id instead of echoing it', async () => {
    const res = await t.app.inject({
      url: '/api/health',
      headers: { 'x-request-id': 'no spaces <script> allowed' },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the helmet security headers on API responses', async () => {
    const res = await t.app.inject({ url: '/api/health' });
    const h = res.headers;
    expect(h['content-security-policy']).toMatch(/default-src 'self'/);
    expect(h['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(h['cross-origin-opener-policy']).toBe('same-origin');
    expect(h['cross-origin-resource-policy']).toBe('same-origin');
    expect(h['x-powered-by']).toBeUndefined();
  });
});
