import { useQuery } from '@tanstack/react-query';
import type { Instrument } from '../../../src/domain/instrument/schema.js';
import { api } from '../lib/api';

export type InstrumentStatus = 'draft' | 'published' | 'retired';
export type InstrumentFormat = 'json' | 'yaml' | 'xlsx';

/** One version's metadata (src/modules/instruments/instruments.schemas.ts `versionMeta`). */
export interface InstrumentVersionMeta {
  id: string;
  code: string;
  version: string;
  title: string;
  status: InstrumentStatus;
  builtin: boolean;
  contentHash: string;
  previousVersionId: string | null;
  publishedAt: string | null;
  retiredAt: string | null;
  createdAt: string;
}

/** GET /api/instruments item (`instrumentSummary`). */
export interface InstrumentSummary {
  code: string;
  title: string;
  versions: InstrumentVersionMeta[];
}

/** The instrument document as stored (src/domain/instrument/schema.ts); JSON dates and decimals as written. */
export type InstrumentContent = Instrument;

/** GET /api/instruments/:code/versions/:version (`versionDetail`). */
export interface InstrumentVersionDetail extends InstrumentVersionMeta {
  content: InstrumentContent;
  indicatorCount: number;
}

export const INSTRUMENTS_KEY = ['instruments'] as const;

export function useInstruments() {
  return useQuery({
    queryKey: INSTRUMENTS_KEY,
    queryFn: async ({ signal }) =>
      (await api<{ items: InstrumentSummary[] }>('/api/instruments', { signal })).items,
  });
}

const versionUrl = (code: string, version: string) =>
  `/api/instruments/${encodeURIComponent(code)}/versions/${encodeURIComponent(version)}`;

export function useInstrumentVersion(code: string, version: string) {
  return useQuery({
    queryKey: [...INSTRUMENTS_KEY, code, version],
    queryFn: ({ signal }) => api<InstrumentVersionDetail>(versionUrl(code, version), { signal }),
  });
}

export const INSTRUMENT_CONTENT_TYPES: Record<InstrumentFormat, string> = {
  json: 'application/json',
  yaml: 'application/yaml',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The format of an instrument file, from its name; null when it is none of JSON/YAML/XLSX. */
export function instrumentFormatOf(name: string): InstrumentFormat | null {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  if (/\.xlsx$/i.test(name)) return 'xlsx';
  return null;
}

/** POST /api/instruments/import with the raw file: creates (or replaces) a draft version. */
export const importInstrument = (file: File, format: InstrumentFormat, replaceDraft: boolean) =>
  api<InstrumentVersionMeta>('/api/instruments/import', {
    method: 'POST',
    query: { format, replaceDraft: String(replaceDraft) },
    body: file,
    contentType: INSTRUMENT_CONTENT_TYPES[format],
  });

export const publishInstrumentVersion = (code: string, version: string) =>
  api<InstrumentVersionMeta>(`${versionUrl(code, version)}/publish`, { method: 'POST', body: {} });

export const retireInstrumentVersion = (code: string, version: string) =>
  api<InstrumentVersionMeta>(`${versionUrl(code, version)}/retire`, { method: 'POST', body: {} });

/** Download link of a version in one format (the browser saves the file). */
export const instrumentExportUrl = (code: string, version: string, format: InstrumentFormat) =>
  `${versionUrl(code, version)}/export?format=${format}`;
