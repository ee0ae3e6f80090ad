import { z } from 'zod';

const decimal = z.string().describe('exact decimal as text, e.g. "2.55"');
const display = z.string().describe('exact quantity shown with 4 decimals (half-up), e.g. "0.0400"');

export const idParams = z.strictObject({ id: z.uuid() });

export const trendResponse = z.object({
  cycle: z.object({ id: z.uuid(), name: z.string(), targetIndex: decimal.nullable() }),
  instrument: z.object({ code: z.string(), decimals: z.number().int() }),
  cycles: z
    .array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        periodEnd: z.string(),
        unitCount: z.number().int().describe('final units the caller sees'),
        mean: decimal.nullable(),
        median: decimal.nullable(),
      }),
    )
    .describe('cycles on the same instrument up to this one, oldest first'),
  units: z.array(
    z.object({
      id: z.uuid(),
      code: z.string(),
      name: z.string(),
      shortName: z.string().nullable(),
      type: z.string(),
      values: z
        .array(z.object({ index: decimal.nullable(), predicate: z.string().nullable() }))
        .describe('one entry per cycle, in the order of `cycles`'),
    }),
  ),
});

const ledgerSelf = z.object({
  level: z.number().int().nullable(),
  notApplicable: z.boolean(),
  metricValue: z.string().nullable(),
  justification: z.string().nullable(),
  evidenceCount: z.number().int(),
});

const ledgerVerified = z.object({
  level: z.number().int().nullable(),
  notApplicable: z.boolean(),
  metricValue: z.string().nullable(),
  reasonCode: z.string().nullable(),
  reasonLabel: z.string().nullable(),
  note: z.string().nullable(),
  stage: z.string().nullable(),
  stageLabel: z.string().nullable(),
  verifiedBy: z.string().nullable().describe('name of the assessor'),
  verifiedAt: z.date().nullable(),
});

const evidenceItem = z.object({
  id: z.uuid(),
  title: z.string(),
  kind: z.string(),
  docType: z.string().nullable(),
  docDate: z.string().nullable(),
  validUntil: z.string().nullable(),
  url: z.string().nullable(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  originalName: z.string().nullable(),
});

export const unitResultResponse = z.object({
  cycle: z.object({
    id: z.uuid(),
    name: z.string(),
    status: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    targetIndex: decimal.nullable(),
  }),
  instrument: z.object({
    code: z.string(),
    version: z.string(),
    title: z.string(),
    indexName: z.string().nullable(),
    contentHash: z.string(),
    decimals: z.number().int(),
    bands: z.array(z.object({ name: z.string(), min: z.string(), max: z.string() })),
    domains: z.array(z.object({ code: z.string(), name: z.string(), weight: z.string() })),
  }),
  unit: z.object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    shortName: z.string().nullable(),
    type: z.string(),
  }),
  assessment: z.object({
    id: z.uuid(),
    state: z.string(),
    stateLabel: z.string(),
    final: z.boolean().describe('true: values from the frozen score snapshot; false: provisional'),
    finalizedAt: z.date().nullable(),
    snapshotHash: z.string().nullable(),
  }),
  result: z.object({
    selfIndex: decimal.nullable(),
    verifiedIndex: decimal.nullable(),
    predicate: z.string().nullable(),
    rank: z.number().int().nullable(),
    rankedCount: z.number().int(),
    previousIndex: decimal.nullable(),
    change: decimal.nullable(),
    gap: decimal.nullable().describe('self − verified; positive = over-claiming'),
    evidenceCompleteness: decimal.nullable(),
    verificationCoverage: decimal.nullable(),
    belowTarget: z.boolean(),
    inBottomQuartile: z.boolean(),
    domains: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        index: decimal.nullable(),
        selfIndex: decimal.nullable(),
      }),
    ),
  }),
  cycleDomainMeans: z.array(z.object({ code: z.string(), name: z.string(), index: decimal.nullable() })),
  receipt: z
    .object({
      formula: z.string(),
      index: display.nullable(),
      reported: decimal.nullable(),
      predicate: z.string().nullable(),
      targetIndex: decimal.nullable(),
      targetLevel: z.number().int().describe('level every indicator is measured against for lostVsTarget'),
      gapToTarget: display.nullable().describe('target − index; ≤ 0 means reached'),
      totals: z.object({ points: display, lostVsMax: display, lostVsTarget: display }),
      planToTarget: z
        .array(
          z.object({
            code: z.string(),
            name: z.string(),
            fromLevel: z.number().int(),
            toLevel: z.number().int(),
            gain: display,
          }),
        )
        .nullable()
        .describe('fewest level steps that lift the reported index to the target; null without target'),
    })
    .nullable()
    .describe('null while nothing is verified'),
  nodes: z
    .array(
      z.object({
        code: z.string(),
        name: z.string(),
        depth: z.number().int().describe('1 = domain'),
        parentCode: z.string().nullable(),
        kind: z.enum(['group', 'maturity', 'metric']),
        weight: z.string(),
        status: z.string().nullable(),
        index: decimal.nullable().describe('verified index of the node'),
        selfIndex: decimal.nullable(),
        effectiveShare: display.nullable().describe('share of the whole index after NA renormalisation'),
        points: display.nullable().describe('index points contributed'),
        lostVsMax: display.nullable(),
        lostVsTarget: display.nullable(),
        indicator: z
          .object({
            metricUnit: z.string().nullable(),
            applicable: z.boolean(),
            criteria: z.array(z.string()),
            self: ledgerSelf.nullable(),
            verified: ledgerVerified.nullable(),
            evidence: z.array(evidenceItem),
          })
          .nullable()
          .describe('indicators only'),
      }),
    )
    .describe('every instrument node in pre-order (domains, aspects, indicators)'),
  recommendations: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      domainName: z.string(),
      level: z.number().int(),
      nextLevel: z.number().int(),
      criterion: z.string(),
      gain: display,
      neededForTarget: z.boolean(),
    }),
  ),
  history: z
    .array(
      z.object({
        cycleId: z.uuid(),
        cycleName: z.string(),
        periodEnd: z.string(),
        index: decimal.nullable(),
        predicate: z.string().nullable(),
        cycleMean: decimal.nullable().describe('mean over the final units the caller sees'),
      }),
    )
    .describe('the unit’s final index in every cycle on the same instrument up to this one'),
});
