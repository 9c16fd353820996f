import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { listTasksOfApplication } from '../../db/work-list.js';
import { stepInputsOf } from '../step-inputs-view.js';
import { taskSummaryView } from '../work-list-views.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationTimeline, findStuckApplications } from '../../db/ops-queries.js';
import { stuckReason } from '../../ops/stuck-reasons.js';
import { stepOfActivityId } from '../../workflows/activity-ids.js';
import { maskDeep, maskText } from '../../privacy/mask.js';
import { applicationIdParamsSchema, problemResponses } from '../../schemas/api.js';
import type { pendingCallSchema } from '../../schemas/ops.js';
import { opsApplicationSchema, opsListQuerySchema, opsListSchema, stuckCodes } from '../../schemas/ops.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { decodeFailureToError, timestampIso } from '../../temporal/payloads.js';
import { readableApplication, viewFor } from '../application-access.js';
import { principalOf } from '../auth/authenticate.js';
import { departmentScope, inScope, regionFilter, requireDepartment } from '../auth/scope.js';
import { regionPrefix } from '../../schemas/regions.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiDeps } from '../deps.js';

/** The embedded dev server's UI, when the deployment names no other. */
export const defaultTemporalUiUrl = 'http://127.0.0.1:8233';

/** The stuck list's cursor: the oldest reason's time in microseconds, and the application. */
const cursorKey = z.tuple([z.string().regex(/^-?\d{1,20}$/), z.uuid()]);

type PendingCall = z.infer<typeof pendingCallSchema>;

/**
 * The department calls Temporal holds for the workflow: what the read model cannot know (the
 * attempt now scheduled, the next retry). Failure texts are decoded with the client's codec, then masked.
 */
async function pendingCalls(
  client: Client,
  workflowId: string,
): Promise<{ calls: PendingCall[] | null; note: string | null }> {
  try {
    const description = await client.withDeadline(Date.now() + 3000, () =>
      client.workflow.getHandle(workflowId).describe(),
    );
    const calls = await Promise.all(
      (description.raw.pendingActivities ?? []).map(async (a): Promise<PendingCall> => {
        const failure = a.lastFailure
          ? await decodeFailureToError(client.options.loadedDataConverter, a.lastFailure).catch(
              () => undefined,
            )
          : undefined;
        const message = failure?.message ?? a.lastFailure?.message ?? null;
        return {
          activityId: a.activityId ?? '',
          stepId: stepOfActivityId(a.activityId ?? ''),
          activityType: a.activityType?.name ?? null,
          state: a.state === null || a.state === undefined ? null : String(pendingActivityState(a.state)),
          attempt: a.attempt ?? 0,
          maximumAttempts: a.maximumAttempts ?? null,
          lastFailure: message === null ? null : maskText(message),
          scheduledAt: timestampIso(a.scheduledTime),
          lastStartedAt: timestampIso(a.lastStartedTime),
          nextAttemptAt: timestampIso(a.nextAttemptScheduleTime),
          givesUpAt: timestampIso(a.expirationTime),
        };
      }),
    );
    return { calls, note: null };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      return {
        calls: null,
        note: 'Temporal no longer has this workflow (ended past its retention, or never started).',
      };
    return { calls: null, note: 'Temporal could not be reached; the read model above is still current.' };
  }
}

const activityStates: Record<number, string> = {
  1: 'SCHEDULED',
  2: 'STARTED',
  3: 'CANCEL_REQUESTED',
  4: 'PAUSED',
  5: 'PAUSE_REQUESTED',
};
const pendingActivityState = (state: number) => activityStates[state] ?? `STATE_${state}`;

