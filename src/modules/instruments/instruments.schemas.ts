import { z } from 'zod';

export const versionMeta = z.object({
  id: z.uuid(),
  code: z.string(),
  version: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'published', 'retired']),
  builtin: z.boolean(),
  contentHash: z.string(),
  previousVersionId: z.uuid().nullable(),
  publishedAt: z.date().nullable(),
  retiredAt: z.date().nullable(),
  createdAt: z.date(),
});
export type VersionMeta = z.infer<typeof versionMeta>;

export const instrumentSummary = z.object({
  code: z.string(),
  title: z.string(),
  versions: z.array(versionMeta),
});

export const versionDetail = versionMeta.extend({
  /** The whole instrument document: tree, weights, criteria, level models, bands, sources. */
  content: z.record(z.string(), z.unknown()),
  indicatorCount: z.number().int(),
});

export const versionParams = z.strictObject({
  code: z.string().min(1).max(64),
  version: z.string().min(1).max(64),
});
export const versionIdParams = z.strictObject({ id: z.uuid() });

export const importQuery = z.strictObject({
  format: z.enum(['json', 'yaml', 'xlsx']).optional().describe('default: from Content-Type'),
  replaceDraft: z
    .enum(['true', 'false'])
    .default('false')
    .describe('replace an existing draft of the same version'),
});

export const exportQuery = z.strictObject({ format: z.enum(['json', 'yaml', 'xlsx']).default('json') });

export const answerValue = z.union([z.number(), z.string().trim().min(1).max(40)]);

export const scoreBody = z.strictObject({
  instrument: z.string().min(1).max(64),
  version: z.string().min(1).max(64).optional().describe('default: the latest published version'),
  answers: z.union([
    z.record(z.string(), answerValue),
    z.array(z.strictObject({ code: z.string(), value: answerValue })).max(10_000),
  ]),
  partial: z.boolean().default(false),
  unitType: z.string().optional(),
  targetIndex: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
  targetLevel: z.number().int().min(1).max(5).optional(),
});
