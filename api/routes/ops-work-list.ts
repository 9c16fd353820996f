import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApiKey } from '../../db/api-keys.js';
import { findTask } from '../../db/work-list.js';
import type { TaskRow } from '../../db/work-list.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { taskSummarySchema } from '../../schemas/work-list.js';
import { escalateTask, reassignTask } from '../../workflows/messages.js';
import type { ReassignTaskUpdate } from '../../workflows/messages.js';
import { audited } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import { roleLabel } from '../auth/principal.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { taskSummaryView } from '../work-list-views.js';
import { deliverUpdate } from '../workflow-updates.js';
import type { Refusal } from '../workflow-updates.js';
import { requireDepartment, requireRegion } from '../auth/scope.js';
import { unstatedRegion } from '../../schemas/regions.js';

const paramsSchema = z.object({ taskId: z.uuid().describe('the task id') });
const reason = z
  .string()
  .trim()
  .min(1)
  .regex(/\S/, 'must not be blank')
  .max(500)
  .describe('why: kept in the audit log');
const escalateBodySchema = z.object({ reason }).strict();
const reassignBodySchema = z
  .object({
    reason,
    to: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .describe(
        "the API key id of a clerk of the task's department, who holds the task from now on; or `queue`: unclaimed, for any of its clerks",
      ),
  })
  .strict();
const responses = {
  200: taskSummarySchema,
  ...problemResponses(400, 401, 403, 404, 409, 503),
};

/** Who acts, as the workflow records it: role and name. */
const operatorOf = (request: FastifyRequest) => {
  const principal = principalOf(request);
  return `${roleLabel(principal)} ${principal.name}`;
};

const completed = () =>
  new ProblemError(409, problemCodes.taskAlreadyCompleted, 'The task was already completed');

const notWaitedFor = (refusal: Refusal) =>
  new ProblemError(
    409,
    problemCodes.taskConflict,
    'The application does not wait for this task now',
    refusal.kind === 'ended' ? 'The application has ended.' : refusal.reason,
  );

/**
 * Operators move a work-list task on: escalate it to the supervisor queue before its due time,
 * or reassign it to another clerk of its department or back to its queue. Both go to the
 * workflow as updates, so it stays the single source of truth, and both answer once the task
 * has changed. Every attempt, done or refused, goes to the audit log with its reason.
 */
export const opsWorkListRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  /** The task, not yet completed; its application and step go to the audit entry. */
  async function undecidedTask(
    request: FastifyRequest,
    taskId: string,
    note: (about: { applicationId: string; stepId: string }) => void,
  ): Promise<TaskRow> {
    const task = await findTask(deps.pool, taskId);
    if (!task) throw new ProblemError(404, problemCodes.taskNotFound, `No task ${taskId}`);
    note({ applicationId: task.application_id, stepId: task.step_id });
    requireDepartment(request, task.department);
    requireRegion(request, task.region ?? unstatedRegion);
    if (task.status === 'completed') throw completed();
    return task;
  }

  /** The task as it is now, after the workflow changed it. */
  async function currentTask(taskId: string) {
    const task = await findTask(deps.pool, taskId);
    if (!task) throw new ProblemError(404, problemCodes.taskNotFound, `No task ${taskId}`);
    return taskSummaryView(task, app.viewDates.calendar);
  }

  /** The clerk `to` names: an active clerk key of the task's department. */
  async function assigneeFor(task: TaskRow, to: string): Promise<ReassignTaskUpdate['to']> {
    if (to === 'queue') return 'queue';
    const key = await findApiKey(deps.pool, to);
    if (!key || key.role !== 'clerk' || key.scope !== task.department) {
      const message = `not a clerk API key of ${task.department}`;
      throw new ProblemError(
        400,
        problemCodes.taskAssigneeInvalid,
        'The task can only go to a clerk of its department, or back to its queue',
        `body.to: ${message}`,
        [{ path: 'body.to', message }],
      );
    }
    if (key.revoked_at) {
      throw new ProblemError(
        409,
        problemCodes.taskAssigneeRevoked,
        "The clerk's API key was revoked",
        `${key.id} was revoked on ${key.revoked_at.toISOString()}.`,
      );
    }
    return { keyId: key.id, name: key.name };
  }

  app.post(
    '/v1/ops/tasks/:taskId/escalate',
    {
      config: { access: ['operator'] },
      schema: {
        summary: "Move a task to its department's supervisor queue now, before its due time",
        description:
          'As the due time would: once, keeping its assignee; the task is marked overdue only if it is past due. Answers with the task once it is in the supervisor queue.',
        tags: ['operations'],
        params: paramsSchema,
        body: escalateBodySchema,
        response: responses,
      },
    },
    async (request) => {
      const { taskId } = request.params;
      await audited(
        deps.pool,
        request,
        { action: 'task.escalate', target: taskId, reason: request.body.reason },
        async (note) => {
          const task = await undecidedTask(request, taskId, note);
          if (task.escalated_at) {
            throw new ProblemError(
              409,
              problemCodes.taskAlreadyEscalated,
              'The task is already escalated',
              `It has been in the supervisor queue since ${task.escalated_at.toISOString()}.`,
            );
          }
          const outcome = await deliverUpdate(deps.temporal, task.application_id, escalateTask, {
            args: [{ taskId, reason: request.body.reason, operator: operatorOf(request) }],
            refused: notWaitedFor,
            log: request.log,
          });
          if (outcome === 'closed') throw completed();
        },
      );
      return currentTask(taskId);
    },
  );

  app.post(
    '/v1/ops/tasks/:taskId/reassign',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Give a task to another clerk of its department, or back to its queue',
        description:
          "`to`: a clerk's API key id (the task is then claimed by that clerk, and only they can complete it) or `queue` (unclaimed). An escalated task stays in the supervisor queue. Answers with the task once it is reassigned.",
        tags: ['operations'],
        params: paramsSchema,
        body: reassignBodySchema,
        response: responses,
      },
    },
    async (request) => {
      const { taskId } = request.params;
      const { reason, to } = request.body;
      await audited(
        deps.pool,
        request,
        { action: 'task.reassign', target: taskId, reason, detail: { to } },
        async (note) => {
          const task = await undecidedTask(request, taskId, note);
          const assignee = await assigneeFor(task, to);
          const outcome = await deliverUpdate(deps.temporal, task.application_id, reassignTask, {
            args: [{ taskId, to: assignee, reason, operator: operatorOf(request) }],
            refused: notWaitedFor,
            log: request.log,
          });
          if (outcome === 'closed') throw completed();
        },
      );
      return currentTask(taskId);
    },
  );
};
