import { Button, Container, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconLock, IconMapSearch } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n';

interface StatusPageProps {
  kind: 'forbidden' | 'notFound' | 'error';
  /** A specific message (e.g. from the server) under the title. */
  message?: string;
  homeHref?: string;
  onRetry?: () => void;
}

/** "You are not allowed", "not found" and "something went wrong", with a way out. */
export function StatusPage({ kind, message, homeHref = '/beranda', onRetry }: StatusPageProps) {
  const { t } = useI18n();
  const { title, body, Icon, color } = {
    forbidden: {
      title: t.errors.notAllowedTitle,
      body: t.errors.notAllowedBody,
      Icon: IconLock,
      color: 'orange',
    },
    notFound: {
      title: t.errors.notFoundTitle,
      body: t.errors.notFoundBody,
      Icon: IconMapSearch,
      color: 'blue',
    },
    error: {
      title: t.errors.genericTitle,
      body: t.common.genericError,
      Icon: IconAlertTriangle,
      color: 'red',
    },
  }[kind];
  useEffect(() => {
    document.title = `${title} · Mercusuar`;
  }, [title]);
  return (
    <Container size="sm" py="xl" data-testid={`status-${kind}`}>
      <Stack align="center" ta="center" gap="md">
        <ThemeIcon size={64} radius="xl" variant="light" color={color} aria-hidden="true">
          <Icon size={36} />
        </ThemeIcon>
        <Title order={1} size="h2">
          {title}
        </Title>
        {message && message !== title && <Text fw={500}>{message}</Text>}
        <Text c="dimmed">{body}</Text>
        <Stack gap="xs" align="center">
          {onRetry && (
            <Button variant="light" onClick={onRetry}>
              {t.common.retry}
            </Button>
          )}
          <Button component={Link} to={homeHref}>
            {t.errors.backHome}
          </Button>
        </Stack>
      </Stack>
    </Container>
  );
}
