/**
 * A finished evaluation cycle built straight into the database for report tests: cycle, one
 * assessment per perangkat daerah, both ledgers, evidence, and score snapshots computed with the
 * scoring engine from the verified ledger (as finalisation does). Deterministic (seeded).
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Services } from '../../app.js';
import type { Database } from '../../db/client.js';
import {
  assessments,
  cycleAssessors,
  cycles,
  evidence,
  responseEvidence,
  responses,
  roleAssignments,
  scoreSnapshots,
  units,
  users,
  verifications,
} from '../../db/schema/index.js';
import { parseDecimal } from '../../domain/instrument/decimal.js';
import { contentHash, type Instrument } from '../../domain/instrument/index.js';
import {
  type AnswerValue,
  type CompiledInstrument,
  metricLevel,
  scoreAssessment,
} from '../../domain/scoring/index.js';
import { isPemdaType } from '../../domain/units.js';
import { indicatorViews } from '../../domain/workflow/index.js';
import { systemContext } from '../../lib/context.js';
import { keyForSha256 } from '../../lib/storage/index.js';

export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A measured value of a metric indicator that maps to `level` by its thresholds. */
export function metricValueFor(c: CompiledInstrument, i: number, level: number): string {
  const m = c.metric[i]!;
  const t = m.thresholds.map((d) => Number(d.units) / 10 ** d.scale);
  const candidates = [
    0,
    t[0]! / 2,
    ...t,
    (t[0]! + t[1]!) / 2,
    (t[1]! + t[2]!) / 2,
    (t[2]! + t[3]!) / 2,
    t[3]! * 1.5,
  ];
  for (const v of candidates) {
    const text = String(Math.round(v * 1000) / 1000);
    const d = parseDecimal(text)!;
    if (m.valueMin && Number(text) < Number(m.valueMin.units) / 10 ** m.valueMin.scale) continue;
    if (m.valueMax && Number(text) > Number(m.valueMax.units) / 10 ** m.valueMax.scale) continue;
    if (metricLevel(m, d) === level) return text;
  }
  return String(t[0]);
}

export interface FixtureUnit {
  id: string;
  code: string;
  name: string;
  type: string;
  path: string;
  assessmentId: string;
  state: string;
  snapshotHash: string | null;
}

export interface FixtureCycle {
  cycleId: string;
  instrumentVersionId: string;
  compiled: CompiledInstrument;
  instrument: Instrument;
  units: FixtureUnit[];
}

export interface FixtureOptions {
  name?: string;
  /** Number of perangkat daerah of the province to evaluate (default 8). */
  unitCount?: number;
  /** Unit codes always included (first), e.g. the demo accounts' units. */
  include?: string[];
  /** Assessments left unfinished (state 'submitted', no snapshot), from the end of the list. */
  unfinished?: number;
  status?: 'open' | 'published';
  periodStart?: string;
  periodEnd?: string;
  previousCycleId?: string | null;
  targetIndex?: string | null;
  seed?: number;
  /** Mean level shift (e.g. +0.5 makes the cycle better than the default). */
  shift?: number;
}

