import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import {
  formatValidationErrors,
  type Instrument,
  type ValidationError,
  validateInstrument,
} from '../src/domain/instrument/index.js';

/** Built-in instrument files shipped with Mercusuar (data, never code). */
export const BUILTIN_INSTRUMENT_FILES = ['spbe-2020.json', 'idpd-1.json'] as const;

export class InstrumentFileError extends Error {
  constructor(
    readonly file: string,
    readonly errors: ValidationError[],
  ) {
    super(`Instrumen tidak valid / invalid instrument: ${file}\n${formatValidationErrors(errors)}`);
    this.name = 'InstrumentFileError';
  }
}

/** Parses (JSON or YAML by extension) and validates one instrument file; throws InstrumentFileError. */
export async function loadInstrumentFile(path: string): Promise<Instrument> {
  const text = await readFile(path, 'utf8');
  const data: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  const result = validateInstrument(data);
  if (!result.ok) throw new InstrumentFileError(path, result.errors);
  return result.instrument;
}

/** Reads and validates every built-in instrument; throws with the validation errors if one is invalid. */
export async function loadBuiltinInstruments(): Promise<Instrument[]> {
  return Promise.all(
    BUILTIN_INSTRUMENT_FILES.map((f) => loadInstrumentFile(fileURLToPath(new URL(f, import.meta.url)))),
  );
}
