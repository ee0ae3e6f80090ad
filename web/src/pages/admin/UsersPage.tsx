import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconSearch, IconUserPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ROLES, type Role } from '../../../../src/domain/policy/policy.js';
import { useUnits } from '../../api/units';
import { createUser, setUserRoles, USERS_KEY, type User, updateUser, useUsers } from '../../api/users';
import { Flash, useFlash } from '../../components/Flash';
import { PageHeader } from '../../components/PageHeader';
import { QueryError, useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { useUser } from '../../lib/session';
import { CreateUserForm, RolesForm } from './UserForms';

/** `/admin/pengguna` — accounts: list and search, create with roles, set roles, (de)activate. */
export default function UsersPage() {
  const { t } = useI18n();
  const me = useUser();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const isPhone = useMediaQuery('(max-width: 48em)');
  const flash = useFlash();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [role, setRole] = useState<Role | null>(null);
  const users = useUsers({ q: q || undefined, role });
  const units = useUnits();
  const [creating, setCreating] = useState(false);
  const [editingRoles, setEditingRoles] = useState<User | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);
  const [toggleError, setToggleError] = useState<string | null>(null);
  const [toggleBusy, setToggleBusy] = useState(false);

  const refresh = () => queryClient.invalidateQueries({ queryKey: USERS_KEY });

  const confirmToggle = async () => {
    if (!toggling) return;
    setToggleBusy(true);
    setToggleError(null);
    try {
      const u = await updateUser(toggling.id, { active: !toggling.active });
      await refresh();
      flash.show(u.active ? t.users.activated(u.name) : t.users.deactivated(u.name));
      setToggling(null);
    } catch (err) {
      setToggleError(errorMessage(err));
    } finally {
      setToggleBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t.users.title}
        intro={t.users.intro}
        actions={
          <Button
            leftSection={<IconUserPlus size={16} aria-hidden="true" />}
            onClick={() => setCreating(true)}
          >
            {t.users.add}
          </Button>
        }
      />
      <Flash message={flash.message} onClose={flash.clear} />
      <Card withBorder padding="sm">
        <Stack>
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput
              label={t.users.searchLabel}
              placeholder={t.users.searchPlaceholder}
              leftSection={<IconSearch size={16} aria-hidden="true" />}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
              style={{ flex: '1 1 14rem' }}
            />
            <Select
              label={t.users.roleFilter}
              placeholder={t.common.all}
              data={ROLES.map((r) => ({ value: r, label: t.roles[r] }))}
              value={role}
              onChange={(v) => setRole(v as Role | null)}
              clearable
              style={{ flex: '0 1 14rem' }}
            />
          </Group>
          {users.isError ? (
            <QueryError error={users.error} onRetry={() => users.refetch()} />
          ) : users.isPending ? (
            <Stack gap={6}>
              {[1, 2, 3].map((i) => (
                <Skeleton key={i} height={32} />
              ))}
            </Stack>
          ) : users.data.length === 0 ? (
            <Text>{t.users.empty}</Text>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped highlightOnHover verticalSpacing="sm" data-testid="users-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t.users.name}</Table.Th>
                    <Table.Th scope="col">{t.users.email}</Table.Th>
                    <Table.Th scope="col">{t.users.roles}</Table.Th>
                    <Table.Th scope="col">{t.users.status}</Table.Th>
                    <Table.Th scope="col">{t.common.actions}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {users.data.map((u) => (
                    <Table.Tr key={u.id}>
                      <Table.Td>{u.name}</Table.Td>
                      <Table.Td className="wrap-anywhere">{u.email}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {u.roles.length === 0 && (
                            <Text size="sm" c="dimmed">
                              {t.users.noRoles}
                            </Text>
                          )}
                          {u.roles.map((r) => (
                            <Badge key={`${r.role}-${r.unitId}`} variant="light" title={r.unitName}>
                              {t.roles[r.role]} · {r.unitCode}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={u.active ? 'green' : 'gray'} variant="light">
                          {u.active ? t.common.active : t.common.inactive}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button
                            size="compact-sm"
                            variant="light"
                            onClick={() => setEditingRoles(u)}
                            aria-label={`${t.users.editRoles}: ${u.name}`}
                          >
                            {t.users.editRoles}
                          </Button>
                          {u.id !== me.id && (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              color={u.active ? 'red' : 'blue'}
                              onClick={() => {
                                setToggleError(null);
                                setToggling(u);
                              }}
                              aria-label={`${u.active ? t.users.deactivate : t.users.activate}: ${u.name}`}
                            >
                              {u.active ? t.users.deactivate : t.users.activate}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Card>

      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        title={t.users.createTitle}
        size="lg"
        fullScreen={!!isPhone}
      >
        {creating && (
          <CreateUserForm
            units={units.data ?? []}
            onCancel={() => setCreating(false)}
            onSubmit={async (values) => {
              const u = await createUser(values);
              await refresh();
              setCreating(false);
              flash.show(t.users.created(u.email));
            }}
          />
        )}
      </Modal>

      <Modal
        opened={!!editingRoles}
        onClose={() => setEditingRoles(null)}
        title={editingRoles ? t.users.editRolesTitle(editingRoles.name) : ''}
        size="lg"
        fullScreen={!!isPhone}
      >
        {editingRoles && (
          <RolesForm
            user={editingRoles}
            units={units.data ?? []}
            onCancel={() => setEditingRoles(null)}
            onSubmit={async (roles) => {
              await setUserRoles(editingRoles.id, roles);
              await refresh();
              setEditingRoles(null);
              flash.show(t.users.rolesSaved);
            }}
          />
        )}
      </Modal>

      <Modal
        opened={!!toggling}
        onClose={() => setToggling(null)}
        title={toggling?.active ? t.users.deactivate : t.users.activate}
      >
        {toggling && (
          <Stack>
            <Text>
              {toggling.active
                ? t.users.deactivateConfirm(toggling.name)
                : t.users.activateConfirm(toggling.name)}
            </Text>
            {toggleError && (
              <Text c="red.8" role="alert">
                {toggleError}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setToggling(null)}>
                {t.common.cancel}
              </Button>
              <Button color={toggling.active ? 'red' : 'blue'} onClick={confirmToggle} loading={toggleBusy}>
                {toggling.active ? t.users.deactivate : t.users.activate}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
