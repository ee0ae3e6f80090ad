import { z } from 'zod';
import { ASSESSMENT_STATES, VERIFICATION_REASONS, VERIFICATION_STAGES } from '../../domain/workflow/index.js';
import { phaseDto } from '../cycles/cycles.schemas.js';

const decimalValue = z
  .union([
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, 'Nilai desimal, misalnya "12.5"'),
    z.number(),
  ])
  .transform((v) => String(v))
  .describe('decimal as a string (preferred) or number');

const expectedVersion = z
  .int()
  .min(0)
  .optional()
  .describe(
    'version the client last saw; 0 or absent for the first save. A mismatch gives 409 VERSION_CONFLICT with the current value',
  );

export const responseInput = z.strictObject({
  level: z.int().min(1).max(5).nullish().describe('maturity indicators: level 1–5'),
  notApplicable: z.boolean().optional().describe('only where the indicator allows it; needs a justification'),
  metricValue: decimalValue
    .nullish()
    .describe('metric indicators: the measured value, mapped to a level by thresholds'),
  justification: z.string().max(5000).nullish(),
  evidenceIds: z
    .array(z.uuid())
    .max(50)
    .optional()
    .describe(
      'evidence of the same unit; replaces the current links (the body is the whole answer: omitted = no evidence)',
    ),
  expectedVersion,
});
export type ResponseInput = z.infer<typeof responseInput>;

export const verificationInput = z.strictObject({
  level: z.int().min(1).max(5).nullish(),
  notApplicable: z.boolean().optional().describe('accept the not-applicable claim'),
  metricValue: decimalValue.nullish(),
  reasonCode: z.enum(VERIFICATION_REASONS),
  note: z.string().trim().max(5000).nullish(),
  stage: z.enum(VERIFICATION_STAGES),
  expectedVersion,
});
export type VerificationInput = z.infer<typeof verificationInput>;

export const returnInput = z.strictObject({
  indicators: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(500)
    .describe('indicator codes the unit must fix'),
  message: z.string().trim().min(5, 'Pesan minimal 5 karakter').max(5000),
});

export const reopenInput = z.strictObject({
  reason: z.string().trim().min(10, 'Alasan minimal 10 karakter').max(2000),
});

export const extensionInput = z.strictObject({
  until: z
    .string()
    .trim()
    .min(16)
    .max(40)
    .nullable()
    .describe('ISO-8601 date-time (WIB when no offset); null removes the extension'),
  reason: z.string().trim().min(5, 'Alasan minimal 5 karakter').max(2000),
});

export const commentInput = z.strictObject({
  indicatorCode: z.string().min(1).max(64),
  body: z.string().trim().min(1, 'Komentar tidak boleh kosong').max(5000),
});

export const commentsQuery = z.strictObject({ indicator: z.string().min(1).max(64).optional() });

export const assessmentIdParams = z.strictObject({ id: z.uuid() });
export const indicatorParams = z.strictObject({ id: z.uuid(), indicatorCode: z.string().min(1).max(64) });

const person = z.object({ id: z.uuid(), name: z.string() });

export const evidenceSummaryDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  title: z.string(),
  docType: z.string().nullable(),
  docDate: z.string().nullable(),
  validUntil: z.string().nullable(),
  url: z.string().nullable().describe('links only'),
  originalName: z.string().nullable(),
  mimeType: z.string().nullable().describe('files only: the content type detected at upload'),
  downloadUrl: z.string().nullable().describe('files only'),
  previewUrl: z
    .string()
    .nullable()
    .describe('files that can be shown inline (PDF, PNG, JPEG): GET it for the preview; null otherwise'),
});

export const responseDto = z.object({
  indicatorCode: z.string(),
  level: z.number().int().nullable().describe('for metric indicators: derived from metricValue'),
  notApplicable: z.boolean(),
  metricValue: z.string().nullable(),
  justification: z.string().nullable(),
  evidenceIds: z.array(z.uuid()),
  evidence: z.array(evidenceSummaryDto),
  needsConfirmation: z.boolean().describe('carried over from the previous cycle and not yet confirmed'),
  version: z.number().int(),
  updatedAt: z.date(),
  updatedBy: person.nullable(),
});
export type ResponseDto = z.infer<typeof responseDto>;

export const verificationDto = z.object({
  indicatorCode: z.string(),
  level: z.number().int().nullable(),
  notApplicable: z.boolean(),
  metricValue: z.string().nullable(),
  reasonCode: z.enum(VERIFICATION_REASONS),
  reasonLabel: z.string(),
  note: z.string().nullable(),
  stage: z.enum(VERIFICATION_STAGES),
  responseVersion: z.number().int().nullable(),
  stale: z.boolean().describe('the unit changed its answer after this verification'),
  version: z.number().int(),
  verifiedBy: person.nullable(),
  updatedAt: z.date(),
});
export type VerificationDto = z.infer<typeof verificationDto>;

