import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Select, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { UNIT_TYPES, type UnitType } from '../../../../src/domain/units.js';
import type { Unit, UnitInput } from '../../api/units';
import { type Dict, useI18n } from '../../i18n';
import { applyServerErrors } from '../../lib/forms';

/** Same rule as the server's `unitCode` (src/modules/units/units.schemas.ts). */
const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

const coordinate = (limit: number, message: string) =>
  z
    .string()
    .trim()
    // Indonesian keyboards and habits write decimals with a comma.
    .transform((v) => v.replace(',', '.'))
    .refine((v) => v === '' || (DECIMAL_RE.test(v) && Math.abs(Number(v)) <= limit), message);

function unitFormSchema(t: Dict) {
  const v = t.units.validation;
  return z.object({
    code: z.string().trim().regex(CODE_RE, v.code),
    name: z.string().trim().min(2, v.nameMin).max(200),
    shortName: z.string().trim().max(40),
    type: z.enum(UNIT_TYPES, { message: v.type }),
    parentCode: z.string().nullable(),
    active: z.boolean(),
    address: z.string().trim().max(300),
    latitude: coordinate(90, v.latitude),
    longitude: coordinate(180, v.longitude),
  });
}
type FormIn = z.input<ReturnType<typeof unitFormSchema>>;
type FormOut = z.output<ReturnType<typeof unitFormSchema>>;

const FIELDS = [
  'code',
  'name',
  'shortName',
  'type',
  'parentCode',
  'active',
  'address',
  'latitude',
  'longitude',
] as const satisfies readonly (keyof FormIn)[];

const orNull = (s: string) => (s === '' ? null : s);

export function toUnitInput(v: FormOut): UnitInput {
  return {
    code: v.code,
    name: v.name,
    shortName: orNull(v.shortName),
    type: v.type,
    parentCode: v.parentCode,
    active: v.active,
    address: orNull(v.address),
    latitude: orNull(v.latitude),
    longitude: orNull(v.longitude),
  };
}

interface UnitFormProps {
  /** The unit being edited; absent when creating. */
  unit?: Unit;
  /** Parent preselected when creating a sub-unit. */
  parentCode?: string | null;
  units: Unit[];
  onSubmit(input: UnitInput): Promise<unknown>;
  onCancel?: () => void;
}

/** Create or edit one unit. Client checks mirror the server's; the server's answer is shown in place. */
export function UnitForm({ unit, parentCode = null, units, onSubmit, onCancel }: UnitFormProps) {
  const { t } = useI18n();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => unitFormSchema(t), [t]);
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<FormIn, unknown, FormOut>({
    resolver: zodResolver(schema),
    defaultValues: {
      code: unit?.code ?? '',
      name: unit?.name ?? '',
      shortName: unit?.shortName ?? '',
      type: unit?.type ?? ('' as UnitType),
      parentCode: unit ? unit.parentCode : parentCode,
      active: unit?.active ?? true,
      address: unit?.address ?? '',
      latitude: unit?.latitude ?? '',
      longitude: unit?.longitude ?? '',
    },
  });

  // A unit cannot move under itself or its own descendants.
  const parentOptions = useMemo(() => {
    const excluded = new Set<string>();
    if (unit) {
      excluded.add(unit.id);
      let grew = true;
      while (grew) {
        grew = false;
        for (const u of units)
          if (u.parentId && excluded.has(u.parentId) && !excluded.has(u.id)) {
            excluded.add(u.id);
            grew = true;
          }
      }
    }
    return units
      .filter((u) => !excluded.has(u.id))
      .map((u) => ({ value: u.code, label: `${u.name} (${u.code})` }));
  }, [unit, units]);

  const typeOptions = UNIT_TYPES.map((v) => ({ value: v, label: t.unitTypes[v] }));

  const submit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await onSubmit(toUnitInput(values));
    } catch (err) {
      const rest = applyServerErrors(err, setError, FIELDS);
      if (rest.length) setFormError(rest.join(' '));
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="unit-form">
      <Stack>
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <TextInput
          label={t.units.field.code}
          description={unit ? undefined : t.units.field.codeHint}
          required
          disabled={!!unit}
          error={errors.code?.message}
          autoComplete="off"
          {...register('code')}
        />
        <TextInput label={t.units.field.name} required error={errors.name?.message} {...register('name')} />
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput
            label={t.units.field.shortName}
            error={errors.shortName?.message}
            {...register('shortName')}
          />
          <Controller
            control={control}
            name="type"
            render={({ field }) => (
              <Select
                label={t.units.field.type}
                required
                data={typeOptions}
                value={field.value || null}
                onChange={(v) => field.onChange(v ?? '')}
                onBlur={field.onBlur}
                ref={field.ref}
                error={errors.type?.message}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
              />
            )}
          />
        </SimpleGrid>
        <Controller
          control={control}
          name="parentCode"
          render={({ field }) => (
            <Select
              label={t.units.field.parent}
              placeholder={t.units.field.parentNone}
              data={parentOptions}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              ref={field.ref}
              searchable
              clearable
              nothingFoundMessage={t.units.noMatch}
              error={errors.parentCode?.message}
              comboboxProps={{ withinPortal: true }}
            />
          )}
        />
        <Textarea
          label={t.units.field.address}
          autosize
          minRows={2}
          error={errors.address?.message}
          {...register('address')}
        />
        <SimpleGrid cols={2}>
          <TextInput
            label={t.units.field.latitude}
            inputMode="decimal"
            error={errors.latitude?.message}
            {...register('latitude')}
          />
          <TextInput
            label={t.units.field.longitude}
            inputMode="decimal"
            error={errors.longitude?.message}
            {...register('longitude')}
          />
        </SimpleGrid>
        <Controller
          control={control}
          name="active"
          render={({ field }) => (
            <Switch
              label={t.units.field.active}
              checked={field.value}
              onChange={(e) => field.onChange(e.currentTarget.checked)}
              onBlur={field.onBlur}
              ref={field.ref}
            />
          )}
        />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t.common.cancel}
            </Button>
          )}
          <Button type="submit" loading={isSubmitting}>
            {t.common.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
