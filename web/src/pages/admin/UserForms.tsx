import { zodResolver } from '@hookform/resolvers/zod';
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { type Control, Controller, type FieldErrors, useFieldArray, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ROLES } from '../../../../src/domain/policy/policy.js';
import type { Unit } from '../../api/units';
import type { RoleInput, User } from '../../api/users';
import { type Dict, useI18n } from '../../i18n';
import { applyServerErrors } from '../../lib/forms';
import { PASSWORD_MIN_LENGTH } from '../../lib/session';

const roleRows = (t: Dict) =>
  z.array(
    z.object({
      role: z.enum(ROLES, { message: t.users.roleRequired }),
      unitCode: z.string().min(1, t.users.unitRequired),
    }),
  );

const createSchema = (t: Dict) =>
  z.object({
    email: z.string().trim().toLowerCase().pipe(z.email(t.users.emailInvalid)),
    name: z.string().trim().min(2, t.users.nameMin).max(200),
    password: z.string().min(PASSWORD_MIN_LENGTH, t.auth.passwordMin(PASSWORD_MIN_LENGTH)),
    roles: roleRows(t),
  });
type CreateIn = z.input<ReturnType<typeof createSchema>>;
type CreateOut = z.output<ReturnType<typeof createSchema>>;

const rolesSchema = (t: Dict) => z.object({ roles: roleRows(t) });
type RolesIn = z.input<ReturnType<typeof rolesSchema>>;
type RolesOut = z.output<ReturnType<typeof rolesSchema>>;

/** role × unit rows, shared by the create form and the roles form. */
function RoleRows({
  control,
  errors,
  units,
}: {
  control: Control<{ roles: RolesIn['roles'] }>;
  errors: FieldErrors<{ roles: RolesIn['roles'] }>;
  units: Unit[];
}) {
  const { t } = useI18n();
  const { fields, append, remove } = useFieldArray({ control, name: 'roles' });
  const roleOptions = ROLES.map((r) => ({ value: r, label: t.roles[r] }));
  const unitOptions = useMemo(
    () => units.map((u) => ({ value: u.code, label: `${u.name} (${u.code})` })),
    [units],
  );
  return (
    <Stack gap="xs">
      <Text fw={600} size="sm">
        {t.users.roles}
      </Text>
      {fields.length === 0 && (
        <Text size="sm" c="dimmed">
          {t.users.noRoles}
        </Text>
      )}
      {fields.map((f, i) => (
        <Group key={f.id} align="flex-start" gap="xs" wrap="wrap" data-testid="role-row">
          <Controller
            control={control}
            name={`roles.${i}.role`}
            render={({ field }) => (
              <Select
                label={t.users.role}
                data={roleOptions}
                value={field.value || null}
                onChange={(v) => field.onChange(v ?? '')}
                ref={field.ref}
                error={errors.roles?.[i]?.role?.message}
                allowDeselect={false}
                style={{ flex: '1 1 12rem' }}
              />
            )}
          />
          <Controller
            control={control}
            name={`roles.${i}.unitCode`}
            render={({ field }) => (
              <Select
                label={t.users.unit}
                placeholder={t.users.unitPlaceholder}
                data={unitOptions}
                value={field.value || null}
                onChange={(v) => field.onChange(v ?? '')}
                ref={field.ref}
                searchable
                error={errors.roles?.[i]?.unitCode?.message}
                style={{ flex: '2 1 14rem' }}
              />
            )}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            mt={26}
            size="lg"
            aria-label={t.users.removeRole}
            onClick={() => remove(i)}
          >
            <IconTrash size={18} aria-hidden="true" />
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="light"
        size="xs"
        w="fit-content"
        leftSection={<IconPlus size={14} aria-hidden="true" />}
        onClick={() => append({ role: '' as RoleInput['role'], unitCode: '' })}
      >
        {t.users.addRole}
      </Button>
    </Stack>
  );
}

function FormAlert({ message }: { message: string | null }) {
  return message ? (
    <Alert color="red" role="alert">
      {message}
    </Alert>
  ) : null;
}

export function CreateUserForm({
  units,
  onSubmit,
  onCancel,
}: {
  units: Unit[];
  onSubmit(values: CreateOut): Promise<unknown>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => createSchema(t), [t]);
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<CreateIn, unknown, CreateOut>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', name: '', password: '', roles: [] },
  });
  const submit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await onSubmit(values);
    } catch (err) {
      const rest = applyServerErrors(err, setError, ['email', 'name', 'password', 'roles'] as const);
      if (rest.length) setFormError(rest.join(' '));
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="create-user-form">
      <Stack>
        <FormAlert message={formError} />
        <TextInput label={t.users.name} required error={errors.name?.message} {...register('name')} />
        <TextInput
          label={t.users.email}
          type="email"
          required
          autoComplete="off"
          error={errors.email?.message}
          {...register('email')}
        />
        <PasswordInput
          visibilityToggleButtonProps={{ 'aria-label': t.auth.showPassword }}
          label={t.users.initialPassword}
          description={t.users.initialPasswordHint(PASSWORD_MIN_LENGTH)}
          autoComplete="new-password"
          required
          error={errors.password?.message}
          {...register('password')}
        />
        <RoleRows
          control={control as unknown as Control<{ roles: RolesIn['roles'] }>}
          errors={errors}
          units={units}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t.common.cancel}
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {t.common.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function RolesForm({
  user,
  units,
  onSubmit,
  onCancel,
}: {
  user: User;
  units: Unit[];
  onSubmit(roles: RolesOut['roles']): Promise<unknown>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => rolesSchema(t), [t]);
  const {
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RolesIn, unknown, RolesOut>({
    resolver: zodResolver(schema),
    defaultValues: { roles: user.roles.map((r) => ({ role: r.role, unitCode: r.unitCode })) },
  });
  const submit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await onSubmit(values.roles);
    } catch (err) {
      const rest = applyServerErrors(err, setError, ['roles'] as const);
      if (rest.length) setFormError(rest.join(' '));
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="roles-form">
      <Stack>
        <FormAlert message={formError} />
        <RoleRows control={control} errors={errors} units={units} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t.common.cancel}
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {t.common.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
