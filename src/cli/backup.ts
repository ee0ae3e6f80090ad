import type { Command } from 'commander';
import { systemContext } from '../lib/context.js';
import { BackupError } from '../modules/backup/backup.format.js';
import { withRuntime } from './context.js';

const out = (s: string) => process.stdout.write(`${s}\n`);

/** A refused backup or restore: the message (and its details) on stderr, exit code 1. */
function report(err: unknown): void {
  if (!(err instanceof BackupError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  if (err.messageEn) process.stderr.write(`       (${err.messageEn})\n`);
  process.exitCode = 1;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `mercusuar backup --out FILE` and `mercusuar restore FILE` (docs/backup.md). */
export function registerBackupCommands(program: Command) {
  program
    .command('backup')
    .description(
      'Write a portable archive of all data (database and stored files) plus FILE.manifest.json. ' +
        'On the embedded database stop the server first.',
    )
    .requiredOption('--out <file>', 'archive to write, e.g. mercusuar-2025-01-31.backup.gz')
    .option('--force', 'overwrite an existing archive')
    .addHelpText(
      'after',
      '\nThe archive can be restored into an empty database of either kind (embedded or PostgreSQL):\n' +
        '  mercusuar restore FILE\nSee docs/backup.md.',
    )
    .action(async (opts: { out: string; force?: boolean }) => {
      try {
        // Loaded on use: the backup service pulls in the database drivers.
        const { assertOutputFree, createBackup } = await import('../modules/backup/backup.service.js');
        if (!opts.force) assertOutputFree(opts.out); // before opening (and locking) the database
        await withRuntime(async ({ config, database }) => {
          const r = await createBackup(database, opts.out, {
            dataDir: config.dataDir,
            overwrite: opts.force === true,
            onProgress: (p) => {
              if (p.table !== undefined && p.rows) process.stderr.write(`  ${p.table}: ${p.rows} baris\n`);
            },
          });
          const rows = r.manifest.tables.reduce((n, t) => n + t.rows, 0);
          out(`cadangan dibuat / backup written: ${r.file} (${mib(r.bytes)}, ${database.kind})`);
          out(`  ${r.manifest.tables.length} tabel, ${rows} baris, ${r.manifest.files.length} berkas`);
          out(`  manifest: ${r.manifestFile}`);
          out(`  dataSha256: ${r.manifest.dataSha256}`);
        });
      } catch (err) {
        report(err);
      }
    });

  program
    .command('restore')
    .description(
      'Load a backup archive into an EMPTY database (embedded or DATABASE_URL) and its files into DATA_DIR/files. ' +
        'On the embedded database stop the server first.',
    )
    .argument('<file>', 'archive written by `mercusuar backup`')
    .addHelpText(
      'after',
      '\nRefuses a database that already holds data, an archive from a newer schema, and a damaged or\n' +
        'truncated archive; in each case nothing is written. See docs/backup.md.',
    )
    .action(async (file: string) => {
      try {
        const { restoreBackup } = await import('../modules/backup/backup.service.js');
        await withRuntime(async ({ config, database }) => {
          const r = await restoreBackup(database, file, {
            dataDir: config.dataDir,
            ctx: systemContext(),
            onProgress: (p) => {
              if (p.table !== undefined && p.rows) process.stderr.write(`  ${p.table}: ${p.rows} baris\n`);
            },
          });
          const rows = r.manifest.tables.reduce((n, t) => n + t.rows, 0);
          out(`pemulihan selesai / restore complete into ${database.kind}`);
          out(
            `  cadangan: Mercusuar ${r.header.appVersion}, ${r.header.sourceBackend}, dibuat ${r.header.createdAt}`,
          );
          out(`  ${r.manifest.tables.length} tabel, ${rows} baris`);
          for (const t of r.manifest.tables) if (t.rows > 0) out(`    ${t.name.padEnd(24)} ${t.rows}`);
          out(
            `  ${r.manifest.files.length} berkas (${r.filesRestored} ditulis, ${r.filesAlreadyPresent} sudah ada)`,
          );
          out(`  dataSha256: ${r.manifest.dataSha256} (cocok / verified)`);
        });
      } catch (err) {
        report(err);
      }
    });
}
