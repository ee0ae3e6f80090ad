/**
 * Benchmark data, built through the services (not timed): the demo organisation and accounts,
 * the built-in instruments, extra perangkat daerah under the province (a unit import, as an
 * administrator would do it) and one operator account per extra unit (written in bulk through the
 * users repository with one password hash: 100 argon2 hashes would only slow the setup down).
 */
import { eq } from 'drizzle-orm';
import type { Services } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { users } from '../../src/db/schema/index.js';
import type { Actor } from '../../src/domain/policy/policy.js';
import { type RequestContext, systemContext } from '../../src/lib/context.js';
import { hashPassword } from '../../src/lib/crypto.js';
import { writeAudit } from '../../src/modules/audit/audit.repo.js';
import { authRepo } from '../../src/modules/auth/auth.repo.js';
import { usersRepo } from '../../src/modules/users/users.repo.js';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/seed/demo.js';

export { DEMO_PASSWORD };

/** Demo units and accounts, then the built-in instruments (idpd@1, spbe-2020@1) as published versions. */
export async function seedBase(database: Database, services: Services) {
  await seedDemoIfEmpty(database, services);
  await services.instruments.loadBuiltins(systemContext('bench'));
}

export interface BenchUnit {
  code: string;
  name: string;
}

/**
 * Imports `count` units of `type` under the province (code '61') through the unit import service,
 * codes `61-<prefix>-001`…; returns them in code order.
 */
export async function importUnits(
  services: Services,
  count: number,
  opts: { prefix: string; type: string; label: string },
): Promise<BenchUnit[]> {
  const list: BenchUnit[] = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return { code: `61-${opts.prefix}-${n}`, name: `${opts.label} ${n} (BENCH)` };
  });
  const csv = [
    'kode,nama,singkatan,jenis,kode_induk',
    ...list.map((u) => `${u.code},${u.name},${opts.prefix}${u.code.slice(-3)},${opts.type},61`),
  ].join('\n');
  const result = await services.units.importUnits(systemContext('bench'), Buffer.from(csv), {
    dryRun: false,
    format: 'csv',
    maxBytes: 10 * 1024 * 1024,
  });
  if (result.summary.create !== count)
    throw new Error(`unit import created ${result.summary.create}/${count}`);
  return list;
}

/** One unit_operator account per unit (`operator.<code>@bench.test`, the demo password). */
export async function createOperators(database: Database, unitList: BenchUnit[]): Promise<string[]> {
  const { db } = database;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const repo = usersRepo(db);
  const byCode = new Map(
    (await db.query.units.findMany({ columns: { id: true, code: true } })).map((u) => [u.code, u.id]),
  );
  const emails = unitList.map((u) => `operator.${u.code.toLowerCase()}@bench.test`);
  await db.transaction(async (tx) => {
    for (let i = 0; i < unitList.length; i++) {
      const user = await repo.insert(
        { email: emails[i]!, name: `Operator ${unitList[i]!.code}`, passwordHash },
        tx,
      );
      await repo.replaceRoles(
        user.id,
        [{ role: 'unit_operator', unitId: byCode.get(unitList[i]!.code)! }],
        tx,
      );
    }
    await writeAudit(tx, systemContext('bench'), {
      action: 'bench.seed_users',
      entityType: 'installation',
      after: { operators: unitList.length },
    });
  });
  return emails;
}

/** The demo coordinator as an acting context for service calls. */
export async function coordinatorContext(database: Database): Promise<RequestContext & { actor: Actor }> {
  const { db } = database;
  const row = (await db.query.users.findFirst({ where: eq(users.email, 'koordinator@mercusuar.test') }))!;
  const actor = (await authRepo(db).loadActor(row.id))!;
  return { actor, requestId: 'bench' };
}
