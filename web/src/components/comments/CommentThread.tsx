import { Badge, Button, Group, Loader, Stack, Text, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { addComment, assessmentKey, commentsKey, useComments } from '../../api/assessments';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { QueryError, useErrorMessage } from '../QueryError';

/**
 * One indicator's discussion between the unit and its assessors (append-only): the thread,
 * oldest first, and a box to add to it when the user may comment.
 */
export function CommentThread({
  assessmentId,
  indicatorCode,
  canComment,
}: {
  assessmentId: string;
  indicatorCode: string;
  canComment: boolean;
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const comments = useComments(assessmentId, indicatorCode);
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const headingId = useId();

  const send = async () => {
    setSending(true);
    setError(null);
    setSent(false);
    try {
      await addComment(assessmentId, indicatorCode, body.trim());
      setBody('');
      setSent(true);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: commentsKey(assessmentId, indicatorCode) }),
        queryClient.invalidateQueries({ queryKey: assessmentKey(assessmentId) }),
      ]);
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldDetails[0]?.message ?? err.message) : errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <section aria-labelledby={headingId} data-testid="comment-thread">
      <Text fw={600} size="sm" mb="xs" component="h3" id={headingId}>
        {t.work.comments.title}
      </Text>
      {comments.isError && <QueryError error={comments.error} onRetry={() => comments.refetch()} />}
      {comments.isPending && <Loader size="xs" aria-label={t.common.loading} />}
      {comments.data && comments.data.length === 0 && (
        <Text size="sm" c="dimmed">
          {t.work.comments.empty}
        </Text>
      )}
      {comments.data && comments.data.length > 0 && (
        <Stack component="ol" gap="xs" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {comments.data.map((c) => (
            <li key={c.id} data-testid="comment">
              <Group gap={6} wrap="wrap">
                <Text size="sm" fw={600}>
                  {c.author.name}
                </Text>
                {c.authorIsAssessor && (
                  <Badge variant="light" size="xs">
                    {t.work.comments.assessor}
                  </Badge>
                )}
                <Text size="xs" c="dimmed" component="time" dateTime={c.createdAt}>
                  {formatDateTime(c.createdAt, lang)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} className="wrap-anywhere">
                {c.body}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      {canComment && (
        <Stack gap="xs" mt="sm">
          <Textarea
            label={t.work.comments.label}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={5000}
            error={error}
          />
          <Group gap="sm">
            <Button size="xs" variant="default" onClick={send} disabled={!body.trim()} loading={sending}>
              {t.work.comments.send}
            </Button>
            <div role="status" aria-live="polite">
              {sent && (
                <Text size="sm" c="teal.8">
                  {t.work.comments.sent}
                </Text>
              )}
            </div>
          </Group>
        </Stack>
      )}
    </section>
  );
}
