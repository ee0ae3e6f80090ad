import { z } from 'zod';

export const publicCycleDto = z.object({
  id: z.uuid(),
  name: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  publishedAt: z.date().nullable(),
  targetIndex: z.string().nullable(),
  instrument: z.object({ code: z.string(), version: z.string(), title: z.string() }),
  scope: z.object({ code: z.string(), name: z.string() }),
  unitCount: z.number().int(),
  resultsUrl: z.string(),
});

export const publicResultsDto = z.object({
  cycle: publicCycleDto,
  method: z.object({
    instrument: z.object({
      code: z.string(),
      version: z.string(),
      title: z.string(),
      indexName: z.string().nullable(),
      description: z.string().nullable(),
      legalBasis: z.string().nullable(),
      contentHash: z.string().describe('SHA-256 of the published instrument version'),
    }),
    formula: z.string(),
    scale: z.object({ min: z.number(), max: z.number() }),
    rounding: z.object({ decimals: z.number().int(), mode: z.string() }),
    predicateBands: z.array(
      z.object({ name: z.string(), nameEn: z.string().nullable(), min: z.string(), max: z.string() }),
    ),
    domains: z.array(z.object({ code: z.string(), name: z.string(), weight: z.string() })),
    sources: z.array(
      z.object({ id: z.string(), title: z.string(), url: z.string().nullable(), status: z.string() }),
    ),
  }),
  units: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      shortName: z.string().nullable(),
      type: z.string(),
      index: z.string().nullable(),
      predicate: z.string().nullable(),
      rank: z
        .number()
        .int()
        .nullable()
        .describe('Rank by verified index among the published units; ties share a rank'),
      change: z.string().nullable().describe('Index change since the previous cycle on the same instrument'),
      domains: z.array(
        z.object({
          code: z.string(),
          name: z.string(),
          index: z.string().nullable(),
          predicate: z.string().nullable(),
        }),
      ),
      inputsHash: z.string().describe('SHA-256 of the frozen score inputs'),
      finalizedAt: z.date(),
    }),
  ),
});

export const publicCycleParams = z.strictObject({ id: z.uuid() });
