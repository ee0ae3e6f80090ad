import type { Actor } from '../domain/policy/policy.js';

/** Who is acting and on which request; passed from routes to services for policy and audit. */
export interface RequestContext {
  actor: Actor | null;
  requestId?: string;
  ip?: string;
}

/** The context of command-line and start-up work: a system actor with no assignments. */
export const systemContext = (requestId = 'cli'): RequestContext => ({ actor: null, requestId });
