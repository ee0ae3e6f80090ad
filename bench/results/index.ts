/**
 * Results benchmark (issue #4): `GET /api/cycles/:id/results` of a finalised, published 60-unit
 * cycle under 20 concurrent readers (autocannon, the demo leader's session), against the real
 * server on 127.0.0.1 over the embedded PGlite (temp DATA_DIR) and, when DATABASE_URL is set,
 * PostgreSQL (a database created for the run and dropped after).
 *
 *   npx tsx bench/results/index.ts [--clients 20] [--duration 15] [--backend pglite|postgres|both]
 *
 * Data (not timed): the demo seeder's own cycles (src/seed/demo-cycles.ts: last year's IDPD cycle
 * run to publication through the real services, answers and verifications varied per unit) over
 * the 46 demo perangkat daerah plus 14 imported dinas, so the published cycle has 60 units.
 *
 * Also, for scale: the same JSON payload served from memory by a bare Fastify route (what HTTP
 * and JSON alone cost), and a sequential breakdown of one request (database reads and computing in
 * the service, then the route's auth and response-schema serialisation).
 *
 * Floor: p95 < 50 ms with 20 concurrent readers.
 */
import { and, eq, like } from 'drizzle-orm';
import Fastify from 'fastify';
import { assessments, cycles } from '../../src/db/schema/index.js';
import { cycleResults } from '../../src/modules/results/results.schemas.js';
import { seedDemoCycles } from '../../src/seed/demo-cycles.js';
import {
  args,
  type BackendKind,
  backendsToRun,
  int,
  type LoadRun,
  load,
  ms,
  openBackend,
  percentiles,
  runLoad,
  signIn,
  startServer,
} from '../deadline-rush/harness.js';
import { coordinatorContext, DEMO_PASSWORD, importUnits, seedBase } from '../deadline-rush/seed.js';

const opt = args();
const CLIENTS = Number(opt.get('clients') ?? 20);
const DURATION = Number(opt.get('duration') ?? 15);
const UNITS = 60;
const DEMO_CYCLE_UNITS = 46;
const FLOOR_P95_MS = 50;

function summary(label: string, run: LoadRun) {
  const lat = percentiles(run.latencies);
  const r = run.result;
  const rps = run.latencies.length / r.duration;
  console.log(
    `  ${label.padEnd(22)} ${int(rps).padStart(6)} req/s  p50 ${ms(lat.p50).padStart(9)}  p95 ${ms(lat.p95).padStart(9)}` +
      `  p99 ${ms(lat.p99).padStart(9)}  non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`,
  );
  return {
    ...lat,
    rps,
    ok: r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && run.latencies.length > 0,
  };
}

async function timeEach(n: number, fn: () => Promise<unknown> | unknown) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

async function runBackend(kind: BackendKind) {
  console.log(`\n── ${kind} ${'─'.repeat(70 - kind.length)}`);
  const backend = await openBackend(kind, 'results');
  const { app, url } = await startServer(backend);
  const bare = Fastify({ logger: false });
  try {
    const t0 = performance.now();
    const { database } = backend;
    const services = app.services;
    await seedBase(database, services);
    await importUnits(services, UNITS - DEMO_CYCLE_UNITS, {
      prefix: 'RES',
      type: 'dinas',
      label: 'Dinas Uji Hasil',
    });
    await seedDemoCycles(database, services);
    const [published] = await database.db
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.status, 'published'), like(cycles.name, '%(DEMO)')));
    const cycleId = published!.id;
    const count = await database.db.$count(assessments, eq(assessments.cycleId, cycleId));
    const [leader] = await signIn(app, ['gubernur@mercusuar.test'], DEMO_PASSWORD);
    const path = `/api/cycles/${cycleId}/results`;
    const first = await app.inject({ method: 'GET', url: path, headers: { cookie: leader!.cookie } });
    if (first.statusCode !== 200) throw new Error(`results: ${first.statusCode} ${first.body}`);
    const payload = first.json() as { units: Array<{ final: boolean }>; aggregate: { finalCount: number } };
    console.log(
      `setup (not timed): published cycle with ${count} assessments, ${payload.aggregate.finalCount} final; ` +
        `payload ${int(first.body.length / 1024)} KB; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (count !== UNITS || payload.units.length !== UNITS)
      throw new Error(`expected ${UNITS} units, got ${count}`);

    // Where one request's time goes, sequentially (no concurrency).
    const ctx = await coordinatorContext(database);
    const leaderActor = (await services.auth.resolveSession(leader!.cookie.split('=')[1]!))!.actor;
    const n = 20;
    const tCompute = await timeEach(n, () => services.results.compute(cycleId));
    const tService = await timeEach(n, () => services.results.forActor(leaderActor, cycleId));
    const body = await services.results.forActor(ctx.actor, cycleId);
    const tSerialise = await timeEach(n, () => JSON.stringify(cycleResults.parse(body)));
    const tHttp = await timeEach(n, () =>
      app.inject({ method: 'GET', url: path, headers: { cookie: leader!.cookie } }),
    );
    console.log(
      `one request, sequential (mean of ${n}): service compute ${ms(tCompute)} (reads + scoring), forActor ${ms(tService)}, ` +
        `response schema + JSON ${ms(tSerialise)}, whole route via inject ${ms(tHttp)}`,
    );

    bare.get('/results', async () => payload);
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareAddr = bare.server.address();
    const bareUrl = `http://127.0.0.1:${typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0}`;

    const loadBefore = load();
    const real = await runLoad({
      url: `${url}${path}`,
      connections: CLIENTS,
      duration: DURATION,
      timeout: 10,
      headers: { cookie: leader!.cookie },
    });
    const loadMid = load();
    const baseline = await runLoad({
      url: `${bareUrl}/results`,
      connections: CLIENTS,
      duration: Math.min(DURATION, 5),
      timeout: 10,
    });
    console.log(`load: ${CLIENTS} concurrent readers; load average before ${loadBefore}, after ${loadMid}`);
    const s = summary(`GET results (${DURATION} s)`, real);
    summary('bare Fastify, memory', baseline);

    const checks: Array<[string, boolean]> = [
      [`p95 < ${FLOOR_P95_MS} ms (${ms(s.p95)})`, s.p95 < FLOOR_P95_MS],
      ['zero errors', s.ok],
    ];
    for (const [label, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label}`);
    const pass = checks.every(([, ok]) => ok);
    console.log(`${kind}: ${pass ? 'PASS' : 'FAIL'} against the floor (load average ${load()})`);
    return pass;
  } finally {
    await bare.close();
    await app.close();
    await backend.dispose();
  }
}

const outcomes: boolean[] = [];
for (const kind of backendsToRun(opt.get('backend'))) outcomes.push(await runBackend(kind));
process.exitCode = outcomes.every(Boolean) ? 0 : 1;
