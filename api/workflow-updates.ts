import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { problemCodes } from '../schemas/error-codes.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { ProblemError } from './problem.js';

/**
 * The update id of an action sent with an `Idempotency-Key` (per API key): the workflow then
 * answers a repeat with the first answer. Undefined without a key.
 */
export function keyedUpdateId(request: FastifyRequest, action: string): string | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !request.principal) return undefined;
  return `${action}:${request.principal.keyId}:${key}`;
}

/** Why the workflow refused an update: its validator's message, or that it has ended. */
export type Refusal = { kind: 'refused'; reason: string } | { kind: 'ended' };

/**
 * Delivers an update to an application's workflow, the single source of truth. A refusal (the
 * validator said no, or the workflow has ended) becomes the problem `refused` builds, changing
 * nothing; anything else is a 503 that says the same request may be sent again (the workflow
 * applies an action at most once: a repeat of one that got through is refused).
 */
export async function deliverUpdate<Ret, Args extends [unknown, ...unknown[]]>(
  temporal: Client,
  applicationId: string,
  update: UpdateDefinition<Ret, Args>,
  options: {
    args: Args;
    updateId?: string;
    refused: (refusal: Refusal) => ProblemError;
    log: FastifyBaseLogger;
  },
): Promise<Ret> {
  try {
    return await temporal.workflow.getHandle(applicationWorkflowId(applicationId)).executeUpdate(update, {
      args: options.args,
      ...(options.updateId ? { updateId: options.updateId } : {}),
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw options.refused({ kind: 'ended' });
    if (err instanceof WorkflowUpdateFailedError) {
      throw options.refused({
        kind: 'refused',
        reason: err.cause instanceof Error ? err.cause.message : err.message,
      });
    }
    options.log.error({ err, update: update.name }, 'update not delivered');
    throw new ProblemError(
      503,
      problemCodes.engineUnavailable,
      'This could not be delivered to the application yet',
      'Send the same request again. It is applied at most once: with the same Idempotency-Key (where the route takes one) a repeat gets the first answer; without one, a repeat of a request that got through after all is refused (409) and the application already shows its effect.',
    );
  }
}
