import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listAccess } from '../../db/access-log.js';
import type { AccessRow } from '../../db/access-log.js';
import { accessLogSchema, applicationIdParamsSchema, problemResponses } from '../../schemas/api.js';
import { readableApplication } from '../application-access.js';
import { principalOf } from '../auth/authenticate.js';
import { visibleStepIds } from '../auth/scope.js';
import type { ApiDeps } from '../deps.js';

/**
 * A scoped operator's share of an entry: one about a step of its own department, or, of a read
 * of the application (no step), the fields of its own steps (`<step>.<field>`); nothing else.
 */
function ownStepsOnly(entry: AccessRow, visible: ReadonlySet<string>): AccessRow[] {
  if (entry.step_id !== null) return visible.has(entry.step_id) ? [entry] : [];
  const fields = entry.fields.filter((f) => visible.has(f.split('.', 1)[0] ?? ''));
  return fields.length === 0 ? [] : [{ ...entry, fields }];
}

export const accessLogRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/applications/:id/access-log',
    {
      config: { access: ['portal', 'operator'] },
      schema: {
        summary: "Who read or received which of the application's data, when and why",
        description:
          'For the applicant: every department that received data and every clerk or operator that read it.',
        tags: ['applications'],
        params: applicationIdParamsSchema,
        response: {
          200: accessLogSchema,
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const found = await readableApplication(deps.pool, request, request.params.id);
      const visible = visibleStepIds(principalOf(request), found.steps);
      const rows = (await listAccess(deps.pool, request.params.id)).flatMap((r) =>
        visible === undefined ? [r] : ownStepsOnly(r, visible),
      );
      return {
        entries: rows.map((r) => ({
          at: r.at.toISOString(),
          actorType: r.actor_type,
          actor: r.actor,
          action: r.action,
          fields: r.fields,
          purpose: r.purpose,
          stepId: r.step_id,
        })),
      };
    },
  );
};
