/**
 * The files of one open-data release: results per unit, per domain and the verified level per
 * indicator, each as CSV and JSON, described by a Frictionless Tabular Data Package
 * (`datapackage.json`: schema with field types, licence, SHA-256 `hash` and `bytes` per resource).
 * Pure: published results in, bytes out. Numbers are written from the exact reported text.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { ScoreResult } from '../../domain/scoring/index.js';

export type FieldType = 'string' | 'number' | 'integer' | 'boolean';

export interface Field {
  name: string;
  type: FieldType;
  title: string;
  description: string;
  constraints?: { required?: boolean; enum?: string[] };
}

export interface TableSpec {
  name: string;
  title: string;
  description: string;
  fields: Field[];
  primaryKey: string[];
}

/** A value as it goes into a file: exact decimal text stays text until written. */
export type Cell = string | number | boolean | null;

/** The unit code column every resource of the package starts with (its key, with the resource's own). */
const UNIT_CODE_FIELD: Field = {
  name: 'kode_unit',
  type: 'string',
  title: 'Kode unit',
  description: 'Kode tetap perangkat daerah',
  constraints: { required: true },
};

export const TABLES = {
  units: {
    name: 'hasil-unit',
    title: 'Hasil per unit',
    description:
      'Indeks terverifikasi (nilai dilaporkan), predikat, peringkat dan perubahan dari siklus sebelumnya untuk setiap perangkat daerah yang dinilai final.',
    primaryKey: ['kode_unit'],
    fields: [
      UNIT_CODE_FIELD,
      {
        name: 'nama_unit',
        type: 'string',
        title: 'Nama unit',
        description: 'Nama perangkat daerah',
        constraints: { required: true },
      },
      {
        name: 'jenis_unit',
        type: 'string',
        title: 'Jenis unit',
        description: 'dinas, badan, sekretariat, inspektorat, biro, rumah_sakit, …',
        constraints: { required: true },
      },
      {
        name: 'indeks',
        type: 'number',
        title: 'Indeks',
        description: 'Indeks terverifikasi, dibulatkan setengah ke atas sesuai instrumen (skala 1–5)',
      },
      {
        name: 'predikat',
        type: 'string',
        title: 'Predikat',
        description: 'Predikat dari nilai indeks yang dilaporkan',
      },
      {
        name: 'peringkat',
        type: 'integer',
        title: 'Peringkat',
        description: 'Peringkat dalam siklus (nilai sama berbagi peringkat)',
      },
      {
        name: 'perubahan',
        type: 'number',
        title: 'Perubahan',
        description: 'Indeks dikurangi indeks siklus sebelumnya (kosong bila tidak ada)',
      },
      {
        name: 'hash_snapshot',
        type: 'string',
        title: 'Hash snapshot',
        description: 'SHA-256 masukan skor yang dibekukan saat finalisasi',
      },
    ],
  },
  domains: {
    name: 'indeks-domain',
    title: 'Indeks per domain',
    description: 'Indeks terverifikasi setiap domain (dimensi) instrumen untuk setiap unit.',
    primaryKey: ['kode_unit', 'kode_domain'],
    fields: [
      UNIT_CODE_FIELD,
      {
        name: 'kode_domain',
        type: 'string',
        title: 'Kode domain',
        description: 'Kode domain pada instrumen',
        constraints: { required: true },
      },
      {
        name: 'nama_domain',
        type: 'string',
        title: 'Nama domain',
        description: 'Nama domain',
        constraints: { required: true },
      },
      {
        name: 'indeks',
        type: 'number',
        title: 'Indeks domain',
        description: 'Indeks domain yang dilaporkan (kosong bila seluruh indikatornya tidak berlaku)',
      },
    ],
  },
  indicators: {
    name: 'tingkat-indikator',
    title: 'Tingkat terverifikasi per indikator',
    description:
      'Tingkat (1–5) hasil verifikasi setiap indikator untuk setiap unit, dari snapshot skor yang dibekukan.',
    primaryKey: ['kode_unit', 'kode_indikator'],
    fields: [
      UNIT_CODE_FIELD,
      {
        name: 'kode_indikator',
        type: 'string',
        title: 'Kode indikator',
        description: 'Kode indikator pada instrumen',
        constraints: { required: true },
      },
      {
        name: 'nama_indikator',
        type: 'string',
        title: 'Nama indikator',
        description: 'Nama indikator',
        constraints: { required: true },
      },
      {
        name: 'kode_domain',
        type: 'string',
        title: 'Kode domain',
        description: 'Domain tempat indikator berada',
        constraints: { required: true },
      },
      {
        name: 'tingkat_terverifikasi',
        type: 'integer',
        title: 'Tingkat terverifikasi',
        description: 'Tingkat 1–5; kosong bila tidak berlaku',
      },
      {
        name: 'tidak_berlaku',
        type: 'boolean',
        title: 'Tidak berlaku',
        description: 'true bila indikator tidak berlaku bagi unit',
        constraints: { required: true },
      },
      {
        name: 'nilai_terukur',
        type: 'number',
        title: 'Nilai terukur',
        description:
          'Nilai terukur terverifikasi untuk indikator terukur (kosong untuk indikator kematangan)',
      },
    ],
  },
} satisfies Record<string, TableSpec>;

