import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { withRuntime } from './context.js';
import { CliInputError } from './index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cycleIdOrThrow(id: string | undefined) {
  if (!id || !UUID.test(id)) throw new CliInputError(`--cycle harus id siklus (UUID), bukan "${id ?? ''}"`);
  return id;
}

/** Writes a stream-producing file to `out` through a temp file, so a failure leaves no half file. */
async function writeOut(out: string, write: (stream: fs.WriteStream) => Promise<void>) {
  const target = path.resolve(out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  const stream = fs.createWriteStream(tmp);
  const closed = new Promise<void>((resolve, reject) => {
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  try {
    await write(stream);
    stream.end();
    await closed;
    fs.renameSync(tmp, target);
  } catch (err) {
    stream.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: target, bytes: fs.statSync(target).size };
}

export function registerReportCommands(program: Command) {
  program
    .command('report')
    .description(
      'Generate a report of a cycle as the trusted operator: one unit’s Laporan Hasil Evaluasi (--unit CODE) or the leadership summary (--summary), as PDF or XLSX.',
    )
    .requiredOption('--cycle <id>', 'cycle id')
    .option('--unit <code>', 'unit code (e.g. 61-DISKOMINFO)')
    .option('--summary', 'the cycle summary for leadership instead of one unit')
    .requiredOption('--format <format>', 'pdf or xlsx')
    .requiredOption('--out <file>', 'file to write')
    .action(
      async (opts: { cycle: string; unit?: string; summary?: boolean; format: string; out: string }) => {
        const cycleId = cycleIdOrThrow(opts.cycle);
        if (opts.format !== 'pdf' && opts.format !== 'xlsx')
          throw new CliInputError('--format harus pdf atau xlsx');
        if (!opts.summary === !opts.unit)
          throw new CliInputError('pilih salah satu: --unit KODE atau --summary');
        await withRuntime(
          async ({ services }) => {
            const r = services.reports.internal;
            const file = opts.summary
              ? opts.format === 'pdf'
                ? await r.summaryPdf(cycleId)
                : await r.summaryXlsx(cycleId)
              : opts.format === 'pdf'
                ? await r.unitPdf(await r.assessmentOfUnit(cycleId, opts.unit!))
                : await r.unitXlsx(await r.assessmentOfUnit(cycleId, opts.unit!));
            const written = await writeOut(opts.out, (stream) => file.write(stream));
            process.stdout.write(`${written.path} (${written.bytes} bita)\n`);
          },
          { builtins: true },
        );
      },
    );

  const opendata = program.command('opendata').description('Open data of published cycles');
  opendata
    .command('export')
    .description(
      'Write the open data of a published cycle (CSV, JSON, datapackage.json, changelog.json) to a folder and validate it against its own schema and checksums. Exit 1 when validation fails.',
    )
    .requiredOption('--cycle <id>', 'cycle id (the cycle must be published)')
    .requiredOption('--out <dir>', 'folder to write (created when missing)')
    .action(async (opts: { cycle: string; out: string }) => {
      const cycleId = cycleIdOrThrow(opts.cycle);
      await withRuntime(
        async ({ services }) => {
          const result = await services.opendata.exportTo(cycleId, path.resolve(opts.out));
          for (const f of fs.readdirSync(result.dir).sort()) {
            process.stdout.write(`${path.join(result.dir, f)}\n`);
          }
          process.stdout.write(
            result.released
              ? `versi ${result.version} (rilis resmi)\n`
              : `versi ${result.version} (data saat ini, belum dirilis)\n`,
          );
          if (result.problems.length > 0) {
            for (const p of result.problems)
              process.stderr.write(`  - ${p.resource}${p.row ? ` baris ${p.row}` : ''}: ${p.message}\n`);
            process.exitCode = 1;
          } else process.stdout.write('valid: skema dan checksum sesuai datapackage.json\n');
        },
        { builtins: true },
      );
    });
}
