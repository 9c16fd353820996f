import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteBulkAction,
  findBulkAction,
  findBulkActionByKey,
  markBulkActionStopped,
  insertBulkAction,
  listBulkActions,
  listBulkItems,
  requestBulkCancel,
} from '../../db/bulk-actions.js';
import type { BulkActionRow, BulkItemRow } from '../../db/bulk-actions.js';
import { isUniqueViolation, withTransaction } from '../../db/pool.js';
import { appliedBulkFilter, matchBulkItems, maxBulkItems } from '../../ops/bulk-snapshot.js';
import { actionIdempotencyHeadersSchema, problemResponses, problemSchema } from '../../schemas/api.js';
import {
  appliedBulkFilterSchema,
  bulkActionBodySchema,
  bulkActionListSchema,
  bulkActionParamsSchema,
  bulkActionQuerySchema,
  bulkActionViewSchema,
  bulkCancelBodySchema,
  bulkListQuerySchema,
} from '../../schemas/bulk-actions.js';
import type { BulkActionView } from '../../schemas/bulk-actions.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { bulkActionWorkflowId } from '../../temporal/ids.js';
import { cancelBulkRepair } from '../../workflows/bulk-repair-contract.js';
import type { bulkRepair } from '../../workflows/bulk-repair.js';
import { auditRequest } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import {
  departmentScope,
  hiddenOutOfScope,
  inScope,
  regionFilter,
  regionInScope,
  regionPrefixOf,
  regionScope,
  requireDepartment,
} from '../auth/scope.js';
import { roleLabel } from '../auth/principal.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { requestHash } from '../request-hash.js';

const denied = { ...problemResponses(400, 401, 403) };
const notFound = (id: string) =>
  new ProblemError(404, problemCodes.bulkActionNotFound, `No bulk action ${id}`);

/** The bulk actions list's cursor: when the last job shown started, in microseconds, and its id. */
const cursorKey = z.tuple([z.string().regex(/^-?\d{1,16}$/), z.uuid()]);
const startedBefore = ([startedAtUs, id]: z.infer<typeof cursorKey>) => ({ startedAtUs, id });

const itemView = (item: BulkItemRow) => ({
  seq: item.seq,
  applicationId: item.application_id,
  stepId: item.step_id,
  department: item.department,
  state: item.state,
  result: item.result,
  sentAt: item.sent_at?.toISOString() ?? null,
  finishedAt: item.finished_at?.toISOString() ?? null,
});

function jobView(row: BulkActionRow): BulkActionView {
  return {
    id: row.id,
    action: row.action,
    reason: row.reason,
    filter: appliedBulkFilterSchema.parse(row.filter),
    ratePerSecond: row.rate_per_second,
    state: row.state,
    stoppedReason: row.stopped_reason,
    total: row.total,
    done: row.done,
    refused: row.refused,
    failed: row.failed,
    pending: row.pending,
    startedBy: { keyId: row.started_by_key, name: row.started_by_name, role: row.started_by_role },
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    cancel: row.cancel_requested_at
      ? {
          requestedAt: row.cancel_requested_at.toISOString(),
          reason: row.cancel_reason,
          by: row.cancelled_by,
        }
      : null,
    workflowId: bulkActionWorkflowId(row.id),
  };
}

/**
 * Operators apply a retry or a re-send to every step matching a filter ("all waiting on police
 * since the outage"): a durable, throttled job with progress, cancellable, every item audited.
 */
