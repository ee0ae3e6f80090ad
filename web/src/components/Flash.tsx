import { Alert } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useI18n } from '../i18n';

/**
 * The outcome of an action, shown in the page (not as a toast that disappears before it is read)
 * and announced by screen readers.
 */
export function useFlash() {
  const [message, setMessage] = useState<string | null>(null);
  const show = useCallback((text: string) => setMessage(text), []);
  const clear = useCallback(() => setMessage(null), []);
  return { message, show, clear };
}

export function Flash({ message, onClose }: { message: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div role="status" aria-live="polite">
      {message && (
        <Alert
          color="green"
          icon={<IconCircleCheck aria-hidden="true" />}
          withCloseButton
          closeButtonLabel={t.common.close}
          onClose={onClose}
          mb="md"
          data-testid="flash"
        >
          {message}
        </Alert>
      )}
    </div>
  );
}