/** Builds a cycle of the province's perangkat daerah on the built-in IDPD instrument. */
export async function buildFinishedCycle(
  database: Database,
  services: Services,
  opts: FixtureOptions = {},
): Promise<FixtureCycle> {
  const { db } = database;
  await services.instruments.loadBuiltins(systemContext('fixture'));
  const version = await services.instruments.resolve('idpd');
  const instrument = version.content as Instrument;
  const c = services.instruments.compile(version);
  const random = rng(opts.seed ?? 42);
  const shift = opts.shift ?? 0;

  const root = (await db.query.units.findFirst({ where: eq(units.code, '61') }))!;
  const all = await db.select().from(units);
  const include = opts.include ?? [];
  const chosen = all
    .filter((u) => u.parentId === root.id && !isPemdaType(u.type))
    .sort((a, b) => {
      const ia = include.indexOf(a.code);
      const ib = include.indexOf(b.code);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
      return a.code.localeCompare(b.code);
    })
    .slice(0, opts.unitCount ?? 8);
  const assessor = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(roleAssignments, eq(roleAssignments.userId, users.id))
    .where(eq(roleAssignments.role, 'assessor'));

  const status = opts.status ?? 'published';
  const [cycle] = await db
    .insert(cycles)
    .values({
      name: opts.name ?? 'Evaluasi Digitalisasi SKPD 2026',
      periodStart: opts.periodStart ?? '2026-01-01',
      periodEnd: opts.periodEnd ?? '2026-12-31',
      instrumentVersionId: version.id,
      scopeUnitId: root.id,
      phases: [
        { phase: 'mandiri', startsAt: '2026-01-05T08:00:00+07:00', endsAt: '2026-02-28T23:59:00+07:00' },
        { phase: 'dokumen', startsAt: '2026-03-01T08:00:00+07:00', endsAt: '2026-03-31T23:59:00+07:00' },
        { phase: 'interviu', startsAt: '2026-04-01T08:00:00+07:00', endsAt: '2026-04-30T23:59:00+07:00' },
        { phase: 'finalisasi', startsAt: '2026-05-01T08:00:00+07:00', endsAt: '2026-05-31T23:59:00+07:00' },
      ],
      targetIndex: opts.targetIndex === undefined ? '3.00' : opts.targetIndex,
      previousCycleId: opts.previousCycleId ?? null,
      status,
      openedAt: new Date('2026-01-05T01:00:00Z'),
      publishedAt: status === 'published' ? new Date('2026-06-15T03:00:00Z') : null,
    })
    .returning();
  const cycleId = cycle!.id;
  const unfinished = opts.unfinished ?? 0;

  const out: FixtureUnit[] = [];
  for (const [k, u] of chosen.entries()) {
    const finished = k < chosen.length - unfinished;
    const state = finished ? (status === 'published' ? 'published' : 'final') : 'submitted';
    const [a] = await db
      .insert(assessments)
      .values({
        cycleId,
        unitId: u.id,
        state,
        submittedAt: new Date('2026-02-20T03:00:00Z'),
        verifiedAt: finished ? new Date('2026-04-20T03:00:00Z') : null,
        finalizedAt: finished ? new Date('2026-05-20T03:00:00Z') : null,
      })
      .returning();
    if (assessor[0])
      await db.insert(cycleAssessors).values({ cycleId, unitId: u.id, userId: assessor[0].id });

    const views = indicatorViews(c, u.type);
    const selfAnswers: Record<string, AnswerValue> = {};
    const verAnswers: Record<string, AnswerValue> = {};
    const respRows: Array<typeof responses.$inferInsert> = [];
    const verRows: Array<typeof verifications.$inferInsert> = [];
    views.forEach((v, i) => {
      if (!v.applicable) return;
      const base = Math.max(1, Math.min(5, Math.round(0.6 + random() * 4.2 + shift)));
      const claimed = Math.min(5, base + (random() < 0.3 ? 1 : 0));
      const verifiedLevel = Math.min(claimed, base);
      const na = v.naAllowed && random() < 0.2;
      if (na) {
        selfAnswers[v.code] = 'NA';
        verAnswers[v.code] = 'NA';
        respRows.push({
          assessmentId: a!.id,
          indicatorCode: v.code,
          notApplicable: true,
          justification: `Unit ${u.code} tidak menyelenggarakan layanan ini.`,
        });
        verRows.push({
          assessmentId: a!.id,
          indicatorCode: v.code,
          notApplicable: true,
          reasonCode: 'sesuai',
          stage: 'dokumen',
          verifiedBy: assessor[0]?.id ?? null,
        });
        return;
      }
      const metric = v.kind === 'metric';
      const selfValue = metric ? metricValueFor(c, i, claimed) : null;
      const verValue = metric ? metricValueFor(c, i, verifiedLevel) : null;
      selfAnswers[v.code] = metric ? selfValue! : claimed;
      verAnswers[v.code] = metric ? verValue! : verifiedLevel;
      respRows.push({
        assessmentId: a!.id,
        indicatorCode: v.code,
        level: metric ? metricLevel(c.metric[i]!, parseDecimal(selfValue!)!) : claimed,
        metricValue: selfValue,
        justification: `Penjelasan ${v.code} oleh ${u.shortName ?? u.code}.`,
      });
      verRows.push({
        assessmentId: a!.id,
        indicatorCode: v.code,
        level: metric ? metricLevel(c.metric[i]!, parseDecimal(verValue!)!) : verifiedLevel,
        metricValue: verValue,
        reasonCode: verifiedLevel < claimed ? 'level_tidak_sesuai_kriteria' : 'sesuai',
        note: verifiedLevel < claimed ? `Bukti ${v.code} belum memenuhi tingkat ${claimed}.` : null,
        stage: 'dokumen',
        responseVersion: 1,
        verifiedBy: assessor[0]?.id ?? null,
      });
    });
    const insertedResponses = await db.insert(responses).values(respRows).returning();
    if (verRows.length) await db.insert(verifications).values(verRows);

    // Two evidence items per unit: a file backing the first two answers and a link for the third.
    const sha = createHash('sha256').update(`${u.code}-${cycleId}-sk`).digest('hex');
    const [file] = await db
      .insert(evidence)
      .values({
        unitId: u.id,
        kind: 'file',
        title: `SK Tim Digitalisasi ${u.shortName ?? u.code}`,
        docType: 'SK',
        docDate: '2026-01-15',
        sha256: sha,
        sizeBytes: 123_456,
        mimeType: 'application/pdf',
        originalName: `sk-${u.code.toLowerCase()}.pdf`,
        storageKey: keyForSha256(sha),
      })
      .returning();
    const [link] = await db
      .insert(evidence)
      .values({
        unitId: u.id,
        kind: 'link',
        title: `Portal layanan ${u.code}`,
        url: `https://${u.code.toLowerCase()}.example.go.id`,
      })
      .returning();
    const answered = insertedResponses.filter((r) => !r.notApplicable);
    const links = [
      ...answered.slice(0, 2).map((r) => ({ responseId: r.id, evidenceId: file!.id })),
      ...answered.slice(2, 3).map((r) => ({ responseId: r.id, evidenceId: link!.id })),
    ];
    if (links.length) await db.insert(responseEvidence).values(links);

    let snapshotHash: string | null = null;
    if (finished) {
      const verified = scoreAssessment(c, verAnswers, { unitType: u.type as never });
      const self = scoreAssessment(c, selfAnswers, { unitType: u.type as never });
      if (!verified.ok || !self.ok) throw new Error(`fixture scoring failed for ${u.code}`);
      // The inputs document in the format finalisation writes (verification.service.ts).
      const ledger = (answers: Record<string, AnswerValue>) =>
        Object.entries(answers).map(([code, value]) => ({ code, value }));
      const inputs = {
        format: 'mercusuar.score-inputs/1',
        instrumentVersion: {
          id: version.id,
          code: version.code,
          version: version.version,
          contentHash: version.contentHash,
        },
        cycle: { id: cycleId, name: cycle!.name },
        assessmentId: a!.id,
        unit: { id: u.id, code: u.code, name: u.name, shortName: u.shortName, type: u.type },
        verified: ledger(verAnswers),
        self: ledger(selfAnswers),
      };
      snapshotHash = contentHash(inputs);
      const [snap] = await db
        .insert(scoreSnapshots)
        .values({
          assessmentId: a!.id,
          instrumentVersionId: version.id,
          inputs,
          result: verified.result,
          selfResult: self.result,
          inputsHash: snapshotHash,
          indexValue: verified.result.index?.reported ?? null,
          predicate: verified.result.predicate,
          selfIndexValue: self.result.index?.reported ?? null,
          selfPredicate: self.result.predicate,
        })
        .returning();
      await db.update(assessments).set({ currentSnapshotId: snap!.id }).where(eq(assessments.id, a!.id));
    }
    out.push({
      id: u.id,
      code: u.code,
      name: u.name,
      type: u.type,
      path: u.path,
      assessmentId: a!.id,
      state,
      snapshotHash,
    });
  }
  return { cycleId, instrumentVersionId: version.id, compiled: c, instrument, units: out };
}
