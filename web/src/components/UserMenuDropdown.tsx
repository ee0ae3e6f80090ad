import { Menu, Text } from '@mantine/core';
import { IconKey, IconLogout } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { signOut, useUser } from '../lib/session';
import { UserMenuButton } from './UserMenu';

const ChangePasswordModal = lazy(() => import('./ChangePasswordModal'));

/** Rendered once the user first opens the menu, so it starts open. */
export default function UserMenuDropdown() {
  const { t } = useI18n();
  const user = useUser();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const target = useRef<HTMLButtonElement>(null);

  const dropdown = useRef<HTMLDivElement>(null);

  // The button that first opened the menu was replaced by this one, so Mantine has nowhere to
  // return focus to on the first close: put it back on the button, unless the user moved on.
  const onClose = () => {
    const active = document.activeElement;
    if (!active || active === document.body || dropdown.current?.contains(active)) target.current?.focus();
  };

  const logout = async () => {
    try {
      await signOut(queryClient);
    } finally {
      navigate('/masuk', { replace: true, state: { reason: 'signedOut' } });
    }
  };

  return (
    <>
      <Menu position="bottom-end" shadow="md" width={240} defaultOpened returnFocus onClose={onClose}>
        <Menu.Target>
          <UserMenuButton ref={target} />
        </Menu.Target>
        <Menu.Dropdown ref={dropdown}>
          <Menu.Label>
            <Text size="sm" fw={600} c="dark" className="wrap-anywhere">
              {user.name}
            </Text>
            <Text size="xs" c="dimmed" className="wrap-anywhere">
              {user.email}
            </Text>
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconKey size={16} aria-hidden="true" />}
            onClick={() => setPasswordOpen(true)}
          >
            {t.auth.changePassword}
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={16} aria-hidden="true" />} onClick={logout}>
            {t.auth.signOut}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {passwordOpen && (
        <Suspense fallback={null}>
          <ChangePasswordModal opened onClose={() => setPasswordOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