export const progressDto = z.object({
  applicable: z.number().int(),
  answered: z.number().int(),
  notApplicable: z.number().int(),
  withEvidence: z.number().int(),
  evidenceRequired: z.number().int(),
  evidenceCovered: z.number().int(),
  needsConfirmation: z.number().int(),
  verified: z.number().int(),
});

export const snapshotSummaryDto = z.object({
  id: z.uuid(),
  indexValue: z.string().nullable(),
  predicate: z.string().nullable(),
  selfIndexValue: z.string().nullable(),
  selfPredicate: z.string().nullable(),
  inputsHash: z.string(),
  createdAt: z.date(),
});

export const unitRefDto = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  type: z.string(),
});

export const ASSESSMENT_ACTIONS = [
  'edit',
  'signoff',
  'submit',
  'verify',
  'return',
  'complete_verification',
  'finalize',
  'reopen',
  'comment',
  'extend',
] as const;

export const assessmentSummaryDto = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  state: z.enum(ASSESSMENT_STATES),
  stateLabel: z.string(),
  unit: unitRefDto,
  progress: progressDto,
  editDeadline: z.string().nullable().describe('ISO-8601 in WIB'),
  extended: z.boolean(),
  submittedAt: z.date().nullable(),
  verifiedAt: z.date().nullable(),
  finalizedAt: z.date().nullable(),
  assessors: z.array(person),
  snapshot: snapshotSummaryDto.nullable(),
});
export type AssessmentSummaryDto = z.infer<typeof assessmentSummaryDto>;

export const assessmentDetailDto = z.object({
  id: z.uuid(),
  state: z.enum(ASSESSMENT_STATES),
  stateLabel: z.string(),
  version: z.number().int(),
  cycle: z.object({
    id: z.uuid(),
    name: z.string(),
    status: z.string(),
    evidenceThreshold: z.number().int(),
    requireSignoff: z.boolean(),
    targetIndex: z.string().nullable(),
    phases: z.array(phaseDto),
  }),
  unit: unitRefDto,
  instrument: z.object({
    versionId: z.uuid(),
    code: z.string(),
    version: z.string(),
    title: z.string(),
    treeUrl: z.string().describe('GET it for the instrument tree to render'),
  }),
  editWindow: z.object({
    opensAt: z.string().nullable(),
    deadline: z.string().nullable(),
    extended: z.boolean(),
    open: z.boolean(),
  }),
  extension: z.object({ until: z.string(), reason: z.string().nullable() }).nullable(),
  returned: z.object({ indicators: z.array(z.string()), message: z.string().nullable() }),
  submittedAt: z.date().nullable(),
  submittedBy: person.nullable(),
  signoff: z.object({ at: z.date(), by: person.nullable(), valid: z.boolean() }).nullable(),
  verifiedAt: z.date().nullable(),
  finalizedAt: z.date().nullable(),
  snapshot: snapshotSummaryDto.nullable(),
  progress: progressDto,
  assessors: z.array(person),
  applicableIndicators: z.array(z.string()),
  editableIndicators: z.array(z.string()).describe('indicators the signed-in user may answer now'),
  responses: z.array(responseDto),
  verifications: z.array(verificationDto),
  commentCounts: z.record(z.string(), z.number().int()),
  allowedActions: z.array(z.enum(ASSESSMENT_ACTIONS)).describe('what the signed-in user may do now'),
});
export type AssessmentDetailDto = z.infer<typeof assessmentDetailDto>;

export const instrumentTreeDto = z.object({
  instrumentVersionId: z.uuid(),
  code: z.string(),
  version: z.string(),
  title: z.string(),
  contentHash: z.string(),
  unitType: z.string(),
  applicableIndicators: z.array(z.string()),
  content: z
    .record(z.string(), z.unknown())
    .describe('the whole instrument document (tree, criteria, level models, bands)'),
});

export const commentDto = z.object({
  id: z.number().int(),
  indicatorCode: z.string(),
  body: z.string(),
  author: person,
  authorIsAssessor: z.boolean(),
  createdAt: z.date(),
});

export const historyDto = z.object({
  indicatorCode: z.string(),
  entries: z.array(
    z.object({
      at: z.date(),
      actorId: z.string().nullable(),
      actorEmail: z.string().nullable(),
      actorName: z.string().nullable().describe('display name of the actor; null for system entries'),
      action: z.string(),
      ledger: z.enum(['response', 'verification']),
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
});

export const reasonCatalogueDto = z.object({
  reasons: z.array(
    z.object({
      code: z.enum(VERIFICATION_REASONS),
      label: z.string(),
      labelEn: z.string(),
      description: z.string(),
    }),
  ),
  stages: z.array(z.object({ code: z.enum(VERIFICATION_STAGES), label: z.string(), labelEn: z.string() })),
});
