/**
 * Deadline-rush benchmark (issue #4): many unit operators saving self-assessment answers at the
 * same moment, over real HTTP, against the real server (buildApp + listen on 127.0.0.1:0) on the
 * embedded PGlite (temp DATA_DIR) and, when DATABASE_URL is set, on PostgreSQL (a database
 * created for the run and dropped after).
 *
 *   npx tsx bench/deadline-rush/index.ts [--clients 100] [--duration 20] [--rate N] [--readers N]
 *                                        [--backend pglite|postgres|both]
 *
 * Each autocannon connection is one operator on ITS OWN assessment: it cycles through its
 * indicators with `PUT /api/assessments/:id/responses/:code`, alternating the level (2 ↔ 3) so
 * every request is a real change, and sends the `expectedVersion` it learnt from the previous
 * response. `--rate N` paces every operator at N saves/s (autocannon's pacing: whole requests per
 * second per connection, sent at each second's start) instead of saving as fast as the server
 * answers (closed loop, the default).
 *
 * Afterwards, from the database: for every (assessment, indicator) the stored version must equal
 * the saves the server committed (counted inside the process around the service call), every 2xx
 * the client saw must be among them, and there must be exactly one `response.save` audit row per
 * version. A request whose answer the client never got (a timeout, or still in flight when the
 * clock stopped) may or may not have been committed: it may account for one extra version, never
 * more; timeouts still count as errors.
 *
 * `--readers N` adds N leaders reading a published cycle's results (the demo's last-year cycle)
 * during the rush, closed loop, and prints their latency: reads are not part of the floor.
 *
 * Floor: 100 concurrent clients, p95 < 100 ms, zero errors, every write present.
 * A comparison line runs the same number of single-row UPDATEs with plain SQL through the same
 * driver and concurrency, to show what the framework, auth, policy and audit cost on top.
 */
import { performance as nodePerformance } from 'node:perf_hooks';
import { and, eq, like } from 'drizzle-orm';
import type { Services } from '../../src/app.js';
import { assessments, cycles, units } from '../../src/db/schema/index.js';
import { indicatorViews } from '../../src/domain/workflow/index.js';
import type { CycleInput } from '../../src/modules/cycles/cycles.schemas.js';
import { phasesAround } from '../../src/modules/cycles/cycles.test-helpers.js';
import { seedDemoCycles } from '../../src/seed/demo-cycles.js';
import {
  type AcClient,
  type AcRequest,
  args,
  type Backend,
  type BackendKind,
  backendsToRun,
  int,
  load,
  ms,
  openBackend,
  percentiles,
  runLoad,
  type Session,
  signIn,
  startServer,
} from './harness.js';
import { coordinatorContext, createOperators, DEMO_PASSWORD, importUnits, seedBase } from './seed.js';

const opt = args();
const CLIENTS = Number(opt.get('clients') ?? 100);
const DURATION = Number(opt.get('duration') ?? 20);
const RATE = opt.has('rate') ? Number(opt.get('rate')) : undefined;
/** Leaders reading last year's published results during the rush (0: none). */
const READERS = Number(opt.get('readers') ?? 0);
const UNITS = Math.max(100, CLIENTS);
const FLOOR = { clients: 100, p95Ms: 100 };

interface Operator {
  session: Session;
  assessmentId: string;
  codes: string[];
  next: number;
  /** What the client knows per indicator: the version and level of its last acknowledged save. */
  known: Map<string, { version: number; level: number }>;
  /** 2xx answers seen per indicator. */
  ok: Map<string, number>;
  /** The request on the wire (set when built, cleared on its answer). */
  pending: { code: string; level: number } | null;
  /** Requests whose answer never came (timeout; in flight at stop): outcome unknown, per indicator. */
  unanswered: Map<string, number>;
  statuses: Map<number, number>;
  samples: string[];
  /** A 2xx whose version was not the previous one + 1. */
  versionJumps: number;
}

