import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Divider, Group, Modal, Stack, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { type CycleDetail, updateCycle } from '../../api/cycles';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import {
  BasicsFields,
  type CycleFormIn,
  type CycleFormOut,
  cycleFormSchema,
  placeServerErrors,
  ScheduleFields,
  ScopeFields,
  SettingsFields,
  toCyclePatch,
  valuesFromCycle,
} from './CycleFormParts';

/**
 * Edits a cycle with the wizard's fields on one form. While the cycle is a draft everything but
 * the scope root may change; once opened, only the name, period, schedule and target.
 */
export function CycleEditModal({
  cycle,
  opened,
  onClose,
  onSaved,
}: {
  cycle: CycleDetail;
  opened: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const isPhone = useMediaQuery('(max-width: 48em)');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t.manage.cycle.edit}
      size="xl"
      fullScreen={isPhone}
      closeButtonProps={{ 'aria-label': t.common.close }}
    >
      {opened && <EditForm cycle={cycle} onCancel={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function EditForm({
  cycle,
  onCancel,
  onSaved,
}: {
  cycle: CycleDetail;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const { t, lang } = useI18n();
  const w = t.manage.wizard;
  const errorMessage = useErrorMessage();
  const draft = cycle.status === 'draft';
  const schema = useMemo(() => cycleFormSchema(t, lang), [t, lang]);
  const form = useForm<CycleFormIn, unknown, CycleFormOut>({
    resolver: zodResolver(schema),
    defaultValues: valuesFromCycle(cycle),
  });
  const [formError, setFormError] = useState<string | null>(null);

  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    const patch = toCyclePatch(values, draft);
    try {
      await updateCycle(cycle.id, patch);
      onSaved();
    } catch (err) {
      const { rest } = placeServerErrors(err, form, patch.phases ?? [], errorMessage(err));
      if (rest.length) setFormError(rest.join(' '));
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="cycle-edit-form">
      <Stack>
        {formError && (
          <Alert color="red" role="alert" icon={<IconAlertTriangle aria-hidden="true" />}>
            {formError}
          </Alert>
        )}
        <Title order={3} size="h5">
          {w.steps.basics}
        </Title>
        <BasicsFields form={form} lockDraftOnly={!draft} currentInstrumentId={cycle.instrument.id} />
        <Divider />
        <Title order={3} size="h5">
          {w.steps.scope}
        </Title>
        <ScopeFields form={form} lockDraftOnly={!draft} scopeLocked />
        <Divider />
        <Title order={3} size="h5">
          {w.steps.schedule}
        </Title>
        <ScheduleFields form={form} />
        <Divider />
        <Title order={3} size="h5">
          {w.steps.settings}
        </Title>
        <SettingsFields form={form} lockDraftOnly={!draft} selfId={cycle.id} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t.common.cancel}
          </Button>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {t.common.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
