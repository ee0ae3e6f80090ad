import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STAGE_LABELS, VERIFICATION_STAGES } from '../../domain/workflow/index.js';
import { authedContext, requireActor } from '../../plugins/auth.js';
import { cycleIdParams } from '../cycles/cycles.schemas.js';
import {
  assessmentDetailDto,
  assessmentIdParams,
  assessmentSummaryDto,
  commentDto,
  commentInput,
  commentsQuery,
  extensionInput,
  historyDto,
  indicatorParams,
  instrumentTreeDto,
  reasonCatalogueDto,
  reopenInput,
  responseDto,
  responseInput,
  returnInput,
  verificationDto,
  verificationInput,
} from './assessments.schemas.js';
import type { AssessmentsService } from './assessments.service.js';

const tags = ['assessments'];
const noBody = z.strictObject({}).optional();

export const assessmentsRoutes: FastifyPluginAsyncZod<{ assessments: AssessmentsService }> = async (
  app,
  { assessments },
) => {
  app.get(
    '/catalogue/verification-reasons',
    {
      schema: {
        operationId: 'verificationReasons',
        tags,
        description: 'Reason codes and stages an assessor picks from, with Indonesian labels.',
        response: { 200: reasonCatalogueDto },
      },
    },
    async (request) => {
      requireActor(request);
      return {
        reasons: assessments.reasonCatalogue() as z.infer<typeof reasonCatalogueDto>['reasons'],
        stages: VERIFICATION_STAGES.map((code) => ({
          code,
          label: STAGE_LABELS[code].id,
          labelEn: STAGE_LABELS[code].en,
        })),
      };
    },
  );

  app.get(
    '/cycles/:id/assessments',
    {
      schema: {
        operationId: 'listCycleAssessments',
        tags,
        description: 'Assessments of a cycle within the actor’s scope, with state and progress.',
        params: cycleIdParams,
        response: { 200: z.object({ items: z.array(assessmentSummaryDto) }) },
      },
    },
    async (request) => ({ items: await assessments.listForCycle(requireActor(request), request.params.id) }),
  );

  app.get(
    '/assessments/:id',
    {
      schema: {
        operationId: 'getAssessment',
        tags,
        params: assessmentIdParams,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.get(requireActor(request), request.params.id),
  );

  app.get(
    '/assessments/:id/instrument',
    {
      schema: {
        operationId: 'getAssessmentInstrument',
        tags,
        description: 'The instrument version of the cycle and the indicators that apply to this unit.',
        params: assessmentIdParams,
        response: { 200: instrumentTreeDto },
      },
    },
    async (request) => assessments.instrumentTree(requireActor(request), request.params.id),
  );

  app.put(
    '/assessments/:id/responses/:indicatorCode',
    {
      // A ledger write: it cannot touch a published cycle (src/lib/change-epoch.ts).
      config: { change: 'ledger' },
      schema: {
        operationId: 'saveResponse',
        tags,
        description:
          'Saves one self-assessed answer; the body replaces the answer (an omitted field is empty, including evidenceIds). Idempotent; 409 VERSION_CONFLICT (details.current) on a stale expectedVersion; 409 EDIT_WINDOW_CLOSED after the deadline.',
        params: indicatorParams,
        body: responseInput,
        response: { 200: responseDto },
      },
    },
    async (request) =>
      assessments.saveResponse(
        authedContext(request),
        request.params.id,
        request.params.indicatorCode,
        request.body,
      ),
  );

  app.post(
    '/assessments/:id/signoff',
    {
      schema: {
        operationId: 'signoffAssessment',
        tags,
        description: 'The unit head signs off the current answers (valid until an answer changes).',
        params: assessmentIdParams,
        body: noBody,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.signoff(authedContext(request), request.params.id),
  );

  app.post(
    '/assessments/:id/submit',
    {
      schema: {
        operationId: 'submitAssessment',
        tags,
        description:
          'draft → submitted, returned → resubmitted. 409 SUBMISSION_INCOMPLETE (details.missing), 409 SIGNOFF_REQUIRED, 409 INVALID_TRANSITION.',
        params: assessmentIdParams,
        body: noBody,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.submit(authedContext(request), request.params.id),
  );

  app.post(
    '/assessments/:id/extension',
    {
      schema: {
        operationId: 'extendAssessmentDeadline',
        tags,
        description: 'Coordinator: per-unit deadline extension with a reason (until: null removes it).',
        params: assessmentIdParams,
        body: extensionInput,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.extend(authedContext(request), request.params.id, request.body),
  );

  app.put(
    '/assessments/:id/verifications/:indicatorCode',
    {
      // A ledger write: it cannot touch a published cycle (src/lib/change-epoch.ts).
      config: { change: 'ledger' },
      schema: {
        operationId: 'saveVerification',
        tags,
        description:
          'Assigned assessor: verified level / measured value / accepted N/A (omit all to take the unit’s answer), reason, note, stage.',
        params: indicatorParams,
        body: verificationInput,
        response: { 200: verificationDto },
      },
    },
    async (request) =>
      assessments.saveVerification(
        authedContext(request),
        request.params.id,
        request.params.indicatorCode,
        request.body,
      ),
  );

  app.post(
    '/assessments/:id/return',
    {
      schema: {
        operationId: 'returnAssessment',
        tags,
        description:
          'Assigned assessor: back to the unit with the indicators to fix (submitted/resubmitted → returned).',
        params: assessmentIdParams,
        body: returnInput,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.returnToUnit(authedContext(request), request.params.id, request.body),
  );

  app.post(
    '/assessments/:id/complete-verification',
    {
      schema: {
        operationId: 'completeVerification',
        tags,
        description:
          '→ verified; 409 VERIFICATION_INCOMPLETE lists indicators unverified or verified against an older answer.',
        params: assessmentIdParams,
        body: noBody,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.completeVerification(authedContext(request), request.params.id),
  );

  app.post(
    '/assessments/:id/finalize',
    {
      schema: {
        operationId: 'finalizeAssessment',
        tags,
        description:
          'Coordinator: verified → final, storing a frozen score snapshot (inputs, result, SHA-256).',
        params: assessmentIdParams,
        body: noBody,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.finalize(authedContext(request), request.params.id),
  );

  app.post(
    '/assessments/:id/reopen',
    {
      schema: {
        operationId: 'reopenAssessment',
        tags,
        description:
          'Coordinator: final → verified with a reason; the snapshot is kept and marked superseded.',
        params: assessmentIdParams,
        body: reopenInput,
        response: { 200: assessmentDetailDto },
      },
    },
    async (request) => assessments.reopen(authedContext(request), request.params.id, request.body.reason),
  );

  app.get(
    '/assessments/:id/comments',
    {
      schema: {
        operationId: 'listComments',
        tags,
        params: assessmentIdParams,
        querystring: commentsQuery,
        response: { 200: z.object({ items: z.array(commentDto) }) },
      },
    },
    async (request) => ({
      items: await assessments.listComments(
        requireActor(request),
        request.params.id,
        request.query.indicator,
      ),
    }),
  );

  app.post(
    '/assessments/:id/comments',
    {
      // A ledger write: it cannot touch a published cycle (src/lib/change-epoch.ts).
      config: { change: 'ledger' },
      schema: {
        operationId: 'addComment',
        tags,
        description: 'Appends to an indicator’s thread (append-only).',
        params: assessmentIdParams,
        body: commentInput,
        response: { 201: commentDto },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await assessments.addComment(authedContext(request), request.params.id, request.body)),
  );

  app.get(
    '/assessments/:id/indicators/:indicatorCode/history',
    {
      schema: {
        operationId: 'indicatorHistory',
        tags,
        description: 'Every change of the self-assessed and verified values of one indicator.',
        params: indicatorParams,
        response: { 200: historyDto },
      },
    },
    async (request) =>
      assessments.history(requireActor(request), request.params.id, request.params.indicatorCode),
  );
};