async function prepare(backend: Backend, services: Services) {
  const t0 = performance.now();
  const { database } = backend;
  await seedBase(database, services);
  const benchUnits = await importUnits(services, UNITS, {
    prefix: 'RUSH',
    type: 'dinas',
    label: 'Dinas Uji Beban',
  });
  const emails = await createOperators(database, benchUnits);
  const ctx = await coordinatorContext(database);
  const idpd = await services.instruments.resolve('idpd', '1');
  const year = new Date().getFullYear();
  const cycle = await services.cycles.create(ctx, {
    name: `Uji beban tenggat ${year} (BENCH)`,
    periodStart: `${year}-01-01`,
    periodEnd: `${year}-12-31`,
    instrumentVersionId: idpd.id,
    scopeUnitCode: '61',
    scopeUnitTypes: ['dinas'],
    includeNestedPemda: false,
    phases: phasesAround('open') as CycleInput['phases'],
    targetIndex: '2.60',
    evidenceThreshold: 2,
    requireSignoff: false,
  });
  const opened = await services.cycles.open(ctx, cycle.id);
  const rows = await database.db
    .select({ id: assessments.id, code: units.code })
    .from(assessments)
    .innerJoin(units, eq(units.id, assessments.unitId))
    .where(and(eq(assessments.cycleId, cycle.id), like(units.code, '61-RUSH-%')));
  const assessmentOf = new Map(rows.map((r) => [r.code, r.id]));
  // Maturity indicators that apply to a dinas: a level 2 ↔ 3 is always a valid, real change.
  const codes = indicatorViews(services.instruments.compile(idpd), 'dinas')
    .filter((v) => v.applicable && v.kind === 'maturity')
    .map((v) => v.code);
  return {
    cycleId: cycle.id,
    assessmentsOpened: opened.created,
    emails,
    unitCodes: benchUnits.map((u) => u.code),
    assessmentOf,
    codes,
    setupMs: performance.now() - t0,
  };
}

/** Last year's published demo cycle and a leader's session, for `--readers`. */
async function prepareReaders(backend: Backend, app: Awaited<ReturnType<typeof startServer>>['app']) {
  await seedDemoCycles(backend.database, app.services);
  const [published] = await backend.database.db
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(eq(cycles.status, 'published'), like(cycles.name, '%(DEMO)')));
  const units = await backend.database.db.$count(assessments, eq(assessments.cycleId, published!.id));
  const [leader] = await signIn(app, ['gubernur@mercusuar.test'], DEMO_PASSWORD);
  return { path: `/api/cycles/${published!.id}/results`, units, cookie: leader!.cookie };
}

