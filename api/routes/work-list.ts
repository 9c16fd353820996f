import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { recordAccess } from '../../db/access-log.js';
import { findApplication } from '../../db/applications.js';
import {
  claimTask,
  completeTask,
  findTask,
  isRectification,
  listTasks,
  releaseTask,
} from '../../db/work-list.js';
import type { TaskRow, TaskActor, TaskChange } from '../../db/work-list.js';
import { problemResponses, problemSchema } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import {
  completeTaskBodySchema,
  taskDetailSchema,
  taskIdParamsSchema,
  taskListQuerySchema,
  taskListSchema,
  taskSummarySchema,
} from '../../schemas/work-list.js';
import type { CompleteTaskBody } from '../../schemas/work-list.js';
import { rectificationReplyBodySchema } from '../../schemas/ratings.js';
import { taskDecision } from '../../workflows/messages.js';
import type { TaskDecisionUpdate } from '../../workflows/messages.js';
import { audited } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import { roleLabel } from '../auth/principal.js';
import { inScope, requireRegion } from '../auth/scope.js';
import { ScopeRefusal } from '../auth/scope-refusal.js';
import { unstatedRegion } from '../../schemas/regions.js';
import type { Principal } from '../../schemas/principal.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { validServiceOutputs } from '../service-outputs.js';
import { taskContextOf } from '../task-context.js';
import { approvedVerification, checkFourEyes } from '../video-verification.js';
import { deliverUpdate } from '../workflow-updates.js';
import { workListScope } from '../work-list-scope.js';
import { decodeTaskCursor, encodeTaskCursor, taskDetailView, taskSummaryView } from '../work-list-views.js';

const errorResponses = {
  ...problemResponses(400, 401, 403, 404, 409),
} as const;

/** The person, as the access log and the decision name them. */
const personOf = (principal: Principal) => `${roleLabel(principal)} ${principal.name} (${principal.keyId})`;

const notFound = (id: string) => new ProblemError(404, problemCodes.taskNotFound, `No task ${id}`);

const otherDepartment = (task: TaskRow) =>
  new ScopeRefusal(
    403,
    problemCodes.forbidden,
    'The task belongs to another department',
    `It is a task of ${task.department}.`,
    `a task of ${task.department}`,
  );

/** Refuses a clerk or scoped operator another department's task; other operators may see any. */
function checkVisible(request: FastifyRequest, task: TaskRow): TaskRow {
  if (!inScope(principalOf(request), task.department)) throw otherDepartment(task);
  requireRegion(request, task.region ?? unstatedRegion);
  return task;
}

/** The task if the caller may see it: a clerk or scoped operator only its department's, other operators any. */
async function visibleTask(deps: ApiDeps, request: FastifyRequest, id: string): Promise<TaskRow> {
  const task = await findTask(deps.pool, id);
  if (!task) throw notFound(id);
  return checkVisible(request, task);
}

const actorOf = (principal: Principal): TaskActor => ({
  department: principal.scope ?? '',
  keyId: principal.keyId,
  name: principal.name,
});

/** What the audit entry of an action on a task says about it. */
const aboutTask = (task: TaskRow) => ({ applicationId: task.application_id, stepId: task.step_id });

/** The task a claim or release changed or, when refused, the one it was meant for (if any). */
const taskOf = async (deps: ApiDeps, id: string, change: TaskChange) =>
  change.ok ? change.row : findTask(deps.pool, id);

/** Turns a claim, release or completion that did not happen into the problem that says why. */
function changed(id: string, change: TaskChange): TaskRow {
  if (change.ok) return change.row;
  switch (change.conflict) {
    case 'not-found':
      throw notFound(id);
    case 'other-department':
      throw new ProblemError(403, problemCodes.forbidden, 'The task belongs to another department');
    case 'completed':
      throw new ProblemError(409, problemCodes.taskAlreadyCompleted, 'The task was already completed');
    case 'claimed-by-other':
      throw new ProblemError(
        409,
        problemCodes.taskConflict,
        'The task is claimed by another clerk',
        'Only its assignee can release or complete it.',
      );
    case 'not-claimed':
      throw new ProblemError(409, problemCodes.taskConflict, 'The task is not claimed', 'Claim it first.');
  }
}

/** Refuses a decision on a task that is completed, or not claimed by this clerk. */
function checkClaimedBy(task: TaskRow, principal: Principal): void {
  if (task.status === 'completed')
    throw new ProblemError(409, problemCodes.taskAlreadyCompleted, 'The task was already completed');
  if (task.status !== 'claimed' || task.assignee_key !== principal.keyId)
    changed(task.id, {
      ok: false,
      conflict: task.status === 'claimed' ? 'claimed-by-other' : 'not-claimed',
    });
}

/**
 * What the decision must carry for this task: the service's outputs for an approval (named by
 * field when wrong) and, for a video verification, what the officer verified.
 */