export interface PublishedUnit {
  unit: { code: string; name: string; type: string };
  index: string | null;
  predicate: string | null;
  rank: number | null;
  change: string | null;
  snapshotHash: string | null;
  domains: Array<{ code: string; name: string; index: string | null }>;
  /** The frozen verified score (snapshot result). */
  result: ScoreResult;
}

export interface ReleaseMeta {
  cycleId: string;
  cycleName: string;
  scopeName: string;
  periodStart: string;
  periodEnd: string;
  publishedAt: string | null;
  instrument: { code: string; version: string; title: string; contentHash: string };
  licence: string;
  version: number;
  created: string;
}

export interface ReleaseFile {
  name: string;
  bytes: Buffer;
  sha256: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Rows of the three tables from the published units (final only, as the results service gives them). */
export function tableRows(units: readonly PublishedUnit[], indicatorDomains: ReadonlyMap<string, string>) {
  const unitsRows: Cell[][] = [];
  const domainRows: Cell[][] = [];
  const indicatorRows: Cell[][] = [];
  const sorted = [...units].sort((a, b) => a.unit.code.localeCompare(b.unit.code));
  for (const u of sorted) {
    unitsRows.push([
      u.unit.code,
      u.unit.name,
      u.unit.type,
      u.index,
      u.predicate,
      u.rank,
      u.change,
      u.snapshotHash,
    ]);
    for (const d of u.domains) domainRows.push([u.unit.code, d.code, d.name, d.index]);
    for (const n of u.result.nodes) {
      if (n.kind !== 'maturity' && n.kind !== 'metric') continue;
      const na = n.status === 'not_applicable';
      indicatorRows.push([
        u.unit.code,
        n.code,
        n.name,
        indicatorDomains.get(n.code) ?? '',
        na || n.status !== 'scored' ? null : n.level,
        na,
        n.kind === 'metric' && !na ? n.measured : null,
      ]);
    }
  }
  return { units: unitsRows, domains: domainRows, indicators: indicatorRows };
}

/** CSV (UTF-8, comma, header row, CRLF as RFC 4180): empty cell for null, "true"/"false" for booleans. */
export function toCsv(spec: TableSpec, rows: readonly Cell[][]): Buffer {
  const text = stringify(
    [spec.fields.map((f) => f.name), ...rows.map((r) => r.map((c) => (c === null ? '' : String(c))))],
    {
      record_delimiter: '\r\n',
    },
  );
  return Buffer.from(text, 'utf8');
}

/** JSON: an array of objects keyed by field name; numbers written from their exact text. */
export function toJson(spec: TableSpec, rows: readonly Cell[][]): Buffer {
  const lines = rows.map((r) => {
    const parts = spec.fields.map((f, i) => {
      const v = r[i] ?? null;
      let value: string;
      if (v === null) value = 'null';
      else if (f.type === 'number' || f.type === 'integer')
        value = String(v); // exact text, e.g. 2.55
      else if (f.type === 'boolean') value = v ? 'true' : 'false';
      else value = JSON.stringify(String(v));
      return `${JSON.stringify(f.name)}:${value}`;
    });
    return `  {${parts.join(',')}}`;
  });
  return Buffer.from(`[\n${lines.join(',\n')}\n]\n`, 'utf8');
}

const LICENCES: Record<string, { path: string; title: string }> = {
  'CC-BY-4.0': {
    path: 'https://creativecommons.org/licenses/by/4.0/',
    title: 'Creative Commons Attribution 4.0',
  },
  'CC-BY-SA-4.0': {
    path: 'https://creativecommons.org/licenses/by-sa/4.0/',
    title: 'Creative Commons Attribution Share-Alike 4.0',
  },
  'CC0-1.0': { path: 'https://creativecommons.org/publicdomain/zero/1.0/', title: 'CC0 1.0' },
  'ODbL-1.0': {
    path: 'https://opendatacommons.org/licenses/odbl/1-0/',
    title: 'Open Data Commons Open Database License 1.0',
  },
  'OGL-ID-1.0': { path: 'https://data.go.id/', title: 'Lisensi data terbuka Indonesia' },
};

export function licenceOf(name: string) {
  const known = LICENCES[name];
  return known ? { name, ...known } : { name, title: name };
}

export function slugName(text: string) {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'siklus'
  );
}

