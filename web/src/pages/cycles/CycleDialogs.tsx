import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import {
  type CycleAssessors,
  type CycleDetail,
  type CycleUnit,
  extendAssessment,
  openCycle,
  reopenAssessment,
  setCycleAssessors,
  useAssessmentExtension,
} from '../../api/cycles';
import { QueryError, useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatDateTime, formatNumber } from '../../lib/format';
import { applyServerErrors } from '../../lib/forms';
import { FactList } from '../admin/InstrumentParts';

const closeLabel = (label: string) => ({ 'aria-label': label });

function ErrorAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <Alert color="red" role="alert" icon={<IconAlertTriangle aria-hidden="true" />}>
      {message}
    </Alert>
  );
}

/** Confirms opening a draft cycle: one assessment per unit in scope, answers carried over. */
export function OpenCycleModal({
  cycle,
  previousName,
  opened,
  onClose,
  onDone,
}: {
  cycle: CycleDetail;
  previousName: string | null;
  opened: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t, lang } = useI18n();
  const c = t.manage.cycle;
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await openCycle(cycle.id);
      onDone(c.openedDone(formatNumber(r.created, lang), formatNumber(r.carriedAnswers, lang)));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={c.openTitle}
      closeButtonProps={closeLabel(t.common.close)}
    >
      <Stack>
        <Text size="sm">{c.openBody(formatNumber(cycle.units.length, lang))}</Text>
        {previousName && <Text size="sm">{c.openCarry(previousName)}</Text>}
        <ErrorAlert message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t.common.cancel}
          </Button>
          <Button onClick={confirm} loading={busy}>
            {t.cyc.open}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const candidateOptions = (data: CycleAssessors | undefined) =>
  (data?.candidates ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.email})` }));

/** Sets the assessors of one unit (replaces its current set). */
export function AssessorModal({
  cycleId,
  unit,
  assessors,
  onClose,
  onDone,
}: {
  cycleId: string;
  unit: CycleUnit | null;
  assessors: { data?: CycleAssessors; isError: boolean; error: unknown; refetch: () => unknown };
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  const c = t.manage.cycle;
  return (
    <Modal
      opened={!!unit}
      onClose={onClose}
      title={unit ? c.assignTitle(unit.name) : ''}
      closeButtonProps={closeLabel(t.common.close)}
    >
      {unit && (
        <AssessorForm
          key={unit.id}
          cycleId={cycleId}
          unit={unit}
          assessors={assessors}
          onClose={onClose}
          onDone={onDone}
        />
      )}
    </Modal>
  );
}

function AssessorForm({
  cycleId,
  unit,
  assessors,
  onClose,
  onDone,
}: {
  cycleId: string;
  unit: CycleUnit;
  assessors: { data?: CycleAssessors; isError: boolean; error: unknown; refetch: () => unknown };
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  const c = t.manage.cycle;
  const errorMessage = useErrorMessage();
  const [value, setValue] = useState<string[]>(unit.assessors.map((a) => a.id));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const options = useMemo(() => {
    const list = candidateOptions(assessors.data);
    // Someone assigned earlier who is no longer a candidate stays visible (and removable).
    for (const a of unit.assessors)
      if (!list.some((o) => o.value === a.id)) list.push({ value: a.id, label: a.name });
    return list;
  }, [assessors.data, unit.assessors]);

  if (assessors.isError) return <QueryError error={assessors.error} onRetry={() => assessors.refetch()} />;
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await setCycleAssessors(cycleId, [{ unitCode: unit.code, userIds: value }]);
      onDone(c.assigned(unit.name));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      {assessors.data && assessors.data.candidates.length === 0 && (
        <Alert color="orange">{c.noCandidates}</Alert>
      )}
      <MultiSelect
        label={c.assessorPick}
        description={c.assessorPickHint}
        data={options}
        value={value}
        onChange={setValue}
        searchable
        clearable
        disabled={!assessors.data}
        error={error}
        data-autofocus
        comboboxProps={{ withinPortal: true }}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t.common.cancel}
        </Button>
        <Button onClick={save} loading={busy} disabled={!assessors.data}>
          {t.common.save}
        </Button>
      </Group>
    </Stack>
  );
}

/** Adds assessors to many units at once (dozens of units are usual). */
export function BulkAssessorModal({
  cycleId,
  units,
  opened,
  assessors,
  onClose,
  onDone,
}: {
  cycleId: string;
  units: CycleUnit[];
  opened: boolean;
  assessors: { data?: CycleAssessors; isError: boolean; error: unknown; refetch: () => unknown };
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t, lang } = useI18n();
  const c = t.manage.cycle;
  const errorMessage = useErrorMessage();
  const [people, setPeople] = useState<string[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const chosen = units.filter((u) => picked.includes(u.code));
      await setCycleAssessors(
        cycleId,
        chosen.map((u) => ({
          unitCode: u.code,
          userIds: [...new Set([...u.assessors.map((a) => a.id), ...people])],
        })),
      );
      setPeople([]);
      setPicked([]);
      onDone(c.bulkAssigned(formatNumber(chosen.length, lang)));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={c.bulkAssign}
      size="lg"
      closeButtonProps={closeLabel(t.common.close)}
    >
      {assessors.isError ? (
        <QueryError error={assessors.error} onRetry={() => assessors.refetch()} />
      ) : (
        <Stack>
          {assessors.data && assessors.data.candidates.length === 0 && (
            <Alert color="orange">{c.noCandidates}</Alert>
          )}
          <MultiSelect
            label={c.assessorPick}
            description={c.bulkHint}
            data={candidateOptions(assessors.data)}
            value={people}
            onChange={setPeople}
            searchable
            disabled={!assessors.data}
            comboboxProps={{ withinPortal: true }}
          />
          <Checkbox.Group label={c.bulkUnits} value={picked} onChange={setPicked}>
            <Group mt={4} mb="xs">
              <Button
                size="xs"
                variant="light"
                onClick={() => setPicked(units.filter((u) => u.assessors.length === 0).map((u) => u.code))}
              >
                {c.selectUnassigned}
              </Button>
            </Group>
            <Stack gap={6} style={{ maxHeight: '40vh', overflowY: 'auto' }} p={2}>
              {units.map((u) => (
                <Checkbox
                  key={u.id}
                  value={u.code}
                  label={u.name}
                  description={u.assessors.length ? u.assessors.map((a) => a.name).join(', ') : c.noAssessor}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <ErrorAlert message={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t.common.cancel}
            </Button>
            <Button onClick={save} loading={busy} disabled={people.length === 0 || picked.length === 0}>
              {t.common.save}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

export interface AssessmentTarget {
  assessmentId: string;
  unitName: string;
}

const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A per-unit deadline extension (WIB) with a reason; the current one can also be removed. */
export function ExtensionModal({
  target,
  onClose,
  onDone,
}: {
  target: AssessmentTarget | null;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      opened={!!target}
      onClose={onClose}
      title={target ? t.manage.cycle.extendTitle(target.unitName) : ''}
      closeButtonProps={closeLabel(t.common.close)}
    >
      {target && (
        <ExtensionForm key={target.assessmentId} target={target} onClose={onClose} onDone={onDone} />
      )}
    </Modal>
  );
}

function ExtensionForm({
  target,
  onClose,
  onDone,
}: {
  target: AssessmentTarget;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t, lang } = useI18n();
  const c = t.manage.cycle;
  const errorMessage = useErrorMessage();
  const detail = useAssessmentExtension(target.assessmentId);
  const schema = useMemo(
    () =>
      z.object({
        until: z.string().regex(DATE_TIME_RE, c.validation.until),
        reason: z.string().trim().min(5, c.validation.extendReason).max(2000),
      }),
    [c],
  );
  const form = useForm<z.input<typeof schema>, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { until: '', reason: '' },
  });
  const [formError, setFormError] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const errors = form.formState.errors;

  const send = async (until: string | null, reason: string) => {
    setFormError(null);
    try {
      await extendAssessment(target.assessmentId, until, reason);
      onDone(until ? c.extendedDone(target.unitName) : c.extensionRemoved(target.unitName));
    } catch (err) {
      const rest = applyServerErrors(err, form.setError, ['until', 'reason']);
      if (rest.length) setFormError(err instanceof ApiError ? rest.join(' ') : errorMessage(err));
    }
  };
  const submit = form.handleSubmit((v) => send(v.until, v.reason));
  const remove = async () => {
    if (!(await form.trigger('reason', { shouldFocus: true }))) return;
    setRemoving(true);
    await send(null, form.getValues('reason').trim());
    setRemoving(false);
  };

  const d = detail.data;
  return (
    <form onSubmit={submit} noValidate data-testid="extension-form">
      <Stack>
        {detail.isError && <QueryError error={detail.error} onRetry={() => detail.refetch()} />}
        {d && (
          <FactList
            items={[
              {
                label: c.currentDeadline,
                value: d.editWindow.deadline ? formatDateTime(d.editWindow.deadline, lang) : t.common.none,
              },
              {
                label: c.currentExtension,
                value: d.extension
                  ? `${formatDateTime(d.extension.until, lang)}${d.extension.reason ? ` — ${d.extension.reason}` : ''}`
                  : null,
              },
            ]}
          />
        )}
        {formError && <ErrorAlert message={formError} />}
        <TextInput
          type="datetime-local"
          label={c.until}
          withAsterisk
          {...form.register('until')}
          error={errors.until?.message}
          data-autofocus
        />
        <Textarea
          label={c.reason}
          withAsterisk
          autosize
          minRows={2}
          {...form.register('reason')}
          error={errors.reason?.message}
        />
        <Group justify="space-between">
          {d?.extension ? (
            <Button variant="subtle" color="red" onClick={remove} loading={removing}>
              {c.removeExtension}
            </Button>
          ) : (
            <span />
          )}
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t.common.cancel}
            </Button>
            <Button type="submit" loading={form.formState.isSubmitting}>
              {c.extendSave}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

/** Reopens a final assessment (back to verified) with a reason. */
export function ReopenModal({
  target,
  onClose,
  onDone,
}: {
  target: AssessmentTarget | null;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      opened={!!target}
      onClose={onClose}
      title={target ? t.manage.cycle.reopenTitle(target.unitName) : ''}
      closeButtonProps={closeLabel(t.common.close)}
    >
      {target && <ReopenForm key={target.assessmentId} target={target} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function ReopenForm({
  target,
  onClose,
  onDone,
}: {
  target: AssessmentTarget;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  const c = t.manage.cycle;
  const errorMessage = useErrorMessage();
  const schema = useMemo(
    () => z.object({ reason: z.string().trim().min(10, c.validation.reopenReason).max(2000) }),
    [c],
  );
  const form = useForm<z.input<typeof schema>, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { reason: '' },
  });
  const [formError, setFormError] = useState<string | null>(null);
  const submit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      await reopenAssessment(target.assessmentId, v.reason);
      onDone(c.reopened(target.unitName));
    } catch (err) {
      const rest = applyServerErrors(err, form.setError, ['reason']);
      if (rest.length) setFormError(err instanceof ApiError ? rest.join(' ') : errorMessage(err));
    }
  });
  return (
    <form onSubmit={submit} noValidate data-testid="reopen-form">
      <Stack>
        <Text size="sm">{c.reopenBody}</Text>
        {formError && <ErrorAlert message={formError} />}
        <Textarea
          label={c.reason}
          withAsterisk
          autosize
          minRows={3}
          {...form.register('reason')}
          error={form.formState.errors.reason?.message}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t.common.cancel}
          </Button>
          <Button type="submit" color="orange" loading={form.formState.isSubmitting}>
            {c.reopen}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
