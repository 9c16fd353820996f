import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { ApplicationRow } from '../db/applications.js';
import { problemCodes } from '../schemas/error-codes.js';
import { finalApplicationStatuses } from '../schemas/status.js';
import { withdraw } from '../workflows/messages.js';
import type { WithdrawUpdate } from '../workflows/messages.js';
import { ProblemError } from './problem.js';
import { deliverUpdate } from './workflow-updates.js';

/**
 * Asks the application's workflow to withdraw, for the applicant's portal or an operator alike:
 * an application that has ended (in the read model, or by the time the workflow hears of it) is
 * a 409, a Temporal outage a 503.
 */
export async function deliverWithdrawal(
  temporal: Client,
  application: ApplicationRow,
  update: WithdrawUpdate,
  log: FastifyBaseLogger,
  updateId?: string,
): Promise<void> {
  const ended = () =>
    new ProblemError(
      409,
      problemCodes.applicationEnded,
      'The application has already ended',
      `It is ${application.status}; only a running application can be withdrawn.`,
    );
  if (finalApplicationStatuses.includes(application.status)) throw ended();
  await deliverUpdate(temporal, application.id, withdraw, {
    args: [update],
    ...(updateId ? { updateId } : {}),
    refused: ended,
    log,
  });
}
