import { Button, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { type HistoryEntry, useIndicatorHistory, useReasonCatalogue } from '../../api/assessments';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { DataTable } from '../DataTable';
import { QueryError } from '../QueryError';

type Ledger = Record<string, unknown> | null;

/** "Riwayat perubahan": every change of one indicator's answer and verification, in a dialog. */
export function IndicatorHistoryButton({
  assessmentId,
  indicatorCode,
}: {
  assessmentId: string;
  indicatorCode: string;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="subtle"
        size="xs"
        leftSection={<IconHistory size={16} aria-hidden="true" />}
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
      >
        {t.work.history.button}
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t.work.history.title(indicatorCode)}
        size="xl"
        closeButtonProps={{ 'aria-label': t.common.close }}
      >
        {open && <HistoryTable assessmentId={assessmentId} indicatorCode={indicatorCode} />}
      </Modal>
    </>
  );
}

function HistoryTable({ assessmentId, indicatorCode }: { assessmentId: string; indicatorCode: string }) {
  const { t, lang } = useI18n();
  const history = useIndicatorHistory(assessmentId, indicatorCode, true);
  const reasons = useReasonCatalogue();
  if (history.isError) return <QueryError error={history.error} onRetry={() => history.refetch()} />;
  if (!history.data) return <Loader size="sm" aria-label={t.common.loading} />;
  if (history.data.length === 0) return <Text size="sm">{t.work.history.empty}</Text>;

  const value = (v: Ledger) => {
    if (!v) return '—';
    if (v.notApplicable) return t.assess.notApplicable;
    if (v.metricValue !== null && v.metricValue !== undefined)
      return `${t.assess.metricValue}: ${String(v.metricValue)}`;
    if (typeof v.level === 'number') return t.assess.level(v.level);
    return '—';
  };
  const reasonLabel = (code: unknown) => {
    const r = reasons.data?.reasons.find((x) => x.code === code);
    return r ? (lang === 'en' ? r.labelEn : r.label) : String(code ?? '');
  };
  const describe = (e: HistoryEntry) => {
    const after = e.after;
    const before = e.before;
    const parts: string[] = [];
    const now = value(after);
    const was = before ? value(before) : null;
    parts.push(was !== null && was !== now ? `${was} → ${now}` : now);
    if (e.ledger === 'response') {
      const ids = after?.evidenceIds;
      if (Array.isArray(ids)) parts.push(t.work.history.evidence(ids.length));
      if (typeof after?.justification === 'string' && after.justification !== before?.justification)
        parts.push(`${t.assess.justification}: ${clip(after.justification)}`);
    } else {
      if (after?.reasonCode) parts.push(`${t.work.history.reason}: ${reasonLabel(after.reasonCode)}`);
      if (typeof after?.note === 'string' && after.note) parts.push(`${t.review.note}: ${clip(after.note)}`);
    }
    if (!before) parts.push(`(${t.work.history.first})`);
    return parts.join(' · ');
  };

  return (
    <div data-testid="history-table">
      <DataTable<HistoryEntry & { n: number }>
        caption={t.work.history.caption(indicatorCode)}
        hideCaption
        rowKey={(e) => String(e.n)}
        rows={history.data.map((e, n) => ({ ...e, n })).reverse()}
        columns={[
          {
            key: 'at',
            header: t.work.history.at,
            cell: (e) => <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time>,
          },
          {
            key: 'by',
            header: t.work.history.by,
            cell: (e) =>
              e.actorName || e.actorEmail ? (
                <Stack gap={0}>
                  <span className="wrap-anywhere">{e.actorName || e.actorEmail}</span>
                  {e.actorName && e.actorEmail && (
                    <Text span size="xs" c="dimmed" className="wrap-anywhere">
                      {e.actorEmail}
                    </Text>
                  )}
                </Stack>
              ) : (
                t.work.history.system
              ),
          },
          {
            key: 'ledger',
            header: t.work.history.ledger,
            cell: (e) => (e.ledger === 'response' ? t.work.history.response : t.work.history.verification),
          },
          { key: 'change', header: t.work.history.change, cell: describe },
        ]}
      />
    </div>
  );
}

const clip = (s: string, n = 140) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
