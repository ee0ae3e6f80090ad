import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../../../test/helpers/app.js';
import { sessions, users } from '../../db/schema/index.js';
import { SESSION_COOKIE } from '../../plugins/auth.js';
import { seedDemoIfEmpty } from '../../seed/demo.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PASSWORD = 'kata-sandi-awal-123';

let t: TestApp;
let admin: Awaited<ReturnType<typeof login>>;
// Each attempt from its own address, so the per-address login rate limit never interferes.
let ipCounter = 0;
const nextIp = () => `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

function postLogin(email: string, password: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    headers,
    remoteAddress: nextIp(),
  });
}

const sessionCookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === SESSION_COOKIE);

function asCookie(token: string) {
  return `${SESSION_COOKIE}=${token}`;
}

function getSession(token: string) {
  return t.app.inject({ url: '/api/auth/session', headers: { cookie: asCookie(token) } });
}

async function sessionRows(userId: string) {
  return t.database.db.select().from(sessions).where(eq(sessions.userId, userId));
}

/** Creates an account through the admin API and returns its id. */
async function createUser(email: string, roles: Array<{ role: string; unitCode: string }> = []) {
  const res = await admin.post('/api/users', { email, name: `Pengguna ${email}`, password: PASSWORD, roles });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

async function signIn(email: string, password = PASSWORD) {
  const res = await postLogin(email, password);
  expect(res.statusCode, res.body).toBe(200);
  return { token: sessionCookieOf(res)!.value, csrfToken: res.json().csrfToken as string, res };
}

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoIfEmpty(t.database, t.app.services);
  admin = await login(t.app, 'admin@mercusuar.test');
});
afterAll(() => t.close());

describe('login and the session cookie', () => {
  it('returns { user, csrfToken } and sets an HttpOnly SameSite=Lax cookie for the whole site', async () => {
    const res = await postLogin('koordinator@mercusuar.test', 'mercusuar-demo');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'user']);
    expect(body.user).toMatchObject({
      email: 'koordinator@mercusuar.test',
      name: 'Koordinator Demo TP2DD',
      locale: 'id',
      roles: [{ role: 'coordinator', unitCode: '61', unitName: 'Provinsi Kalimantan Barat' }],
    });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const cookie = sessionCookieOf(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 12 * 3600 });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.value).toMatch(/^[\w-]{40,}$/);
  });

  it('stores only the SHA-256 of the session token, never the token itself', async () => {
    const userId = await createUser('hash.check@mercusuar.test');
    const { token, csrfToken } = await signIn('hash.check@mercusuar.test');
    const rows = await sessionRows(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toBe(token);
    expect(rows[0]!.tokenHash).toBe(sha256(token));
    expect(rows[0]!.csrfToken).toBe(csrfToken);
    const leaked = await t.database.db.$count(
      sessions,
      sql`${sessions.tokenHash} = ${token} OR ${sessions.csrfToken} = ${token}`,
    );
    expect(leaked).toBe(0);
  });

  it('GET /api/auth/session answers the same { user, csrfToken } as the login', async () => {
    const { token, res } = await signIn('hash.check@mercusuar.test');
    const session = await getSession(token);
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual(res.json());
  });

  it('answers 401 to GET /api/auth/session without a cookie or with an unknown one', async () => {
    const none = await t.app.inject({ url: '/api/auth/session' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'UNAUTHORIZED', message: 'Silakan masuk terlebih dahulu.' });
    const unknown = await getSession('not-a-real-token');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().message).toBe('Sesi Anda telah berakhir. Silakan masuk kembali.');
  });

  it('issues a new token at every login and closes the session the client still presented', async () => {
    const userId = await createUser('two.logins@mercusuar.test');
    const first = await signIn('two.logins@mercusuar.test');
    const second = await signIn('two.logins@mercusuar.test');
    expect(second.token).not.toBe(first.token);
    expect(second.csrfToken).not.toBe(first.csrfToken);
    // Two browsers: both sessions live.
    expect((await getSession(first.token)).statusCode).toBe(200);
    expect((await getSession(second.token)).statusCode).toBe(200);
    expect(await sessionRows(userId)).toHaveLength(2);

    // Logging in again from the browser holding `first` replaces it (no CSRF needed on login).
    const third = await postLogin('two.logins@mercusuar.test', PASSWORD, { cookie: asCookie(first.token) });
    expect(third.statusCode).toBe(200);
    expect((await getSession(first.token)).statusCode).toBe(401);
    expect((await getSession(sessionCookieOf(third)!.value)).statusCode).toBe(200);
    expect(await sessionRows(userId)).toHaveLength(2);
  });
});

describe('session expiry', () => {
  it('slides expires_at forward on use and renews the cookie', async () => {
    const userId = await createUser('sliding@mercusuar.test');
    const { token } = await signIn('sliding@mercusuar.test');
    const soon = new Date(Date.now() + 3600_000);
    await t.database.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.userId, userId));

    const before = Date.now();
    const res = await getSession(token);
    expect(res.statusCode).toBe(200);
    const [row] = await sessionRows(userId);
    expect(row!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + t.config.sessionTtlMs - 1000);
    expect(row!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const renewed = sessionCookieOf(res);
    expect(renewed).toMatchObject({ value: token, httpOnly: true, sameSite: 'Lax', maxAge: 12 * 3600 });
  });

  it('does not rewrite a session that was just extended', async () => {
    const userId = await createUser('fresh@mercusuar.test');
    const { token } = await signIn('fresh@mercusuar.test');
    const [before] = await sessionRows(userId);
    const res = await getSession(token);
    expect(res.statusCode).toBe(200);
    expect(sessionCookieOf(res)).toBeUndefined();
    const [after] = await sessionRows(userId);
    expect(after!.expiresAt.getTime()).toBe(before!.expiresAt.getTime());
  });

  it('refuses an expired session with 401', async () => {
    const userId = await createUser('expired@mercusuar.test');
    const { token } = await signIn('expired@mercusuar.test');
    await t.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, userId));
    const res = await getSession(token);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe('Sesi Anda telah berakhir. Silakan masuk kembali.');
  });
});

describe('logout', () => {
  it('deletes the session, clears the cookie and the old cookie no longer works', async () => {
    const userId = await createUser('logout@mercusuar.test');
    const { token, csrfToken } = await signIn('logout@mercusuar.test');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: asCookie(token), 'x-csrf-token': csrfToken },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    const cleared = sessionCookieOf(res)!;
    expect(cleared.value).toBe('');
    expect(cleared.expires?.getTime() ?? 0).toBeLessThan(Date.now());
    expect(await sessionRows(userId)).toHaveLength(0);
    expect((await getSession(token)).statusCode).toBe(401);
  });

  it('requires the CSRF token of a live session', async () => {
    const { token } = await signIn('logout@mercusuar.test');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: asCookie(token) },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
    expect((await getSession(token)).statusCode).toBe(200);
  });

  it('succeeds with a cookie whose session is already gone', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: asCookie('long-gone-token') },
    });
    expect(res.statusCode).toBe(200);
    expect(sessionCookieOf(res)!.value).toBe('');
  });
});

describe('changing the password', () => {
  const change = (token: string, csrfToken: string, body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: asCookie(token), 'x-csrf-token': csrfToken },
      payload: body,
    });

  it('requires the current password', async () => {
    await createUser('change.pw@mercusuar.test');
    const { token, csrfToken } = await signIn('change.pw@mercusuar.test');
    const res = await change(token, csrfToken, {
      currentPassword: 'not-my-password',
      newPassword: 'kata-sandi-baru-456',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Kata sandi saat ini salah.',
      messageEn: 'The current password is wrong.',
      details: [{ path: 'currentPassword' }],
    });
    expect((await getSession(token)).statusCode).toBe(200);
  });

  it('refuses a new password shorter than 10 characters', async () => {
    const { token, csrfToken } = await signIn('change.pw@mercusuar.test');
    const res = await change(token, csrfToken, { currentPassword: PASSWORD, newPassword: 'pendek123' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Kata sandi minimal 10 karakter.',
      details: [{ path: 'newPassword' }],
    });
  });

  it('revokes every session of the user; only the new password opens a new one', async () => {
    const userId = await createUser('revoke.pw@mercusuar.test');
    const a = await signIn('revoke.pw@mercusuar.test');
    const b = await signIn('revoke.pw@mercusuar.test');
    const res = await change(a.token, a.csrfToken, {
      currentPassword: PASSWORD,
      newPassword: 'kata-sandi-baru-456',
    });
    expect(res.statusCode).toBe(200);
    expect(sessionCookieOf(res)!.value).toBe('');
    expect(await sessionRows(userId)).toHaveLength(0);
    expect((await getSession(a.token)).statusCode).toBe(401);
    expect((await getSession(b.token)).statusCode).toBe(401);

    expect((await postLogin('revoke.pw@mercusuar.test', PASSWORD)).statusCode).toBe(401);
    expect((await postLogin('revoke.pw@mercusuar.test', 'kata-sandi-baru-456')).statusCode).toBe(200);
    const [user] = await t.database.db.select().from(users).where(eq(users.id, userId));
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

describe('revocation by an administrator', () => {
  it('revokes the sessions of a user whose roles change', async () => {
    const userId = await createUser('role.change@mercusuar.test', [{ role: 'leader', unitCode: '61' }]);
    const { token } = await signIn('role.change@mercusuar.test');
    const res = await admin.put(`/api/users/${userId}/roles`, {
      roles: [{ role: 'unit_operator', unitCode: '61-DINKES' }],
    });
    expect(res.statusCode).toBe(200);
    expect((await getSession(token)).statusCode).toBe(401);
    const again = await signIn('role.change@mercusuar.test');
    expect(again.res.json().user.roles).toEqual([expect.objectContaining({ role: 'unit_operator' })]);
  });

  it('revokes the sessions of a deactivated user, who then cannot log in', async () => {
    const userId = await createUser('deactivated@mercusuar.test');
    const { token } = await signIn('deactivated@mercusuar.test');
    expect((await admin.patch(`/api/users/${userId}`, { active: false })).statusCode).toBe(200);
    expect(await sessionRows(userId)).toHaveLength(0);
    expect((await getSession(token)).statusCode).toBe(401);
    const res = await postLogin('deactivated@mercusuar.test', PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe('Email atau kata sandi salah.');
  });

  it('refuses a session at once after deactivation even while its recent lookups are cached', async () => {
    const userId = await createUser('cached.session@mercusuar.test', [{ role: 'leader', unitCode: '61' }]);
    const { token } = await signIn('cached.session@mercusuar.test');
    // Reads only: the second is answered from the short-lived session cache.
    expect((await getSession(token)).statusCode).toBe(200);
    expect((await getSession(token)).statusCode).toBe(200);
    expect((await admin.patch(`/api/users/${userId}`, { active: false })).statusCode).toBe(200);
    expect((await getSession(token)).statusCode).toBe(401);
  });

  it('refuses a cached session at once after its own logout', async () => {
    await createUser('cached.logout@mercusuar.test', [{ role: 'leader', unitCode: '61' }]);
    const { token, csrfToken } = await signIn('cached.logout@mercusuar.test');
    expect((await getSession(token)).statusCode).toBe(200);
    expect((await getSession(token)).statusCode).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: asCookie(token), 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBeLessThan(300);
    expect((await getSession(token)).statusCode).toBe(401);
  });
});

describe('wrong credentials', () => {
  it('answers the same whether or not the e-mail exists (or the account is active)', async () => {
    const known = await postLogin('operator.dinkes@mercusuar.test', 'wrong-password-1');
    const unknown = await postLogin('nobody.here@mercusuar.test', 'wrong-password-1');
    const inactive = await postLogin('deactivated@mercusuar.test', 'wrong-password-1');
    for (const res of [known, unknown, inactive]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        code: 'UNAUTHORIZED',
        message: 'Email atau kata sandi salah.',
        messageEn: 'Wrong e-mail or password.',
        details: null,
      });
      expect(sessionCookieOf(res)).toBeUndefined();
    }
  });

  it('treats the e-mail case-insensitively and ignores surrounding spaces', async () => {
    const res = await postLogin('  Admin@Mercusuar.TEST ', 'mercusuar-demo');
    expect(res.statusCode).toBe(200);
  });
});

describe('CSRF and Origin checks on mutations', () => {
  it('refuses a mutation that carries the cookie but no X-CSRF-Token', async () => {
    const res = await admin.request(
      'PATCH',
      `/api/users/${admin.userId}`,
      { locale: 'en' },
      { 'x-csrf-token': '' },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID', details: { header: 'X-CSRF-Token' } });
    const missing = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${admin.userId}`,
      headers: { cookie: admin.cookie },
      payload: { locale: 'en' },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('CSRF_TOKEN_INVALID');
  });

  it('refuses a mutation with a wrong X-CSRF-Token, including another session’s token', async () => {
    const other = await signIn('admin@mercusuar.test', 'mercusuar-demo');
    for (const wrong of ['x'.repeat(43), other.csrfToken]) {
      const res = await admin.request(
        'PATCH',
        `/api/users/${admin.userId}`,
        { locale: 'en' },
        {
          'x-csrf-token': wrong,
        },
      );
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
    }
    const [row] = await t.database.db.select().from(users).where(eq(users.id, admin.userId));
    expect(row!.locale).toBe('id');
  });

  it('accepts the mutation with the right token and a same-host Origin', async () => {
    const res = await admin.request(
      'PATCH',
      `/api/users/${admin.userId}`,
      { locale: 'id' },
      {
        origin: 'http://localhost:3000',
        host: 'localhost:3000',
      },
    );
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['a foreign site', 'https://evil.example'],
    ['the same host name on another port', 'http://localhost:8080'],
    ['the same host over another scheme', 'ftp://localhost:3000'],
    ['an opaque origin', 'null'],
    ['a malformed origin', 'not a url'],
  ])('refuses a mutation whose Origin is %s, even the login', async (_label, origin) => {
    const mutation = await admin.request(
      'PATCH',
      `/api/users/${admin.userId}`,
      { locale: 'en' },
      {
        origin,
        host: 'localhost:3000',
      },
    );
    expect(mutation.statusCode).toBe(403);
    expect(mutation.json()).toMatchObject({ code: 'ORIGIN_REJECTED', details: { origin } });
    const loginRes = await postLogin('admin@mercusuar.test', 'mercusuar-demo', {
      origin,
      host: 'localhost:3000',
    });
    expect(loginRes.statusCode).toBe(403);
    expect(sessionCookieOf(loginRes)).toBeUndefined();
  });

  it('lets reads through whatever their Origin', async () => {
    const res = await t.app.inject({
      url: '/api/auth/session',
      headers: { cookie: admin.cookie, origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('login lockout (tiny lockout for the test)', () => {
  let l: TestApp;
  const attempt = (email: string, password: string) =>
    l.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      remoteAddress: nextIp(),
    });

  beforeAll(async () => {
    l = await createTestApp({ loginMaxFailures: 3, loginLockoutMs: 1500 });
    await seedDemoIfEmpty(l.database, l.app.services);
  });
  afterAll(() => l.close());

  it('locks after LOGIN_MAX_FAILURES failures, refuses even the right password, then lets go', async () => {
    const email = 'operator.diskominfo@mercusuar.test';
    expect((await attempt(email, 'wrong-1')).statusCode).toBe(401);
    expect((await attempt(email, 'wrong-2')).statusCode).toBe(401);
    const locked = await attempt(email, 'wrong-3');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringMatching(/^Terlalu banyak percobaan masuk/),
    });
    const retryAfter = locked.json().details.retryAfterSeconds;
    expect([1, 2]).toContain(retryAfter); // the lock lasts 1.5 s
    expect(locked.headers['retry-after']).toBe(String(retryAfter));

    const right = await attempt(email, 'mercusuar-demo');
    expect(right.statusCode).toBe(429);
    expect(right.cookies).toHaveLength(0);

    await new Promise((r) => setTimeout(r, 1600));
    const after = await attempt(email, 'mercusuar-demo');
    expect(after.statusCode).toBe(200);
    // A success clears the counter: the next mistake starts again from one.
    expect((await attempt(email, 'wrong-4')).statusCode).toBe(401);
  });

  it('locks an unknown e-mail exactly like a known one', async () => {
    const codes: number[] = [];
    for (const email of ['kepala.diskominfo@mercusuar.test', 'no.such.user@mercusuar.test']) {
      for (let i = 0; i < 4; i++) codes.push((await attempt(email, `wrong-${i}`)).statusCode);
    }
    expect(codes).toEqual([401, 401, 429, 429, 401, 401, 429, 429]);
  });

  it('forgets an expired lock: after it runs out, the count starts from one again', async () => {
    const email = 'gubernur@mercusuar.test';
    for (let i = 0; i < 3; i++) await attempt(email, 'wrong');
    await new Promise((r) => setTimeout(r, 1600));
    expect((await attempt(email, 'wrong')).statusCode).toBe(401);
    expect((await attempt(email, 'wrong')).statusCode).toBe(401);
    expect((await attempt(email, 'wrong')).statusCode).toBe(429);
  });

  it('counts wrong current passwords in the change-password form towards the same lock', async () => {
    const user = await login(l.app, 'asesor@mercusuar.test');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await user.post('/api/auth/password', {
        currentPassword: `wrong-${i}`,
        newPassword: 'kata-sandi-baru-456',
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([400, 400, 429, 429]);
    expect((await attempt('asesor@mercusuar.test', 'mercusuar-demo')).statusCode).toBe(429);
  });
});

describe('PUBLIC_ORIGIN behind a proxy', () => {
  let p: TestApp;
  beforeAll(async () => {
    p = await createTestApp({ publicOrigin: 'https://mercusuar.example.go.id' });
  });
  afterAll(() => p.close());

  it('accepts mutations from the configured public origin even when the Host differs', async () => {
    const res = await p.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'x@example.test', password: 'whatever-123' },
      headers: { origin: 'https://mercusuar.example.go.id', host: '127.0.0.1:3000' },
    });
    expect(res.statusCode).toBe(401); // past the origin check, then the wrong password
    const foreign = await p.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'x@example.test', password: 'whatever-123' },
      headers: { origin: 'https://mercusuar.example.go.id.evil.example', host: '127.0.0.1:3000' },
    });
    expect(foreign.statusCode).toBe(403);
  });
});
