import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileInstrument, scoreOrThrow } from '../src/domain/scoring/index.js';
import { BUILTIN_INSTRUMENT_FILES, loadBuiltinInstruments } from './index.js';
import { JSON_SCHEMA_PATH, renderJsonSchema } from './write-json-schema.js';

describe('built-in instruments loader', () => {
  it('loads and validates every built-in instrument file', async () => {
    const list = await loadBuiltinInstruments();
    expect(list.map((i) => `${i.code}@${i.version}`)).toEqual(['spbe-2020@2020.1', 'idpd@1']);
    expect(BUILTIN_INSTRUMENT_FILES).toHaveLength(2);
    for (const inst of list) {
      const compiled = compileInstrument(inst);
      const maturity = compiled.indicatorCode.filter((_, i) => !compiled.metric[i]);
      const all3 = Object.fromEntries(maturity.map((c) => [c, 3]));
      const r = scoreOrThrow(compiled, all3, { partial: true });
      expect(r.index?.reported).toBe('3.00');
    }
  });

  it('docs/instrument.schema.json is in sync with the Zod schema (regenerate: npx tsx instruments/write-json-schema.ts)', async () => {
    expect(JSON.parse(await readFile(JSON_SCHEMA_PATH, 'utf8'))).toEqual(JSON.parse(renderJsonSchema()));
  });
});