/** Builds every data file and the datapackage.json describing them. */
export function buildRelease(
  meta: ReleaseMeta,
  units: readonly PublishedUnit[],
  indicatorDomains: ReadonlyMap<string, string>,
) {
  const rows = tableRows(units, indicatorDomains);
  const files: ReleaseFile[] = [];
  const resources: unknown[] = [];
  for (const key of ['units', 'domains', 'indicators'] as const) {
    const spec: TableSpec = TABLES[key];
    for (const format of ['csv', 'json'] as const) {
      const bytes = format === 'csv' ? toCsv(spec, rows[key]) : toJson(spec, rows[key]);
      const name = `${spec.name}.${format}`;
      const hash = sha256(bytes);
      files.push({ name, bytes, sha256: hash });
      resources.push({
        name: `${spec.name}-${format}`,
        path: name,
        profile: 'tabular-data-resource',
        title: `${spec.title} (${format.toUpperCase()})`,
        description: spec.description,
        format,
        mediatype: format === 'csv' ? 'text/csv' : 'application/json',
        encoding: 'utf-8',
        bytes: bytes.length,
        hash: `sha256:${hash}`,
        ...(format === 'csv' ? { dialect: { delimiter: ',', header: true, doubleQuote: true } } : {}),
        schema: {
          fields: spec.fields,
          primaryKey: spec.primaryKey,
          missingValues: [''],
        },
      });
    }
  }
  const datapackage = {
    profile: 'tabular-data-package',
    name: `mercusuar-${slugName(meta.cycleName)}`,
    id: `${meta.cycleId}/v${meta.version}`,
    title: `Hasil ${meta.cycleName} — ${meta.scopeName}`,
    description: `Hasil evaluasi digitalisasi perangkat daerah yang telah dipublikasikan: ${meta.instrument.title} (${meta.instrument.code} versi ${meta.instrument.version}), periode ${meta.periodStart} s.d. ${meta.periodEnd}. Hanya nilai terverifikasi yang dibekukan (final).`,
    version: `${meta.version}.0.0`,
    created: meta.created,
    keywords: ['digitalisasi', 'perangkat daerah', 'evaluasi', 'SPBE', meta.instrument.code],
    licenses: [licenceOf(meta.licence)],
    contributors: [{ title: meta.scopeName, role: 'publisher' }],
    sources: [{ title: `Mercusuar — ${meta.instrument.title}` }],
    mercusuar: {
      cycleId: meta.cycleId,
      publishedAt: meta.publishedAt,
      instrument: meta.instrument,
      release: meta.version,
      changelog: 'changelog.json',
    },
    resources,
  };
  return { files, datapackage, rows };
}

/** One hash for the data of a release (independent of its version number and time). */
export function contentHashOf(files: readonly ReleaseFile[]) {
  return sha256(
    Buffer.from(
      files
        .map((f) => `${f.name}:${f.sha256}`)
        .sort()
        .join('\n'),
    ),
  );
}
