import type { Instrument } from '../../domain/instrument/index.js';
import { ValidationError } from '../../lib/errors.js';

/** Excel form of an instrument (one row per node, criteria in columns). Filled in by instruments.xlsx work. */
export async function instrumentFromWorkbook(_body: Buffer): Promise<unknown> {
  throw new ValidationError(
    'Impor Excel instrumen belum tersedia.',
    undefined,
    'Excel import not available yet',
  );
}

export async function instrumentToWorkbook(_instrument: Instrument): Promise<Buffer> {
  throw new ValidationError(
    'Ekspor Excel instrumen belum tersedia.',
    undefined,
    'Excel export not available yet',
  );
}