/** Operators find stuck applications and look into one: read model, timeline and Temporal's view. */
export const opsRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/ops/applications',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Find stuck applications, oldest reason first',
        description:
          'Stuck: a department call retrying (past `retryingLongerThan` or `attemptsAtLeast`), a step past its due time, a wait for a department decision past `waitingLongerThan`, an overdue work-list task, or a compensation that failed. From the read model only; paginated by `cursor`.',
        tags: ['operations'],
        querystring: opsListQuerySchema,
        response: { 200: opsListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      // A scoped operator lists only its department's reasons, and names no other.
      const scope = departmentScope(principalOf(request));
      if (q.department !== undefined) requireDepartment(request, q.department);
      const department = scope ?? q.department;
      const region = regionFilter(request, q.region);
      const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, cursorKey);
      const after = cursor && { sinceUs: cursor[0], id: cursor[1] };
      const page = await findStuckApplications(deps.pool, {
        codes: q.stuck ?? stuckCodes,
        limit: q.limit,
        ...(q.bundle === undefined ? {} : { bundleId: q.bundle }),
        ...(q.status === undefined ? {} : { statuses: q.status }),
        ...(department === undefined ? {} : { department }),
        ...(region === undefined ? {} : { regionPrefix: regionPrefix(region) }),
        ...(q.retryingLongerThan === undefined ? {} : { retryingLongerThanMs: q.retryingLongerThan }),
        ...(q.attemptsAtLeast === undefined ? {} : { attemptsAtLeast: q.attemptsAtLeast }),
        ...(q.waitingLongerThan === undefined ? {} : { waitingLongerThanMs: q.waitingLongerThan }),
        ...(after ? { after } : {}),
      });
      const now = new Date();
      const last = page.rows.at(-1);
      return {
        applications: page.rows.map((row) => ({
          id: row.id,
          bundleId: row.bundle_id,
          status: row.status as z.infer<typeof opsListSchema>['applications'][number]['status'],
          createdAt: row.created_at.toISOString(),
          dueAt: row.due_at?.toISOString() ?? null,
          since: row.since.toISOString(),
          reasons: row.reasons.map((r) => stuckReason(r, now)),
        })),
        nextCursor: page.more && last ? encodeCursor([last.since_us, last.id]) : null,
      };
    },
  );

  app.get(
    '/v1/ops/applications/:id',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'One application as an operator sees it: steps, timeline, pending department calls',
        description:
          "Personal data masked; the read is recorded in the application's access log. `pendingCalls` comes from Temporal and is null (with a note) when Temporal cannot tell.",
        tags: ['operations'],
        params: applicationIdParamsSchema,
        response: {
          200: opsApplicationSchema,
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const found = await readableApplication(deps.pool, request, request.params.id);
      const id = found.application.id;
      const principal = principalOf(request);
      const visibleStep = (stepId: string | null) =>
        stepId === null || found.steps.some((s) => s.step_id === stepId && inScope(principal, s.department));
      const workflowId = applicationWorkflowId(id);
      const outputs = Object.fromEntries(found.steps.map((s) => [s.step_id, s.outputs ?? undefined]));
      const [allEvents, stuck, pending, allTasks, allInputs] = await Promise.all([
        applicationTimeline(deps.pool, id),
        findStuckApplications(deps.pool, { codes: stuckCodes, applicationId: id, limit: 1 }),
        pendingCalls(deps.temporal, workflowId),
        listTasksOfApplication(deps.pool, id),
        stepInputsOf(deps.temporal, workflowId, outputs),
      ]);
      // A scoped operator sees its department's steps only, wherever they show.
      const timeline = allEvents.filter((e) => visibleStep(e.step_id));
      const tasks = allTasks.filter((t) => inScope(principal, t.department));
      const inputs = {
        ...allInputs,
        inputs:
          allInputs.inputs &&
          Object.fromEntries(Object.entries(allInputs.inputs).filter(([stepId]) => visibleStep(stepId))),
      };
      // One access-log entry for everything this answer shows: outputs and inputs.
      const inputFields = Object.entries(inputs.inputs ?? {}).flatMap(([stepId, input]) =>
        Object.keys(input).map((field) => `${stepId}.input.${field}`),
      );
      const view = await viewFor(deps.pool, request, found, inputFields);
      const now = new Date();
      const ui = (deps.temporalUiUrl ?? defaultTemporalUiUrl).replace(/\/+$/, '');
      const namespace = deps.temporal.options.namespace;
      return {
        application: { ...view, steps: view.steps.map((s) => ({ ...s, error: maskDeep(s.error) })) },
        timeline: timeline.map((e) => ({
          seq: e.seq,
          at: e.at.toISOString(),
          stepId: e.step_id,
          status: e.status,
          data: maskDeep(e.data),
        })),
        reasons: (stuck.rows[0]?.reasons ?? [])
          .filter((r) => inScope(principal, r.department))
          .map((r) => stuckReason(r, now)),
        pendingCalls: pending.calls && pending.calls.filter((c) => visibleStep(c.stepId)),
        pendingCallsNote: pending.note,
        stepInputs: inputs.inputs,
        stepInputsNote: inputs.note,
        tasks: tasks.map((task) => {
          const summary = taskSummaryView(task, app.viewDates.calendar, now);
          return { ...summary, decision: maskDeep(summary.decision) };
        }),
        workflow: {
          workflowId,
          temporalUiUrl: `${ui}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`,
        },
      };
    },
  );
};
