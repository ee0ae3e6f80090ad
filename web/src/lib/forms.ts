import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from './api';

/**
 * Puts the server's validation details (`details: [{ path, message }]`) next to the fields they
 * name. Paths from schema validation look like `body.email`; from services, `email`. Returns
 * the messages that belong to no field on the form, for a form-level alert.
 */
export function applyServerErrors<T extends FieldValues>(
  err: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string[] {
  if (!(err instanceof ApiError)) return [];
  const rest: string[] = [];
  let placed = false;
  for (const d of err.fieldDetails) {
    const path = (d.path ?? '').replace(/^body\./, '');
    const field = fields.find((f) => f === path || path.startsWith(`${f}.`));
    if (field) {
      setError(field, { type: 'server', message: d.message }, { shouldFocus: !placed });
      placed = true;
    } else rest.push(d.message);
  }
  if (!placed && rest.length === 0) rest.push(err.message);
  return rest;
}
