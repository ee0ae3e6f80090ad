import { z } from 'zod';

/**
 * Turns the Zod issues that fastify-type-provider-zod attaches to a validation error into field
 * issues with an Indonesian message and an English one. Messages written into a schema
 * (`z.string().min(2, 'Nama minimal 2 karakter')`) are kept as they are; Zod's built-in English
 * defaults are translated here, so schemas need not spell out a message for every check.
 */

export interface FieldProblem {
  path: string;
  message: string;
  messageEn: string;
}

/** One entry of `error.validation` as fastify-type-provider-zod builds it. */
interface ValidationEntry {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

const en = z.locales.en().localeError;

type RawIssue = Parameters<typeof en>[0];

export function fieldProblems(context: string, entries: readonly ValidationEntry[], data: unknown) {
  const out: FieldProblem[] = [];
  for (const v of entries) {
    const segments = String(v.instancePath).split('/').filter(Boolean);
    const path = [context, ...segments].join('.');
    const params = v.params ?? {};
    if (v.keyword === 'unrecognized_keys' && Array.isArray(params.keys)) {
      for (const key of params.keys as string[]) {
        out.push({ path: `${path}.${key}`, message: 'Kolom tidak dikenal', messageEn: 'Unknown field' });
      }
      continue;
    }
    const issue = { ...params, code: v.keyword, path: segments, input: valueAt(data, segments) } as RawIssue;
    const given = v.message ?? '';
    // Zod's own English default (custom schema messages differ from it). A coerced value (dates)
    // is no longer the raw input, so for type errors the "received …" tail is not compared.
    const isDefault =
      given === '' ||
      given === messageOf(en(issue)) ||
      (v.keyword === 'invalid_type' &&
        given.startsWith(`Invalid input: expected ${String(params.expected)},`));
    out.push(
      isDefault
        ? { path, message: indonesian(issue), messageEn: given || 'Invalid value' }
        : { path, message: given, messageEn: given },
    );
  }
  return out;
}

function messageOf(m: unknown): string | undefined {
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object' && 'message' in m) return String((m as { message: unknown }).message);
  return undefined;
}

function valueAt(data: unknown, segments: string[]): unknown {
  let cur = data;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'teks',
  number: 'angka',
  int: 'bilangan bulat',
  bigint: 'bilangan bulat',
  boolean: 'true atau false',
  object: 'objek',
  array: 'daftar (array)',
  date: 'tanggal',
  null: 'null',
  undefined: 'kosong',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

const FORMAT_NAMES: Record<string, string> = {
  email: 'Format email tidak valid',
  uuid: 'Harus berupa UUID',
  guid: 'Harus berupa UUID',
  url: 'URL tidak valid',
  datetime: 'Harus berupa tanggal dan waktu ISO 8601',
  date: 'Harus berupa tanggal ISO (YYYY-MM-DD)',
  time: 'Harus berupa jam ISO (HH:MM)',
  regex: 'Format tidak valid',
};

/** The Indonesian text for one of Zod's default messages. */
function indonesian(issue: RawIssue): string {
  const i = issue as RawIssue & Record<string, unknown>;
  switch (i.code) {
    case 'invalid_type': {
      if (i.input === undefined) return 'Wajib diisi';
      const expected = String(i.expected);
      if (expected === 'date') return 'Tanggal tidak valid';
      return `Harus berupa ${TYPE_NAMES[expected] ?? expected}, bukan ${TYPE_NAMES[typeOf(i.input)] ?? typeOf(i.input)}`;
    }
    case 'too_small': {
      const min = String(i.minimum);
      if (i.origin === 'string') return min === '1' ? 'Wajib diisi' : `Minimal ${min} karakter`;
      if (i.origin === 'array' || i.origin === 'set') return `Minimal ${min} item`;
      if (i.origin === 'date') return `Tidak boleh sebelum ${min}`;
      return i.inclusive ? `Minimal ${min}` : `Harus lebih dari ${min}`;
    }
    case 'too_big': {
      const max = String(i.maximum);
      if (i.origin === 'string') return `Maksimal ${max} karakter`;
      if (i.origin === 'array' || i.origin === 'set') return `Maksimal ${max} item`;
      if (i.origin === 'date') return `Tidak boleh setelah ${max}`;
      return i.inclusive ? `Maksimal ${max}` : `Harus kurang dari ${max}`;
    }
    case 'invalid_format':
      return FORMAT_NAMES[String(i.format)] ?? `Format ${String(i.format)} tidak valid`;
    case 'invalid_value': {
      const values = (i.values as unknown[]) ?? [];
      return values.length === 1
        ? `Harus bernilai ${JSON.stringify(values[0])}`
        : `Harus salah satu dari: ${values.map((v) => String(v)).join(', ')}`;
    }
    case 'not_multiple_of':
      return `Harus kelipatan ${String(i.divisor)}`;
    default:
      return 'Nilai tidak valid';
  }
}
