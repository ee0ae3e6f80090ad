import { z } from 'zod';

const decimal = z.string().describe('exact decimal as text, e.g. "2.55"');

export const cycleParams = z.strictObject({ id: z.uuid() });

const domainIndex = z.object({ code: z.string(), name: z.string(), index: decimal.nullable() });

export const unitResult = z.object({
  assessmentId: z.uuid(),
  unit: z.object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    shortName: z.string().nullable(),
    type: z.string(),
  }),
  state: z.string(),
  final: z.boolean().describe('true: from the frozen score snapshot; false: provisional, computed live'),
  snapshotHash: z.string().nullable(),
  selfIndex: decimal.nullable(),
  verifiedIndex: decimal.nullable(),
  predicate: z.string().nullable(),
  rank: z.number().int().nullable(),
  domains: z.array(domainIndex),
  previousIndex: decimal.nullable(),
  change: decimal.nullable(),
  gap: decimal.nullable().describe('self − verified; positive = over-claiming'),
  evidenceCompleteness: decimal.nullable(),
  verificationCoverage: decimal.nullable(),
  belowTarget: z.boolean(),
  inBottomQuartile: z.boolean(),
});

export const method = z.object({
  instrument: z.object({ code: z.string(), version: z.string(), title: z.string(), contentHash: z.string() }),
  indexName: z.string().nullable(),
  legalBasis: z.string().nullable(),
  formula: z.string(),
  rounding: z.object({ decimals: z.number().int(), mode: z.string() }),
  predicateBands: z.array(z.record(z.string(), z.unknown())),
  domains: z.array(z.object({ code: z.string(), name: z.string(), weight: z.string() })),
  sources: z.array(z.record(z.string(), z.unknown())),
});

export const aggregate = z.object({
  unitCount: z.number().int(),
  finalCount: z.number().int(),
  meanIndex: decimal.nullable(),
  medianIndex: decimal.nullable(),
  meanGap: decimal.nullable(),
  overClaimingUnits: z.number().int(),
  predicateDistribution: z.array(z.object({ predicate: z.string(), count: z.number().int() })),
  stateCounts: z.record(z.string(), z.number().int()),
});

export const cycleResults = z.object({
  cycle: z.object({
    id: z.uuid(),
    name: z.string(),
    status: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    targetIndex: decimal.nullable(),
    previousCycleId: z.uuid().nullable(),
  }),
  method,
  aggregate,
  units: z.array(unitResult),
});

export const laggardsResponse = z.object({
  cycle: z.object({ id: z.uuid(), name: z.string(), status: z.string(), targetIndex: decimal.nullable() }),
  items: z.array(
    unitResult.extend({
      reasons: z.array(z.enum(['below_target', 'bottom_quartile'])),
      holdingBack: z.array(
        z.object({
          code: z.string(),
          name: z.string(),
          level: z.number().int().nullable(),
          lostPoints: decimal,
        }),
      ),
      planToTarget: z
        .array(z.object({ code: z.string(), fromLevel: z.number().int(), toLevel: z.number().int() }))
        .nullable(),
    }),
  ),
});

export const publicResults = z.object({
  cycle: z.object({
    id: z.uuid(),
    name: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    publishedAt: z.date().nullable(),
  }),
  method,
  aggregate,
  units: z.array(
    z.object({
      unit: z.object({
        code: z.string(),
        name: z.string(),
        shortName: z.string().nullable(),
        type: z.string(),
      }),
      index: decimal.nullable(),
      predicate: z.string().nullable(),
      rank: z.number().int().nullable(),
      domains: z.array(domainIndex),
      change: decimal.nullable(),
      snapshotHash: z.string().nullable(),
    }),
  ),
});
