import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { api } from '../lib/api';
import { applyServerErrors } from '../lib/forms';
import { endLocalSession, PASSWORD_MIN_LENGTH } from '../lib/session';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/** POST /api/auth/password; the server then ends every session, so the user signs in again. */
export default function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ defaultValues: { currentPassword: '', newPassword: '', confirmPassword: '' } });

  const close = () => {
    reset();
    setFormError(null);
    onClose();
  };

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await api('/api/auth/password', {
        method: 'POST',
        body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
      });
    } catch (err) {
      const rest = applyServerErrors(err, setError, ['currentPassword', 'newPassword'] as const);
      if (rest.length) setFormError(rest.join(' '));
      return;
    }
    endLocalSession(queryClient);
    navigate('/masuk', { replace: true, state: { reason: 'passwordChanged' } });
  });

  return (
    <Modal opened={opened} onClose={close} title={t.auth.changePassword} centered>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <PasswordInput
            visibilityToggleButtonProps={{ 'aria-label': t.auth.showPassword }}
            label={t.auth.currentPassword}
            autoComplete="current-password"
            required
            error={errors.currentPassword?.message}
            {...register('currentPassword', { required: t.common.required })}
          />
          <PasswordInput
            visibilityToggleButtonProps={{ 'aria-label': t.auth.showPassword }}
            label={t.auth.newPassword}
            description={t.auth.passwordHint(PASSWORD_MIN_LENGTH)}
            autoComplete="new-password"
            required
            error={errors.newPassword?.message}
            {...register('newPassword', {
              required: t.common.required,
              minLength: { value: PASSWORD_MIN_LENGTH, message: t.auth.passwordMin(PASSWORD_MIN_LENGTH) },
            })}
          />
          <PasswordInput
            visibilityToggleButtonProps={{ 'aria-label': t.auth.showPassword }}
            label={t.auth.confirmPassword}
            autoComplete="new-password"
            required
            error={errors.confirmPassword?.message}
            {...register('confirmPassword', {
              required: t.common.required,
              validate: (v, all) => v === all.newPassword || t.auth.passwordMismatch,
            })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t.common.cancel}
            </Button>
            <Button type="submit" loading={isSubmitting}>
              {t.common.save}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
