import { z } from 'zod';
import { UNIT_TYPES } from '../units.js';
import { DECIMAL_PATTERN } from './decimal.js';

/**
 * The instrument format: one version of an evaluation framework (e.g. Indeks SPBE 2020, IDPD v1)
 * as data. The Zod schemas here are the single source of truth: types are inferred from them and
 * `docs/instrument.schema.json` is generated from `InstrumentSchema`.
 */

/** Unit types for applicability rules: the organisation tree's vocabulary (one source of truth). */
export { UNIT_TYPES };
export const UnitTypeSchema = z.enum(UNIT_TYPES);
export type UnitType = z.infer<typeof UnitTypeSchema>;

const text = z.string().trim().min(1);

/** A decimal written as a string ("2.75") or a JSON number (2.75); no exponent notation. */
export const DecimalInputSchema = z
  .union([z.string().regex(new RegExp(DECIMAL_PATTERN)), z.number()])
  .describe('Decimal as string (preferred, e.g. "2.75") or JSON number');
export type DecimalInput = z.infer<typeof DecimalInputSchema>;

export const SOURCE_STATUSES = ['confirmed', 'derived', 'unconfirmed', 'own'] as const;

export const SourceSchema = z.strictObject({
  id: text.describe('Identifier referenced by nodes (sourceRefs)'),
  title: text,
  url: z.string().optional(),
  notes: z.string().optional(),
  status: z
    .enum(SOURCE_STATUSES)
    .describe(
      'confirmed = read in a primary/official source; derived = computed from confirmed facts; unconfirmed = secondary only; own = written by the instrument authors',
    ),
});
export type Source = z.infer<typeof SourceSchema>;

export const LevelSchema = z.strictObject({
  level: z.int().min(1).max(5),
  name: text,
  nameEn: z.string().optional(),
  meaning: text,
  meaningEn: z.string().optional(),
  status: z.string().optional(),
});

export const LevelModelSchema = z.strictObject({
  id: text,
  name: text,
  nameEn: z.string().optional(),
  appliesTo: z.string().optional(),
  levels: z.array(LevelSchema).length(5),
});
export type LevelModel = z.infer<typeof LevelModelSchema>;

export const PredicateBandSchema = z.strictObject({
  name: text,
  nameEn: z.string().optional(),
  min: DecimalInputSchema.describe('Lower bound, inclusive'),
  max: DecimalInputSchema.describe('Upper bound, exclusive, except for the band ending at scale.max'),
  notes: z.string().optional(),
});
export type PredicateBand = z.infer<typeof PredicateBandSchema>;

export const ApplicabilitySchema = z.union([z.literal('all'), z.array(UnitTypeSchema).min(1)]);
export type Applicability = z.infer<typeof ApplicabilitySchema>;

/** Fields every node has. `weight` is the node's share of the whole index (children sum to the parent). */
const nodeBaseShape = {
  code: text.describe('Stable code, unique within the instrument'),
  name: text,
  nameEn: z.string().optional(),
  nodeType: z
    .string()
    .optional()
    .describe('Display label of the tier, e.g. domain, aspek, dimensi, indikator'),
  description: z.string().optional(),
  weight: DecimalInputSchema,
  weightSource: z.string().optional().describe('Where this weight comes from'),
  aliases: z.array(z.string()).optional(),
  sourceRefs: z.array(z.string()).optional().describe('Ids of entries in `sources`'),
  notes: z.string().optional(),
};

const indicatorShape = {
  ...nodeBaseShape,
  levelModel: text.describe('Id of a level model'),
  criteria: z.array(text).length(5).describe('Level criteria for levels 1..5 (Bahasa Indonesia)'),
  criteriaEn: z.array(z.string()).length(5).optional(),
  criteriaSource: z.string().optional(),
  evidenceGuidance: z.string().optional().describe('What evidence supports a level (Bahasa Indonesia)'),
  applicability: ApplicabilitySchema.optional().describe('Unit types this indicator applies to; default all'),
  naAllowed: z.boolean().optional().describe('Whether "not applicable" may be answered; default false'),
};

export const MaturityIndicatorSchema = z.strictObject({ ...indicatorShape, kind: z.literal('maturity') });

