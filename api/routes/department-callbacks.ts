import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callbackSeen, findCallbackStep, rememberCallback } from '../../db/department-callbacks.js';
import { departments } from '../../departments/catalog/index.js';
import { verifyRequest } from '../../departments/signing.js';
import { departmentCallbackSchema, departmentParamsSchema, problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { departmentDecision } from '../../workflows/messages.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { validServiceOutputs } from '../service-outputs.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as sent, for signature checks. */
    rawBody?: string;
  }
}

const callbackResultSchema = z.object({ status: z.enum(['recorded', 'already-recorded']) });

/**
 * Departments that accepted a case report their decision here. The request is HMAC-signed with
 * the department's callback key; stale or replayed signatures are refused, and a callback that
 * was already taken into account is answered as such, changing nothing.
 */
export const departmentCallbackRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  // Signatures cover the exact bytes sent, so this scope keeps them next to the parsed body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    request.rawBody = text;
    try {
      done(null, text === '' ? undefined : JSON.parse(text));
    } catch (err) {
      (err as { statusCode?: number }).statusCode = 400;
      done(err as Error, undefined);
    }
  });

  countCallbacks(app, deps);

  app.post(
    '/v1/departments/:department/callbacks',
    {
      // Authenticated by the department's signature instead of an API key.
      config: { access: 'public' },
      schema: {
        summary: "A department's later decision on a case it accepted",
        description:
          'Signed with HMAC-SHA256: headers onething-key-id, onething-timestamp (unix seconds, within 5 minutes) and onething-signature: v1=<hex HMAC of "POST\\n<path>\\n<timestamp>\\n<sha256 hex of body>">. A department configured for HMAC-SM3 (国密) signs the same string with the body\'s SM3 digest, labelled v1-sm3=<hex>.',
        tags: ['departments'],
        params: departmentParamsSchema,
        body: departmentCallbackSchema,
        response: {
          200: callbackResultSchema,
          ...problemResponses(400, 401, 404, 409, 503),
        },
      },
      // The signature first, before the body is validated: an unsigned caller learns nothing of
      // the schema (a 400 would list every expected field).
      preValidation: async (request) => {
        const { department } = request.params;
        const keys = deps.callbackKeys?.get(department) ?? new Map<string, string>();
        const verified = verifyRequest(
          keys,
          {
            method: 'POST',
            path: request.url.split('?')[0] ?? request.url,
            body: request.rawBody ?? '',
            headers: request.headers,
          },
          new Date(),
          deps.signatureAlgorithms?.get(department),
        );
        if (!verified.ok) {
          throw verified.failure === 'stale'
            ? new ProblemError(
                401,
                problemCodes.callbackStale,
                'The callback is stale or replayed',
                'Its timestamp is more than 5 minutes from now.',
              )
            : new ProblemError(
                401,
                problemCodes.callbackSignatureInvalid,
                'The callback signature is not valid',
                `Reason: ${verified.failure}.`,
              );
        }
      },
    },
    async (request) => {
      const { department } = request.params;
      const callback = request.body;
      if (await callbackSeen(deps.pool, department, callback.callbackId))
        return { status: 'already-recorded' as const };
      const separator = callback.idempotencyKey.lastIndexOf(':');
      const applicationId = callback.idempotencyKey.slice(0, separator);
      const stepId = callback.idempotencyKey.slice(separator + 1);
      const step = /^[0-9a-f-]{36}$/.test(applicationId)
        ? await findCallbackStep(deps.pool, applicationId, stepId)
        : undefined;
      if (!step || step.department !== department) {
        throw new ProblemError(
          404,
          problemCodes.callbackNotExpected,
          'No case of this department has that key',
          callback.idempotencyKey,
        );
      }
      if (step.receipt_number !== callback.receiptNumber) {
        throw new ProblemError(
          409,
          problemCodes.callbackNotExpected,
          'The receipt number does not match the case',
          callback.receiptNumber,
        );
      }
      const outputs =
        callback.outcome === 'completed' ? validServiceOutputs(step, callback.outputs, 'outputs') : undefined;

      try {
        // The update id is the callback's: Temporal answers a repeat with the first result.
        const handle = deps.temporal.workflow.getHandle(applicationWorkflowId(applicationId));
        await handle.executeUpdate(departmentDecision, {
          updateId: `${department}:${callback.callbackId}`,
          args: [
            {
              stepId,
              receiptNumber: callback.receiptNumber,
              outcome: callback.outcome,
              ...(outputs ? { outputs } : {}),
              ...(callback.reasonCode ? { reasonCode: callback.reasonCode } : {}),
              ...(callback.reason ? { reason: callback.reason } : {}),
              ...(callback.outcome === 'supplement-required' ? { missing: callback.missing ?? [] } : {}),
            },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
          // The workflow refused, or has ended: the step no longer waits for this decision.
          if (step.status === 'waiting' && err instanceof WorkflowUpdateFailedError) {
            throw new ProblemError(
              409,
              problemCodes.callbackNotExpected,
              'The case is not waiting for this decision',
            );
          }
          return { status: 'already-recorded' as const };
        }
        request.log.error({ err }, 'callback not delivered to the workflow');
        throw new ProblemError(
          503,
          problemCodes.engineUnavailable,
          'The decision could not be delivered yet',
          'Send the same callback again; it is applied once.',
        );
      }
      await rememberCallback(deps.pool, {
        department,
        callbackId: callback.callbackId,
        applicationId,
        stepId,
      });
      return { status: 'recorded' as const };
    },
  );
};

/**
 * Counts this scope's callbacks: received by outcome, refused by the problem code answered.
 * The department label is a catalogue id or `unknown`: the path is the caller's to choose.
 */
function countCallbacks(app: FastifyInstance, deps: ApiDeps): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  const departmentOf = (request: FastifyRequest) => {
    const id = (request.params as { department?: unknown } | undefined)?.department;
    return typeof id === 'string' && Object.hasOwn(departments, id) ? id : 'unknown';
  };
  app.addHook('preSerialization', (request, reply, payload, done) => {
    const outcome = (payload as { status?: unknown } | null)?.status;
    if (reply.statusCode === 200 && typeof outcome === 'string')
      metrics.callbacksReceived.inc({ department: departmentOf(request), outcome });
    done(null, payload);
  });
  app.addHook('onError', (request, _reply, error, done) => {
    const reason =
      error instanceof ProblemError
        ? error.code
        : (error as { validation?: unknown }).validation !== undefined || error.statusCode === 400
          ? problemCodes.validationFailed
          : 'INTERNAL_ERROR';
    metrics.callbacksRefused.inc({ department: departmentOf(request), reason });
    done();
  });
}
