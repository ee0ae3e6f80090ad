import { fileTypeFromFile } from 'file-type';

/**
 * The file types a unit may upload as evidence, decided from the content (magic bytes; for
 * OOXML and ODF the entries inside the zip), never from the name or the browser's claim.
 * `extensions`: the preferred extension first, then others that also fit.
 */
export const ALLOWED_TYPES = [
  { mime: 'application/pdf', extensions: ['pdf'], label: 'PDF', preview: true },
  { mime: 'image/png', extensions: ['png'], label: 'PNG', preview: true },
  { mime: 'image/jpeg', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], label: 'JPEG', preview: true },
  {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'DOCX',
    preview: false,
  },
  {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'XLSX',
    preview: false,
  },
  {
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'PPTX',
    preview: false,
  },
  { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'ODT', preview: false },
  {
    mime: 'application/vnd.oasis.opendocument.spreadsheet',
    extensions: ['ods'],
    label: 'ODS',
    preview: false,
  },
] as const;

export type AllowedType = (typeof ALLOWED_TYPES)[number];

export const ALLOWED_LABELS = ALLOWED_TYPES.map((t) => t.label).join(', ');

export const typeByMime = (mime: string | null | undefined): AllowedType | undefined =>
  ALLOWED_TYPES.find((t) => t.mime === mime);

/** Sniffs a stored file: the allowed type it is, or the detected (disallowed) mime, or nothing. */
export async function detectFileType(
  file: string,
): Promise<{ allowed: AllowedType } | { allowed: undefined; detected: string | undefined }> {
  const found = await fileTypeFromFile(file);
  const allowed = typeByMime(found?.mime);
  return allowed ? { allowed } : { allowed: undefined, detected: found?.mime };
}
