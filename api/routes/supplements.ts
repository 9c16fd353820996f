import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findApplication } from '../../db/applications.js';
import {
  actionIdempotencyHeadersSchema,
  applicationIdParamsSchema,
  applicationViewSchema,
  problemResponses,
} from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { supplementBodySchema } from '../../schemas/work-list.js';
import { submitSupplement } from '../../workflows/messages.js';
import { readableApplication, viewFor } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { checkMaterialReferences } from '../material-references.js';
import { linkMaterials } from '../../db/materials.js';
import { materialIdPattern } from '../../schemas/materials.js';
import { deliverUpdate, keyedUpdateId } from '../workflow-updates.js';

/**
 * The applicant's answer to a request for supplementary materials (补正), from a clerk or from a
 * department's own system. The workflow's validator refuses, changing nothing, a submission when
 * nothing is requested or that leaves an item unanswered; the task then returns to the clerk, or
 * the answers go to the department's case, with the new material.
 */
export const supplementRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/applications/:id/supplements',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Answer a request for supplementary materials (补正)',
        description:
          "Answer every item the waiting step's `waiting.missing` lists, keyed by the item, whether a clerk or the department's system asked. Answers 202 with the application; 409 `SUPPLEMENT_REFUSED` (with the reason) when nothing is requested or an item is unanswered. An answer may be a material's id (`POST /v1/materials`): one that does not exist or is another portal's is 422 `MATERIAL_NOT_FOUND`.",
        tags: ['applications'],
        params: applicationIdParamsSchema,
        headers: actionIdempotencyHeadersSchema,
        body: supplementBodySchema,
        response: {
          202: applicationViewSchema,
          ...problemResponses(400, 401, 403, 404, 409, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const found = await readableApplication(deps.pool, request, request.params.id);
      // An answer that is a material id names a material: it must be this portal's, and it is
      // erased with the application.
      const named = Object.entries(request.body.answers)
        .filter(([, answer]) => materialIdPattern.test(answer))
        .map(([item, id]) => ({ path: `answers.${item}`, id }));
      await checkMaterialReferences(deps.pool, found.application.client_id, named);
      await linkMaterials(
        deps.pool,
        found.application.id,
        named.map((n) => n.id),
      );
      const updateId = keyedUpdateId(request, 'supplement');
      await deliverUpdate(deps.temporal, found.application.id, submitSupplement, {
        args: [{ answers: request.body.answers }],
        ...(updateId ? { updateId } : {}),
        refused: (refusal) =>
          new ProblemError(
            409,
            problemCodes.supplementRefused,
            'The supplementary materials were refused',
            refusal.kind === 'ended' ? 'The application has ended.' : refusal.reason,
          ),
        log: request.log,
      });
      const now = (await findApplication(deps.pool, found.application.id)) ?? found;
      return reply.code(202).send(await viewFor(deps.pool, request, now));
    },
  );
};
