/**
 * The self-assessment round trip: download a template of one assessment, upload it back. Every
 * row is validated first (identity of the template, headers, values, editability, and whether the
 * answer changed in the app since the download); with any problem nothing is written unless the
 * caller asked to import the valid rows. A dry run goes through the same validation and answers
 * what would change, writing nothing. Saving goes through the assessments service's
 * saveResponse, so window, state, returned-indicator, concurrency and audit rules are the same as
 * for a save in the app. Verified values are never written: the template cannot express them.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { type Actor, can } from '../../domain/policy/policy.js';
import {
  type IndicatorView,
  indicatorViews,
  normaliseAnswer,
  sameValue,
} from '../../domain/workflow/index.js';
import type { RequestContext } from '../../lib/context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { AssessmentsService } from '../assessments/assessments.service.js';
import { compiledOf } from '../cycles/instrument-versions.js';
import { type ReportFile, slug, XLSX_TYPE } from './reports.file.js';
import type { ReportsRepo } from './reports.repo.js';
import {
  buildTemplate,
  type ColumnKey,
  META_SHEET,
  parseJustification,
  parseLevel,
  parseMetric,
  problemAt,
  readTemplate,
  TEMPLATE_FORMAT,
  TEMPLATE_SHEET,
  type TemplateAnswer,
  type TemplateMeta,
  type TemplateProblem,
} from './reports.template.js';
import { loadUploadedWorkbook } from './reports.upload.js';

type Ctx = RequestContext & { actor: Actor };
type Assessments = Pick<AssessmentsService, 'get' | 'saveResponse' | 'saveResponses'>;
type Detail = Awaited<ReturnType<AssessmentsService['get']>>;

/** One answer as the template carries it (the self-assessed ledger, never the verified one). */
export interface TemplateAnswerValue {
  level: number | null;
  notApplicable: boolean;
  metricValue: string | null;
  justification: string | null;
}

export type TemplateChangeField = 'level' | 'notApplicable' | 'metricValue' | 'justification';

/** One row of the template that changes (or, in a dry run, would change) an answer. */
export interface TemplateChange {
  indicatorCode: string;
  sheet: string;
  row: number;
  /** The answer in the app now; null when the indicator has no answer yet. */
  before: TemplateAnswerValue | null;
  /** The answer the row saves (normalised: metric levels derived, text trimmed). */
  after: TemplateAnswerValue;
  /** What differs between `before` and `after`. */
  fields: TemplateChangeField[];
}

export interface TemplateImportResult {
  /** True when nothing was written: the result says what an import would do. */
  dryRun: boolean;
  /** Indicator codes whose answer was saved (always empty in a dry run). */
  saved: string[];
  /**
   * The changed rows: those saved, or in a dry run those that would be saved (with importValid,
   * or without it when there are no problems).
   */
  changes: TemplateChange[];
  /** Rows whose answer is the same as in the app (nothing to do). */
  unchanged: number;
  /** Rows not imported, by sheet, row and column. */
  problems: TemplateProblem[];
  importValid: boolean;
}

const ISSUE_COLUMN: Record<string, ColumnKey> = {
  level: 'level',
  notApplicable: 'level',
  metricValue: 'metric',
  justification: 'justification',
  indicatorCode: 'code',
};

