import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ROLES, type Role } from '../../../src/domain/policy/policy.js';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { APP_ROUTES, type AppRouteKey } from '../lib/routes';
import { useUser } from '../lib/session';

/** `/beranda` — who you are, where you work, and your role's screens (some still coming). */
export default function HomePage() {
  const { t } = useI18n();
  const user = useUser();
  const held = ROLES.filter((r) => user.roles.some((a) => a.role === r));

  const screensFor = (role: Role) =>
    (Object.keys(APP_ROUTES) as AppRouteKey[]).filter((k) => {
      const r = APP_ROUTES[k];
      const roles: readonly Role[] | 'all' = r.roles;
      return 'feature' in r && roles !== 'all' && roles.includes(role);
    });

  return (
    <>
      <PageHeader title={t.home.title} />
      <Stack gap="lg">
        <Card withBorder padding="lg" data-testid="welcome-card">
          <Title order={2} size="h3">
            {t.home.welcome(user.name)}
          </Title>
          <Text c="dimmed" size="sm" className="wrap-anywhere">
            {user.email}
          </Text>
          <Title order={3} size="h5" mt="md" mb="xs">
            {t.home.yourRoles}
          </Title>
          {user.roles.length === 0 ? (
            <Text>{t.home.noRoles}</Text>
          ) : (
            <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {user.roles.map((a) => (
                <Group
                  component="li"
                  key={`${a.role}-${a.unitId}`}
                  gap="xs"
                  wrap="wrap"
                  data-testid="role-item"
                >
                  <Badge variant="light">{t.roles[a.role]}</Badge>
                  <Text size="sm">
                    {t.home.inUnit(a.unitName)}{' '}
                    <Text span c="dimmed" size="xs">
                      ({a.unitCode})
                    </Text>
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </Card>

        {held.map((role) => {
          const keys = screensFor(role);
          if (keys.length === 0) return null;
          return (
            <section key={role} aria-labelledby={`role-${role}`}>
              <Title order={2} size="h4" id={`role-${role}`} mb="sm">
                {t.home.forRole(t.roles[role])}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                {keys.map((k) => {
                  const r = APP_ROUTES[k];
                  const soon = 'comingSoon' in r;
                  return (
                    <Card key={k} withBorder padding="md" data-testid={`home-card-${k}`}>
                      <Stack gap="xs" h="100%">
                        <Group justify="space-between" gap="xs">
                          <Title order={3} size="h5">
                            {t.nav[r.nav]}
                          </Title>
                          {soon && (
                            <Badge color="orange" variant="light">
                              {t.common.comingSoon}
                            </Badge>
                          )}
                        </Group>
                        <Text size="sm" c="dimmed" style={{ flex: 1 }}>
                          {'feature' in r ? t.features[r.feature] : null}
                        </Text>
                        {!soon && (
                          <Button component={Link} to={r.path} variant="light" size="xs" w="fit-content">
                            {t.home.openScreen} {t.nav[r.nav]}
                          </Button>
                        )}
                      </Stack>
                    </Card>
                  );
                })}
              </SimpleGrid>
            </section>
          );
        })}
      </Stack>
    </>
  );
}
