import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Services } from '../app.js';
import type { Database } from '../db/client.js';
import {
  assessments,
  evidence,
  responseEvidence,
  responses,
  units,
  users,
  verifications,
} from '../db/schema/index.js';
import { formatDecimal } from '../domain/instrument/index.js';
import { indicatorViews, normaliseAnswer } from '../domain/workflow/index.js';
import type { RequestContext } from '../lib/context.js';
import { assessmentsServiceFactory } from '../modules/assessments/assessments.service.js';
import { writeAudit } from '../modules/audit/audit.repo.js';
import { authRepo } from '../modules/auth/auth.repo.js';
import { cyclesServiceFactory } from '../modules/cycles/cycles.service.js';

const DAY = 86_400_000;

/** Deterministic pseudo-random numbers from a text seed (demo data must be the same on every machine). */
function rng(seed: string) {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 1_000_000) / 1_000_000;
  };
}

const wib = (d: string) => `${d}T08:00:00+07:00`;

function phases(startIso: string) {
  const s = new Date(startIso).getTime();
  const at = (days: number) => new Date(s + days * DAY).toISOString();
  return [
    { phase: 'mandiri' as const, startsAt: at(0), endsAt: at(35) },
    { phase: 'dokumen' as const, startsAt: at(35), endsAt: at(50) },
    { phase: 'interviu' as const, startsAt: at(50), endsAt: at(60) },
    { phase: 'finalisasi' as const, startsAt: at(60), endsAt: at(70) },
  ];
}

/**
 * Demo evaluation data (clearly demo): last year's IDPD cycle for the Kalbar perangkat daerah,
 * finished and published with varied results (some units lag and some over-claim), and this
 * year's cycle open for self-assessment with every unit in draft. Cycles, opening, finalisation
 * (score snapshots) and publication run through the real services with the clock set to the
 * cycle's own dates; the answers themselves are written in bulk.
 */
