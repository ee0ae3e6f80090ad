import {
  Anchor,
  Badge,
  Button,
  Card,
  Container,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconBolt, IconEye, IconUsersGroup } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { usePublicCycles } from '../api/public';
import { PublicHeader } from '../components/PublicHeader';
import { QueryError } from '../components/QueryError';
import { useI18n } from '../i18n';
import { formatDate, formatNumber } from '../lib/format';

/** `/` — the public page: what Mercusuar is, the published results, and the way in. */
export default function LandingPage() {
  const { t, lang } = useI18n();
  const cycles = usePublicCycles();
  useEffect(() => {
    document.title = `${t.app.name} — ${t.app.tagline}`;
  }, [t]);

  const goals = [
    { icon: IconUsersGroup, title: t.landing.goalAccess, body: t.landing.goalAccessBody },
    { icon: IconBolt, title: t.landing.goalSpeed, body: t.landing.goalSpeedBody },
    { icon: IconEye, title: t.landing.goalAccountability, body: t.landing.goalAccountabilityBody },
  ];

  return (
    <>
      <PublicHeader />
      <Container component="main" id="main" size="lg" py="xl" tabIndex={-1}>
        <Stack gap="xl">
          <Stack gap="sm" maw={720}>
            <Title order={1}>{t.landing.title}</Title>
            <Text size="lg">{t.app.tagline}</Text>
            <Text c="dimmed">{t.landing.lead}</Text>
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {goals.map((g) => (
              <Card key={g.title} withBorder padding="lg">
                <ThemeIcon variant="light" size="lg" aria-hidden="true">
                  <g.icon size={20} />
                </ThemeIcon>
                <Title order={2} size="h4" mt="sm">
                  {g.title}
                </Title>
                <Text size="sm" c="dimmed" mt={4}>
                  {g.body}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <section aria-labelledby="published-title">
            <Title order={2} id="published-title" mb="sm">
              {t.landing.publishedTitle}
            </Title>
            {cycles.isPending ? (
              <Skeleton height={80} />
            ) : cycles.isError ? (
              <QueryError error={cycles.error} onRetry={() => cycles.refetch()} />
            ) : cycles.data.length === 0 ? (
              <Card withBorder padding="lg" data-testid="published-empty">
                <Text fw={600}>{t.landing.publishedEmpty}</Text>
                <Text size="sm" c="dimmed">
                  {t.landing.publishedEmptyHint}
                </Text>
              </Card>
            ) : (
              <Stack gap="sm">
                {cycles.data.map((c) => (
                  <Card key={c.id} withBorder padding="md" data-testid="published-cycle">
                    <Group justify="space-between" gap="xs">
                      <Title order={3} size="h4">
                        {c.name}
                      </Title>
                      <Badge variant="light">{c.scope.name}</Badge>
                    </Group>
                    <Text size="sm" mt={4}>
                      {c.instrument.title} · {t.landing.unitCount(formatNumber(c.unitCount, lang))}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {t.landing.period(formatDate(c.periodStart, lang), formatDate(c.periodEnd, lang))}
                      {c.publishedAt && ` · ${t.landing.publishedAt(formatDate(c.publishedAt, lang))}`}
                    </Text>
                    <Button
                      component={Link}
                      to={`/hasil/${c.id}`}
                      variant="light"
                      size="xs"
                      mt="sm"
                      w="fit-content"
                      aria-label={`${t.landing.viewResults}: ${c.name}`}
                    >
                      {t.landing.viewResults}
                    </Button>
                  </Card>
                ))}
              </Stack>
            )}
          </section>
          <section aria-labelledby="method-title">
            <Title order={2} id="method-title" mb="sm">
              {t.landing.methodTitle}
            </Title>
            <Text c="dimmed">{t.landing.methodBody}</Text>
          </section>
          <Text size="sm" c="dimmed">
            <Anchor href="/api/docs">API</Anchor> · Mercusuar
          </Text>
        </Stack>
      </Container>
    </>
  );
}
