/**
 * `mercusuar instrument validate|import|export` and `mercusuar score`.
 *
 * `score` resolves a built-in instrument (spbe-2020, idpd) from the files shipped with Mercusuar,
 * without opening the database, when no version or the built-in version is asked for: a published
 * version never changes, and the built-ins are loaded into every database from these same files.
 * Any other instrument or version (or `--db`) is read from the configured database, which then
 * needs the data folder lock (stop a running embedded server first).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { BUILTIN_INSTRUMENT_FILES, loadBuiltinInstruments } from '../../instruments/index.js';
import {
  contentHash,
  type Instrument,
  type InstrumentNode,
  isGroup,
  UNIT_TYPES,
  type UnitType,
  validateInstrument,
} from '../domain/instrument/index.js';
import {
  type CompiledInstrument,
  compileInstrument,
  type ScoreError,
  type ScoreResult,
  scoreAssessment,
} from '../domain/scoring/index.js';
import { systemContext } from '../lib/context.js';
import { AppError } from '../lib/errors.js';
import type { InstrumentFormat } from '../modules/instruments/instruments.service.js';
import { CliInputError } from './index.js';

const FORMATS: readonly InstrumentFormat[] = ['json', 'yaml', 'xlsx'];

/** The database runtime (the whole application) is loaded only by commands that need it. */
const runtime = async () => (await import('./context.js')).withRuntime;

/** Format of an instrument file by its extension (.json, .yaml/.yml, .xlsx). */
export function instrumentFormatOf(file: string): InstrumentFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  return ext === '.json'
    ? 'json'
    : ext === '.yaml' || ext === '.yml'
      ? 'yaml'
      : ext === '.xlsx'
        ? 'xlsx'
        : undefined;
}

