import type { TransitionError } from '../../domain/workflow/index.js';
import { AppError } from '../../lib/errors.js';

/**
 * 409 errors of the evaluation workflow, each with its own `code` so that clients can react to
 * it (INVALID_TRANSITION, VERSION_CONFLICT, EDIT_WINDOW_CLOSED, SUBMISSION_INCOMPLETE, …).
 */
export class WorkflowConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown, messageEn?: string) {
    super(409, code, message, details, messageEn);
  }
}

export const invalidTransition = (e: TransitionError) =>
  new WorkflowConflictError(
    'INVALID_TRANSITION',
    e.message,
    { state: e.state, event: e.event, allowed: e.allowed },
    e.messageEn,
  );
