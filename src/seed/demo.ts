import { readFileSync } from 'node:fs';
import type { Services } from '../app.js';
import type { Database } from '../db/client.js';
import { roleAssignments, units, users } from '../db/schema/index.js';
import type { Role } from '../domain/policy/policy.js';
import { systemContext } from '../lib/context.js';
import { hashPassword } from '../lib/crypto.js';
import { writeAudit } from '../modules/audit/audit.repo.js';
import { unitsRepo } from '../modules/units/units.repo.js';

export const DEMO_PASSWORD = 'mercusuar-demo';

interface DemoUnit {
  code: string;
  name: string;
  shortName: string | null;
  type: string;
  parentCode: string | null;
}

export const DEMO_ACCOUNTS: Array<{ email: string; name: string; role: Role; unitCode: string }> = [
  { email: 'admin@mercusuar.test', name: 'Admin Demo (Diskominfo)', role: 'admin', unitCode: '61' },
  {
    email: 'koordinator@mercusuar.test',
    name: 'Koordinator Demo TP2DD',
    role: 'coordinator',
    unitCode: '61',
  },
  { email: 'asesor@mercusuar.test', name: 'Asesor Demo', role: 'assessor', unitCode: '61' },
  {
    email: 'operator.diskominfo@mercusuar.test',
    name: 'Operator Demo Diskominfo',
    role: 'unit_operator',
    unitCode: '61-DISKOMINFO',
  },
  {
    email: 'kepala.diskominfo@mercusuar.test',
    name: 'Kepala Demo Diskominfo',
    role: 'unit_head',
    unitCode: '61-DISKOMINFO',
  },
  {
    email: 'operator.dinkes@mercusuar.test',
    name: 'Operator Demo Dinkes',
    role: 'unit_operator',
    unitCode: '61-DINKES',
  },
  { email: 'gubernur@mercusuar.test', name: 'Gubernur (Akun Demo)', role: 'leader', unitCode: '61' },
];

export function demoUnits(): DemoUnit[] {
  const file = new URL('./data/kalbar-units.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { units: DemoUnit[] }).units;
}

/**
 * Seeds the demo (Provinsi Kalimantan Barat, its perangkat daerah, the 14 kabupaten/kota, demo
 * accounts) when the database holds no units and no users; with `cycles`, also last year's published
 * cycle and this year's open one (needs the built-in instruments). Returns counts, or null when skipped.
 */
export async function seedDemoIfEmpty(
  database: Database,
  services: Services,
  opts: { cycles?: boolean } = {},
) {
  const { db } = database;
  if ((await db.$count(units)) + (await db.$count(users)) > 0) return null;

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const list = demoUnits();
  const repo = unitsRepo(db);
  const ctx = systemContext('seed-demo');
  await db.transaction(async (tx) => {
    const byCode = new Map<string, { id: string; path: string; depth: number }>();
    for (const u of list) {
      const parent = u.parentCode ? byCode.get(u.parentCode)! : null;
      const row = await repo.insert(
        { code: u.code, name: u.name, shortName: u.shortName, type: u.type, parentId: parent?.id ?? null },
        parent,
        tx,
      );
      byCode.set(u.code, row);
    }
    for (const a of DEMO_ACCOUNTS) {
      const [user] = await tx
        .insert(users)
        .values({ email: a.email, name: a.name, passwordHash })
        .returning();
      await tx
        .insert(roleAssignments)
        .values({ userId: user!.id, role: a.role, unitId: byCode.get(a.unitCode)!.id });
    }
    await writeAudit(tx, ctx, {
      action: 'demo.seed',
      entityType: 'installation',
      after: { units: list.length, users: DEMO_ACCOUNTS.length },
    });
  });
  const counts: Record<string, number> = { units: list.length, users: DEMO_ACCOUNTS.length };
  if (opts.cycles) {
    const { seedDemoCycles } = await import('./demo-cycles.js');
    Object.assign(counts, await seedDemoCycles(database, services));
  }
  return counts;
}