function checkedDecision(
  task: TaskRow,
  body: CompleteTaskBody,
  principal: Principal,
  now: Date,
): CompleteTaskBody {
  const invalid = (errors: Array<{ path: string; message: string }>, title: string) =>
    new ProblemError(
      400,
      problemCodes.validationFailed,
      title,
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    );
  if (body.decision !== 'request-supplement') {
    if (task.kind === 'video-verification' && !body.verification)
      throw invalid(
        [{ path: 'body.verification', message: 'required for a video-verification task' }],
        'Record what the video verification established',
      );
    if (task.kind !== 'video-verification' && body.verification)
      throw invalid(
        [{ path: 'body.verification', message: 'only for video-verification tasks' }],
        'This task has no video verification',
      );
  }
  if (body.decision !== 'approve') return body;
  const outputs = validServiceOutputs(task, body.outputs, 'body.outputs');
  if (!body.verification) return { ...body, outputs };
  // The record goes with the outputs, so a later step maps it to the department acting on it.
  return {
    ...body,
    outputs: { ...outputs, verification: approvedVerification(task, body.verification, principal, now) },
  };
}

/**
 * The work list (办件): tasks of work-list steps, claimed, released and decided by the clerks
 * of their department. A decision reaches the waiting workflow as a Temporal update.
 */
