import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import { z } from 'zod';
import { departments } from '../../departments/catalog/index.js';
import {
  countPausedSteps,
  findDepartmentPause,
  listDepartmentPauses,
  pauseDepartment,
  resumeDepartment,
} from '../../db/department-pauses.js';
import type { DepartmentPauseRow } from '../../db/department-pauses.js';
import { recordDutyNotification } from '../../db/duty-notifications.js';
import { problemResponses, problemSchema } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { departmentStateSchema } from '../../schemas/ops.js';
import { departmentResumeWorkflowId } from '../../temporal/ids.js';
import { auditRequest } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { inScope, requireDepartment, requireEveryRegion } from '../auth/scope.js';

const paramsSchema = z.object({ department: z.string().min(1).max(64) });
const reason = z
  .string()
  .trim()
  .min(1)
  .regex(/\S/, 'must not be blank')
  .max(500)
  .describe('why: kept in the audit log');
const pauseBodySchema = z.object({ reason }).strict();
const resumeBodySchema = z
  .object({
    reason,
    ratePerSecond: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('waiting applications woken per second, so the department is not flooded'),
  })
  .strict();
const errors = { ...problemResponses(400, 401, 403, 404) };

/**
 * Outage mode: an operator pauses calls to a department (they wait in their workflows, nothing
 * fails, the applications show "paused: <department> outage") and resumes them, throttled.
 */
export const opsDepartmentRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const stateOf = (id: string, pause: DepartmentPauseRow | undefined, waiting: Map<string, number>) => {
    const department = departments[id];
    if (!department) throw new Error(`unknown department ${id}`);
    return {
      id,
      title: department.title,
      paused: pause
        ? { reason: pause.reason, pausedBy: pause.paused_by, pausedAt: pause.paused_at.toISOString() }
        : null,
      waitingSteps: waiting.get(id) ?? 0,
    };
  };
  const known = (id: string) => {
    if (!departments[id]) {
      throw new ProblemError(404, problemCodes.departmentNotFound, `No department ${id}`);
    }
  };

  app.get(
    '/v1/ops/departments',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Every department, whether it is paused, and how many calls wait for it',
        tags: ['operations'],
        response: { 200: z.object({ departments: z.array(departmentStateSchema) }), ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const [pauses, waiting] = await Promise.all([
        listDepartmentPauses(deps.pool),
        countPausedSteps(deps.pool),
      ]);
      const byId = new Map(pauses.map((pause) => [pause.department, pause]));
      return {
        departments: Object.keys(departments)
          .filter((id) => inScope(principal, id))
          .map((id) => stateOf(id, byId.get(id), waiting)),
      };
    },
  );

  app.post(
    '/v1/ops/departments/:department/pause',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Pause calls to a department for an outage: they wait, nothing fails',
        tags: ['operations'],
        params: paramsSchema,
        body: pauseBodySchema,
        response: { 200: departmentStateSchema, 409: problemSchema, ...errors },
      },
    },
    async (request) => {
      const { department } = request.params;
      // Scope first: a scoped operator learns nothing of other departments, real or not.
      requireDepartment(request, department);
      // A pause holds the department's calls in every region: not for an operator of one.
      requireEveryRegion(request);
      known(department);
      const principal = principalOf(request);
      const paused = await pauseDepartment(deps.pool, {
        department,
        reason: request.body.reason,
        pausedBy: `${principal.keyId} ${principal.name}`,
      });
      const audit = (result: string) =>
        auditRequest(deps.pool, request, {
          action: 'department.pause',
          target: department,
          reason: request.body.reason,
          result,
        });
      if (!paused) {
        await audit(problemCodes.departmentPauseConflict);
        throw new ProblemError(409, problemCodes.departmentPauseConflict, `${department} is already paused`);
      }
      await audit('ok');
      const [pause, waiting] = await Promise.all([
        findDepartmentPause(deps.pool, department),
        countPausedSteps(deps.pool),
      ]);
      // People on duty hear of the outage (notifications/duty-dispatcher.ts delivers it).
      if (pause) {
        await recordDutyNotification(deps.pool, {
          key: `department:${department}:paused:${pause.paused_at.toISOString()}`,
          kind: 'department.paused',
          department,
          payload: {
            reason: pause.reason,
            pausedBy: pause.paused_by,
            pausedAt: pause.paused_at.toISOString(),
          },
        });
      }
      return stateOf(department, pause, waiting);
    },
  );

  app.post(
    '/v1/ops/departments/:department/resume',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Resume calls to a paused department; the waiting ones go out at the given rate',
        tags: ['operations'],
        params: paramsSchema,
        body: resumeBodySchema,
        response: {
          202: departmentStateSchema.extend({
            resumeWorkflowId: z.string().describe('the workflow waking the waiting applications'),
          }),
          ...problemResponses(409, 503),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { department } = request.params;
      // Scope first: a scoped operator learns nothing of other departments, real or not.
      requireDepartment(request, department);
      // A pause holds the department's calls in every region: not for an operator of one.
      requireEveryRegion(request);
      known(department);
      const audit = (result: string, detail?: Record<string, unknown>) =>
        auditRequest(deps.pool, request, {
          action: 'department.resume',
          target: department,
          reason: request.body.reason,
          result,
          ...(detail ? { detail } : {}),
        });
      const pause = await resumeDepartment(deps.pool, department);
      if (!pause) {
        await audit(problemCodes.departmentPauseConflict);
        throw new ProblemError(409, problemCodes.departmentPauseConflict, `${department} is not paused`);
      }
      const workflowId = departmentResumeWorkflowId(department);
      const { ratePerSecond } = request.body;
      try {
        // A fan-out still running from an earlier resume starts over: the list it walks changed.
        await deps.temporal.workflow.start('resumeDepartment', {
          taskQueue: deps.taskQueue,
          workflowId,
          args: [{ department, ratePerSecond }],
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
        });
      } catch (err) {
        // Calls are no longer paused; the waiting ones call again at their own recheck.
        request.log.error({ err, department }, 'resume fan-out not started');
        await audit('fan-out-not-started', { ratePerSecond, pausedBy: pause.paused_by });
        throw new ProblemError(
          503,
          problemCodes.engineUnavailable,
          'Resumed, but the waiting calls were not woken',
          'The department is no longer paused; waiting calls go out at their next recheck (within 30 minutes).',
        );
      }
      await audit('ok', { ratePerSecond, pausedBy: pause.paused_by, pausedAt: pause.paused_at });
      return reply.code(202).send({
        ...stateOf(department, undefined, await countPausedSteps(deps.pool)),
        resumeWorkflowId: workflowId,
      });
    },
  );
};
