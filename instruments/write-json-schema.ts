/**
 * Regenerates docs/instrument.schema.json from the Zod schema:
 * `npx tsx instruments/write-json-schema.ts && npx biome format --write docs/instrument.schema.json`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { instrumentJsonSchema } from '../src/domain/instrument/json-schema.js';

export const JSON_SCHEMA_PATH = fileURLToPath(new URL('../docs/instrument.schema.json', import.meta.url));

export function renderJsonSchema(): string {
  return `${JSON.stringify(instrumentJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(JSON_SCHEMA_PATH, renderJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
