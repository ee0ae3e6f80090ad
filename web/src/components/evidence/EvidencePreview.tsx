import { Anchor, Loader, Stack, Text } from '@mantine/core';
import { previewKindOf, useEvidenceDetail } from '../../api/evidence';
import { useI18n } from '../../i18n';
import { QueryError } from '../QueryError';

/**
 * One evidence file shown inline: a PDF in an <object> (with a download link as its fallback
 * where the browser has no PDF viewer), a PNG/JPEG as an image, anything else as a download.
 * Served by GET /api/evidence/:id/preview (sandboxed, same origin).
 */
export function EvidencePreview({ evidenceId, title }: { evidenceId: string; title: string }) {
  const { t } = useI18n();
  const detail = useEvidenceDetail(evidenceId);
  if (detail.isError) return <QueryError error={detail.error} onRetry={() => detail.refetch()} />;
  if (!detail.data) return <Loader size="sm" aria-label={t.common.loading} />;
  const e = detail.data;
  const kind = e.previewUrl ? previewKindOf(e.mimeType) : null;
  const download = e.downloadUrl && (
    <Anchor href={e.downloadUrl} size="sm" download>
      {t.work.preview.download}
      {e.originalName ? ` (${e.originalName})` : ''}
    </Anchor>
  );
  return (
    <Stack gap={4} data-testid={`evidence-preview-${evidenceId}`}>
      {kind === 'pdf' && (
        <object
          data={e.previewUrl!}
          type="application/pdf"
          title={t.work.preview.frameTitle(title)}
          aria-label={t.work.preview.frameTitle(title)}
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
          alt={t.work.preview.imageAlt(title)}
          style={{ maxWidth: '100%', height: 'auto', border: '1px solid var(--mantine-color-gray-4)' }}
          data-testid="image-preview"
        />
      )}
      {kind === null && <Text size="sm">{t.work.preview.unavailable}</Text>}
      {download}
    </Stack>
  );
}
