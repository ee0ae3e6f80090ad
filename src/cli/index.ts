import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../db/lock.js';
import { AppError } from '../lib/errors.js';
import { APP_VERSION } from '../version.js';
import { registerBackupCommands } from './backup.js';
import { registerCoreCommands } from './core.js';
import { registerInstrumentCommands } from './instruments.js';
import { registerReportCommands } from './reports.js';
import { registerUnitsCommands } from './units.js';

/** Exit codes: 0 ok, 1 failure, 2 invalid input (usage, validation). */
export class CliInputError extends Error {}

export function buildCli(): Command {
  const program = new Command('mercusuar')
    .description('Mercusuar — evaluasi dan percepatan digitalisasi perangkat daerah')
    .version(APP_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerCoreCommands(program);
  registerInstrumentCommands(program);
  registerUnitsCommands(program);
  registerBackupCommands(program);
  registerReportCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
        return 0;
      return 2;
    }
    if (err instanceof CliInputError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof AppError && err.statusCode < 500) {
      process.stderr.write(`error: ${err.message}\n`);
      const details = err.details;
      if (Array.isArray(details)) {
        for (const d of details.slice(0, 50)) process.stderr.write(`  - ${formatDetail(d)}\n`);
      }
      return 2;
    }
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

function formatDetail(d: unknown): string {
  if (d && typeof d === 'object') {
    const o = d as Record<string, unknown>;
    const where = [o.row !== undefined ? `baris ${o.row}` : '', o.column ?? o.path ?? '']
      .filter(Boolean)
      .join(', ');
    return where ? `${where}: ${String(o.message)}` : String(o.message ?? JSON.stringify(d));
  }
  return String(d);
}