export const opsBulkRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  async function found(id: string): Promise<BulkActionRow> {
    const row = await findBulkAction(deps.pool, id);
    if (!row) throw notFound(id);
    return row;
  }

  /**
   * A scoped operator sees only the jobs over its own department and within its region; any
   * other is answered as absent (and the refusal audited).
   */
  async function foundFor(request: FastifyRequest, id: string): Promise<BulkActionRow> {
    const row = await found(id);
    const principal = principalOf(request);
    const filter = appliedBulkFilterSchema.parse(row.filter);
    const region = regionScope(principal);
    if (
      !inScope(principal, filter.department ?? '') ||
      (region !== undefined && (filter.region === undefined || !regionInScope(principal, filter.region)))
    )
      throw hiddenOutOfScope(
        problemCodes.bulkActionNotFound,
        `No bulk action ${id}`,
        'a bulk action of another scope',
      );
    return row;
  }

  /**
   * A job PostgreSQL still calls running whose workflow has ended without finishing it (someone
   * terminated it in the Temporal UI, say) is marked stopped, so it does not show running for ever.
   */
  async function reconciled(row: BulkActionRow, log: FastifyBaseLogger): Promise<BulkActionRow> {
    if (row.state !== 'running') return row;
    let reason: string | undefined;
    try {
      const { status } = await deps.temporal.withDeadline(Date.now() + 2000, () =>
        deps.temporal.workflow.getHandle(bulkActionWorkflowId(row.id)).describe(),
      );
      if (['TERMINATED', 'CANCELLED', 'FAILED', 'TIMED_OUT'].includes(status.name)) {
        reason = `its workflow was ${status.name.toLowerCase().replace('_', ' ')} before finishing`;
      }
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) reason = 'its workflow no longer exists';
      else log.warn({ err }, 'bulk workflow not described; the job is shown as recorded');
    }
    if (!reason) return row;
    await markBulkActionStopped(deps.pool, row.id, reason);
    return found(row.id);
  }

  app.post(
    '/v1/ops/bulk-actions',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Retry or re-send every step matching a filter, throttled',
        description: `The matching steps are snapshotted now (at most ${maxBulkItems}) and worked through by a Temporal workflow, at most \`ratePerSecond\` a second, each as the workflow update an operator's single repair sends. A step no longer in progress by then is \`refused\`, not an error. Follow it at the \`Location\`.`,
        tags: ['operations'],
        headers: actionIdempotencyHeadersSchema,
        body: bulkActionBodySchema,
        response: {
          200: bulkActionViewSchema.describe('the job this Idempotency-Key started, as it is now'),
          202: bulkActionViewSchema,
          ...denied,
          ...problemResponses(409, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const { action, reason, ratePerSecond } = request.body;
      const principal = principalOf(request);
      const key = request.headers['idempotency-key'];
      const idempotency = key ? { key, requestHash: requestHash(request.body) } : undefined;
      /** The job this key already started, answered as it is now; undefined if there is none. */
      const startedBefore = async () => {
        if (!idempotency) return undefined;
        const existing = await findBulkActionByKey(deps.pool, principal.keyId, idempotency.key);
        if (!existing) return undefined;
        if (existing.request_hash !== idempotency.requestHash) {
          throw new ProblemError(
            409,
            problemCodes.idempotencyKeyReused,
            'This Idempotency-Key was used with another request body',
            `It started bulk action ${existing.id}; use a new key for a new bulk action.`,
          );
        }
        const job = await found(existing.id);
        return reply.code(200).header('location', `/v1/ops/bulk-actions/${job.id}`).send(jobView(job));
      };
      const repeated = await startedBefore();
      if (repeated) return repeated;
      // A region-scoped operator's job covers its region when the filter names none.
      const region = regionFilter(request, request.body.filter.region);
      const filter = appliedBulkFilter(action, {
        ...request.body.filter,
        ...(region === undefined ? {} : { region }),
      });
      // A scoped operator names its department: a job over every department is not its to start.
      requireDepartment(request, filter.department ?? '');
      const matched = await matchBulkItems(deps.pool, filter);
      if (matched.tooMany) {
        throw new ProblemError(
          422,
          problemCodes.bulkFilterMatchesTooMany,
          `The filter matches more than ${maxBulkItems} steps`,
          'Narrow it (a department, a step, a time window) and run several bulk actions.',
        );
      }
      if (matched.items.length === 0) {
        throw new ProblemError(
          422,
          problemCodes.bulkFilterMatchesNothing,
          'The filter matches no step in progress',
          'Nothing to do; no bulk action was started.',
        );
      }
      const id = randomUUID();
      try {
        await withTransaction(deps.pool, (db) =>
          insertBulkAction(db, {
            id,
            action,
            reason,
            filter,
            ratePerSecond,
            startedBy: { keyId: principal.keyId, name: principal.name, role: roleLabel(principal) },
            items: matched.items,
            ...(idempotency ? { idempotency } : {}),
          }),
        );
      } catch (err) {
        // The same key sent twice at once: the other request started the job.
        const repeatedMeanwhile = isUniqueViolation(err) ? await startedBefore() : undefined;
        if (repeatedMeanwhile) return repeatedMeanwhile;
        throw err;
      }
      // As it starts: nothing done yet (the workflow may be quicker than this answer).
      const started = jobView(await found(id));
      const audit = (result: string) =>
        auditRequest(deps.pool, request, {
          action: 'bulk.start',
          target: id,
          reason,
          result,
          detail: { bulkActionId: id, action, filter, ratePerSecond, total: matched.items.length },
        });
      try {
        await deps.temporal.workflow.start<typeof bulkRepair>('bulkRepair', {
          workflowId: bulkActionWorkflowId(id),
          taskQueue: deps.taskQueue,
          args: [{ bulkActionId: id, ratePerSecond }],
        });
      } catch (err) {
        request.log.error({ err }, 'bulk action not started');
        await deleteBulkAction(deps.pool, id).catch(() => undefined);
        await audit(problemCodes.engineUnavailable);
        throw new ProblemError(
          503,
          problemCodes.engineUnavailable,
          'The bulk action could not be started',
          'Nothing was done; send the request again.',
        );
      }
      await audit('ok');
      return reply.code(202).header('location', `/v1/ops/bulk-actions/${id}`).send(started);
    },
  );

  app.get(
    '/v1/ops/bulk-actions',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Bulk actions, newest first, with their progress',
        tags: ['operations'],
        querystring: bulkListQuerySchema,
        response: { 200: bulkActionListSchema, ...denied },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const principal = principalOf(request);
      const department = departmentScope(principal);
      const regionPrefix = regionPrefixOf(principal);
      const page = await listBulkActions(deps.pool, {
        limit,
        // Filtered in the query, before the page is cut: a page is full while more exist.
        scope: {
          ...(department === undefined ? {} : { department }),
          ...(regionPrefix === undefined ? {} : { regionPrefix }),
        },
        ...(cursor === undefined ? {} : { before: startedBefore(decodeCursor(cursor, cursorKey)) }),
      });
      const last = page.rows.at(-1);
      return {
        bulkActions: page.rows.map(jobView),
        nextCursor: page.more && last ? encodeCursor([last.started_at_us, last.id]) : null,
      };
    },
  );

  app.get(
    '/v1/ops/bulk-actions/:id',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'One bulk action: progress counts and a page of its items with their results',
        tags: ['operations'],
        params: bulkActionParamsSchema,
        querystring: bulkActionQuerySchema,
        response: { 200: bulkActionViewSchema, ...denied, 404: problemSchema },
      },
    },
    async (request) => {
      const row = await reconciled(await foundFor(request, request.params.id), request.log);
      const q = request.query;
      const items = await listBulkItems(deps.pool, row.id, {
        limit: q.itemsLimit,
        ...(q.itemsCursor === undefined ? {} : { afterSeq: Number(q.itemsCursor) }),
        ...(q.itemState === undefined ? {} : { state: q.itemState }),
      });
      const last = items.rows.at(-1);
      return {
        ...jobView(row),
        items: items.rows.map(itemView),
        nextItemsCursor: items.more && last ? String(last.seq) : null,
      };
    },
  );

  app.post(
    '/v1/ops/bulk-actions/:id/cancel',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Stop a bulk action after the item in progress; the items not reached stay pending',
        tags: ['operations'],
        params: bulkActionParamsSchema,
        body: bulkCancelBodySchema,
        response: { 202: bulkActionViewSchema, ...denied, ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { reason } = request.body;
      const principal = principalOf(request);
      const by = `${roleLabel(principal)} ${principal.name} (${principal.keyId})`;
      await foundFor(request, id);
      const audit = (result: string) =>
        auditRequest(deps.pool, request, {
          action: 'bulk.cancel',
          target: id,
          reason,
          result,
          detail: { bulkActionId: id },
        });
      if (!(await requestBulkCancel(deps.pool, id, { reason, by }))) {
        const row = await found(id);
        await audit(problemCodes.bulkActionEnded);
        throw new ProblemError(
          409,
          problemCodes.bulkActionEnded,
          row.state === 'running'
            ? 'The bulk action is already being cancelled'
            : `The bulk action has ${row.state}`,
        );
      }
      // The activity stops at the cancel recorded above; the signal only ends the wait between batches.
      await deps.temporal.workflow
        .getHandle(bulkActionWorkflowId(id))
        .signal(cancelBulkRepair, { reason, by })
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) request.log.warn({ err }, 'bulk cancel not signalled');
        });
      await audit('ok');
      return reply.code(202).send(jobView(await found(id)));
    },
  );
};