export function templateServiceFactory(
  db: Db,
  deps: { assessments?: Assessments; repo: ReportsRepo; now: () => Date },
) {
  const need = () => {
    if (!deps.assessments) throw new Error('reports service built without the assessments service');
    return deps.assessments;
  };

  async function context(actor: Actor, id: string) {
    const detail = await need().get(actor, id); // 404 outside the actor's scope
    const row = await deps.repo.assessmentContext(id);
    const cycle = row ? await deps.repo.findCycle(row.assessment.cycleId) : undefined;
    const version = cycle ? await deps.repo.findInstrumentVersion(cycle.instrumentVersionId) : undefined;
    if (!row || !cycle || !version) throw new NotFoundError('Penilaian', id);
    const compiled = compiledOf(version);
    const views = indicatorViews(compiled, row.unit.type);
    return { detail, row, cycle, version, compiled, views };
  }

  function answersOf(detail: Detail) {
    return new Map<string, TemplateAnswer & { evidenceIds: string[] }>(
      detail.responses.map((r) => [
        r.indicatorCode,
        {
          level: r.level,
          notApplicable: r.notApplicable,
          metricValue: r.metricValue,
          justification: r.justification,
          version: r.version,
          evidenceIds: r.evidenceIds,
        },
      ]),
    );
  }

  /** Why an indicator cannot be changed by this user now. */
  function lockedReason(detail: Detail, view: IndicatorView): { message: string; messageEn: string } {
    if (!view.applicable)
      return {
        message: `Indikator ${view.code} tidak berlaku untuk jenis unit ini; kosongkan isian baris ini.`,
        messageEn: `Indicator ${view.code} does not apply to this unit type.`,
      };
    if (!detail.allowedActions.includes('edit'))
      return {
        message: detail.editWindow.open
          ? `Anda tidak dapat mengubah jawaban penilaian ini (status "${detail.stateLabel}").`
          : `Jawaban tidak dapat diubah: penilaian berstatus "${detail.stateLabel}" atau di luar jadwal pengisian.`,
        messageEn: `Answers cannot be changed now (state ${detail.state}, or outside the edit window).`,
      };
    return {
      message: `Indikator ${view.code} tidak termasuk yang dikembalikan asesor; yang boleh diperbaiki: ${detail.returned.indicators.join(', ')}.`,
      messageEn: `Indicator ${view.code} was not returned by the assessor.`,
    };
  }

  /**
   * Every check of an import, without writing: the template's identity and layout (a file that
   * fails them is refused with 400), then each row (its problems are collected). Returns the rows
   * that change an answer, with the input to save them.
   */
  async function validate(ctx: Ctx, id: string, body: Buffer) {
    const { detail, row, cycle, version, views } = await context(ctx.actor, id);
    if (!can(ctx.actor, 'assessment.edit', { unitPath: row.unit.path })) {
      throw new ForbiddenError('Hanya operator atau kepala unit ini yang dapat mengimpor jawaban.');
    }
    const wb = await loadUploadedWorkbook(body);
    const parsed = readTemplate(wb);
    if (parsed.problems.length > 0) {
      fail(
        `Templat tidak dapat dibaca (${parsed.problems.length} masalah); tidak ada jawaban yang disimpan.`,
        'The template cannot be read; nothing was saved.',
        parsed.problems,
      );
    }
    const m = parsed.meta;
    const identity = (message: string, messageEn: string) =>
      fail(message, messageEn, [problemAt(META_SHEET, null, null, message, messageEn)]);
    if (m.format !== TEMPLATE_FORMAT) {
      identity(
        'Berkas ini bukan templat penilaian Mercusuar yang dikenal (format lembar Meta tidak cocok).',
        'This is not a known Mercusuar template (Meta format mismatch).',
      );
    }
    if (m.unitId !== row.unit.id) {
      identity(
        `Templat ini milik unit lain: ${m.unitName ?? '?'} (${m.unitCode ?? '?'}), bukan ${row.unit.name} (${row.unit.code}). Unduh templat dari halaman penilaian ${row.unit.name}.`,
        `This template belongs to another unit (${m.unitCode ?? '?'}), not ${row.unit.code}.`,
      );
    }
    if (m.cycleId !== cycle.id || m.assessmentId !== id) {
      identity(
        `Templat ini dari siklus lain: "${m.cycleName ?? '?'}", bukan "${cycle.name}". Unduh templat siklus ini.`,
        `This template is from another cycle ("${m.cycleName ?? '?'}"), not "${cycle.name}".`,
      );
    }
    if (m.instrumentHash !== version.contentHash) {
      identity(
        `Templat dibuat untuk versi instrumen lain (${m.instrumentCode ?? '?'} ${m.instrumentVersion ?? '?'}); unduh templat baru.`,
        'The template was made for another instrument version; download a new one.',
      );
    }

    const byCode = new Map(views.map((v) => [v.code, v]));
    const editable = new Set(detail.editableIndicators);
    const current = answersOf(detail);
    const seen = new Map<string, number>();
    const problems: TemplateProblem[] = [];
    const changes: Array<{ change: TemplateChange; input: Parameters<Assessments['saveResponse']>[3] }> = [];
    let unchanged = 0;

    for (const r of parsed.rows) {
      const at = (key: ColumnKey | null, message: string, messageEn: string) =>
        problems.push(problemAt(TEMPLATE_SHEET, r.row, key, message, messageEn, r.code || undefined));
      if (!r.code) {
        at('code', 'Kode indikator kosong.', 'The indicator code is empty.');
        continue;
      }
      const view = byCode.get(r.code);
      if (!view) {
        at(
          'code',
          `Kode indikator "${r.code}" tidak ada pada instrumen ini.`,
          `Unknown indicator code "${r.code}".`,
        );
        continue;
      }
      if (seen.has(r.code)) {
        at(
          'code',
          `Indikator ${r.code} muncul dua kali (juga di baris ${seen.get(r.code)}).`,
          `Indicator ${r.code} appears twice.`,
        );
        continue;
      }
      seen.set(r.code, r.row);
      const level = parseLevel(r.level);
      const metric = parseMetric(r.metric);
      if (!level.ok) at('level', level.message, level.messageEn);
      if (!metric.ok) at('metric', metric.message, metric.messageEn);
      if (!level.ok || !metric.ok) continue;
      const justification = parseJustification(r.justification);
      const cur = current.get(r.code);
      const empty = level.level === null && !level.na && metric.value === null && justification === null;
      if (!view.applicable) {
        if (!empty) {
          const why = lockedReason(detail, view);
          at('level', why.message, why.messageEn);
        }
        continue;
      }
      const norm = normaliseAnswer(
        view,
        { level: level.level, notApplicable: level.na, metricValue: metric.value, justification },
        { requireNaJustification: true },
      );
      if (!norm.ok) {
        for (const issue of norm.issues) at(ISSUE_COLUMN[issue.path] ?? null, issue.message, issue.message);
        continue;
      }
      const answer = norm.answer;
      const same = cur
        ? sameValue(cur, answer) && (cur.justification ?? null) === answer.justification
        : answer.level === null &&
          !answer.notApplicable &&
          answer.metricValue === null &&
          answer.justification === null;
      if (same) {
        unchanged++;
        continue;
      }
      if (!editable.has(r.code)) {
        const why = lockedReason(detail, view);
        at('level', why.message, why.messageEn);
        continue;
      }
      const downloaded = parsed.versions.get(r.code) ?? 0;
      const now = cur?.version ?? 0;
      if (downloaded !== now) {
        at(
          'level',
          `Jawaban ${r.code} sudah diubah di aplikasi setelah templat diunduh (versi ${now}); unduh templat baru agar perubahan itu tidak tertimpa.`,
          `Answer ${r.code} changed in the app after the template was downloaded; download a new template.`,
        );
        continue;
      }
      const before: TemplateAnswerValue | null = cur
        ? {
            level: cur.level,
            notApplicable: cur.notApplicable,
            metricValue: cur.metricValue,
            justification: cur.justification,
          }
        : null;
      const after: TemplateAnswerValue = {
        level: answer.level,
        notApplicable: answer.notApplicable,
        metricValue: answer.metricValue,
        justification: answer.justification,
      };
      changes.push({
        change: {
          indicatorCode: r.code,
          sheet: TEMPLATE_SHEET,
          row: r.row,
          before,
          after,
          fields: changedFields(before, after),
        },
        input: {
          ...(view.kind === 'metric' ? { metricValue: answer.metricValue } : { level: answer.level }),
          notApplicable: answer.notApplicable,
          justification: answer.justification,
          evidenceIds: cur?.evidenceIds ?? [],
          expectedVersion: now,
        },
      });
    }
    return { row, changes, problems, unchanged };
  }

  return {
    /** The template workbook for one assessment (anyone who may read the assessment). */
    async download(actor: Actor, id: string): Promise<ReportFile> {
      const { detail, row, cycle, version, compiled, views } = await context(actor, id);
      const generatedAt = deps.now();
      const meta: TemplateMeta = {
        format: TEMPLATE_FORMAT,
        assessmentId: id,
        cycleId: cycle.id,
        cycleName: cycle.name,
        unitId: row.unit.id,
        unitCode: row.unit.code,
        unitName: row.unit.name,
        instrumentVersionId: version.id,
        instrumentCode: version.code,
        instrumentVersion: version.version,
        instrumentHash: version.contentHash,
        generatedAt: generatedAt.toISOString(),
      };
      const bytes = await buildTemplate({
        meta,
        compiled,
        views,
        editable: new Set(detail.editableIndicators),
        state: detail.state,
        stateLabel: detail.stateLabel,
        responses: answersOf(detail),
        verified: new Map(
          detail.verifications.map((v) => [
            v.indicatorCode,
            { level: v.level, notApplicable: v.notApplicable },
          ]),
        ),
        generatedAt,
      });
      return {
        filename: `templat-penilaian-${slug(row.unit.code)}-${slug(cycle.name)}.xlsx`,
        contentType: XLSX_TYPE,
        async write(out) {
          await new Promise<void>((resolve, reject) =>
            out.write(bytes, (err) => (err ? reject(err) : resolve())),
          );
        },
      };
    },

    /**
     * Imports an uploaded template. Without `importValid`, any problem means nothing is written
     * (400 with every problem by sheet, row and column). With it, the valid changed rows are saved
     * and the others reported. With `dryRun`, the file goes through the same checks (a file that
     * cannot be imported at all is refused the same way) and the answer lists the rows that would
     * change and every problem; nothing is saved and nothing is audited.
     */
    async importTemplate(
      ctx: Ctx,
      id: string,
      body: Buffer,
      opts: { importValid?: boolean; dryRun?: boolean } = {},
    ): Promise<TemplateImportResult> {
      const importValid = opts.importValid ?? false;
      const { row, changes, problems, unchanged } = await validate(ctx, id, body);

      if (opts.dryRun) {
        return {
          dryRun: true,
          saved: [],
          changes: changes.map((c) => c.change),
          unchanged,
          problems,
          importValid,
        };
      }

      if (problems.length > 0 && !importValid) {
        fail(
          `Templat berisi ${problems.length} kesalahan; tidak ada jawaban yang disimpan. Perbaiki lalu unggah kembali, atau pilih "impor baris yang valid".`,
          `The template has ${problems.length} problem(s); nothing was saved.`,
          problems,
        );
      }

      // One transaction for all rows: nothing is written when a save is refused (the rules can
      // change between validation and saving, e.g. the window closes), unless importing the valid
      // rows, when each row has its own savepoint. The import's audit record is in the same
      // transaction, beside one `response.save` record per saved answer.
      const rowOf = new Map(changes.map((c) => [c.change.indicatorCode, c.change.row]));
      const outcome = await need().saveResponses(
        ctx,
        id,
        changes.map((c) => ({ code: c.change.indicatorCode, input: c.input })),
        {
          keepValid: importValid,
          audit: (saved) => ({
            action: 'assessment.template_import',
            entityType: 'assessment',
            entityId: id,
            unitId: row.unit.id,
            unitPath: row.unit.path,
            after: {
              fileSha256: createHash('sha256').update(body).digest('hex'),
              saved,
              unchanged,
              problems: problems.length + (changes.length - saved.length),
              importValid,
            },
          }),
        },
      );
      for (const { code, error } of outcome.refused) {
        problems.push(
          problemAt(
            TEMPLATE_SHEET,
            rowOf.get(code) ?? null,
            'level',
            error.message,
            error.messageEn ?? error.message,
            code,
          ),
        );
      }
      if (!importValid && outcome.refused.length > 0) {
        fail(
          `Jawaban ${outcome.refused.map((r) => r.code).join(', ')} ditolak saat disimpan; tidak ada jawaban yang disimpan.`,
          `Answer(s) ${outcome.refused.map((r) => r.code).join(', ')} were refused while saving; nothing was saved.`,
          problems,
        );
      }
      const saved = new Set(outcome.saved);
      return {
        dryRun: false,
        saved: outcome.saved,
        changes: changes.filter((c) => saved.has(c.change.indicatorCode)).map((c) => c.change),
        unchanged,
        problems,
        importValid,
      };
    },
  };
}

function fail(message: string, messageEn: string, problems: TemplateProblem[]): never {
  throw new ValidationError(message, problems, messageEn);
}

const sameMetric = (a: string | null, b: string | null) =>
  sameValue(
    { level: null, notApplicable: false, metricValue: a },
    { level: null, notApplicable: false, metricValue: b },
  );

/** The fields in which two answers differ (metric values compared as decimals). */
function changedFields(
  before: TemplateAnswerValue | null,
  after: TemplateAnswerValue,
): TemplateChangeField[] {
  const b = before ?? { level: null, notApplicable: false, metricValue: null, justification: null };
  const out: TemplateChangeField[] = [];
  if (b.level !== after.level) out.push('level');
  if (b.notApplicable !== after.notApplicable) out.push('notApplicable');
  if (!sameMetric(b.metricValue, after.metricValue)) out.push('metricValue');
  if ((b.justification ?? null) !== after.justification) out.push('justification');
  return out;
}
