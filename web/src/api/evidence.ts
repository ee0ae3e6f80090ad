import { type UploadOptions, uploadForm } from '../lib/api';

/** GET /api/evidence/:id and POST /api/evidence (src/modules/evidence/evidence.schemas.ts `evidenceDto`). */
export interface EvidenceDetail {
  id: string;
  unitId: string;
  unitCode: string;
  kind: 'file' | 'link';
  title: string;
  docType: string | null;
  docDate: string | null;
  validUntil: string | null;
  expired: boolean;
  url: string | null;
  sha256: string | null;
  sizeBytes: number | null;
  mimeType: string | null;
  originalName: string | null;
  uploadedByName: string | null;
  createdAt: string;
  downloadUrl: string | null;
  /** Inline view (PDF, PNG, JPEG only). */
  previewUrl: string | null;
  indicatorCodes: string[];
}

export interface EvidenceCreated extends EvidenceDetail {
  /** The same file was already in the unit's library: this is that item. */
  duplicate: boolean;
}

export interface UploadFields {
  unitCode: string;
  title?: string;
  docType?: string;
  /** YYYY-MM-DD */
  docDate?: string;
}

/** What the server accepts (decided from the content; this only guides the file picker). */
export const EVIDENCE_ACCEPT =
  '.pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.odt,.ods,application/pdf,image/png,image/jpeg';

/** Multipart upload with progress: the fields first, the file as the last part (the server requires it). */
export function uploadEvidence(fields: UploadFields, file: File, opts: UploadOptions = {}) {
  const form = new FormData();
  form.append('unitCode', fields.unitCode);
  if (fields.title?.trim()) form.append('title', fields.title.trim());
  if (fields.docType?.trim()) form.append('docType', fields.docType.trim());
  if (fields.docDate) form.append('docDate', fields.docDate);
  form.append('file', file, file.name);
  return uploadForm<EvidenceCreated>('/api/evidence', form, opts);
}

export type PreviewKind = 'pdf' | 'image' | null;

export const previewKindOf = (mimeType: string | null | undefined): PreviewKind =>
  mimeType === 'application/pdf'
    ? 'pdf'
    : mimeType === 'image/png' || mimeType === 'image/jpeg'
      ? 'image'
      : null;