/** Counts what the server committed, seen from inside: every successful saveResponse call. */
function instrumentSaves(services: Services) {
  const svc = services.assessments;
  const original = svc.saveResponse;
  const committed = new Map<string, number>();
  let inFlight = 0;
  let unchanged = 0;
  svc.saveResponse = async (ctx, id, code, input) => {
    inFlight++;
    const startedAt = Date.now();
    try {
      const saved = await original(ctx, id, code, input);
      // A write by THIS call: the expected next version, stamped during the call. (A client that
      // timed out re-sends the same answer; the server answers that idempotently with the row the
      // first call wrote, which must not be counted twice.)
      if (
        saved.version === (input.expectedVersion ?? 0) + 1 &&
        new Date(saved.updatedAt).getTime() >= startedAt - 5
      ) {
        const key = `${id}|${code}`;
        committed.set(key, (committed.get(key) ?? 0) + 1);
      } else unchanged++;
      return saved;
    } finally {
      inFlight--;
    }
  };
  return {
    committed,
    get unchanged() {
      return unchanged;
    },
    async drained(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return inFlight === 0;
    },
  };
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const sum = (xs: Iterable<number>) => {
  let t = 0;
  for (const x of xs) t += x;
  return t;
};

function operatorRequests(op: Operator): AcRequest[] {
  const headers = {
    cookie: op.session.cookie,
    'x-csrf-token': op.session.csrfToken,
    'content-type': 'application/json',
  };
  // State lives in this closure, not in autocannon's `context`: with a one-request list autocannon
  // resets the context to `initialContext` after every request.
  return [
    {
      method: 'PUT',
      setupRequest(req) {
        if (op.pending) bump(op.unanswered, op.pending.code); // its answer never came (timeout)
        const code = op.codes[op.next++ % op.codes.length]!;
        const known = op.known.get(code);
        const level = known?.level === 2 ? 3 : 2;
        op.pending = { code, level };
        return {
          ...req,
          path: `/api/assessments/${op.assessmentId}/responses/${code}`,
          headers,
          body: JSON.stringify({
            level,
            justification: `Diisi saat uji beban tenggat (tingkat ${level}).`,
            expectedVersion: known?.version ?? 0,
          }),
        };
      },
      onResponse(status, body) {
        const sent = op.pending;
        op.pending = null;
        op.statuses.set(status, (op.statuses.get(status) ?? 0) + 1);
        if (!sent) return;
        if (status >= 200 && status < 300) {
          const saved = JSON.parse(body) as { version: number; level: number };
          const before = op.known.get(sent.code)?.version ?? 0;
          if (saved.version !== before + 1 || saved.level !== sent.level) op.versionJumps++;
          op.known.set(sent.code, { version: saved.version, level: saved.level });
          op.ok.set(sent.code, (op.ok.get(sent.code) ?? 0) + 1);
        } else {
          if (op.samples.length < 3) op.samples.push(`${status} ${body.slice(0, 300)}`);
          // Resynchronise after a conflict so the run keeps making real changes (the error still counts).
          try {
            const current = (
              JSON.parse(body) as { details?: { current?: { version: number; level: number } } }
            ).details?.current;
            if (current) op.known.set(sent.code, { version: current.version, level: current.level });
          } catch {
            // not JSON: nothing to learn
          }
        }
      },
    },
  ];
}

/** The same number of single-row UPDATEs with plain SQL, same driver, same concurrency. */
async function rawUpdates(backend: Backend, cycleId: string, total: number, concurrency: number) {
  const raw = backend.database.raw;
  const query = (sql: string, params: unknown[]) =>
    raw.kind === 'pglite' ? raw.client.query(sql, params) : raw.pool.query(sql, params);
  const ids = (
    (await query(
      `select r.id from responses r join assessments a on a.id = r.assessment_id
       join units u on u.id = a.unit_id where a.cycle_id = $1 and u.code like '61-RUSH-%' order by r.id`,
      [cycleId],
    )) as { rows: Array<{ id: string }> }
  ).rows.map((r) => r.id);
  if (ids.length === 0) return null;
  const latencies: number[] = [];
  let nextIndex = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextIndex < total) {
        const id = ids[nextIndex++ % ids.length]!;
        const s = performance.now();
        await query(
          `update responses set level = case when level = 2 then 3 else 2 end, version = version + 1,
           updated_at = now() where id = $1`,
          [id],
        );
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wall = performance.now() - t0;
  return { total, wallMs: wall, perSecond: (total / wall) * 1000, ...percentiles(latencies) };
}

async function verify(backend: Backend, cycleId: string, ops: Operator[], committed: Map<string, number>) {
  const raw = backend.database.raw;
  const sql = `select r.assessment_id, r.indicator_code, r.version, r.level,
      (select count(*)::int from audit_log al where al.entity_type = 'response'
         and al.entity_id = r.id::text and al.action = 'response.save') as audits
    from responses r join assessments a on a.id = r.assessment_id
    join units u on u.id = a.unit_id where a.cycle_id = $1 and u.code like '61-RUSH-%'`;
  const res = (
    raw.kind === 'pglite' ? await raw.client.query(sql, [cycleId]) : await raw.pool.query(sql, [cycleId])
  ) as {
    rows: Array<{
      assessment_id: string;
      indicator_code: string;
      version: number;
      level: number;
      audits: number;
    }>;
  };
  const stored = new Map(res.rows.map((r) => [`${r.assessment_id}|${r.indicator_code}`, r]));
  const problems: string[] = [];
  let pairs = 0;
  let clientOk = 0;
  let unansweredCommitted = 0;
  let unanswered = 0;
  let versions = 0;
  let audits = 0;
  const seen = new Set<string>();
  for (const op of ops) {
    for (const code of op.codes) {
      const key = `${op.assessmentId}|${code}`;
      const ok = op.ok.get(code) ?? 0;
      const server = committed.get(key) ?? 0;
      const row = stored.get(key);
      if (ok === 0 && server === 0 && !row) continue;
      seen.add(key);
      pairs++;
      clientOk += ok;
      const version = row?.version ?? 0;
      versions += version;
      audits += row?.audits ?? 0;
      const unsure = op.unanswered.get(code) ?? 0;
      unanswered += unsure;
      if (version !== server) problems.push(`${key}: stored version ${version}, server committed ${server}`);
      if (server < ok)
        problems.push(`${key}: client saw ${ok} × 2xx, server committed only ${server} (lost)`);
      else if (server > ok + unsure)
        problems.push(
          `${key}: server committed ${server}, client saw ${ok} × 2xx + ${unsure} unanswered (duplicated)`,
        );
      else unansweredCommitted += server - ok;
      if ((row?.audits ?? 0) !== version)
        problems.push(`${key}: ${row?.audits ?? 0} audit rows for version ${version}`);
      const expectedLevel = unsure === 0 ? op.known.get(code)?.level : undefined;
      if (row && expectedLevel !== undefined && row.level !== expectedLevel)
        problems.push(`${key}: stored level ${row.level}, last acknowledged ${expectedLevel}`);
    }
  }
  for (const key of stored.keys()) if (!seen.has(key)) problems.push(`${key}: a stored answer nobody saved`);
  return { pairs, clientOk, unanswered, unansweredCommitted, versions, audits, problems };
}

async function runBackend(kind: BackendKind) {
  console.log(`\n── ${kind} ${'─'.repeat(70 - kind.length)}`);
  const backend = await openBackend(kind, 'rush');
  const { app, url } = await startServer(backend);
  try {
    const data = await prepare(backend, app.services);
    const sessions = await signIn(app, data.emails.slice(0, CLIENTS), DEMO_PASSWORD);
    const ops: Operator[] = sessions.map((session, i) => ({
      session,
      assessmentId: data.assessmentOf.get(data.unitCodes[i]!)!,
      codes: data.codes,
      next: 0,
      known: new Map(),
      ok: new Map(),
      pending: null,
      unanswered: new Map(),
      statuses: new Map(),
      samples: [],
      versionJumps: 0,
    }));
    console.log(
      `setup (not timed): ${data.assessmentsOpened} assessments opened, ${ops.length} operators signed in, ` +
        `${data.codes.length} maturity indicators each, ${(data.setupMs / 1000).toFixed(1)} s`,
    );
    const readers = READERS > 0 ? await prepareReaders(backend, app) : null;
    const server = instrumentSaves(app.services);
    let assigned = 0;
    const loadBefore = load();
    const cpu0 = process.cpuUsage();
    const elu0 = nodePerformance.eventLoopUtilization();
    const [run, read] = await Promise.all([
      runLoad({
        url,
        connections: CLIENTS,
        duration: DURATION,
        timeout: 10,
        ...(RATE ? { connectionRate: RATE } : {}),
        setupClient(client: AcClient) {
          client.setRequests(operatorRequests(ops[assigned++ % ops.length]!));
        },
      }),
      readers
        ? runLoad({
            url: `${url}${readers.path}`,
            connections: READERS,
            duration: DURATION,
            timeout: 10,
            headers: { cookie: readers.cookie },
          })
        : null,
    ]);
    const loadAfter = load();
    const cpu = process.cpuUsage(cpu0);
    const elu = nodePerformance.eventLoopUtilization(elu0);
    const drained = await server.drained();
    const r = run.result;
    const lat = percentiles(run.latencies);
    const completed = run.latencies.length;
    const non2xx = r.non2xx;
    const statusLine = [
      ...ops.reduce((m, o) => {
        for (const [s, n] of o.statuses) m.set(s, (m.get(s) ?? 0) + n);
        return m;
      }, new Map<number, number>()),
    ]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${int(n)}`)
      .join(' ');
    console.log(
      `load: ${CLIENTS} clients, ${DURATION} s, ${RATE ? `${RATE} saves/s each (paced)` : 'closed loop (as fast as answered)'}; ` +
        `load average before ${loadBefore}, after ${loadAfter}`,
    );
    console.log(
      `  throughput ${int(completed / r.duration)} req/s (${int(completed)} answered in ${r.duration} s)` +
        `  latency p50 ${ms(lat.p50)}  p95 ${ms(lat.p95)}  p99 ${ms(lat.p99)}  max ${ms(r.latency.max)}`,
    );
    console.log(
      `  statuses ${statusLine || 'none'}; non-2xx ${non2xx}, errors ${r.errors}, timeouts ${r.timeouts}` +
        (run.errorSamples.length ? ` (${run.errorSamples.join('; ')})` : ''),
    );
    for (const s of ops.flatMap((o) => o.samples).slice(0, 3)) console.log(`    e.g. ${s}`);
    if (read) {
      const rl = percentiles(read.latencies);
      console.log(
        `  meanwhile ${READERS} leaders reading ${readers!.path} (${readers!.units} units): ` +
          `${int(read.latencies.length / read.result.duration)} req/s, p50 ${ms(rl.p50)} p95 ${ms(rl.p95)} ` +
          `p99 ${ms(rl.p99)}; non-2xx ${read.result.non2xx}, errors ${read.result.errors}`,
      );
    }
    console.log(
      `  process CPU ${ms((cpu.user + cpu.system) / 1000 / Math.max(1, completed))} per save ` +
        `(server + load generator, one process); event loop busy ${(elu.utilization * 100).toFixed(0)}%`,
    );

    // The request each connection still had on the wire when the clock stopped.
    for (const op of ops) if (op.pending) bump(op.unanswered, op.pending.code);
    const v = await verify(backend, data.cycleId, ops, server.committed);
    const jumps = ops.reduce((s, o) => s + o.versionJumps, 0);
    console.log(
      `verify: ${int(v.pairs)} (assessment, indicator) pairs; client saw ${int(v.clientOk)} × 2xx, ` +
        `${int(v.unanswered)} unanswered (timeouts + in flight at stop; ${int(v.unansweredCommitted)} of them committed); ` +
        `Σ stored version ${int(v.versions)} = server commits ${int(sum(server.committed.values()))}; ` +
        `Σ response.save audit rows ${int(v.audits)}; no-op saves ${server.unchanged}; server drained: ${drained}`,
    );
    if (jumps) console.log(`  ✗ ${jumps} 2xx answers whose version was not the previous one + 1`);
    for (const p of v.problems.slice(0, 10)) console.log(`  ✗ ${p}`);

    const rawRun = await rawUpdates(backend, data.cycleId, completed, CLIENTS);
    if (rawRun)
      console.log(
        `raw SQL: ${int(rawRun.total)} single-row UPDATEs, ${CLIENTS} concurrent, same driver: ` +
          `${int(rawRun.perSecond)} /s, p50 ${ms(rawRun.p50)} p95 ${ms(rawRun.p95)} p99 ${ms(rawRun.p99)} ` +
          `(HTTP save is ${(rawRun.perSecond / Math.max(1, completed / r.duration) || 0).toFixed(1)}× slower in throughput)`,
      );

    const checks: Array<[string, boolean]> = [
      [`≥ ${FLOOR.clients} concurrent clients (${CLIENTS})`, CLIENTS >= FLOOR.clients],
      [`p95 < ${FLOOR.p95Ms} ms (${ms(lat.p95)})`, lat.p95 < FLOOR.p95Ms],
      [
        `zero errors (non-2xx ${non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`,
        non2xx === 0 && r.errors === 0 && r.timeouts === 0,
      ],
      [
        `every write present (${v.problems.length} mismatches)`,
        v.problems.length === 0 && jumps === 0 && drained && completed > 0,
      ],
    ];
    for (const [label, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label}`);
    const pass = checks.every(([, ok]) => ok);
    console.log(`${kind}: ${pass ? 'PASS' : 'FAIL'} against the floor (load average ${load()})`);
    return pass;
  } finally {
    await app.close();
    await backend.dispose();
  }
}

const results: boolean[] = [];
for (const kind of backendsToRun(opt.get('backend'))) results.push(await runBackend(kind));
process.exitCode = results.every(Boolean) ? 0 : 1;
