import { Anchor, Button, Group } from '@mantine/core';
import { IconDoorEnter } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { useSession } from '../lib/session';
import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';

/** The header of the pages anyone can read: name, language, and the way in. */
export function PublicHeader() {
  const { t } = useI18n();
  const session = useSession();
  return (
    <>
      <a href="#main" className="skip-link">
        {t.app.skipToContent}
      </a>
      <Group
        component="header"
        justify="space-between"
        p="sm"
        wrap="nowrap"
        style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
      >
        <Anchor component={Link} to="/" underline="never" aria-label={`${t.app.name} — ${t.nav.publicPage}`}>
          <Logo />
        </Anchor>
        <Group gap="xs" wrap="nowrap">
          <LanguageSwitch />
          {session.data ? (
            <Button component={Link} to="/beranda" size="sm">
              {t.landing.openApp}
            </Button>
          ) : (
            <Button
              component={Link}
              to="/masuk"
              size="sm"
              leftSection={<IconDoorEnter size={16} aria-hidden="true" />}
            >
              {t.auth.signIn}
            </Button>
          )}
        </Group>
      </Group>
    </>
  );
}
