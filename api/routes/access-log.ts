import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listAccess } from '../../db/access-log.js';
import { accessLogSchema, applicationIdParamsSchema, problemResponses } from '../../schemas/api.js';
import { readableApplication } from '../application-access.js';
import type { ApiDeps } from '../deps.js';

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
      await readableApplication(deps.pool, request, request.params.id);
      const rows = await listAccess(deps.pool, request.params.id);
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
