import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  actionIdempotencyHeadersSchema,
  applicationIdParamsSchema,
  applicationViewSchema,
  problemResponses,
} from '../../schemas/api.js';
import { readableApplication, viewFor } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { deliverWithdrawal } from '../withdrawal.js';
import { keyedUpdateId } from '../workflow-updates.js';

const withdrawBodySchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1)
      .regex(/\S/, 'must not be blank')
      .max(500)
      .describe('why the applicant withdraws, kept with the case'),
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
        headers: actionIdempotencyHeadersSchema,
        body: withdrawBodySchema,
        response: {
          202: applicationViewSchema,
          ...problemResponses(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const found = await readableApplication(deps.pool, request, request.params.id);
      await deliverWithdrawal(
        deps.temporal,
        found.application,
        { reason: request.body.reason },
        request.log,
        keyedUpdateId(request, 'withdraw'),
      );
      return reply.code(202).send(await viewFor(deps.pool, request, found));
    },
  );
};
