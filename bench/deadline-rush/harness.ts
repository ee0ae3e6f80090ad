/**
 * Shared plumbing of the HTTP benchmarks (bench/deadline-rush, bench/results): a fresh database
 * per backend (embedded PGlite in a temporary DATA_DIR, or a PostgreSQL database created for the
 * run and dropped after), the real application listening on 127.0.0.1:0, sign-in that sidesteps
 * the per-IP login rate limit, autocannon as a promise with our own latency samples (autocannon's
 * histogram has no p95), percentiles and the load average to print beside every figure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { type Database, openDatabase } from '../../src/db/client.js';
import { SESSION_COOKIE } from '../../src/plugins/auth.js';
import { openConfiguredDatabase } from '../../src/runtime.js';

export type BackendKind = 'pglite' | 'postgres';

export interface Backend {
  kind: BackendKind;
  database: Database;
  config: Config;
  /** Closes the database and removes what the run created (temp folder, PostgreSQL database). */
  dispose(): Promise<void>;
}

/** The backends to run: PGlite always, PostgreSQL too when DATABASE_URL is set (or only one, by flag). */
export function backendsToRun(only: string | undefined): BackendKind[] {
  const all: BackendKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!only || only === 'both') return all;
  if (only === 'postgres' && !process.env.DATABASE_URL)
    throw new Error(
      '--backend postgres needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5433/postgres)',
    );
  if (only !== 'pglite' && only !== 'postgres') throw new Error(`unknown --backend ${only}`);
  return [only];
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database: PGlite under a temp DATA_DIR, or a new PostgreSQL database. */
export async function openBackend(kind: BackendKind, label: string): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `mercusuar-bench-${label}-`));
  if (kind === 'pglite') {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const database = await openConfiguredDatabase(config);
    return {
      kind,
      database,
      config,
      async dispose() {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.DATABASE_URL!;
  const name = `mercusuar_bench_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ databaseUrl: adminUrl, poolMax: 1 });
  if (admin.raw.kind !== 'postgres') throw new Error('expected PostgreSQL');
  await admin.raw.pool.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DATABASE_URL: withDatabase(adminUrl, name),
  });
  const database = await openConfiguredDatabase(config);
  return {
    kind,
    database,
    config,
    async dispose() {
      await database.close();
      const a = await openDatabase({ databaseUrl: adminUrl, poolMax: 1 });
      if (a.raw.kind === 'postgres') await a.raw.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The real application on a real socket (127.0.0.1, a free port). */
export async function startServer(backend: Backend): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({ config: backend.config, database: backend.database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP address');
  return { app, url: `http://127.0.0.1:${addr.port}` };
}

export interface Session {
  email: string;
  userId: string;
  cookie: string;
  csrfToken: string;
}

/**
 * Signs accounts in through the real login route. Login is rate-limited to 30 a minute per IP
 * (an in-memory per-route limit), so each account signs in from its own `remoteAddress` through
 * `app.inject`; the cookie and CSRF token then travel in the load generator's requests.
 */
export async function signIn(app: FastifyInstance, emails: string[], password: string): Promise<Session[]> {
  const out: Session[] = [];
  const batch = 8; // argon2 verification is the cost here; a few at a time keeps both cores busy
  for (let i = 0; i < emails.length; i += batch) {
    const part = await Promise.all(
      emails.slice(i, i + batch).map(async (email, j) => {
        const n = i + j + 1;
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: `10.77.${(n >> 8) & 255}.${n & 255}`,
          payload: { email, password },
        });
        if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
        const token = res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
        const body = res.json() as { csrfToken: string; user: { id: string } };
        return {
          email,
          userId: body.user.id,
          cookie: `${SESSION_COOKIE}=${token}`,
          csrfToken: body.csrfToken,
        };
      }),
    );
    out.push(...part);
  }
  return out;
}

// ── autocannon (no bundled types: the slice of its API we use) ───────────────────────────────
export interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest | null | undefined;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
export interface AcClient {
  setRequests(requests: AcRequest[]): void;
}
export interface AcOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  connectionRate?: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: AcRequest[];
  setupClient?: (client: AcClient) => void;
}
export interface AcResult {
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number; average: number; max: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  resets: number;
  duration: number;
  start: Date;
  finish: Date;
  statusCodeStats: Record<string, { count: number }>;
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}
interface AcInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', fn: (err: Error) => void): void;
}
type AutocannonFn = (opts: AcOptions, cb: (err: Error | null, result: AcResult) => void) => AcInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as AutocannonFn;

export interface LoadRun {
  result: AcResult;
  /** Response time of every completed request (ms, all status codes), in completion order. */
  latencies: number[];
  wallMs: number;
  errorSamples: string[];
}

/** Runs autocannon and keeps every response time (autocannon's own histogram lacks p95). */
export function runLoad(opts: AcOptions): Promise<LoadRun> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const errorSamples: string[] = [];
    const t0 = performance.now();
    const instance = autocannon(opts, (err, result) => {
      if (err) reject(err);
      else resolve({ result, latencies, wallMs: performance.now() - t0, errorSamples });
    });
    instance.on('response', (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
    instance.on('reqError', (err) => {
      if (errorSamples.length < 5) errorSamples.push(err.message);
    });
  });
}

// ── numbers ───────────────────────────────────────────────────────────────────────────────────
/** Nearest-rank p50/p95/p99 of a sample (NaN when empty). */
export function percentiles(samples: number[]): { p50: number; p95: number; p99: number } {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) =>
    sorted.length === 0
      ? Number.NaN
      : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

export const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : 'n/a');
export const int = (x: number) => Math.round(x).toLocaleString('en-US');
export const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Parses `--name value` / `--flag` arguments. */
export function args(argv = process.argv.slice(2)): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) m.set(k, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) m.set(k, argv[++i]!);
    else m.set(k, 'true');
  }
  return m;
}
