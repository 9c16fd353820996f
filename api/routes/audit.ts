import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listAudit } from '../../db/audit-log.js';
import { problemResponses } from '../../schemas/api.js';
import { auditListSchema, auditQuerySchema } from '../../schemas/ops.js';
import type { ApiDeps } from '../deps.js';
import { requireUnscoped } from '../auth/scope.js';

/** The audit log: every operator, clerk and admin action, newest first; for admins and unscoped operators. */
export const auditRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/ops/audit',
    {
      config: { access: ['operator', 'admin'] },
      schema: {
        summary: 'Who did what to which application, when, why and with what result',
        description: 'Append-only; newest first, paginated by `cursor`.',
        tags: ['operations'],
        querystring: auditQuerySchema,
        response: { 200: auditListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      // Everyone's actions on every department: not for an operator scoped to one.
      requireUnscoped(request);
      const q = request.query;
      const page = await listAudit(deps.pool, {
        limit: q.limit,
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.action === undefined ? {} : { action: q.action }),
        ...(q.applicationId === undefined ? {} : { applicationId: q.applicationId }),
        ...(q.from === undefined ? {} : { from: new Date(q.from) }),
        ...(q.to === undefined ? {} : { to: new Date(q.to) }),
        ...(q.cursor === undefined ? {} : { before: q.cursor }),
      });
      const last = page.rows.at(-1);
      return {
        entries: page.rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor: { keyId: r.actor_key, name: r.actor_name },
          role: r.role,
          action: r.action,
          applicationId: r.application_id,
          stepId: r.step_id,
          target: r.target,
          reason: r.reason,
          result: r.result,
          detail: r.detail,
        })),
        nextCursor: page.more && last ? last.id : null,
      };
    },
  );
};
