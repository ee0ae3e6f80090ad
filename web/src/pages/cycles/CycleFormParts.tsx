import {
  Alert,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useMemo } from 'react';
import { Controller, type FieldPath, type UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { UNIT_TYPES, type UnitType } from '../../../../src/domain/units.js';
import {
  CYCLE_PHASES,
  type CyclePhase,
  PHASE_LABELS,
  REQUIRED_PHASES,
} from '../../../../src/domain/workflow/catalogue.js';
import { unitsInScope } from '../../../../src/domain/workflow/scope.js';
import type { CycleDetail, CycleInput, CyclePatch } from '../../api/cycles';
import { useCycles } from '../../api/cycles';
import { useInstruments } from '../../api/instruments';
import { type Unit, useUnits } from '../../api/units';
import { type Dict, type Lang, useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatDate, formatDecimal, formatNumber } from '../../lib/format';
import { FactList } from '../admin/InstrumentParts';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
/** Same rule as the server's `targetIndex` (src/modules/cycles/cycles.schemas.ts). */
const TARGET_RE = /^[1-5](\.\d{1,4})?$/;

export const phaseLabel = (phase: CyclePhase, lang: Lang) => PHASE_LABELS[phase][lang];
const isOptionalPhase = (phase: CyclePhase) => !REQUIRED_PHASES.includes(phase);

/** The cycle form (create wizard and edit): the client's checks mirror the server's. */
export function cycleFormSchema(t: Dict, lang: Lang) {
  const v = t.manage.form.validation;
  return z
    .object({
      name: z.string().trim().min(3, v.name).max(200),
      periodStart: z.string().regex(DATE_RE, v.date),
      periodEnd: z.string().regex(DATE_RE, v.date),
      instrumentVersionId: z.string().min(1, v.instrument),
      scopeUnitCode: z.string().min(1, v.scopeUnit),
      scopeUnitTypes: z.array(z.enum(UNIT_TYPES)),
      includeNestedPemda: z.boolean(),
      phases: z.array(
        z.object({
          phase: z.enum(CYCLE_PHASES),
          include: z.boolean(),
          startsAt: z.string(),
          endsAt: z.string(),
        }),
      ),
      targetIndex: z
        .string()
        .trim()
        // Indonesian keyboards and habits write decimals with a comma.
        .transform((s) => s.replace(',', '.'))
        .refine((s) => s === '' || (TARGET_RE.test(s) && Number(s) <= 5), v.targetIndex),
      evidenceThreshold: z.string(),
      requireSignoff: z.boolean(),
      previousCycleId: z.string().nullable(),
    })
    .superRefine((val, ctx) => {
      if (DATE_RE.test(val.periodStart) && DATE_RE.test(val.periodEnd) && val.periodEnd < val.periodStart) {
        ctx.addIssue({ code: 'custom', path: ['periodEnd'], message: v.periodOrder });
      }
      let previous: { phase: CyclePhase; start: string } | null = null;
      val.phases.forEach((p, i) => {
        if (!p.include) return;
        const okStart = DATE_TIME_RE.test(p.startsAt);
        const okEnd = DATE_TIME_RE.test(p.endsAt);
        if (!okStart) ctx.addIssue({ code: 'custom', path: ['phases', i, 'startsAt'], message: v.dateTime });
        if (!okEnd) ctx.addIssue({ code: 'custom', path: ['phases', i, 'endsAt'], message: v.dateTime });
        if (okStart && okEnd && p.endsAt <= p.startsAt) {
          ctx.addIssue({ code: 'custom', path: ['phases', i, 'endsAt'], message: v.endAfterStart });
        }
        if (okStart && previous && p.startsAt < previous.start) {
          ctx.addIssue({
            code: 'custom',
            path: ['phases', i, 'startsAt'],
            message: v.phaseOrder(phaseLabel(p.phase, lang), phaseLabel(previous.phase, lang)),
          });
        }
        if (okStart) previous = { phase: p.phase, start: p.startsAt };
      });
    });
}
export type CycleFormIn = z.input<ReturnType<typeof cycleFormSchema>>;
export type CycleFormOut = z.output<ReturnType<typeof cycleFormSchema>>;
export type CycleForm = UseFormReturn<CycleFormIn, unknown, CycleFormOut>;

/** The fields of each wizard step, validated before moving on. */
export const STEP_FIELDS = [
  ['name', 'periodStart', 'periodEnd', 'instrumentVersionId'],
  ['scopeUnitCode', 'scopeUnitTypes', 'includeNestedPemda'],
  ['phases'],
  ['targetIndex', 'evidenceThreshold', 'requireSignoff', 'previousCycleId'],
] as const satisfies ReadonlyArray<ReadonlyArray<FieldPath<CycleFormIn>>>;

const FIELD_STEP = new Map<string, number>(
  STEP_FIELDS.flatMap((fields, step) => fields.map((f) => [f as string, step] as const)),
);

// ── values ─────────────────────────────────────────────────────────────────────────────────

const DAY = 86_400_000;
/** Today's date in WIB plus `days`, as YYYY-MM-DD. */
function wibDay(days: number) {
  return new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
}

/** A schedule to start from: self-assessment from tomorrow for 30 days, then the review phases. */
export function defaultPhases(): CycleFormIn['phases'] {
  const spans: Record<CyclePhase, [number, number]> = {
    mandiri: [1, 30],
    dokumen: [31, 44],
    interviu: [45, 51],
    visitasi: [52, 58],
    finalisasi: [59, 65],
  };
  return CYCLE_PHASES.map((phase) => ({
    phase,
    include: !isOptionalPhase(phase),
    startsAt: `${wibDay(spans[phase][0])}T08:00`,
    endsAt: `${wibDay(spans[phase][1])}T23:59`,
  }));
}

export function defaultCycleValues(scopeUnitCode: string): CycleFormIn {
  const year = wibDay(0).slice(0, 4);
  return {
    name: '',
    periodStart: `${year}-01-01`,
    periodEnd: `${year}-12-31`,
    instrumentVersionId: '',
    scopeUnitCode,
    scopeUnitTypes: [],
    includeNestedPemda: false,
    phases: defaultPhases(),
    targetIndex: '',
    evidenceThreshold: '2',
    requireSignoff: false,
    previousCycleId: null,
  };
}

/** "2026-03-31T23:59:00+07:00" (the server writes WIB) → "2026-03-31T23:59" for a datetime-local input. */
const toLocalInput = (iso: string) => iso.slice(0, 16);

export function valuesFromCycle(c: CycleDetail): CycleFormIn {
  const byPhase = new Map(c.phases.map((p) => [p.phase, p]));
  return {
    name: c.name,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    instrumentVersionId: c.instrument.id,
    scopeUnitCode: c.scopeUnit.code,
    scopeUnitTypes: c.scopeUnitTypes,
    includeNestedPemda: c.includeNestedPemda,
    phases: CYCLE_PHASES.map((phase) => {
      const p = byPhase.get(phase);
      return {
        phase,
        include: !!p,
        startsAt: p ? toLocalInput(p.startsAt) : '',
        endsAt: p ? toLocalInput(p.endsAt) : '',
      };
    }),
    targetIndex: c.targetIndex ?? '',
    evidenceThreshold: String(c.evidenceThreshold),
    requireSignoff: c.requireSignoff,
    previousCycleId: c.previousCycleId,
  };
}

/** Phase windows to send: the ones held, in phase order; times without an offset are WIB. */
export const phasesToSend = (v: CycleFormOut) =>
  v.phases.filter((p) => p.include).map(({ phase, startsAt, endsAt }) => ({ phase, startsAt, endsAt }));

export function toCycleInput(v: CycleFormOut): CycleInput {
  return {
    name: v.name,
    periodStart: v.periodStart,
    periodEnd: v.periodEnd,
    instrumentVersionId: v.instrumentVersionId,
    scopeUnitCode: v.scopeUnitCode,
    scopeUnitTypes: v.scopeUnitTypes,
    includeNestedPemda: v.includeNestedPemda,
    phases: phasesToSend(v),
    targetIndex: v.targetIndex === '' ? null : v.targetIndex,
    evidenceThreshold: Number(v.evidenceThreshold),
    requireSignoff: v.requireSignoff,
    previousCycleId: v.previousCycleId || null,
  };
}

/** The changes a cycle accepts: once opened, only name, period, schedule and target. */
export function toCyclePatch(v: CycleFormOut, draft: boolean): CyclePatch {
  const { scopeUnitCode: _scope, ...all } = toCycleInput(v);
  if (draft) return all;
  return {
    name: all.name,
    periodStart: all.periodStart,
    periodEnd: all.periodEnd,
    phases: all.phases,
    targetIndex: all.targetIndex,
  };
}

/**
 * Puts the server's validation details next to their fields. Phase paths name the position in
 * the windows that were sent (a skipped visitasi shifts them), so they are mapped back to the
 * form's rows. Returns the messages for no field and the first wizard step with a problem.
 */
export function placeServerErrors(
  err: unknown,
  form: CycleForm,
  sent: Array<{ phase: CyclePhase }>,
  fallback: string,
): { rest: string[]; step: number | null } {
  if (!(err instanceof ApiError)) return { rest: [fallback], step: null };
  const rest: string[] = [];
  let step: number | null = null;
  const at = (s: number) => {
    step = step === null ? s : Math.min(step, s);
  };
  for (const d of err.fieldDetails) {
    const path = (d.path ?? '').replace(/^body\./, '');
    const phase = /^phases\.(\d+)\.(startsAt|endsAt)$/.exec(path);
    if (phase) {
      const sentPhase = sent[Number(phase[1])]?.phase;
      const row = sentPhase ? CYCLE_PHASES.indexOf(sentPhase) : -1;
      if (row >= 0) {
        form.setError(`phases.${row}.${phase[2] as 'startsAt' | 'endsAt'}`, {
          type: 'server',
          message: d.message,
        });
        at(2);
        continue;
      }
    }
    if (path === 'phases' || path.startsWith('phases.')) {
      form.setError('root.phases', { type: 'server', message: d.message });
      at(2);
      continue;
    }
    const field = [...FIELD_STEP.keys()].find((f) => f === path || path.startsWith(`${f}.`));
    if (field) {
      form.setError(field as FieldPath<CycleFormIn>, { type: 'server', message: d.message });
      at(FIELD_STEP.get(field)!);
    } else rest.push(d.message);
  }
  if (step === null && rest.length === 0) rest.push(err.message);
  return { rest, step };
}

// ── fields ─────────────────────────────────────────────────────────────────────────────────

interface FieldsProps {
  form: CycleForm;
  /** Editing an opened cycle: instrument, scope and evidence settings are fixed. */
  lockDraftOnly?: boolean;
}

/** Published instrument versions (and the cycle's current one, whatever its status). */
function useInstrumentOptions(currentId?: string) {
  const { t } = useI18n();
  const instruments = useInstruments();
  const options = useMemo(
    () =>
      (instruments.data ?? []).flatMap((ins) =>
        ins.versions
          .filter((v) => v.status === 'published' || v.id === currentId)
          .map((v) => ({ value: v.id, label: t.manage.form.instrumentOption(v.title, v.version) })),
      ),
    [instruments.data, currentId, t],
  );
  return { options, loaded: !!instruments.data };
}

export function BasicsFields({
  form,
  lockDraftOnly,
  currentInstrumentId,
}: FieldsProps & { currentInstrumentId?: string }) {
  const { t } = useI18n();
  const f = t.manage.form;
  const { register, control, formState } = form;
  const errors = formState.errors;
  const instruments = useInstrumentOptions(currentInstrumentId);
  return (
    <Stack>
      <TextInput
        label={f.name}
        placeholder={f.namePlaceholder}
        withAsterisk
        {...register('name')}
        error={errors.name?.message}
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <TextInput
          type="date"
          label={f.periodStart}
          withAsterisk
          {...register('periodStart')}
          error={errors.periodStart?.message}
        />
        <TextInput
          type="date"
          label={f.periodEnd}
          withAsterisk
          {...register('periodEnd')}
          error={errors.periodEnd?.message}
        />
      </SimpleGrid>
      <Controller
        control={control}
        name="instrumentVersionId"
        render={({ field }) => (
          <Select
            label={f.instrument}
            description={lockDraftOnly ? f.draftOnly : f.instrumentHint}
            withAsterisk
            data={instruments.options}
            value={field.value || null}
            onChange={(v) => field.onChange(v ?? '')}
            onBlur={field.onBlur}
            ref={field.ref}
            error={errors.instrumentVersionId?.message}
            disabled={lockDraftOnly}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
        )}
      />
      {instruments.loaded && instruments.options.length === 0 && (
        <Alert color="orange" role="alert">
          {f.noInstrument}
        </Alert>
      )}
    </Stack>
  );
}

/** Units with their tree paths (the API gives parent ids), for the scope preview. */
function withPaths(units: Unit[]) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const paths = new Map<string, string>();
  const pathOf = (u: Unit): string => {
    const known = paths.get(u.id);
    if (known) return known;
    const parent = u.parentId ? byId.get(u.parentId) : undefined;
    const p = `${parent ? pathOf(parent) : '/'}${u.id}/`;
    paths.set(u.id, p);
    return p;
  };
  return units.map((u) => ({ ...u, path: pathOf(u) }));
}

