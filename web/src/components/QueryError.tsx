import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useI18n } from '../i18n';
import { ApiError, NetworkError } from '../lib/api';

/** The message a person can act on for a failed request. */
export function useErrorMessage() {
  const { t } = useI18n();
  return (error: unknown) =>
    error instanceof NetworkError
      ? t.common.networkError
      : error instanceof ApiError
        ? error.message
        : t.common.genericError;
}

/** Inline error for a failed load or action (5xx, offline); 403/404 go to the route's status page. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = useErrorMessage()(error);
  return (
    <Alert
      color="red"
      icon={<IconAlertTriangle aria-hidden="true" />}
      title={t.errors.genericTitle}
      role="alert"
    >
      <Group justify="space-between" gap="sm">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            {t.common.retry}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