export const METRIC_DIRECTIONS = ['higher-is-better', 'lower-is-better'] as const;
export const MetricIndicatorSchema = z.strictObject({
  ...indicatorShape,
  kind: z.literal('metric'),
  unit: text,
  direction: z.enum(METRIC_DIRECTIONS),
  thresholds: z
    .array(DecimalInputSchema)
    .length(4)
    .describe(
      'Four strictly increasing boundaries b1<b2<b3<b4. higher-is-better: level = 1 + number of b_i <= value. lower-is-better: level = 5 - number of b_i < value.',
    ),
  valueMin: DecimalInputSchema.optional().describe('Smallest valid measured value'),
  valueMax: DecimalInputSchema.optional().describe('Largest valid measured value'),
  thresholdSource: z.string().optional(),
});

export const IndicatorNodeSchema = z.discriminatedUnion('kind', [
  MaturityIndicatorSchema,
  MetricIndicatorSchema,
]);
export type MaturityIndicator = z.infer<typeof MaturityIndicatorSchema>;
export type MetricIndicator = z.infer<typeof MetricIndicatorSchema>;
export type IndicatorNode = z.infer<typeof IndicatorNodeSchema>;

export interface GroupNode {
  code: string;
  name: string;
  nameEn?: string | undefined;
  nodeType?: string | undefined;
  description?: string | undefined;
  weight: DecimalInput;
  weightSource?: string | undefined;
  aliases?: string[] | undefined;
  sourceRefs?: string[] | undefined;
  notes?: string | undefined;
  children: InstrumentNode[];
}
export type InstrumentNode = GroupNode | IndicatorNode;

export const GroupNodeSchema: z.ZodType<GroupNode> = z.strictObject({
  ...nodeBaseShape,
  get children() {
    return z.array(InstrumentNodeSchema).min(1);
  },
});
export const InstrumentNodeSchema: z.ZodType<InstrumentNode> = z.union([
  GroupNodeSchema,
  IndicatorNodeSchema,
]);

/** Group node with children left unchecked: the validator walks the tree itself for precise paths. */
export const GroupNodeShallowSchema = z.strictObject({
  ...nodeBaseShape,
  children: z.array(z.unknown()).min(1),
});

export const CrosswalkSchema = z.strictObject({
  fromVersion: text,
  map: z.record(z.string(), z.string()).describe('old indicator/node code -> new code in this version'),
  notes: z.string().optional(),
});

export const RoundingSchema = z.strictObject({
  decimals: z.int().min(0).max(6),
  mode: z.literal('half-up'),
  notes: z.string().optional(),
});

export const ScaleSchema = z.strictObject({ min: z.literal(1), max: z.literal(5) });

const instrumentShape = {
  $schema: z.string().optional(),
  code: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .describe('Instrument code, lower-case kebab, e.g. spbe-2020'),
  version: text.describe('Version label, e.g. "2020.1" or "1"'),
  title: text,
  titleEn: z.string().optional(),
  description: z.string().optional(),
  legalBasis: z.string().optional(),
  indexName: z.string().optional().describe('Name of the overall index, e.g. "Indeks SPBE"'),
  sources: z.array(SourceSchema),
  levelModels: z.array(LevelModelSchema).min(1),
  scale: ScaleSchema,
  totalWeight: DecimalInputSchema.describe('Declared sum of the top-level weights, e.g. 100'),
  rounding: RoundingSchema,
  predicateBands: z.array(PredicateBandSchema).min(1),
  crosswalk: CrosswalkSchema.optional(),
  notes: z.array(z.string()).optional(),
};

export const InstrumentSchema = z.strictObject({
  ...instrumentShape,
  nodes: z.array(InstrumentNodeSchema).min(1),
});
export type Instrument = z.infer<typeof InstrumentSchema>;

/** Instrument with nodes left unchecked (validated node by node). */
export const InstrumentShallowSchema = z.strictObject({
  ...instrumentShape,
  nodes: z.array(z.unknown()).min(1),
});

export function isGroup(node: InstrumentNode): node is GroupNode {
  return 'children' in node;
}