export function ScopeFields({ form, lockDraftOnly, scopeLocked }: FieldsProps & { scopeLocked?: boolean }) {
  const { t, lang } = useI18n();
  const f = t.manage.form;
  const { control, formState, watch } = form;
  const errors = formState.errors;
  const units = useUnits();
  const [scopeCode, types, nested] = watch(['scopeUnitCode', 'scopeUnitTypes', 'includeNestedPemda']);
  const withPath = useMemo(() => withPaths(units.data ?? []), [units.data]);
  const options = useMemo(
    () => withPath.map((u) => ({ value: u.code, label: `${u.name} (${u.code})` })),
    [withPath],
  );
  const inScope = useMemo(() => {
    const root = withPath.find((u) => u.code === scopeCode);
    if (!root) return null;
    return unitsInScope(withPath, root, types ?? [], nested ?? false).sort((a, b) =>
      a.name.localeCompare(b.name, 'id'),
    );
  }, [withPath, scopeCode, types, nested]);

  return (
    <Stack>
      <Controller
        control={control}
        name="scopeUnitCode"
        render={({ field }) => (
          <Select
            label={f.scopeUnit}
            description={scopeLocked ? f.scopeUnitFixed : f.scopeUnitHint}
            withAsterisk
            searchable
            data={options}
            value={field.value || null}
            onChange={(v) => field.onChange(v ?? '')}
            onBlur={field.onBlur}
            ref={field.ref}
            error={errors.scopeUnitCode?.message}
            disabled={scopeLocked}
            limit={100}
            allowDeselect={false}
            nothingFoundMessage={t.units.noMatch}
          />
        )}
      />
      <Controller
        control={control}
        name="scopeUnitTypes"
        render={({ field }) => (
          <Checkbox.Group
            label={f.scopeTypes}
            description={lockDraftOnly ? f.draftOnly : f.scopeTypesHint}
            value={field.value}
            onChange={(v) => field.onChange(v as UnitType[])}
            error={errors.scopeUnitTypes?.message}
          >
            <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} spacing="xs" mt="xs">
              {UNIT_TYPES.map((u) => (
                <Checkbox key={u} value={u} label={t.unitTypes[u]} disabled={lockDraftOnly} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
        )}
      />
      <Controller
        control={control}
        name="includeNestedPemda"
        render={({ field }) => (
          <Switch
            label={f.nestedPemda}
            checked={field.value}
            onChange={(e) => field.onChange(e.currentTarget.checked)}
            disabled={lockDraftOnly}
          />
        )}
      />
      {inScope && (
        <Paper withBorder p="sm" role="status" data-testid="scope-preview">
          {inScope.length === 0 ? (
            <Text size="sm" c="orange.9">
              {f.inScopeNone}
            </Text>
          ) : (
            <>
              <Text size="sm" fw={600}>
                {f.inScope(formatNumber(inScope.length, lang))}
              </Text>
              <Text size="xs" c="dimmed">
                {inScope
                  .slice(0, 8)
                  .map((u) => u.shortName || u.name)
                  .join(', ')}
                {inScope.length > 8 ? ` ${f.inScopeMore(formatNumber(inScope.length - 8, lang))}` : ''}
              </Text>
            </>
          )}
        </Paper>
      )}
    </Stack>
  );
}

export function ScheduleFields({ form }: FieldsProps) {
  const { t, lang } = useI18n();
  const f = t.manage.form;
  const { register, control, formState, watch } = form;
  const errors = formState.errors;
  const phases = watch('phases');
  const rootError = errors.root?.phases?.message;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {f.scheduleHint}
      </Text>
      {rootError && (
        <Alert color="red" role="alert">
          {rootError}
        </Alert>
      )}
      {CYCLE_PHASES.map((phase, i) => {
        const label = phaseLabel(phase, lang);
        const included = phases?.[i]?.include ?? true;
        const rowErrors = errors.phases?.[i];
        return (
          <Paper key={phase} withBorder p="sm" data-phase={phase}>
            <Group justify="space-between" mb="xs" gap="xs">
              <Text fw={600} size="sm" id={`phase-${phase}`}>
                {label}
                {isOptionalPhase(phase) && (
                  <Text span size="xs" c="dimmed" ml={6}>
                    ({f.optional})
                  </Text>
                )}
              </Text>
              {isOptionalPhase(phase) && (
                <Controller
                  control={control}
                  name={`phases.${i}.include`}
                  render={({ field }) => (
                    <Switch
                      label={f.includePhase(label)}
                      checked={field.value}
                      onChange={(e) => field.onChange(e.currentTarget.checked)}
                    />
                  )}
                />
              )}
            </Group>
            {included ? (
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                <TextInput
                  type="datetime-local"
                  label={f.startsAtOf(label)}
                  {...register(`phases.${i}.startsAt`)}
                  error={rowErrors?.startsAt?.message}
                />
                <TextInput
                  type="datetime-local"
                  label={f.endsAtOf(label)}
                  {...register(`phases.${i}.endsAt`)}
                  error={rowErrors?.endsAt?.message}
                />
              </SimpleGrid>
            ) : (
              <Text size="sm" c="dimmed">
                {f.skipped}
              </Text>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

export function SettingsFields({ form, lockDraftOnly, selfId }: FieldsProps & { selfId?: string }) {
  const { t, lang } = useI18n();
  const f = t.manage.form;
  const { register, control, formState } = form;
  const errors = formState.errors;
  const cycles = useCycles();
  const previousOptions = useMemo(
    () =>
      (cycles.data ?? [])
        .filter((c) => c.id !== selfId)
        .map((c) => ({
          value: c.id,
          label: `${c.name} (${formatDate(c.periodStart, lang)} – ${formatDate(c.periodEnd, lang)})`,
        })),
    [cycles.data, selfId, lang],
  );
  return (
    <Stack>
      <TextInput
        label={f.targetIndex}
        description={f.targetIndexHint}
        inputMode="decimal"
        {...register('targetIndex')}
        error={errors.targetIndex?.message}
        maw={240}
      />
      <NativeSelect
        label={f.evidenceThreshold}
        description={lockDraftOnly ? f.draftOnly : undefined}
        {...register('evidenceThreshold')}
        data={[
          ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: f.evidenceFrom(n) })),
          { value: '6', label: f.evidenceNever },
        ]}
        error={errors.evidenceThreshold?.message}
        disabled={lockDraftOnly}
        maw={320}
      />
      <Controller
        control={control}
        name="requireSignoff"
        render={({ field }) => (
          <Switch
            label={f.requireSignoff}
            description={lockDraftOnly ? f.draftOnly : undefined}
            checked={field.value}
            onChange={(e) => field.onChange(e.currentTarget.checked)}
            disabled={lockDraftOnly}
          />
        )}
      />
      <Controller
        control={control}
        name="previousCycleId"
        render={({ field }) => (
          <Select
            label={f.previousCycle}
            description={lockDraftOnly ? f.draftOnly : f.previousCycleHint}
            placeholder={f.previousNone}
            data={previousOptions}
            value={field.value}
            onChange={(v) => field.onChange(v)}
            onBlur={field.onBlur}
            ref={field.ref}
            clearable
            error={errors.previousCycleId?.message}
            disabled={lockDraftOnly}
          />
        )}
      />
    </Stack>
  );
}

/** What will be created, as the coordinator entered it (the wizard's last step). */
export function CycleReview({ values }: { values: CycleFormIn }) {
  const { t, lang } = useI18n();
  const f = t.manage.form;
  const c = t.manage.cycle;
  const instruments = useInstrumentOptions();
  const units = useUnits();
  const cycles = useCycles();
  const scope = units.data?.find((u) => u.code === values.scopeUnitCode);
  const target = values.targetIndex.trim().replace(',', '.');
  return (
    <Stack gap="md" data-testid="cycle-review">
      <FactList
        items={[
          { label: f.name, value: values.name },
          {
            label: c.period,
            value:
              DATE_RE.test(values.periodStart) && DATE_RE.test(values.periodEnd)
                ? `${formatDate(values.periodStart, lang)} – ${formatDate(values.periodEnd, lang)}`
                : '',
          },
          {
            label: f.instrument,
            value: instruments.options.find((o) => o.value === values.instrumentVersionId)?.label,
          },
          { label: c.scope, value: scope ? `${scope.name} (${scope.code})` : values.scopeUnitCode },
          {
            label: c.scopeTypes,
            value: values.scopeUnitTypes.length
              ? values.scopeUnitTypes.map((u) => t.unitTypes[u]).join(', ')
              : c.allTypes,
          },
          { label: c.nestedPemda, value: values.includeNestedPemda ? c.included : c.excluded },
          { label: c.targetIndex, value: target ? formatDecimal(target, lang) : c.noTarget },
          {
            label: c.evidence,
            value:
              values.evidenceThreshold === '6'
                ? c.evidenceNever
                : c.evidenceFrom(Number(values.evidenceThreshold)),
          },
          { label: c.signoff, value: values.requireSignoff ? c.required : c.notRequired },
          {
            label: c.previous,
            value: cycles.data?.find((x) => x.id === values.previousCycleId)?.name ?? c.none,
          },
        ]}
      />
      <div>
        <Text fw={600} size="sm" mb={4}>
          {f.schedule}
        </Text>
        <Stack gap={2}>
          {values.phases.map((p) => (
            <Text key={p.phase} size="sm">
              <Text span fw={600}>
                {phaseLabel(p.phase, lang)}:
              </Text>{' '}
              {p.include ? `${p.startsAt.replace('T', ' ')} – ${p.endsAt.replace('T', ' ')} WIB` : f.skipped}
            </Text>
          ))}
        </Stack>
      </div>
    </Stack>
  );
}
