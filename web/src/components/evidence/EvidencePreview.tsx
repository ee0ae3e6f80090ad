import { Anchor, Stack, Text } from '@mantine/core';
import type { EvidenceSummary } from '../../api/assessments';
import { previewKindOf } from '../../api/evidence';
import { useI18n } from '../../i18n';

type Previewable = Pick<
  EvidenceSummary,
  'id' | 'title' | 'mimeType' | 'previewUrl' | 'downloadUrl' | 'originalName'
>;

/**
 * One evidence file shown inline: a PDF in an <object> (with a download link as its fallback
 * where the browser has no PDF viewer), a PNG/JPEG as an image, anything else as a download.
 * The server says what can be previewed: the item's `previewUrl` (GET /api/evidence/:id/preview,
 * sandboxed, same origin) and its detected `mimeType`, both in the assessment's evidence summary,
 * so nothing more is fetched until the file itself is shown.
 */
export function EvidencePreview({ evidence: e }: { evidence: Previewable }) {
  const { t } = useI18n();
  const kind = e.previewUrl ? previewKindOf(e.mimeType) : null;
  const download = e.downloadUrl && (
    <Anchor href={e.downloadUrl} size="sm" download>
      {t.work.preview.download}
      {e.originalName ? ` (${e.originalName})` : ''}
    </Anchor>
  );
  return (
    <Stack gap={4} data-testid={`evidence-preview-${e.id}`}>
      {kind === 'pdf' && (
        <object
          data={e.previewUrl!}
          type="application/pdf"
          title={t.work.preview.frameTitle(e.title)}
          aria-label={t.work.preview.frameTitle(e.title)}
          style={{
            width: '100%',
            height: 'min(70vh, 36rem)',
            border: '1px solid var(--mantine-color-gray-4)',
          }}
          data-testid="pdf-preview"
        >
          <Text size="sm">{t.work.preview.fallback}</Text>
          {download}
        </object>
      )}
      {kind === 'image' && (
        <img
          src={e.previewUrl!}
          alt={t.work.preview.imageAlt(e.title)}
          style={{ maxWidth: '100%', height: 'auto', border: '1px solid var(--mantine-color-gray-4)' }}
          data-testid="image-preview"
        />
      )}
      {kind === null && <Text size="sm">{t.work.preview.unavailable}</Text>}
      {download}
    </Stack>
  );
}
