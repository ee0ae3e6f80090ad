import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { systemContext } from '../lib/context.js';
import { ValidationError } from '../lib/errors.js';
import type { RowError, SpreadsheetFormat } from '../modules/units/units.files.js';
import type { UnitImportResult } from '../modules/units/units.schemas.js';
import { withRuntime } from './context.js';
import { CliInputError } from './index.js';

const ACTION_LABEL = { create: 'tambah', update: 'ubah', unchanged: 'tetap' } as const;

function formatOf(file: string): SpreadsheetFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
}

/** A plain fixed-width table for the terminal. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function printPreview(result: UnitImportResult) {
  const rows = result.rows.map((r) => [
    String(r.row),
    r.code,
    ACTION_LABEL[r.action],
    r.changes.length > 0 ? r.changes.join(', ') : '',
  ]);
  process.stdout.write(table(['baris', 'kode', 'aksi', 'kolom berubah'], rows));
  const { create, update, unchanged } = result.summary;
  process.stdout.write(
    `\n${create} ditambah, ${update} diubah, ${unchanged} tetap` +
      (result.dryRun ? ' — pratinjau (--dry-run): tidak ada yang ditulis.\n' : ' — tersimpan.\n'),
  );
}

function printRowErrors(errors: RowError[]) {
  process.stderr.write(
    table(
      ['baris', 'kolom', 'pesan'],
      errors.map((e) => [String(e.row), e.column ?? '', e.message]),
    ),
  );
}

const isRowErrorList = (d: unknown): d is RowError[] =>
  Array.isArray(d) && d.every((e) => e && typeof e === 'object' && 'row' in e && 'message' in e);

export function registerUnitsCommands(program: Command) {
  const units = program.command('units').description('Organisation registry: import and export units');

  units
    .command('import')
    .description(
      'Import units from a CSV or XLSX file (format by extension). All or nothing: with any bad row nothing is written and every bad row is listed. A code that exists updates that unit. Runs as the trusted operator (no scope checks; every row is still validated). Exit code 2 on validation errors.',
    )
    .argument('<file>', 'CSV (comma or semicolon, UTF-8) or XLSX file with a header row')
    .option('--dry-run', 'validate and show what would happen, write nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const format = formatOf(file);
      if (!format) throw new CliInputError(`${file}: ekstensi harus .csv atau .xlsx`);
      let buf: Buffer;
      try {
        buf = fs.readFileSync(file);
      } catch (err) {
        throw new CliInputError(
          `${file}: tidak dapat dibaca (${(err as NodeJS.ErrnoException).code ?? err})`,
        );
      }
      await withRuntime(async ({ config, services }) => {
        try {
          const result = await services.units.importUnits(systemContext(), buf, {
            dryRun: opts.dryRun === true,
            format,
            maxBytes: config.importMaxBytes,
          });
          printPreview(result);
        } catch (err) {
          if (err instanceof ValidationError && isRowErrorList(err.details) && err.details.length > 0) {
            printRowErrors(err.details);
            throw new CliInputError(err.message);
          }
          throw err;
        }
      });
    });

  units
    .command('export')
    .description(
      'Export all units as CSV (to stdout unless --out) or XLSX (needs --out), with the same columns the import reads.',
    )
    .option('--format <format>', 'csv or xlsx (default: from --out, else csv)')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--root <code>', 'only this unit and its subtree')
    .action(async (opts: { format?: string; out?: string; root?: string }) => {
      const format = (opts.format ?? (opts.out ? formatOf(opts.out) : undefined) ?? 'csv') as string;
      if (format !== 'csv' && format !== 'xlsx') throw new CliInputError('--format harus csv atau xlsx');
      if (format === 'xlsx' && !opts.out) throw new CliInputError('XLSX perlu --out FILE');
      await withRuntime(async ({ services }) => {
        const file = await services.units.exportUnits(null, { format, root: opts.root, bom: !!opts.out });
        if (opts.out) {
          fs.writeFileSync(opts.out, file.body);
          process.stderr.write(`${file.count} unit diekspor ke ${opts.out}\n`);
        } else {
          await new Promise<void>((resolve, reject) =>
            process.stdout.write(file.body, (err) => (err ? reject(err) : resolve())),
          );
        }
      });
    });
}
