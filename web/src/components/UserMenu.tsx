import { Avatar, Text, UnstyledButton } from '@mantine/core';
import { type ComponentPropsWithoutRef, forwardRef, lazy, Suspense, useState } from 'react';
import { useI18n } from '../i18n';
import { useUser } from '../lib/session';

// The dropdown (Mantine Menu and its positioning engine) loads on first use, not with every page.
const loadDropdown = () => import('./UserMenuDropdown');
const UserMenuDropdown = lazy(loadDropdown);

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

/** The avatar button that opens the user menu; shared by the placeholder and the real menu. */
export const UserMenuButton = forwardRef<HTMLButtonElement, ComponentPropsWithoutRef<'button'>>(
  function UserMenuButton(props, ref) {
    const { t } = useI18n();
    const user = useUser();
    return (
      <UnstyledButton
        ref={ref}
        aria-label={t.auth.userMenu(user.name)}
        aria-haspopup="menu"
        data-testid="user-menu"
        style={{ display: 'flex', alignItems: 'center', gap: 8, borderRadius: 999 }}
        {...props}
      >
        <Avatar color="blue" radius="xl" size="md" aria-hidden="true">
          {initials(user.name)}
        </Avatar>
        <Text size="sm" fw={500} visibleFrom="sm" aria-hidden="true">
          {user.name}
        </Text>
      </UnstyledButton>
    );
  },
);

/** User menu: change password, sign out. */
export function UserMenu() {
  const [wanted, setWanted] = useState(false);
  const prefetch = () => void loadDropdown();
  const placeholder = (
    <UserMenuButton
      aria-expanded={false}
      onPointerEnter={prefetch}
      onFocus={prefetch}
      onClick={() => setWanted(true)}
    />
  );
  if (!wanted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <UserMenuDropdown />
    </Suspense>
  );
}
