import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { type Actor, can, hasRole, scopePaths } from '../../domain/policy/policy.js';
import { ForbiddenError } from '../../lib/errors.js';
import { requireActor } from '../../plugins/auth.js';
import { auditRepo } from './audit.repo.js';

const auditQuery = z.strictObject({
  actorId: z.uuid().optional(),
  action: z.string().max(100).optional(),
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  q: z.string().max(100).optional(),
  beforeId: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('cursor: id of the last row of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

type AuditQuery = z.infer<typeof auditQuery>;

const auditDto = z.object({
  id: z.number(),
  at: z.date(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  unitId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});

/** Audit service + routes in one place: it is a read-only view over the append-only table. */
export function auditServiceFactory(db: Db) {
  const repo = auditRepo(db);
  return {
    /**
     * Admins and coordinators see the records of units within their scope (newest first); admins
     * also see installation-wide records (accounts, sign-ins, instruments) that belong to no unit.
     */
    async list(actor: Actor, filter: AuditQuery) {
      if (!can(actor, 'audit.read'))
        throw new ForbiddenError('Hanya administrator dan koordinator yang dapat melihat log audit.');
      return repo.list({
        ...filter,
        scopePaths: scopePaths(actor, 'audit.read'),
        includeUnscoped: hasRole(actor, 'admin'),
      });
    },
  };
}
export type AuditService = ReturnType<typeof auditServiceFactory>;

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/audit',
    {
      schema: {
        operationId: 'listAudit',
        tags: ['audit'],
        querystring: auditQuery,
        response: { 200: z.object({ items: z.array(auditDto), nextBeforeId: z.number().nullable() }) },
      },
    },
    async (request) => {
      const items = await audit.list(requireActor(request), request.query);
      return { items, nextBeforeId: items.length === request.query.limit ? items.at(-1)!.id : null };
    },
  );
};
