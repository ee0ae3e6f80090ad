import { Button, type ButtonProps, Text } from '@mantine/core';
import { type MouseEvent, type ReactNode, useState } from 'react';
import { downloadFile } from '../lib/download';
import { useErrorMessage } from './QueryError';

type Props = ButtonProps & {
  /** The file's address (an API route that answers with an attachment). */
  href: string;
  /** The name to save under when the server sends none. */
  fallbackName: string;
  children: ReactNode;
  'aria-label'?: string;
};

/**
 * A download the server may refuse (an expired session or file, a report not ready): the file is
 * fetched first, so a refusal is shown beside the button (the next item of its group) in the
 * reader's language instead of being saved as a file full of JSON. Still a real link: opening
 * it in a new tab or "save link as" work as before.
 */
export function DownloadButton({ href, fallbackName, children, ...button }: Props) {
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onClick = async (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await downloadFile(href, fallbackName);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button component="a" href={href} onClick={onClick} loading={busy} {...button}>
        {children}
      </Button>
      {error && (
        <Text size="sm" c="red" role="alert" maw={360} data-testid="download-error">
          {error}
        </Text>
      )}
    </>
  );
}
