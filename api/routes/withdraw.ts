import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationIdParamsSchema, applicationViewSchema, problemSchema } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { finalApplicationStatuses } from '../../schemas/status.js';
import { withdraw } from '../../workflows/messages.js';
import { readableApplication, viewFor } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { deliverUpdate } from '../workflow-updates.js';

const withdrawBodySchema = z
  .object({
    reason: z.string().trim().min(1).max(500).describe('why the applicant withdraws, kept with the case'),
  })
  .strict();

export const withdrawRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/applications/:id/withdraw',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Withdraw (撤回) an application before it completes',
        description:
          'Steps not yet started are not started; completed steps whose department can undo them are compensated, latest first. Answers 202: the application shows `withdrawn` once that is done.',
        tags: ['applications'],
        params: applicationIdParamsSchema,
        body: withdrawBodySchema,
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
      const ended = () =>
        new ProblemError(
          409,
          problemCodes.applicationEnded,
          'The application has already ended',
          `It is ${found.application.status}; only a running application can be withdrawn.`,
        );
      if (finalApplicationStatuses.includes(found.application.status)) throw ended();
      await deliverUpdate(deps.temporal, found.application.id, withdraw, {
        args: [{ reason: request.body.reason }],
        refused: ended,
        log: request.log,
      });
      return reply.code(202).send(await viewFor(deps.pool, request, found));
    },
  );
};
