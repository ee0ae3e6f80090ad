export * from './decimal.js';
export { canonicalJson, contentHash } from './hash.js';
export { INSTRUMENT_SCHEMA_ID, instrumentJsonSchema } from './json-schema.js';
export * from './schema.js';
export {
  formatValidationErrors,
  jsonPath,
  type ValidationError,
  type ValidationResult,
  validateInstrument,
  WEIGHT_TOLERANCE,
} from './validate.js';
