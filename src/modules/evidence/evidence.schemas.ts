import { z } from 'zod';
import { unitCode } from '../units/units.schemas.js';

/** Form fields arrive as strings; an empty field means "not given". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const isoDate = (label: string) => z.iso.date(`${label} harus berformat YYYY-MM-DD`);
const title = z.string().trim().min(1, 'Judul wajib diisi').max(300, 'Judul maksimal 300 karakter');
const docType = z.string().trim().min(1).max(100, 'Jenis dokumen maksimal 100 karakter');

export const EVIDENCE_KINDS = ['file', 'link'] as const;

/** http(s) only: javascript:, data:, file: and friends are refused; no embedded credentials. */
export const evidenceUrl = z
  .string()
  .trim()
  .max(2048, 'Tautan maksimal 2048 karakter')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (
        (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname && !u.username && !u.password
      );
    } catch {
      return false;
    }
  }, 'Tautan harus alamat http:// atau https:// yang valid (tanpa nama pengguna/kata sandi)');

const datesInOrder = (v: { docDate?: string | null; validUntil?: string | null }) =>
  !v.docDate || !v.validUntil || v.validUntil >= v.docDate;
const datesIssue = { message: 'Berlaku sampai tidak boleh sebelum tanggal dokumen', path: ['validUntil'] };

const unitRefProvided = (v: { unitId?: string; unitCode?: string }) => !!v.unitId !== !!v.unitCode;
const unitRefIssue = { message: 'Isi salah satu: unitId atau unitCode', path: ['unitId'] };

/** Multipart fields that must precede the `file` part. `title` defaults to the file name. */
export const fileUploadFields = z
  .strictObject({
    unitId: optional(z.uuid('unitId harus UUID')),
    unitCode: optional(unitCode),
    title: optional(title),
    docType: optional(docType),
    docDate: optional(isoDate('Tanggal dokumen')),
    validUntil: optional(isoDate('Berlaku sampai')),
  })
  .refine(unitRefProvided, unitRefIssue)
  .refine(datesInOrder, datesIssue);
export type FileUploadFields = z.infer<typeof fileUploadFields>;

/** JSON body registering a link as evidence. */
export const linkInput = z
  .strictObject({
    kind: z.literal('link'),
    unitId: z.uuid('unitId harus UUID').optional(),
    unitCode: unitCode.optional(),
    url: evidenceUrl,
    title,
    docType: docType.nullish(),
    docDate: isoDate('Tanggal dokumen').nullish(),
    validUntil: isoDate('Berlaku sampai').nullish(),
  })
  .refine(unitRefProvided, unitRefIssue)
  .refine(datesInOrder, datesIssue);
export type LinkInput = z.infer<typeof linkInput>;

export const evidencePatch = z
  .strictObject({
    title: title.optional(),
    docType: docType.nullable().optional(),
    docDate: isoDate('Tanggal dokumen').nullable().optional(),
    validUntil: isoDate('Berlaku sampai').nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Tidak ada perubahan yang dikirim');
export type EvidencePatch = z.infer<typeof evidencePatch>;

export const evidenceUsage = z.object({
  assessmentId: z.uuid(),
  cycleId: z.uuid(),
  cycleName: z.string(),
  indicatorCode: z.string(),
});
export type EvidenceUsage = z.infer<typeof evidenceUsage>;

export const evidenceDto = z.object({
  id: z.uuid(),
  unitId: z.uuid(),
  unitCode: z.string(),
  kind: z.enum(EVIDENCE_KINDS),
  title: z.string(),
  docType: z.string().nullable(),
  docDate: z.string().nullable(),
  validUntil: z.string().nullable(),
  /** validUntil lies before today (WIB). */
  expired: z.boolean(),
  url: z.string().nullable(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  mimeType: z.string().nullable(),
  /** Sanitised at upload; the name downloads carry. */
  originalName: z.string().nullable(),
  uploadedBy: z.uuid().nullable(),
  uploadedByName: z.string().nullable(),
  createdAt: z.date(),
  downloadUrl: z.string().nullable(),
  /** Inline view (PDF, PNG, JPEG only). */
  previewUrl: z.string().nullable(),
  /** Indicator codes this item backs in any assessment. */
  indicatorCodes: z.array(z.string()),
  usedBy: z.array(evidenceUsage),
});
export type EvidenceDto = z.infer<typeof evidenceDto>;

export const evidenceCreatedDto = evidenceDto.extend({
  /** True when the same file already was in the unit's library: this is that item. */
  duplicate: z.boolean(),
});
export type EvidenceCreatedDto = z.infer<typeof evidenceCreatedDto>;

export const evidenceListQuery = z.strictObject({
  q: z.string().trim().max(100).optional().describe('searches title, file name and URL'),
  docType: z.string().trim().max(100).optional(),
  kind: z.enum(EVIDENCE_KINDS).optional(),
  expired: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});
export type EvidenceListQuery = z.infer<typeof evidenceListQuery>;

export const evidenceIdParams = z.strictObject({ id: z.uuid() });
export const unitEvidenceParams = z.strictObject({
  unitId: z.string().trim().min(1).max(64).describe('unit id (UUID) or unit code'),
});
