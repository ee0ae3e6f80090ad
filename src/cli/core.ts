import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { Role } from '../domain/policy/policy.js';
import { systemContext } from '../lib/context.js';

import { withRuntime } from './context.js';

export function registerCoreCommands(program: Command) {
  program
    .command('serve')
    .description(
      'Start the web server (migrates, loads built-in instruments, seeds demo data on an empty embedded database)',
    )
    .action(async () => {
      const { startServer } = await import('../server.js');
      await startServer(loadConfig());
      await new Promise(() => {}); // runs until a signal arrives
    });

  program
    .command('migrate')
    .description('Apply the database migrations and exit')
    .action(async () => {
      await withRuntime(async ({ database }) => {
        process.stdout.write(`migrations applied (${database.kind})\n`);
      });
    });

  program
    .command('seed-demo')
    .description('Load the demo data (Kalimantan Barat, demo accounts) into an empty database')
    .action(async () => {
      const { seedDemoIfEmpty } = await import('../seed/demo.js');
      await withRuntime(
        async ({ database, services }) => {
          const seeded = await seedDemoIfEmpty(database, services, { cycles: true });
          process.stdout.write(
            seeded ? `demo data seeded: ${JSON.stringify(seeded)}\n` : 'database not empty: nothing seeded\n',
          );
        },
        { builtins: true },
      );
    });

  const user = program.command('user').description('Manage user accounts');
  user
    .command('create')
    .description('Create a user account')
    .requiredOption('--email <email>', 'e-mail address (login)')
    .requiredOption('--name <name>', 'full name')
    .option('--password <password>', 'password (min. 10 characters); default: read MERCUSUAR_PASSWORD')
    .option(
      '--role <role@unitCode...>',
      'role assignment(s), e.g. admin@KALBAR or unit_operator@KALBAR-DISKOMINFO',
    )
    .action(async (opts: { email: string; name: string; password?: string; role?: string[] }) => {
      const password = opts.password ?? process.env.MERCUSUAR_PASSWORD ?? '';
      const roles = (opts.role ?? []).map((r) => {
        const [role, unitCode] = r.split('@');
        return { role: role as Role, unitCode: unitCode ?? '' };
      });
      await withRuntime(async ({ services }) => {
        const created = await services.users.create(systemContext(), {
          email: opts.email,
          name: opts.name,
          password,
          roles,
        });
        process.stdout.write(`user created: ${created.email} (${created.id})\n`);
      });
    });
}
