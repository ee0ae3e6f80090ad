import { z } from 'zod';
import { UNIT_TYPES } from '../../domain/units.js';

export const unitCode = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'Kode hanya boleh huruf, angka, titik, garis bawah dan tanda hubung (maks. 64)',
  );

const decimalCoord = (min: number, max: number, label: string) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d+(\.\d+)?$/, `${label} harus berupa angka desimal, mis. -0.0263`),
    ])
    .transform(String)
    .refine((v) => Number(v) >= min && Number(v) <= max, `${label} harus antara ${min} dan ${max}`);

export const unitInput = z.strictObject({
  code: unitCode,
  name: z.string().trim().min(2, 'Nama minimal 2 karakter').max(200),
  shortName: z.string().trim().max(40).nullish(),
  type: z.enum(UNIT_TYPES, { message: `Jenis unit harus salah satu dari: ${UNIT_TYPES.join(', ')}` }),
  parentCode: unitCode.nullish(),
  active: z.boolean().default(true),
  address: z.string().trim().max(300).nullish(),
  latitude: decimalCoord(-90, 90, 'Lintang').nullish(),
  longitude: decimalCoord(-180, 180, 'Bujur').nullish(),
});
export type UnitInput = z.infer<typeof unitInput>;

export const unitPatch = unitInput.partial().omit({ code: true });
export type UnitPatch = z.infer<typeof unitPatch>;

export const unitDto = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  type: z.string(),
  parentId: z.uuid().nullable(),
  parentCode: z.string().nullable(),
  depth: z.number().int(),
  active: z.boolean(),
  address: z.string().nullable(),
  latitude: z.string().nullable(),
  longitude: z.string().nullable(),
});
export type UnitDto = z.infer<typeof unitDto>;

export const unitListQuery = z.strictObject({
  root: z.string().optional().describe('code of a unit: only its subtree'),
  type: z.enum(UNIT_TYPES).optional(),
  q: z.string().trim().max(100).optional(),
  active: z.enum(['true', 'false']).optional(),
});

export const unitIdParams = z.strictObject({ id: z.uuid() });

export const spreadsheetFormat = z.enum(['csv', 'xlsx']);

export const unitImportQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .describe('true: validate and preview only, write nothing'),
  format: spreadsheetFormat.optional().describe('declared format; the content decides and must agree'),
});

export const unitImportRowError = z.object({
  row: z.number().int().describe('spreadsheet row number; the header is row 1'),
  column: z.string().nullable().describe('the header name as written in the file'),
  message: z.string(),
  messageEn: z.string(),
});

export const unitImportResult = z.object({
  dryRun: z.boolean(),
  summary: z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int() }),
  rows: z.array(
    z.object({
      row: z.number().int(),
      code: z.string(),
      action: z.enum(['create', 'update', 'unchanged']),
      changes: z.array(z.string()).describe('columns that change (update only)'),
    }),
  ),
});
export type UnitImportResult = z.infer<typeof unitImportResult>;

export const unitExportQuery = z.strictObject({
  format: spreadsheetFormat.default('csv'),
  root: z.string().trim().optional().describe('code of a unit: only its subtree'),
});
