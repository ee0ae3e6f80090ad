import { AppShell, Burger, Group, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import {
  IconBuildingCommunity,
  IconChartBar,
  IconClipboardCheck,
  IconClipboardList,
  IconHistory,
  IconHome,
  IconListTree,
  IconRefresh,
  IconUsers,
  IconWorld,
} from '@tabler/icons-react';
import { Suspense, useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useI18n } from '../i18n';
import { APP_ROUTES, type AppRouteKey } from '../lib/routes';
import { hasAnyRole, useUser } from '../lib/session';
import { PageErrorBoundary } from './ErrorBoundary';
import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';
import { PageLoader } from './PageLoader';
import { UserMenu } from './UserMenu';

const ICONS: Record<AppRouteKey, typeof IconHome> = {
  home: IconHome,
  dashboard: IconChartBar,
  assessment: IconClipboardList,
  verification: IconClipboardCheck,
  cycles: IconRefresh,
  instruments: IconListTree,
  units: IconBuildingCommunity,
  users: IconUsers,
  audit: IconHistory,
};

/** The signed-in shell: header (name, language, user menu), navigation by role, the page. */
export default function AppLayout() {
  const { t } = useI18n();
  const user = useUser();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  // Below the `sm` breakpoint the closed menu slides off-screen: keep it out of the tab order too.
  const isPhone = useMediaQuery('(max-width: 47.99em)');
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After navigating, close the phone menu and move focus to the new page, as a full load would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on path change only
  useEffect(() => {
    close();
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.pathname]);

  const visible = (Object.keys(APP_ROUTES) as AppRouteKey[]).filter((k) =>
    hasAnyRole(user, APP_ROUTES[k].roles),
  );
  const section = (s: 'main' | 'admin') =>
    visible
      .filter((k) => APP_ROUTES[k].section === s)
      .map((k) => {
        const r = APP_ROUTES[k];
        const Icon = ICONS[k];
        const active = location.pathname === r.path || location.pathname.startsWith(`${r.path}/`);
        return (
          <NavLink
            key={k}
            component={Link}
            to={r.path}
            label={t.nav[r.nav]}
            description={'comingSoon' in r ? t.common.comingSoon : undefined}
            leftSection={<Icon size={18} aria-hidden="true" />}
            active={active}
            aria-current={active ? 'page' : undefined}
          />
        );
      });
  const admin = section('admin');

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 264, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a href="#main" className="skip-link">
        {t.app.skipToContent}
      </a>
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t.nav.toggle}
              aria-expanded={opened}
              aria-controls="main-nav"
            />
            <UnstyledButton component={Link} to="/beranda" aria-label={`${t.app.name} — ${t.nav.home}`}>
              <Logo />
            </UnstyledButton>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        id="main-nav"
        p="xs"
        component="nav"
        aria-label={t.nav.label}
        inert={isPhone && !opened}
      >
        <AppShell.Section grow style={{ overflowY: 'auto' }}>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs" pb={4}>
            {t.nav.sectionMain}
          </Text>
          {section('main')}
          {admin.length > 0 && (
            <>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                {t.nav.sectionAdmin}
              </Text>
              {admin}
            </>
          )}
        </AppShell.Section>
        <AppShell.Section>
          <NavLink
            component={Link}
            to="/"
            label={t.nav.publicPage}
            leftSection={<IconWorld size={18} aria-hidden="true" />}
          />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={mainRef} tabIndex={-1}>
        <PageErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<PageLoader />}>
            <Outlet />
          </Suspense>
        </PageErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
