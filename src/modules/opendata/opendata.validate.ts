/**
 * Checks a release folder against its own datapackage.json: every resource file present, with
 * the declared byte count and SHA-256, and every row conforming to the declared schema (field
 * names and order, types, required values, unique primary key). Used by the tests and by
 * `mercusuar opendata export` before it reports success.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Field } from './opendata.files.js';

export interface PackageProblem {
  resource: string;
  row?: number;
  field?: string;
  message: string;
}

interface Resource {
  name: string;
  path: string;
  format: string;
  bytes?: number;
  hash?: string;
  schema: { fields: Field[]; primaryKey?: string[]; missingValues?: string[] };
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function checkValue(f: Field, v: unknown, fromCsv: boolean): string | null {
  if (v === null) return f.constraints?.required ? 'nilai wajib kosong' : null;
  if (fromCsv) {
    const s = String(v);
    if (f.type === 'integer' && !INTEGER.test(s)) return `"${s}" bukan bilangan bulat`;
    if (f.type === 'number' && !NUMBER.test(s)) return `"${s}" bukan angka`;
    if (f.type === 'boolean' && s !== 'true' && s !== 'false') return `"${s}" bukan true/false`;
    return null;
  }
  if (f.type === 'integer' && !Number.isInteger(v)) return `${JSON.stringify(v)} bukan bilangan bulat`;
  if (f.type === 'number' && (typeof v !== 'number' || !Number.isFinite(v)))
    return `${JSON.stringify(v)} bukan angka`;
  if (f.type === 'boolean' && typeof v !== 'boolean') return `${JSON.stringify(v)} bukan boolean`;
  if (f.type === 'string' && typeof v !== 'string') return `${JSON.stringify(v)} bukan teks`;
  return null;
}

/** Validates the data package in `dir`; an empty list means valid. */
export function validateDataPackage(dir: string): PackageProblem[] {
  const problems: PackageProblem[] = [];
  let pkg: { profile?: string; licenses?: unknown[]; resources?: Resource[] };
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(dir, 'datapackage.json'), 'utf8'));
  } catch (err) {
    return [{ resource: 'datapackage.json', message: `tidak dapat dibaca: ${(err as Error).message}` }];
  }
  if (!Array.isArray(pkg.resources) || pkg.resources.length === 0)
    problems.push({ resource: 'datapackage.json', message: 'tidak ada resources' });
  if (!Array.isArray(pkg.licenses) || pkg.licenses.length === 0)
    problems.push({ resource: 'datapackage.json', message: 'tidak ada lisensi' });
  for (const r of pkg.resources ?? []) {
    const file = path.join(dir, r.path);
    if (path.relative(dir, file).startsWith('..') || !fs.existsSync(file)) {
      problems.push({ resource: r.name, message: `berkas ${r.path} tidak ada` });
      continue;
    }
    const bytes = fs.readFileSync(file);
    if (r.bytes !== undefined && r.bytes !== bytes.length)
      problems.push({ resource: r.name, message: `ukuran ${bytes.length} ≠ ${r.bytes} bita` });
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (r.hash !== `sha256:${hash}`)
      problems.push({ resource: r.name, message: `hash ${r.hash} ≠ sha256:${hash}` });
    const fields = r.schema.fields;
    const names = fields.map((f) => f.name);
    const missing = new Set(r.schema.missingValues ?? ['']);
    let records: Array<Record<string, unknown>> = [];
    let fromCsv = false;
    try {
      if (r.format === 'csv') {
        fromCsv = true;
        const rows = parse(bytes.toString('utf8'), { relax_column_count: true }) as string[][];
        const header = rows[0] ?? [];
        if (header.join(',') !== names.join(','))
          problems.push({
            resource: r.name,
            row: 1,
            message: `kepala kolom ${header.join(',')} ≠ ${names.join(',')}`,
          });
        rows.slice(1).forEach((cells, i) => {
          if (cells.length !== names.length)
            problems.push({
              resource: r.name,
              row: i + 2,
              message: `${cells.length} kolom, seharusnya ${names.length}`,
            });
          records.push(
            Object.fromEntries(names.map((n, k) => [n, missing.has(cells[k] ?? '') ? null : cells[k]])),
          );
        });
      } else {
        const data = JSON.parse(bytes.toString('utf8'));
        if (!Array.isArray(data)) throw new Error('bukan larik objek');
        records = data.map((o, i) => {
          const keys = Object.keys(o ?? {});
          if (keys.join(',') !== names.join(','))
            problems.push({
              resource: r.name,
              row: i + 1,
              message: `kunci ${keys.join(',')} ≠ ${names.join(',')}`,
            });
          return o as Record<string, unknown>;
        });
      }
    } catch (err) {
      problems.push({ resource: r.name, message: `tidak dapat dibaca: ${(err as Error).message}` });
      continue;
    }
    const seen = new Set<string>();
    records.forEach((rec, i) => {
      const row = fromCsv ? i + 2 : i + 1;
      for (const f of fields) {
        const problem = checkValue(f, rec[f.name] ?? null, fromCsv);
        if (problem) problems.push({ resource: r.name, row, field: f.name, message: problem });
      }
      if (r.schema.primaryKey?.length) {
        const key = JSON.stringify(r.schema.primaryKey.map((k) => rec[k]));
        if (seen.has(key)) problems.push({ resource: r.name, row, message: `kunci utama ganda ${key}` });
        seen.add(key);
      }
    });
  }
  return problems;
}
