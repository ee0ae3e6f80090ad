import { ApiError, api } from '../lib/api';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One problem of an uploaded template (src/modules/reports/reports.template.ts `TemplateProblem`). */
export interface TemplateProblem {
  sheet: string | null;
  row: number | null;
  /** Column letter, e.g. "G". */
  column: string | null;
  columnHeader: string | null;
  indicatorCode?: string;
  message: string;
  messageEn: string;
}

/** One answer as the template carries it (reports.routes.ts `templateAnswer`). */
export interface TemplateAnswerValue {
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
  justification: string | null;
}

/** A row that changes (or in a dry run would change) an answer, before → after. */
export interface TemplateChange {
  indicatorCode: string;
  sheet: string;
  row: number;
  /** The answer in the app; null when not answered yet. */
  before: TemplateAnswerValue | null;
  after: TemplateAnswerValue;
  fields: Array<'level' | 'notApplicable' | 'metricValue' | 'justification'>;
}

/** POST /api/assessments/:id/template (reports.routes.ts `templateImportResult`). */
export interface TemplateImportResult {
  /** True: nothing was written, the result says what an import would do. */
  dryRun: boolean;
  saved: string[];
  changes: TemplateChange[];
  unchanged: number;
  problems: TemplateProblem[];
  importValid: boolean;
}

export const templateUrl = (assessmentId: string) => `/api/assessments/${assessmentId}/template.xlsx`;
export const reportUrl = (assessmentId: string, format: 'pdf' | 'xlsx') =>
  `/api/assessments/${assessmentId}/report.${format}`;

/**
 * Checks a filled template on the server without saving anything (`?dryRun=true`): the rows that
 * would change, before → after, and every row problem. A file that cannot be imported at all
 * (another unit or cycle, edited headers) is refused with 400 and its problems in `details`; one
 * that is no workbook with 415.
 */
export const previewTemplate = (assessmentId: string, file: File, signal?: AbortSignal) =>
  api<TemplateImportResult>(`/api/assessments/${assessmentId}/template`, {
    method: 'POST',
    body: file,
    contentType: XLSX_TYPE,
    query: { dryRun: 'true' },
    signal,
  });

/**
 * Uploads a filled template. Without `importValid` any problem means nothing is saved: the server
 * answers 400 with the problems in `details` (see `templateProblems`).
 */
export const importTemplate = (assessmentId: string, file: File, importValid: boolean) =>
  api<TemplateImportResult>(`/api/assessments/${assessmentId}/template`, {
    method: 'POST',
    body: file,
    contentType: XLSX_TYPE,
    query: { importValid: importValid ? 'true' : undefined },
  });

/** The sheet/row/column problems of a refused template upload (400), else none. */
export function templateProblems(err: unknown): TemplateProblem[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  return err.details.filter(
    (d): d is TemplateProblem => !!d && typeof d === 'object' && 'message' in d && 'sheet' in d,
  );
}
