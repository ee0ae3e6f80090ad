import { z } from 'zod';
import { InstrumentSchema } from './schema.js';

export const INSTRUMENT_SCHEMA_ID = 'https://mercusuar.example/schemas/instrument.schema.json';

/**
 * JSON Schema (draft 2020-12) of the instrument format, generated from the Zod schema. The
 * committed copy lives in `docs/instrument.schema.json`; `instruments/write-json-schema.ts`
 * regenerates it and a test checks it is in sync. Semantic rules (sums, uniqueness, bands) are
 * not expressible in JSON Schema and are enforced by `validateInstrument`.
 */
export function instrumentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(InstrumentSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    $id: INSTRUMENT_SCHEMA_ID,
    title: 'Mercusuar evaluation instrument',
    description:
      'One version of an evaluation instrument (e.g. Indeks SPBE 2020, IDPD 1): a weighted tree of domains, aspects and indicators with five level criteria per indicator, rounding rule and predicate bands. Semantic rules (unique codes, weights summing to the parent, increasing thresholds, predicate bands covering the scale) are checked by validateInstrument().',
    ...schema,
  };
}
