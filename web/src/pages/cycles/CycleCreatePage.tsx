import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Card, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { type FieldErrors, useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { CYCLES_KEY, createCycle } from '../../api/cycles';
import { PageHeader } from '../../components/PageHeader';
import { useErrorMessage } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { APP_ROUTES, cyclePath } from '../../lib/routes';
import { useUser } from '../../lib/session';
import {
  BasicsFields,
  type CycleFormIn,
  type CycleFormOut,
  CycleReview,
  cycleFormSchema,
  defaultCycleValues,
  placeServerErrors,
  ScheduleFields,
  ScopeFields,
  SettingsFields,
  STEP_FIELDS,
  toCycleInput,
} from './CycleFormParts';

const REVIEW = STEP_FIELDS.length;

/** First wizard step holding one of the errors (client or server). */
function firstStepWithError(errors: FieldErrors<CycleFormIn>): number | null {
  const steps = STEP_FIELDS.map((fields, i) =>
    fields.some((f) => f in errors) || (i === 2 && !!errors.root?.phases) ? i : null,
  ).filter((s): s is number => s !== null);
  return steps.length ? Math.min(...steps) : null;
}

/**
 * `/admin/siklus/baru` — the cycle creation wizard: basics → scope → phase schedule (WIB) →
 * settings → review. Each step is checked before the next; the server's answer is put back next
 * to the fields on the step they belong to. The cycle is created as a draft.
 */
export default function CycleCreatePage() {
  const { t, lang } = useI18n();
  const w = t.manage.wizard;
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const isPhone = useMediaQuery('(max-width: 36em)');
  const schema = useMemo(() => cycleFormSchema(t, lang), [t, lang]);
  const defaultScope = user.roles.find((r) => r.role === 'coordinator' || r.role === 'admin')?.unitCode ?? '';
  const form = useForm<CycleFormIn, unknown, CycleFormOut>({
    resolver: zodResolver(schema),
    defaultValues: defaultCycleValues(defaultScope),
  });
  const [step, setStep] = useState(0);
  const [formError, setFormError] = useState<string[] | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Keyboard and screen-reader users land on the new step's heading (after React has drawn it).
  const goTo = (s: number) => {
    setStep(s);
    requestAnimationFrame(() => headingRef.current?.focus());
  };

  const steps = [w.steps.basics, w.steps.scope, w.steps.schedule, w.steps.settings, w.steps.review];

  const next = async () => {
    const ok = await form.trigger([...STEP_FIELDS[step]!], { shouldFocus: true });
    if (ok) goTo(step + 1);
  };

  const submit = form.handleSubmit(
    async (values) => {
      setFormError(null);
      const input = toCycleInput(values);
      try {
        const created = await createCycle(input);
        await queryClient.invalidateQueries({ queryKey: CYCLES_KEY });
        navigate(cyclePath(created.id), { state: { flash: w.created(created.name) } });
      } catch (err) {
        const { rest, step: at } = placeServerErrors(err, form, input.phases, errorMessage(err));
        if (at !== null) goTo(at);
        if (rest.length) setFormError(rest);
      }
    },
    (errors) => {
      const at = firstStepWithError(errors);
      if (at !== null) goTo(at);
    },
  );

  return (
    <>
      <PageHeader
        title={w.title}
        intro={w.intro}
        actions={
          <Button component={Link} to={APP_ROUTES.cycles.path} variant="default">
            {w.cancel}
          </Button>
        }
      />
      <Card withBorder padding="lg">
        <Stepper
          active={step}
          onStepClick={(s) => s < step && goTo(s)}
          allowNextStepsSelect={false}
          size="sm"
          mb="lg"
        >
          {steps.map((label) => (
            <Stepper.Step key={label} label={isPhone ? undefined : label} aria-label={label} />
          ))}
        </Stepper>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (step < REVIEW) void next();
            else void submit();
          }}
          data-testid="cycle-wizard"
        >
          <Stack>
            <div>
              <Text size="xs" c="dimmed">
                {w.stepOf(step + 1, steps.length, steps[step]!)}
              </Text>
              <Title order={2} size="h4" ref={headingRef} tabIndex={-1}>
                {steps[step]}
              </Title>
            </div>
            {formError && (
              <Alert color="red" role="alert" icon={<IconAlertTriangle aria-hidden="true" />}>
                {formError.join(' ')}
              </Alert>
            )}
            {step === 0 && <BasicsFields form={form} />}
            {step === 1 && <ScopeFields form={form} />}
            {step === 2 && <ScheduleFields form={form} />}
            {step === 3 && <SettingsFields form={form} />}
            {step === REVIEW && (
              <>
                <Text size="sm" c="dimmed">
                  {w.reviewIntro}
                </Text>
                <CycleReview values={form.getValues()} />
              </>
            )}
            <Group justify="space-between" mt="md">
              <Button variant="default" onClick={() => goTo(step - 1)} disabled={step === 0}>
                {w.previous}
              </Button>
              <Button type="submit" loading={form.formState.isSubmitting}>
                {step < REVIEW ? w.next : w.create}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}
