import { z } from 'zod';
import { UNIT_TYPES } from '../../domain/units.js';
import { CYCLE_PHASES, CYCLE_STATUSES } from '../../domain/workflow/index.js';
import { unitCode } from '../units/units.schemas.js';

const dateTime = z
  .string()
  .trim()
  .min(16)
  .max(40)
  .describe('ISO-8601 date-time; with an offset (e.g. 2026-03-31T23:59:00+07:00) or without (read as WIB)');

export const phaseInput = z.strictObject({
  phase: z.enum(CYCLE_PHASES),
  startsAt: dateTime,
  endsAt: dateTime,
});

const targetIndex = z
  .string()
  .trim()
  .regex(
    /^[1-5](\.\d{1,4})?$/,
    'Target indeks berupa desimal 1–5 dengan maksimal 4 angka di belakang titik, misalnya "2.60"',
  )
  .refine((v) => Number(v) <= 5, 'Target indeks maksimal 5');

export const assessorAssignment = z.strictObject({
  unitCode,
  userIds: z.array(z.uuid()).max(20).describe('assessors of this unit (replaces the current set)'),
});

export const cycleInput = z.strictObject({
  name: z.string().trim().min(3, 'Nama minimal 3 karakter').max(200),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  instrumentVersionId: z.uuid().describe('a published instrument version'),
  scopeUnitCode: unitCode.describe('root of the subtree in scope (e.g. the Pemda)'),
  scopeUnitTypes: z
    .array(z.enum(UNIT_TYPES))
    .max(UNIT_TYPES.length)
    .default([])
    .describe('only these unit types; empty = every type except provinsi/kabupaten/kota'),
  includeNestedPemda: z
    .boolean()
    .default(false)
    .describe('also units of kabupaten/kota nested under the scope root'),
  phases: z.array(phaseInput).min(1).max(CYCLE_PHASES.length),
  targetIndex: targetIndex.nullish(),
  evidenceThreshold: z
    .int()
    .min(1)
    .max(6)
    .default(2)
    .describe('levels at or above need evidence (6 = never)'),
  requireSignoff: z.boolean().default(false),
  previousCycleId: z.uuid().nullish().describe('carry answers over from this cycle when opening'),
  assessors: z.array(assessorAssignment).max(2000).optional(),
});
export type CycleInput = z.infer<typeof cycleInput>;

export const cyclePatch = z.strictObject({
  name: cycleInput.shape.name.optional(),
  periodStart: z.iso.date().optional(),
  periodEnd: z.iso.date().optional(),
  instrumentVersionId: z.uuid().optional().describe('draft cycles only'),
  scopeUnitTypes: z.array(z.enum(UNIT_TYPES)).max(UNIT_TYPES.length).optional().describe('draft cycles only'),
  includeNestedPemda: z.boolean().optional().describe('draft cycles only'),
  phases: z.array(phaseInput).min(1).max(CYCLE_PHASES.length).optional(),
  targetIndex: targetIndex.nullable().optional(),
  evidenceThreshold: z.int().min(1).max(6).optional().describe('draft cycles only'),
  requireSignoff: z.boolean().optional().describe('draft cycles only'),
  previousCycleId: z.uuid().nullable().optional().describe('draft cycles only'),
});
export type CyclePatch = z.infer<typeof cyclePatch>;

export const assessorsInput = z.strictObject({ assignments: z.array(assessorAssignment).min(1).max(2000) });

export const phaseDto = z.object({
  phase: z.enum(CYCLE_PHASES),
  label: z.string(),
  startsAt: z.string().describe('ISO-8601 in WIB (+07:00)'),
  endsAt: z.string(),
});

const personDto = z.object({ id: z.uuid(), name: z.string() });

export const cycleDto = z.object({
  id: z.uuid(),
  name: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  status: z.enum(CYCLE_STATUSES),
  statusLabel: z.string(),
  instrument: z.object({ id: z.uuid(), code: z.string(), version: z.string(), title: z.string() }),
  scopeUnit: z.object({ id: z.uuid(), code: z.string(), name: z.string() }),
  scopeUnitTypes: z.array(z.string()),
  includeNestedPemda: z.boolean(),
  phases: z.array(phaseDto),
  currentPhase: z.enum(CYCLE_PHASES).nullable(),
  targetIndex: z.string().nullable(),
  evidenceThreshold: z.number().int(),
  requireSignoff: z.boolean(),
  previousCycleId: z.uuid().nullable(),
  openedAt: z.date().nullable(),
  publishedAt: z.date().nullable(),
  createdAt: z.date(),
  assessmentCount: z.number().int(),
  stateCounts: z.record(z.string(), z.number().int()).describe('assessments per state'),
  canManage: z.boolean().describe('the actor may edit, open, assign and publish this cycle'),
});
export type CycleDto = z.infer<typeof cycleDto>;

export const cycleUnitDto = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  type: z.string(),
  assessmentId: z.uuid().nullable(),
  state: z.string().nullable(),
  assessors: z.array(personDto),
});

export const cycleDetailDto = cycleDto.extend({
  units: z.array(cycleUnitDto).describe('units in scope (before opening: as they would be opened)'),
});
export type CycleDetailDto = z.infer<typeof cycleDetailDto>;

export const assessorsDto = z.object({
  units: z.array(cycleUnitDto),
  candidates: z.array(z.object({ id: z.uuid(), name: z.string(), email: z.string(), unitCode: z.string() })),
});

export const openResultDto = z.object({
  cycle: cycleDto,
  created: z.number().int(),
  carriedAnswers: z.number().int(),
});

export const publishBlockedDto = z.object({
  assessmentId: z.uuid(),
  unitCode: z.string(),
  unitName: z.string(),
  state: z.string(),
});

export const cycleIdParams = z.strictObject({ id: z.uuid() });