export const workListRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/tasks',
    {
      config: { access: ['clerk', 'operator'] },
      schema: {
        summary: 'The work list: tasks earliest due first',
        description:
          "A clerk or a scoped operator sees its own department's tasks; other operators any department's. Paginated by `cursor`.",
        tags: ['tasks'],
        querystring: taskListQuerySchema,
        response: { 200: taskListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { department, cursor, ...filter } = request.query;
      const scope = workListScope(principalOf(request), department);
      const after = cursor === undefined ? undefined : decodeTaskCursor(cursor);
      const now = new Date();
      const page = await listTasks(deps.pool, { ...filter, ...scope, ...(after ? { after } : {}) });
      const last = page.rows.at(-1);
      return {
        tasks: page.rows.map((row) => taskSummaryView(row, app.viewDates.calendar, now)),
        nextCursor: page.more && last ? encodeTaskCursor(last) : null,
      };
    },
  );

  app.get(
    '/v1/tasks/:id',
    {
      config: { access: ['clerk', 'operator'] },
      schema: {
        summary: 'One task with the application data the clerk decides on',
        description: "The read is recorded in the application's access log.",
        tags: ['tasks'],
        params: taskIdParamsSchema,
        response: { 200: taskDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const task = await visibleTask(deps, request, request.params.id);
      const principal = principalOf(request);
      await recordAccess(deps.pool, {
        applicationId: task.application_id,
        actorType: principal.role === 'clerk' ? 'clerk' : principal.role === 'admin' ? 'admin' : 'operator',
        actor: personOf(principal),
        action: 'read',
        fields: [
          ...Object.keys(task.input).map((f) => `${task.step_id}.${f}`),
          ...Object.keys(task.supplement ?? {}).map((f) => `${task.step_id}.supplement.${f}`),
        ],
        purpose: `${task.kind} task of ${task.step_id} (round ${task.round})`,
        stepId: task.step_id,
      });
      return taskDetailView(
        task,
        app.viewDates.calendar,
        taskContextOf(deps.bundles, task, await findApplication(deps.pool, task.application_id)),
      );
    },
  );

  const transitionSchema = {
    tags: ['tasks'],
    params: taskIdParamsSchema,
    response: { 200: taskSummarySchema, ...errorResponses },
  };
  app.post(
    '/v1/tasks/:id/claim',
    {
      config: { access: ['clerk'] },
      schema: { summary: 'Claim an open task of your department', ...transitionSchema },
    },
    async (request) =>
      audited(deps.pool, request, { action: 'task.claim', target: request.params.id }, async (note) => {
        const change = await claimTask(deps.pool, request.params.id, actorOf(principalOf(request)));
        const task = await taskOf(deps, request.params.id, change);
        if (task) note(aboutTask(task));
        return taskSummaryView(changed(request.params.id, change), app.viewDates.calendar);
      }),
  );
  app.post(
    '/v1/tasks/:id/release',
    {
      config: { access: ['clerk'] },
      schema: { summary: 'Put a task you claimed back in its queue', ...transitionSchema },
    },
    async (request) =>
      audited(deps.pool, request, { action: 'task.release', target: request.params.id }, async (note) => {
        const change = await releaseTask(deps.pool, request.params.id, actorOf(principalOf(request)));
        const task = await taskOf(deps, request.params.id, change);
        if (task) note(aboutTask(task));
        return taskSummaryView(changed(request.params.id, change), app.viewDates.calendar);
      }),
  );

  app.post(
    '/v1/tasks/:id/complete',
    {
      config: { access: ['clerk'] },
      schema: {
        summary: 'Decide a task you claimed: approve, reject, or request supplementary materials',
        description:
          "`approve` gives the outputs the step's service declares (see the task's outputsSchema); `reject` a reason shown to the applicant; `request-supplement` everything missing, at once. Video-verification tasks also record `verification` with approve and reject; an approval needs a passed liveness check, every fact the service declares verified and a recording reference (409 `VERIFICATION_INCOMPLETE` names what is missing), and the record travels with the outputs to the department acting on it. A step decided apart from others (four eyes) is refused with 409 `FOUR_EYES_REQUIRED` to whoever decided one of those.",
        tags: ['tasks'],
        params: taskIdParamsSchema,
        body: completeTaskBodySchema,
        response: { 200: taskSummarySchema, ...errorResponses, 503: problemSchema },
      },
    },
    async (request) =>
      audited(
        deps.pool,
        request,
        { action: 'task.complete', target: request.params.id, reason: request.body.decision },
        async (note) => {
          const task = await findTask(deps.pool, request.params.id);
          if (!task) throw notFound(request.params.id);
          note(aboutTask(task));
          return complete(request, checkVisible(request, task), request.body);
        },
      ),
  );

  app.post(
    '/v1/tasks/:id/reply',
    {
      config: { access: ['clerk'] },
      schema: {
        summary: 'Answer a rectification (a 差评 of an ended application) you claimed: what was done',
        description:
          "Only for rectifications (`rectification: true`, round 0), which 差评 open in the department's supervisor queue (other tasks are decided with `complete`: 409 `TASK_CONFLICT`). The reply is shown to the applicant in the application's `rating`, which then reads `rectified` once every department followed up.",
        tags: ['tasks'],
        params: taskIdParamsSchema,
        body: rectificationReplyBodySchema,
        response: { 200: taskSummarySchema, ...errorResponses },
      },
    },
    async (request) =>
      audited(deps.pool, request, { action: 'task.reply', target: request.params.id }, async (note) => {
        const task = await findTask(deps.pool, request.params.id);
        if (!task) throw notFound(request.params.id);
        note(aboutTask(task));
        checkVisible(request, task);
        if (!isRectification(task))
          throw new ProblemError(
            409,
            problemCodes.taskConflict,
            'Only a rectification is answered with a reply',
            `This is a ${task.kind} task of step ${task.step_id}: decide it with POST /v1/tasks/${task.id}/complete.`,
          );
        const principal = principalOf(request);
        checkClaimedBy(task, principal);
        const change = await completeTask(deps.pool, task.id, actorOf(principal), {
          decision: 'reply',
          reply: request.body.reply,
          repliedBy: personOf(principal),
          repliedAt: new Date().toISOString(),
        });
        return taskSummaryView(changed(task.id, change), app.viewDates.calendar);
      }),
  );

  /** Delivers the clerk's decision to the waiting workflow, then marks the task completed. */
  async function complete(request: FastifyRequest, task: TaskRow, decision: CompleteTaskBody) {
    const principal = principalOf(request);
    if (isRectification(task))
      throw new ProblemError(
        409,
        problemCodes.taskConflict,
        'A rectification is answered, not decided',
        `No workflow waits for it: answer it with POST /v1/tasks/${task.id}/reply.`,
      );
    checkClaimedBy(task, principal);
    const now = new Date();
    const body = checkedDecision(task, decision, principal, now);
    if (body.decision === 'approve') await checkFourEyes(deps.pool, deps.bundles, task, principal);
    const decidedBy = personOf(principal);
    const update: TaskDecisionUpdate = {
      taskId: task.id,
      stepId: task.step_id,
      round: task.round,
      decision: body.decision,
      decidedBy,
      ...(body.decision === 'approve' ? { outputs: body.outputs } : {}),
      ...(body.decision === 'reject' ? { reason: body.reason } : {}),
      ...(body.decision === 'request-supplement' ? { missing: body.missing } : {}),
    };
    // The update id is the task's: a retried completion is delivered once.
    await deliverUpdate(deps.temporal, task.application_id, taskDecision, {
      args: [update],
      updateId: `task:${task.id}`,
      refused: (refusal) =>
        new ProblemError(
          409,
          problemCodes.taskConflict,
          'The application does not wait for this decision',
          refusal.kind === 'ended' ? 'The application has ended.' : refusal.reason,
        ),
      log: request.log,
    });
    const { decision: _decision, ...details } = update;
    const change = await completeTask(deps.pool, task.id, actorOf(principal), {
      decision: body.decision,
      ...details,
      ...('verification' in body && body.verification ? { verification: body.verification } : {}),
      decidedAt: now.toISOString(),
    });
    return taskSummaryView(changed(task.id, change), app.viewDates.calendar);
  }
};