export async function seedDemoCycles(
  database: Database,
  services: Services,
): Promise<Record<string, number>> {
  const { db } = database;
  const byEmail = async (email: string) =>
    (await db.query.users.findFirst({ where: eq(users.email, email) }))!;
  const coordinator = (await authRepo(db).loadActor((await byEmail('koordinator@mercusuar.test')).id))!;
  const assessorId = (await byEmail('asesor@mercusuar.test')).id;
  const ctx: RequestContext & { actor: typeof coordinator } = { actor: coordinator, requestId: 'seed-demo' };
  const idpd = await services.instruments.resolve('idpd', '1');
  const compiled = services.instruments.compile(idpd);

  const thisYear = new Date().getFullYear();
  const lastYear = thisYear - 1;

  // ── last year's cycle, run to publication ────────────────────────────────────────────────
  const pastStart = wib(`${lastYear}-03-02`);
  const clock = { now: new Date(new Date(pastStart).getTime() + DAY) };
  const pastCycles = cyclesServiceFactory(db, { now: () => clock.now });
  const pastAssessments = assessmentsServiceFactory(db, { cycles: pastCycles }, { now: () => clock.now });
  const past = await pastCycles.create(ctx, {
    name: `Evaluasi Digitalisasi Perangkat Daerah ${lastYear} (DEMO)`,
    periodStart: `${lastYear}-01-01`,
    periodEnd: `${lastYear}-12-31`,
    instrumentVersionId: idpd.id,
    scopeUnitCode: '61',
    scopeUnitTypes: [],
    includeNestedPemda: false,
    phases: phases(pastStart),
    targetIndex: '2.60',
    evidenceThreshold: 2,
    requireSignoff: false,
  });
  await pastCycles.open(ctx, past.id);
  const rows = await db
    .select({ id: assessments.id, unitId: units.id, code: units.code, type: units.type })
    .from(assessments)
    .innerJoin(units, eq(units.id, assessments.unitId))
    .where(eq(assessments.cycleId, past.id));
  await pastCycles.setAssessors(
    ctx,
    past.id,
    rows.map((r) => ({ unitCode: r.code, userIds: [assessorId] })),
  );

  // Answers: each unit has a maturity around which its levels scatter; some units claim more than
  // the assessor verifies. Evidence: one demo link per unit backs every answer at level ≥ 2.
  await db.transaction(async (tx) => {
    for (const a of rows) {
      const rand = rng(`demo-${lastYear}-${a.code}`);
      const base = 1.3 + rand() * 3.1;
      const overClaimer = rand() < 0.3;
      const [link] = await tx
        .insert(evidence)
        .values({
          unitId: a.unitId,
          kind: 'link',
          title: `Dokumen pendukung ${a.code} ${lastYear} (DEMO)`,
          docType: 'laporan',
          url: `https://contoh.kalbarprov.go.id/demo/${a.code.toLowerCase()}/${lastYear}`,
        })
        .returning({ id: evidence.id });
      for (const ind of indicatorViews(compiled, a.type)) {
        if (!ind.applicable) continue;
        const level = Math.min(5, Math.max(1, Math.round(base + (rand() - 0.5) * 2)));
        const claimed = overClaimer && level < 5 && rand() < 0.6 ? level + 1 : level;
        const input = (lvl: number) =>
          ind.kind === 'metric'
            ? { metricValue: formatDecimal(ind.metric!.thresholds[Math.max(0, lvl - 2)]!) }
            : { level: lvl };
        const self = normaliseAnswer(
          ind,
          { ...input(claimed), justification: 'Isian demo.' },
          { requireNaJustification: true },
        );
        const ver = normaliseAnswer(ind, input(level), { requireNaJustification: false });
        if (!self.ok || !ver.ok) continue;
        const [resp] = await tx
          .insert(responses)
          .values({ assessmentId: a.id, indicatorCode: ind.code, ...self.answer })
          .returning({ id: responses.id });
        if ((self.answer.level ?? 0) >= 2)
          await tx.insert(responseEvidence).values({ responseId: resp!.id, evidenceId: link!.id });
        await tx.insert(verifications).values({
          assessmentId: a.id,
          indicatorCode: ind.code,
          level: ver.answer.level,
          metricValue: ver.answer.metricValue,
          notApplicable: false,
          reasonCode: claimed === level ? 'sesuai' : 'bukti_tidak_memadai',
          note: claimed === level ? null : 'Bukti belum menunjukkan kriteria tingkat yang diklaim (demo).',
          stage: 'dokumen',
          responseVersion: 1,
          verifiedBy: assessorId,
        });
      }
    }
    await tx
      .update(assessments)
      .set({ state: 'verified', submittedAt: clock.now, verifiedAt: clock.now })
      .where(
        inArray(
          assessments.id,
          rows.map((r) => r.id),
        ),
      );
    await writeAudit(tx, ctx, {
      action: 'demo.seed_answers',
      entityType: 'cycle',
      entityId: past.id,
      after: { assessments: rows.length, note: 'demo answers and verifications written in bulk' },
    });
  });

  clock.now = new Date(new Date(pastStart).getTime() + 62 * DAY); // finalisasi window
  for (const a of rows) await pastAssessments.finalize(ctx, a.id);
  await pastCycles.publish(ctx, past.id);
  await services.opendata.release(past.id, ctx, 'Rilis data demo.');

  // ── this year's cycle, open for self-assessment ─────────────────────────────────────────
  const today = new Date();
  const start = new Date(today.getTime() - 7 * DAY).toISOString();
  const current = await services.cycles.create(ctx, {
    name: `Evaluasi Digitalisasi Perangkat Daerah ${thisYear} (DEMO)`,
    periodStart: `${thisYear}-01-01`,
    periodEnd: `${thisYear}-12-31`,
    instrumentVersionId: idpd.id,
    scopeUnitCode: '61',
    scopeUnitTypes: [],
    includeNestedPemda: false,
    phases: phases(start),
    targetIndex: '2.60',
    evidenceThreshold: 2,
    requireSignoff: false,
  });
  await services.cycles.open(ctx, current.id);
  const currentUnits = await db
    .select({ code: units.code })
    .from(assessments)
    .innerJoin(units, eq(units.id, assessments.unitId))
    .where(and(eq(assessments.cycleId, current.id)));
  await services.cycles.setAssessors(
    ctx,
    current.id,
    currentUnits.map((u) => ({ unitCode: u.code, userIds: [assessorId] })),
  );
  return { cycles: 2, assessments: rows.length + currentUnits.length };
}
