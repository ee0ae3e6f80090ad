import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconClockHour4 } from '@tabler/icons-react';
import { useI18n } from '../i18n';
import type { FeatureKey } from '../lib/routes';

/**
 * The clearly marked placeholder for a screen whose API is not there yet. Only screens listed
 * with `comingSoon` in lib/routes.ts use it; remove the flag when the screen lands.
 */
export function ComingSoon({ feature, title }: { feature: FeatureKey; title: string }) {
  const { t } = useI18n();
  return (
    <Card withBorder padding="lg" data-testid="coming-soon">
      <Stack gap="sm">
        <Group gap="sm">
          <IconClockHour4 aria-hidden="true" />
          <Title order={2} size="h3">
            {title}
          </Title>
          <Badge color="orange" variant="light">
            {t.comingSoon.badge}
          </Badge>
        </Group>
        <Text>{t.comingSoon.body}</Text>
        <Text fw={600}>{t.comingSoon.willShow}</Text>
        <Text>{t.features[feature]}</Text>
      </Stack>
    </Card>
  );
}
