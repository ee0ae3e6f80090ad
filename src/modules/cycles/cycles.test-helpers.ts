// Helpers shared by the evaluation workflow's database tests (not a test file itself).
import { and, eq } from 'drizzle-orm';
import { loadBuiltinInstruments } from '../../../instruments/index.js';
import type { Services } from '../../app.js';
import type { Database } from '../../db/client.js';
import {
  assessments as A,
  cycles as C,
  evidence,
  instrumentVersions,
  responses as R,
  responseEvidence as RE,
  units,
  verifications as V,
} from '../../db/schema/index.js';
import { contentHash, formatDecimal } from '../../domain/instrument/index.js';
import { indicatorViews, normaliseAnswer } from '../../domain/workflow/index.js';
import { systemContext } from '../../lib/context.js';
import { compiledOf } from './instrument-versions.js';

/** The built-in instruments as published versions; returns the id of idpd@1. */
export async function ensureIdpd(database: Database, services: Services): Promise<string> {
  const loader = (services as { instruments?: { loadBuiltins?: (ctx: unknown) => Promise<unknown> } })
    .instruments;
  if (loader?.loadBuiltins) {
    await loader.loadBuiltins(systemContext('test'));
  } else {
    for (const inst of await loadBuiltinInstruments()) {
      await database.db
        .insert(instrumentVersions)
        .values({
          code: inst.code,
          version: inst.version,
          title: inst.title,
          content: inst,
          contentHash: contentHash(inst),
          status: 'published',
          builtin: true,
          publishedAt: new Date(),
        })
        .onConflictDoNothing();
    }
  }
  const row = await database.db.query.instrumentVersions.findFirst({
    where: and(eq(instrumentVersions.code, 'idpd'), eq(instrumentVersions.version, '1')),
  });
  return row!.id;
}

export async function unitByCode(database: Database, code: string) {
  return (await database.db.query.units.findFirst({ where: eq(units.code, code) }))!;
}

/** Link evidence in a unit's library (until the evidence module is used in these tests). */
export async function addLinkEvidence(database: Database, unitCode: string, title: string) {
  const unit = await unitByCode(database, unitCode);
  const [row] = await database.db
    .insert(evidence)
    .values({
      unitId: unit.id,
      kind: 'link',
      title,
      url: `https://contoh.go.id/${encodeURIComponent(title)}`,
    })
    .returning();
  return row!.id;
}

const DAY = 24 * 60 * 60 * 1000;
const iso = (t: number) => new Date(t).toISOString();

/**
 * Phase windows relative to now: `mandiri` says whether penilaian mandiri is open now
 * ('open'), already closed ('closed', review phases running) or all in the past ('past').
 */
export function phasesAround(mode: 'open' | 'closed' | 'past' = 'open', now = Date.now()) {
  const start = mode === 'open' ? now - 2 * DAY : mode === 'closed' ? now - 12 * DAY : now - 60 * DAY;
  return [
    { phase: 'mandiri', startsAt: iso(start), endsAt: iso(start + 10 * DAY) },
    { phase: 'dokumen', startsAt: iso(start + 10 * DAY), endsAt: iso(start + 20 * DAY) },
    { phase: 'interviu', startsAt: iso(start + 20 * DAY), endsAt: iso(start + 25 * DAY) },
    { phase: 'finalisasi', startsAt: iso(start + 25 * DAY), endsAt: iso(start + 30 * DAY) },
  ];
}

export interface InstrumentIndicator {
  code: string;
  kind: 'maturity' | 'metric';
  thresholds?: string[];
  naAllowed?: boolean;
}

/** Walks an instrument document for its indicators. */
export function indicatorsOf(content: { nodes: unknown[] }): InstrumentIndicator[] {
  const out: InstrumentIndicator[] = [];
  const walk = (nodes: unknown[]) => {
    for (const n of nodes as Array<Record<string, unknown>>) {
      if (Array.isArray(n.children)) walk(n.children);
      else
        out.push({
          code: n.code as string,
          kind: n.kind as 'maturity' | 'metric',
          thresholds: (n.thresholds as unknown[] | undefined)?.map(String),
          naAllowed: n.naAllowed as boolean | undefined,
        });
    }
  };
  walk(content.nodes);
  return out;
}

/** An answer at level 3: a level, or for metric indicators the second threshold (level 3 for higher-is-better). */
export function levelThreeAnswer(ind: InstrumentIndicator) {
  return ind.kind === 'metric' ? { metricValue: ind.thresholds![1]! } : { level: 3 };
}

/** Creates an account through the admin API (password: the demo password). */
export async function createUser(
  admin: {
    post(url: string, body?: unknown): Promise<{ statusCode: number; body: string; json(): unknown }>;
  },
  email: string,
  role: string,
  unitCode: string,
) {
  const res = await admin.post('/api/users', {
    email,
    name: email.split('@')[0]!,
    password: 'mercusuar-demo',
    roles: [{ role, unitCode }],
  });
  if (res.statusCode !== 201) throw new Error(`create user ${email}: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/**
 * Fills an assessment's ledgers directly in the database (tests of transitions that need complete
 * answers and verifications without hundreds of HTTP calls): every applicable indicator at level 3,
 * and, with `verified`, a matching verification of response version 1.
 */
export async function fillDirect(
  database: Database,
  assessmentId: string,
  opts: { verified?: boolean; evidenceId?: string } = {},
) {
  const [row] = await database.db
    .select({ unitId: A.unitId, versionId: C.instrumentVersionId })
    .from(A)
    .innerJoin(C, eq(C.id, A.cycleId))
    .where(eq(A.id, assessmentId));
  const unit = (await database.db.query.units.findFirst({ where: eq(units.id, row!.unitId) }))!;
  const version = (await database.db.query.instrumentVersions.findFirst({
    where: eq(instrumentVersions.id, row!.versionId),
  }))!;
  const views = indicatorViews(compiledOf(version), unit.type).filter((v) => v.applicable);
  for (const ind of views) {
    const input =
      ind.kind === 'metric' ? { metricValue: formatDecimal(ind.metric!.thresholds[1]!) } : { level: 3 };
    const norm = normaliseAnswer(ind, input, { requireNaJustification: true });
    if (!norm.ok) throw new Error(`${ind.code}: ${JSON.stringify(norm.issues)}`);
    const [resp] = await database.db
      .insert(R)
      .values({ assessmentId, indicatorCode: ind.code, ...norm.answer, justification: 'isi otomatis uji' })
      .returning();
    if (opts.evidenceId)
      await database.db.insert(RE).values({ responseId: resp!.id, evidenceId: opts.evidenceId });
    if (opts.verified) {
      await database.db.insert(V).values({
        assessmentId,
        indicatorCode: ind.code,
        level: norm.answer.level,
        notApplicable: false,
        metricValue: norm.answer.metricValue,
        reasonCode: 'sesuai',
        stage: 'dokumen',
        responseVersion: 1,
      });
    }
  }
  return views.map((v) => v.code);
}
