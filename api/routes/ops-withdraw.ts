import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/applications.js';
import {
  actionIdempotencyHeadersSchema,
  applicationIdParamsSchema,
  applicationViewSchema,
  problemResponses,
} from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { viewFor } from '../application-access.js';
import { audited } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import { roleLabel } from '../auth/principal.js';
import type { ApiDeps } from '../deps.js';
import { deliverWithdrawal } from '../withdrawal.js';
import { keyedUpdateId } from '../workflow-updates.js';
import { ProblemError } from '../problem.js';
import { requireEveryDepartment, requireRegion } from '../auth/scope.js';

const withdrawBodySchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .describe('why: kept in the audit log and shown on the steps the withdrawal ends'),
  })
  .strict();

/**
 * Operators withdraw an application for the applicant (e.g. asked at a service counter) through
 * the same workflow update as the portal: compensation follows as for the applicant's own. The
 * steps it ends name the operator and the reason; the attempt, done or refused, is audited.
 */
export const opsWithdrawRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/ops/applications/:id/withdraw',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Withdraw (撤回) an application before it completes, for the applicant',
        description:
          'As the portal withdrawal: steps not yet started are not started; completed steps whose department can undo them are compensated, latest first. Answers 202: the application shows `withdrawn` once that is done.',
        tags: ['operations'],
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
      // Withdrawing ends every department's steps: not for an operator of one of them.
      requireEveryDepartment(request);
      const { id } = request.params;
      const { reason } = request.body;
      const found = await audited(
        deps.pool,
        request,
        { action: 'application.withdraw', applicationId: id, reason },
        async () => {
          const application = await findApplication(deps.pool, id);
          if (!application)
            throw new ProblemError(404, problemCodes.applicationNotFound, `No application ${id}`);
          requireRegion(request, application.application.region);
          const principal = principalOf(request);
          await deliverWithdrawal(
            deps.temporal,
            application.application,
            { reason, by: `${roleLabel(principal)} ${principal.name}` },
            request.log,
            keyedUpdateId(request, 'withdraw'),
          );
          return application;
        },
      );
      return reply.code(202).send(await viewFor(deps.pool, request, found));
    },
  );
};
