import type { Db } from '../../db/client.js';
import { type Action, type Actor, can } from '../../domain/policy/policy.js';
import type { RequestContext } from '../../lib/context.js';
import { NotFoundError } from '../../lib/errors.js';
import type { AssessmentsService } from '../assessments/assessments.service.js';
import type { JobsService } from '../jobs/jobs.service.js';
import type { ResultsService } from '../results/results.service.js';
import { BATCH_KIND, type BatchPayload } from './reports.batch.js';
import { type Computed, reportsDataFactory, SYSTEM_READER } from './reports.data.js';
import { PDF_TYPE, type ReportFile, slug, XLSX_TYPE } from './reports.file.js';
import { cycleSummaryDoc, renderPdf, unitReportDoc } from './reports.pdf.js';
import { templateServiceFactory } from './reports.template-service.js';
import { writeAssessmentXlsx, writeMatrixXlsx, writeResultsXlsx } from './reports.xlsx.js';

export { PDF_TYPE, type ReportFile, reportToBuffer, slug, XLSX_TYPE } from './reports.file.js';

/**
 * A file rendered completely before anything is sent (PDFs): a rendering error becomes a proper
 * error response instead of a truncated download.
 */
async function renderedFile(
  filename: string,
  contentType: string,
  make: () => Promise<Buffer>,
): Promise<ReportFile> {
  const buf = await make();
  return {
    filename,
    contentType,
    async write(out) {
      await new Promise<void>((resolve, reject) => out.write(buf, (err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * Reports of a cycle and of one assessment, as Excel and PDF. Authorises first (results.read for
 * results, assessment.read for a unit's full answers); outside the actor's scope the answer is 404.
 * Data is loaded before anything is written, so a failure never leaves half a file.
 */
export function reportsServiceFactory(
  db: Db,
  deps: {
    results: ResultsService;
    jobs?: Pick<JobsService, 'enqueue'>;
    assessments?: Pick<AssessmentsService, 'get' | 'saveResponse' | 'saveResponses'>;
    now?: () => Date;
  },
) {
  const data = reportsDataFactory(db, deps.results, { now: deps.now });
  const repo = data.repo;
  const now = deps.now ?? (() => new Date());
  const template = templateServiceFactory(db, {
    assessments: deps.assessments,
    repo,
    now,
  });

  /** Loads an assessment the actor may use for `action`; 404 outside scope (existence not leaked). */
  async function authorisedAssessment(actor: Actor, id: string, action: Action) {
    const ctx = await repo.assessmentContext(id);
    if (!ctx) throw new NotFoundError('Penilaian', id);
    const assessorIds =
      action === 'assessment.read' ? await repo.assessorIds(ctx.assessment.cycleId, ctx.unit.id) : [];
    if (!can(actor, action, { unitPath: ctx.unit.path, assessorIds }))
      throw new NotFoundError('Penilaian', id);
    return ctx;
  }

  /** The cycle's results as the actor sees them; 404 when the actor sees no unit of it. */
  async function cycleFor(actor: Actor, cycleId: string) {
    const report = await data.cycleReport(actor, cycleId);
    if (report.results.units.length === 0) throw new NotFoundError('Hasil siklus', cycleId);
    return report;
  }

  async function unitPdfFile(
    assessmentId: string,
    computed?: Computed,
  ): Promise<ReportFile & { snapshotHash: string | null; unitCode: string }> {
    const d = await data.unitReport(assessmentId, computed);
    return {
      ...(await renderedFile(`laporan-${slug(d.unit.code)}-${slug(d.cycle.name)}.pdf`, PDF_TYPE, () =>
        renderPdf(unitReportDoc(d)),
      )),
      snapshotHash: d.result.snapshotHash,
      unitCode: d.unit.code,
    };
  }

  return {
    data,

    /** Ranking, domain indices, predicate and change of every unit the actor sees. */
    async resultsXlsx(actor: Actor, cycleId: string): Promise<ReportFile> {
      const d = await cycleFor(actor, cycleId);
      return {
        filename: `hasil-${slug(d.cycle.name)}.xlsx`,
        contentType: XLSX_TYPE,
        write: (out) => writeResultsXlsx(d, out),
      };
    },

    /** Units × indicators with self-assessed and verified levels. */
    async matrixXlsx(actor: Actor, cycleId: string): Promise<ReportFile> {
      const d = await data.matrix(actor, cycleId);
      if (d.rows.length === 0) throw new NotFoundError('Hasil siklus', cycleId);
      return {
        filename: `matriks-${slug(d.cycle.name)}.xlsx`,
        contentType: XLSX_TYPE,
        write: async (out) => {
          await writeMatrixXlsx(d, d.rows, out);
        },
      };
    },

    /** The leadership summary PDF: ranking, distribution, heatmap, laggards, trend. */
    async summaryPdf(actor: Actor, cycleId: string): Promise<ReportFile> {
      const d = await cycleFor(actor, cycleId);
      return renderedFile(`ringkasan-${slug(d.cycle.name)}.pdf`, PDF_TYPE, () =>
        renderPdf(cycleSummaryDoc(d)),
      );
    },

    /** The summary as a workbook (same content as results.xlsx; for the CLI's --summary --format xlsx). */
    async summaryXlsx(actor: Actor, cycleId: string): Promise<ReportFile> {
      const d = await cycleFor(actor, cycleId);
      return {
        filename: `ringkasan-${slug(d.cycle.name)}.xlsx`,
        contentType: XLSX_TYPE,
        write: (out) => writeResultsXlsx(d, out),
      };
    },

    /** One unit's Laporan Hasil Evaluasi (results.read on the unit). */
    async unitPdf(actor: Actor, assessmentId: string): Promise<ReportFile> {
      await authorisedAssessment(actor, assessmentId, 'results.read');
      return unitPdfFile(assessmentId);
    },

    /** One unit's full assessment as a workbook (assessment.read: also its assigned assessors). */
    async assessmentXlsx(actor: Actor, assessmentId: string): Promise<ReportFile> {
      await authorisedAssessment(actor, assessmentId, 'assessment.read');
      const d = await data.unitReport(assessmentId);
      return {
        filename: `penilaian-${slug(d.unit.code)}-${slug(d.cycle.name)}.xlsx`,
        contentType: XLSX_TYPE,
        write: (out) => writeAssessmentXlsx(d, out),
      };
    },

    /**
     * Queues "all unit reports of this cycle as one ZIP" for the units the actor may read results
     * of (fixed now, so the job renders exactly what the requester was allowed to see).
     */
    async startBatch(ctx: RequestContext & { actor: Actor }, cycleId: string) {
      if (!deps.jobs) throw new Error('reports service built without a jobs service');
      const view = await deps.results.forActor(ctx.actor, cycleId);
      if (view.units.length === 0) throw new NotFoundError('Hasil siklus', cycleId);
      const cycle = await repo.findCycle(cycleId);
      const scope = cycle ? await repo.findUnit(cycle.scopeUnitId) : undefined;
      const payload: BatchPayload = {
        cycleId,
        cycleName: view.cycle.name,
        units: view.units.map((u) => ({ assessmentId: u.assessmentId, unitCode: u.unit.code })),
      };
      return deps.jobs.enqueue(
        ctx,
        { kind: BATCH_KIND, payload },
        {
          unitId: scope?.id ?? null,
          unitPath: scope?.path ?? null,
          summary: { cycleId, units: payload.units.length },
        },
      );
    },

    /** The self-assessment template of one assessment (see reports.template.ts). */
    templateXlsx: template.download,
    /** Reads an uploaded template and saves the edited answers through the assessments service. */
    importTemplate: template.importTemplate,

    /** Unchecked: for batch jobs (authorised when enqueued) and the CLI (trusted operator). */
    internal: {
      compute: (cycleId: string) => deps.results.compute(cycleId),
      unitPdf: unitPdfFile,
      async unitXlsx(assessmentId: string): Promise<ReportFile> {
        const d = await data.unitReport(assessmentId);
        return {
          filename: `penilaian-${slug(d.unit.code)}-${slug(d.cycle.name)}.xlsx`,
          contentType: XLSX_TYPE,
          write: (out) => writeAssessmentXlsx(d, out),
        };
      },
      summaryPdf: async (cycleId: string) => {
        const d = await data.cycleReport(SYSTEM_READER, cycleId);
        return renderedFile(`ringkasan-${slug(d.cycle.name)}.pdf`, PDF_TYPE, () =>
          renderPdf(cycleSummaryDoc(d)),
        );
      },
      summaryXlsx: async (cycleId: string): Promise<ReportFile> => {
        const d = await data.cycleReport(SYSTEM_READER, cycleId);
        return {
          filename: `ringkasan-${slug(d.cycle.name)}.xlsx`,
          contentType: XLSX_TYPE,
          write: (out) => writeResultsXlsx(d, out),
        };
      },
      /** The assessment of a unit (by code) in a cycle. */
      async assessmentOfUnit(cycleId: string, unitCode: string) {
        const computed = await deps.results.compute(cycleId);
        const row = computed.results.find((r) => r.unit.code === unitCode);
        if (!row) throw new NotFoundError(`Unit ${unitCode} pada siklus`, cycleId);
        return row.assessmentId;
      },
    },
  };
}

export type ReportsService = ReturnType<typeof reportsServiceFactory>;
