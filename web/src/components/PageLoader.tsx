import { Center, Loader, VisuallyHidden } from '@mantine/core';
import { useI18n } from '../i18n';

/** Shown while a page's code or first data arrives. */
export function PageLoader({ fullHeight = false }: { fullHeight?: boolean }) {
  const { t } = useI18n();
  return (
    <Center mih={fullHeight ? '100vh' : 200} role="status">
      <Loader aria-hidden="true" />
      <VisuallyHidden>{t.common.loading}</VisuallyHidden>
    </Center>
  );
}