function readInput(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CliInputError(
      `${file}: tidak dapat dibaca / cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

/** `code` or `code@version`. */
export function parseInstrumentRef(ref: string): { code: string; version?: string } {
  const at = ref.indexOf('@');
  const code = (at < 0 ? ref : ref.slice(0, at)).trim();
  const version = at < 0 ? undefined : ref.slice(at + 1).trim();
  if (!code || version === '') {
    throw new CliInputError(
      `"${ref}": tulis KODE atau KODE@VERSI / write CODE or CODE@VERSION, e.g. spbe-2020@2020.1`,
    );
  }
  return version === undefined ? { code } : { code, version };
}

interface Issue {
  path?: unknown;
  message?: unknown;
  messageEn?: unknown;
}

/** At most this many problems are listed; the count is always given. */
const MAX_SHOWN = 100;

/** Every problem with its location, in Indonesian and English. */
function printIssues(issues: readonly Issue[]) {
  for (const i of issues.slice(0, MAX_SHOWN)) {
    const where = i.path ? `${String(i.path)}: ` : '';
    process.stderr.write(`  ${where}${String(i.message ?? '')}\n`);
    if (i.messageEn && i.messageEn !== i.message) process.stderr.write(`    (en) ${String(i.messageEn)}\n`);
  }
  if (issues.length > MAX_SHOWN)
    process.stderr.write(`  … dan ${issues.length - MAX_SHOWN} lainnya / and more\n`);
}

/**
 * Parses and validates an instrument file without any database. Prints every error with its path
 * (JSON path, or the cell for workbooks) and throws CliInputError (exit code 2) when invalid.
 */
async function readInstrumentFile(file: string): Promise<Instrument> {
  const format = instrumentFormatOf(file);
  if (!format) throw new CliInputError(`${file}: ekstensi harus .json, .yaml, .yml atau .xlsx`);
  const buf = readInput(file);
  try {
    const doc =
      format === 'xlsx'
        ? await (await import('../modules/instruments/instruments.xlsx.js')).instrumentFromWorkbook(buf)
        : await (await import('../modules/instruments/instruments.service.js')).parseInstrumentFile(
            buf,
            format,
          );
    const result = validateInstrument(doc);
    if (!result.ok) {
      printIssues(result.errors);
      throw new CliInputError(
        `${file}: instrumen tidak valid, ${result.errors.length} kesalahan / invalid instrument, ${result.errors.length} error(s)`,
      );
    }
    return result.instrument;
  } catch (err) {
    if (err instanceof AppError && err.statusCode < 500) {
      const e = err;
      if (Array.isArray(e.details)) printIssues(e.details as Issue[]);
      throw new CliInputError(`${file}: ${e.message}${e.messageEn ? ` / ${e.messageEn}` : ''}`);
    }
    throw err;
  }
}

function countNodes(nodes: readonly InstrumentNode[], acc = { groups: 0, maturity: 0, metric: 0 }) {
  for (const n of nodes) {
    if (isGroup(n)) {
      acc.groups++;
      countNodes(n.children, acc);
    } else acc[n.kind]++;
  }
  return acc;
}

function summary(i: Instrument): string {
  const c = countNodes(i.nodes);
  return (
    `${i.code} versi ${i.version}: ${c.groups} node grup, ${c.maturity + c.metric} indikator ` +
    `(${c.maturity} maturity, ${c.metric} metric), ${i.levelModels.length} model tingkat, ` +
    `${i.predicateBands.length} predikat, ${i.sources.length} sumber` +
    (i.crosswalk
      ? `, crosswalk dari versi ${i.crosswalk.fromVersion} (${Object.keys(i.crosswalk.map).length} kode)`
      : '') +
    `\n  contentHash ${contentHash(i)}\n`
  );
}

// ------------------------------------------------------------------------------------ score

/** Line (1-based) of the quote that is still open at the end of the text, if any. */
function unclosedQuoteLine(text: string): number | undefined {
  let line = 1;
  let openedAt: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    else if (ch === '"') {
      if (openedAt === undefined) openedAt = line;
      else if (text[i + 1] === '"') i++;
      else openedAt = undefined;
    }
  }
  return openedAt;
}

export interface LevelRow {
  code: string;
  value: string;
  line: number;
}

/**
 * Reads the `indicator,level` CSV (comma or semicolon, UTF-8 with or without BOM). Returns the rows
 * with their file line numbers (line 1 = header); throws CliInputError naming the line otherwise.
 */
export function parseLevelsCsv(text: string, file = 'CSV'): LevelRow[] {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const firstLine = normalised.split('\n', 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(normalised, {
      delimiter,
      info: true,
      record_delimiter: '\n',
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    // An unclosed quote is only noticed at the end of the file: name the line where it opened.
    const line = e.code === 'CSV_QUOTE_NOT_CLOSED' ? (unclosedQuoteLine(normalised) ?? e.lines) : e.lines;
    throw new CliInputError(
      `${file}, baris ${line ?? '?'}: CSV rusak (periksa tanda kutip) / line ${line ?? '?'}: malformed CSV (${e.message ?? 'parse error'})`,
    );
  }
  const startLine = (r: { record: string[]; info: { lines: number } }) =>
    r.info.lines - r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
  const header = records[0];
  const h = header?.record.map((x) => x.trim().toLowerCase());
  if (
    !header ||
    startLine(header) !== 1 ||
    h?.length !== 2 ||
    !['indicator', 'indikator'].includes(h[0]!) ||
    !['level', 'tingkat'].includes(h[1]!)
  ) {
    throw new CliInputError(
      `${file}, baris 1: judul kolom harus "indicator,level" / line 1: the header must be "indicator,level"` +
        (header ? ` (found "${header.record.join(delimiter)}")` : ' (the file is empty)'),
    );
  }
  const rows: LevelRow[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const r of records.slice(1)) {
    const line = startLine(r);
    const fields = r.record;
    if (fields.length !== 2) {
      problems.push(
        `${file}, baris ${line}: harus berisi 2 kolom (indicator,level), ditemukan ${fields.length}\n    (en) line ${line}: expected 2 fields (indicator,level), found ${fields.length}`,
      );
      continue;
    }
    const [code, value] = fields as [string, string];
    if (code === '') {
      problems.push(
        `${file}, baris ${line}: kode indikator kosong\n    (en) line ${line}: empty indicator code`,
      );
      continue;
    }
    const before = seen.get(code);
    if (before !== undefined) {
      problems.push(
        `${file}, baris ${line}: indikator "${code}" sudah ada di baris ${before}\n    (en) line ${line}: indicator "${code}" already given on line ${before}`,
      );
      continue;
    }
    seen.set(code, line);
    rows.push({ code, value, line });
  }
  if (problems.length > 0) {
    for (const p of problems.slice(0, MAX_SHOWN)) process.stderr.write(`  ${p}\n`);
    throw new CliInputError(
      `${file}: ${problems.length} baris tidak valid / ${problems.length} invalid line(s)`,
    );
  }
  return rows;
}

function scoreErrorText(e: ScoreError, lines: Map<string, number>, file: string): string {
  const line = e.indicator ? lines.get(e.indicator) : undefined;
  if (line !== undefined)
    return `${file}, baris ${line}: ${e.message}\n    (en) line ${line}: ${e.messageEn}`;
  const hint =
    e.code === 'missing_answers'
      ? '\n    Tambahkan baris untuk indikator tersebut, atau pakai --partial untuk menilai sebagian / add rows for them, or use --partial.'
      : '';
  return `${file}: ${e.message}\n    (en) ${e.messageEn}${hint}`;
}

async function resolveCompiled(ref: string, opts: { db?: boolean }): Promise<CompiledInstrument> {
  const { code, version } = parseInstrumentRef(ref);
  if (!opts.db) {
    const builtin = (await loadBuiltinInstruments()).find((i) => i.code === code);
    if (builtin && (version === undefined || version === builtin.version)) return compileInstrument(builtin);
  }
  return (await runtime())(
    async ({ services }) => services.instruments.compile(await services.instruments.resolve(code, version)),
    { builtins: true },
  );
}

const idNumber = (reported: string) => reported.replace('.', ',');

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function table(headers: string[], rows: string[][], right: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

const STATUS_LEVEL: Record<string, string> = { not_applicable: 'NA', missing: '–', no_index: '' };

function printReadable(c: CompiledInstrument, result: ScoreResult) {
  const rows = result.nodes.map((n) => [
    n.code,
    truncate(`${'  '.repeat(n.depth - 1)}${n.name}`, 70),
    n.nodeType ?? n.kind,
    idNumber(n.weight),
    n.level !== null
      ? `${n.level}${n.measured !== null ? ` (${n.measured})` : ''}`
      : (STATUS_LEVEL[n.status] ?? ''),
    n.index ? idNumber(n.index.reported) : '–',
    n.index?.predicate ?? '',
  ]);
  process.stdout.write(
    table(['kode', 'nama', 'jenis', 'bobot', 'tingkat', 'indeks', 'predikat'], rows, new Set([3, 4, 5])),
  );
  const name = c.instrument.indexName ?? 'Indeks';
  process.stdout.write(
    `\n${name} (${c.instrument.code} versi ${c.instrument.version}): ` +
      (result.index
        ? `${idNumber(result.index.reported)} — predikat ${result.predicate}`
        : 'tidak ada nilai') +
      '\n',
  );
  if (result.partial) {
    const cov = result.coverage;
    process.stdout.write(
      `Cakupan (penilaian sebagian): ${cov.answeredCount} dari ${cov.applicableCount} indikator yang berlaku dijawab` +
        ` (${idNumber(cov.countShare)} jumlah, ${idNumber(cov.weightShare)} bobot); ${cov.missingCount} belum dijawab, ${cov.notApplicableCount} NA.\n`,
    );
  }
}

/** The `--json` object. Index values are the reported (rounded) decimals as JSON numbers. */
export function scoreJson(result: ScoreResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    instrument: result.instrument.code,
    version: result.instrument.version,
    index: result.index?.value ?? null,
    predicate: result.predicate,
    nodes: result.nodes.map((n) => ({
      code: n.code,
      name: n.name,
      kind: n.kind,
      index: n.index?.value ?? null,
    })),
  };
  if (result.partial) {
    const cov = result.coverage;
    out.coverage = {
      indicators: cov.indicatorCount,
      applicable: cov.applicableCount,
      answered: cov.answeredCount,
      notApplicable: cov.notApplicableCount,
      missing: cov.missingCount,
      countShare: Number(cov.countShare),
      weightShare: Number(cov.weightShare),
    };
  }
  return out;
}

// ------------------------------------------------------------------------------------ commands

export function registerInstrumentCommands(program: Command) {
  const instrument = program
    .command('instrument')
    .description('Evaluation instruments: validate, import and export instrument files (JSON, YAML, XLSX)');

  instrument
    .command('validate')
    .description(
      'Check an instrument file (format by extension: .json, .yaml/.yml, .xlsx) with the same rules as the import. ' +
        'No database needed. Prints OK with counts, or every error with its path (JSON path, or the cell such as ' +
        'Node!H12 for workbooks) in Indonesian and English. Exit code 2 when invalid.',
    )
    .argument('<file>', 'instrument file')
    .action(async (file: string) => {
      const i = await readInstrumentFile(file);
      process.stdout.write(`OK ${summary(i)}`);
    });

  instrument
    .command('import')
    .description(
      'Import an instrument file (JSON, YAML or XLSX) into the configured database as a draft version ' +
        '(or published with --publish), as the system actor; audited. Invalid files are rejected before the ' +
        'database is opened (exit code 2).',
    )
    .argument('<file>', 'instrument file')
    .option('--publish', 'publish the version right after importing it (published versions are immutable)')
    .option('--replace-draft', 'replace an existing draft with the same code and version')
    .action(async (file: string, opts: { publish?: boolean; replaceDraft?: boolean }) => {
      const doc = await readInstrumentFile(file);
      await (await runtime())(
        async ({ services }) => {
          const ctx = systemContext('cli');
          let saved = await services.instruments.importDocument(ctx, doc, {
            replaceDraft: opts.replaceDraft,
          });
          if (opts.publish) saved = await services.instruments.publish(ctx, saved.code, saved.version);
          process.stdout.write(
            `${saved.status === 'published' ? 'Diterbitkan' : 'Draf disimpan'}: ${summary(doc)}  id ${saved.id}\n`,
          );
        },
        { builtins: true },
      );
    });

  instrument
    .command('export')
    .description(
      'Export an instrument version from the database. CODE@VERSION picks a version; CODE alone the latest ' +
        'published one. JSON and YAML go to stdout unless --out; XLSX needs --out.',
    )
    .argument('<ref>', 'CODE or CODE@VERSION, e.g. spbe-2020 or idpd@1')
    .option('--format <format>', 'json, yaml or xlsx (default: from the --out extension, else json)')
    .option('--out <file>', 'write to this file')
    .action(async (ref: string, opts: { format?: string; out?: string }) => {
      const { code, version } = parseInstrumentRef(ref);
      const format = (opts.format?.toLowerCase() ??
        (opts.out ? instrumentFormatOf(opts.out) : undefined) ??
        'json') as InstrumentFormat | string;
      if (!FORMATS.includes(format as InstrumentFormat)) {
        throw new CliInputError(
          `--format harus json, yaml atau xlsx / must be json, yaml or xlsx (got "${format}")`,
        );
      }
      if (format === 'xlsx' && !opts.out)
        throw new CliInputError('XLSX perlu --out FILE / XLSX needs --out FILE');
      await (await runtime())(
        async ({ services }) => {
          const file = await services.instruments.export(null, code, version, format as InstrumentFormat);
          if (opts.out) {
            fs.writeFileSync(opts.out, file.body);
            process.stderr.write(`${file.filename} ditulis ke ${opts.out}\n`);
          } else {
            await new Promise<void>((resolve, reject) =>
              process.stdout.write(file.body, (err) => (err ? reject(err) : resolve())),
            );
          }
        },
        { builtins: true },
      );
    });

  program
    .command('score')
    .description(
      'Score one set of levels with an instrument (exact arithmetic, rounding by the instrument). The CSV has the ' +
        'header "indicator,level"; level is 1-5 or NA, or the measured value for metric indicators. Invalid input ' +
        '(unknown indicator, level out of range, missing indicators without --partial, malformed CSV) exits with ' +
        `code 2 naming the CSV line (line 1 = header). Built-in instruments (files ${BUILTIN_INSTRUMENT_FILES.map((f) => `instruments/${f}`).join(', ')}) ` +
        'are read from their files without opening the database when no version or the built-in version is given; ' +
        'other instruments and versions (or --db) come from the configured database.',
    )
    .requiredOption('--instrument <ref>', 'CODE or CODE@VERSION, e.g. spbe-2020 or idpd@1')
    .requiredOption('--levels <file>', 'CSV file with the header indicator,level')
    .option(
      '--json',
      'print exactly one JSON object: { instrument, version, index, predicate, nodes: [{ code, name, kind, index }] } ' +
        'where kind is group, maturity or metric, index values are numbers rounded by the instrument (null when a ' +
        'node has no index), plus coverage with --partial',
    )
    .option(
      '--partial',
      'score what is answered and report coverage instead of failing on missing indicators',
    )
    .option(
      '--unit-type <type>',
      `unit type; indicators that do not apply to it count as NA (${UNIT_TYPES.join(', ')})`,
    )
    .option(
      '--db',
      'always read the instrument from the database (latest published version without @VERSION)',
    )
    .action(
      async (opts: {
        instrument: string;
        levels: string;
        json?: boolean;
        partial?: boolean;
        unitType?: string;
        db?: boolean;
      }) => {
        if (opts.unitType !== undefined && !(UNIT_TYPES as readonly string[]).includes(opts.unitType)) {
          throw new CliInputError(
            `--unit-type "${opts.unitType}" tidak dikenal / unknown; gunakan / use: ${UNIT_TYPES.join(', ')}`,
          );
        }
        const file = opts.levels;
        const rows = parseLevelsCsv(decodeUtf8(readInput(file), file), file);
        const compiled = await resolveCompiled(opts.instrument, { db: opts.db });
        const outcome = scoreAssessment(
          compiled,
          rows.map((r) => ({ code: r.code, value: r.value })),
          { partial: opts.partial === true, unitType: opts.unitType as UnitType | undefined },
        );
        if (!outcome.ok) {
          const lines = new Map(rows.map((r) => [r.code, r.line]));
          const shown = outcome.errors.slice(0, MAX_SHOWN);
          for (const e of shown) process.stderr.write(`  ${scoreErrorText(e, lines, file)}\n`);
          if (outcome.errors.length > shown.length) {
            process.stderr.write(
              `  … dan ${outcome.errors.length - shown.length} kesalahan lain / and more\n`,
            );
          }
          throw new CliInputError(
            `${file}: ${outcome.errors.length} kesalahan pada data tingkat / ${outcome.errors.length} error(s) in the levels`,
          );
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(scoreJson(outcome.result), null, 2)}\n`);
        else printReadable(compiled, outcome.result);
      },
    );
}

function decodeUtf8(buf: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new CliInputError(`${file}: bukan teks UTF-8 / not UTF-8 text`);
  }
}
