import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/applications.js';
import {
  actionIdempotencyHeadersSchema,
  applicationViewSchema,
  problemResponses,
} from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { repairActions } from '../../schemas/repair-actions.js';
import type { RepairAction, RepairStepUpdate } from '../../schemas/repair-actions.js';
import { repairStep } from '../../workflows/messages.js';
import { auditRequest } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import { roleLabel } from '../auth/principal.js';
import { viewFor } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { validServiceOutputs } from '../service-outputs.js';
import { deliverUpdate, keyedUpdateId } from '../workflow-updates.js';
import { requireDepartment, requireRegion } from '../auth/scope.js';

const paramsSchema = z.object({ id: z.uuid(), stepId: z.string().min(1).max(64) });
const reason = z
  .string()
  .trim()
  .min(1)
  .regex(/\S/, 'must not be blank')
  .max(500)
  .describe('why: kept in the audit log');
const retryBodySchema = z.object({ reason }).strict();
const skipBodySchema = z
  .object({ reason, outputs: z.record(z.string(), z.unknown()).describe("what the step's dependants need") })
  .strict();
const responses = {
  202: applicationViewSchema,
  ...problemResponses(400, 401, 403, 404, 409, 503),
};

/**
 * Operators repair a step in progress through a workflow update, so the workflow stays the one
 * source of truth: retry the department call now, re-send what a department lost in an outage,
 * or skip the step entering its outputs.
 * Every attempt, done or refused, goes to the audit log with its reason.
 */
export const opsRepairRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  async function repair(
    request: Parameters<typeof viewFor>[1],
    params: z.infer<typeof paramsSchema>,
    update: Omit<RepairStepUpdate, 'stepId' | 'operator'>,
  ) {
    const found = await findApplication(deps.pool, params.id);
    const step = found?.steps.find((s) => s.step_id === params.stepId);
    if (!found || !step) {
      throw new ProblemError(
        404,
        problemCodes.applicationNotFound,
        `No step ${params.stepId} of application ${params.id}`,
      );
    }
    requireDepartment(request, step.department);
    requireRegion(request, found.application.region);
    if (update.action === 'skip') {
      update = { ...update, outputs: validServiceOutputs(step, update.outputs, 'outputs') };
    }
    const principal = principalOf(request);
    const audit = (result: string) =>
      auditRequest(deps.pool, request, {
        action: `step.${update.action}`,
        applicationId: params.id,
        stepId: params.stepId,
        reason: update.reason,
        result,
      });
    try {
      const updateId = keyedUpdateId(request, 'repair');
      await deliverUpdate(deps.temporal, params.id, repairStep, {
        args: [{ ...update, stepId: params.stepId, operator: `${roleLabel(principal)} ${principal.name}` }],
        // The same key repeats the first answer: a repair that got no answer can be sent again.
        ...(updateId ? { updateId } : {}),
        refused: (refusal) =>
          new ProblemError(
            409,
            problemCodes.stepNotRepairable,
            'The step cannot be repaired now',
            refusal.kind === 'ended' ? 'The application has ended.' : refusal.reason,
          ),
        log: request.log,
      });
    } catch (err) {
      await audit(err instanceof ProblemError ? err.code : 'failed');
      throw err;
    }
    await audit('ok');
    return viewFor(deps.pool, request, found);
  }

  // Every repair but a skip takes only a reason: a new repair action does not compile until it
  // has its summary here (or, taking more than a reason, its own route like the skip's).
  const summaries: { [A in Exclude<RepairAction, 'skip'>]: string } = {
    retry: 'Call the department again now, for a step retrying or waiting',
    resend: 'Submit again to a department that lost the case in an outage (a step waiting for its decision)',
  };
  for (const action of repairActions) {
    if (action === 'skip') continue;
    app.post(
      `/v1/ops/applications/:id/steps/:stepId/${action}`,
      {
        config: { access: ['operator'] },
        schema: {
          summary: summaries[action],
          tags: ['operations'],
          params: paramsSchema,
          headers: actionIdempotencyHeadersSchema,
          body: retryBodySchema,
          response: responses,
        },
      },
      async (request, reply) =>
        reply.code(202).send(await repair(request, request.params, { action, reason: request.body.reason })),
    );
  }

  app.post(
    '/v1/ops/applications/:id/steps/:stepId/skip',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'End a step in progress, entering the outputs its dependants need',
        tags: ['operations'],
        params: paramsSchema,
        headers: actionIdempotencyHeadersSchema,
        body: skipBodySchema,
        response: responses,
      },
    },
    async (request, reply) =>
      reply.code(202).send(
        await repair(request, request.params, {
          action: 'skip',
          reason: request.body.reason,
          outputs: request.body.outputs,
        }),
      ),
  );
};
