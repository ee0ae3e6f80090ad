import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type AssessmentDetail, assessmentKey, signoffAssessment } from '../../api/assessments';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';

/**
 * The unit head's sign-off, when the cycle asks for one (or one was given): who signed and when,
 * and whether it still holds. The server keeps a digest of the signed answers, so any later
 * change of an answer voids it (`signoff.valid`), and a submission then needs a new sign-off.
 */
export function SignoffPanel({
  assessment: a,
  onDone,
  onIncomplete,
}: {
  assessment: AssessmentDetail;
  onDone: (message: string) => void;
  onIncomplete: (err: ApiError) => void;
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const s = a.signoff ?? null;
  const canSign = a.allowedActions.includes('signoff');
  if (!a.cycle.requireSignoff && !s) return null;

  const sign = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await signoffAssessment(a.id);
      queryClient.setQueryData(assessmentKey(a.id), next);
      onDone(t.work.signoff.done);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SUBMISSION_INCOMPLETE') onIncomplete(err);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const color = !s ? 'gray' : s.valid ? 'teal' : 'orange';
  return (
    <Alert color={color} title={t.work.signoff.title} mb="md" data-testid="signoff-panel">
      <Stack gap={6}>
        {a.cycle.requireSignoff && <Text size="sm">{t.work.signoff.required}</Text>}
        <Text size="sm" fw={600} data-testid="signoff-status">
          {!s
            ? t.work.signoff.none
            : t.work.signoff.signedBy(s.by?.name ?? t.work.history.system, formatDateTime(s.at, lang))}
        </Text>
        {s && !s.valid && (
          <Text size="sm" c="orange.9" data-testid="signoff-void">
            {t.work.signoff.void}
          </Text>
        )}
        {s?.valid && a.allowedActions.includes('edit') && (
          <Text size="xs" c="dimmed">
            {t.work.signoff.changeVoids}
          </Text>
        )}
        {canSign && (
          <Group gap="sm">
            <Button size="sm" onClick={sign} loading={busy}>
              {t.work.signoff.button}
            </Button>
            <Text size="xs" c="dimmed">
              {t.work.signoff.headSubmits}
            </Text>
          </Group>
        )}
        {error && (
          <Text size="sm" c="red.8" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
