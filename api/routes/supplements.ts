import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findApplication } from '../../db/applications.js';
import { applicationIdParamsSchema, applicationViewSchema, problemSchema } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { supplementBodySchema } from '../../schemas/tasks.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { submitSupplement } from '../../workflows/messages.js';
import { readableApplication, viewFor } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

/**
 * The applicant's answer to a clerk's request for supplementary materials (补正). The workflow's
 * validator refuses, changing nothing, a submission when nothing is requested or that leaves an
 * item unanswered; the task then returns to the clerk with the new material.
 */
export const supplementRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/applications/:id/supplements',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Answer a request for supplementary materials (补正)',
        description:
          "Answer every item the waiting step's `waiting.missing` lists, keyed by the item. Answers 202 with the application; 409 `SUPPLEMENT_REFUSED` (with the reason) when nothing is requested or an item is unanswered.",
        tags: ['applications'],
        params: applicationIdParamsSchema,
        body: supplementBodySchema,
        response: {
          202: applicationViewSchema,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          404: problemSchema,
          409: problemSchema,
          503: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const found = await readableApplication(deps.pool, request, request.params.id);
      try {
        await deps.temporal.workflow
          .getHandle(applicationWorkflowId(found.application.id))
          .executeUpdate(submitSupplement, { args: [{ answers: request.body.answers }] });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
          throw new ProblemError(
            409,
            problemCodes.supplementRefused,
            'The supplementary materials were refused',
            err instanceof WorkflowNotFoundError
              ? 'The application has ended.'
              : err.cause instanceof Error
                ? err.cause.message
                : err.message,
          );
        }
        request.log.error({ err }, 'supplement not delivered');
        throw new ProblemError(
          503,
          problemCodes.engineUnavailable,
          'The supplementary materials could not be delivered yet',
          'Try again.',
        );
      }
      const now = (await findApplication(deps.pool, found.application.id)) ?? found;
      return reply.code(202).send(await viewFor(deps.pool, request, now));
    },
  );
};
