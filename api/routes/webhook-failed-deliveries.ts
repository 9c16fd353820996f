import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  failedDeliveryStatuses,
  isActiveWebhookOf,
  listFailedDeliveries,
  requestReplay,
} from '../../db/webhook-failed-deliveries.js';
import type { FailedDeliveryRow } from '../../db/webhook-failed-deliveries.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import {
  failedDeliveryListSchema,
  failedDeliveryQuerySchema,
  replayBodySchema,
  replayResultSchema,
  webhookIdParamsSchema,
} from '../../schemas/webhooks.js';
import type { FailedDeliveryStatus } from '../../schemas/webhooks.js';
import { auditRequest, refusalOf } from '../audit.js';
import { portalClientOf, principalOf } from '../auth/authenticate.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

const cursorKey = z.tuple([z.string().regex(/^-?\d{1,20}$/), z.uuid()]);

/** The client id of the calling portal; webhooks belong to it. */
const iso = (date: Date | null) => date?.toISOString() ?? null;

const viewOf = (row: FailedDeliveryRow) => ({
  id: row.id,
  eventId: `${row.application_id}:${row.seq}`,
  applicationId: row.application_id,
  seq: row.seq,
  status: row.status,
  failedAt: row.failed_at.toISOString(),
  attempts: row.attempts,
  lastStatus: row.last_status,
  lastError: row.last_error,
  replayRequestedAt: iso(row.replay_requested_at),
  deliveredAt: iso(row.delivered_at),
});

/**
 * The dead-letter list of a portal's webhook: events its deliveries gave up on
 * (WEBHOOK_RETRY_FOR after they happened), to read and to send again.
 */
export const failedDeliveryRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  async function requireWebhook(request: FastifyRequest, id: string) {
    if (!(await isActiveWebhookOf(deps.pool, portalClientOf(request), id)))
      throw new ProblemError(404, problemCodes.webhookNotFound, `No webhook ${id}`);
  }

  app.get(
    '/v1/webhooks/:id/failed-deliveries',
    {
      config: { access: ['portal'] },
      schema: {
        summary: "A webhook's failed deliveries (dead letters), newest first",
        description:
          'Events whose delivery was given up on: none of its attempts was acknowledged within ' +
          'WEBHOOK_RETRY_FOR (3 days by default) of when the event happened. Replay them with ' +
          'POST …/failed-deliveries/replay.',
        tags: ['webhooks'],
        params: webhookIdParamsSchema,
        querystring: failedDeliveryQuerySchema,
        response: { 200: failedDeliveryListSchema, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { id } = request.params;
      await requireWebhook(request, id);
      const { status, limit, cursor } = request.query;
      const before = cursor === undefined ? undefined : decodeCursor(cursor, cursorKey);
      const page = await listFailedDeliveries(deps.pool, id, status ? { statuses: status } : {}, {
        limit,
        ...(before ? { before: { failedUs: before[0], id: before[1] } } : {}),
      });
      const last = page.rows.at(-1);
      return {
        failedDeliveries: page.rows.map(viewOf),
        nextCursor: page.more && last ? encodeCursor([last.failed_us, last.id]) : null,
      };
    },
  );

  app.post(
    '/v1/webhooks/:id/failed-deliveries/replay',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Send failed deliveries again: the chosen ones, or all',
        description:
          'Each failed delivery named (or every one with `{ "all": true }`) is sent once more by the ' +
          'dispatcher, retried like any delivery; it becomes `delivered` when acknowledged, or `failed` ' +
          'again after WEBHOOK_RETRY_FOR. One already replaying or delivered is not sent again. ' +
          'Every replay is in the audit log (`webhook.replay`).',
        tags: ['webhooks'],
        params: webhookIdParamsSchema,
        body: replayBodySchema,
        response: { 202: replayResultSchema, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const chosen = 'ids' in request.body ? [...new Set(request.body.ids)] : null;
      const principal = principalOf(request);
      try {
        await requireWebhook(request, id);
        const before = chosen
          ? await failedDeliveryStatuses(deps.pool, id, chosen)
          : new Map<string, FailedDeliveryStatus>();
        const unknown = chosen?.filter((c) => !before.has(c)) ?? [];
        if (unknown.length > 0) {
          throw new ProblemError(
            404,
            problemCodes.failedDeliveryNotFound,
            'Not failed deliveries of this webhook',
            `Nothing was replayed; unknown: ${unknown.join(', ')}`,
            unknown.map((u) => ({ path: 'body.ids', message: `no failed delivery ${u}` })),
          );
        }
        const queued = await requestReplay(deps.pool, id, chosen, principal.keyId);
        for (const q of queued) {
          await auditRequest(deps.pool, request, {
            action: 'webhook.replay',
            applicationId: q.application_id,
            target: q.id,
            result: 'ok',
            detail: { webhookId: id, seq: q.seq, portal: principal.scope },
          });
        }
        const queuedIds = new Set(queued.map((q) => q.id));
        const skipped = (chosen ?? [])
          .filter((c) => !queuedIds.has(c))
          .map((c) => {
            const status = before.get(c) ?? 'replaying';
            // Still `failed` when read, then queued by a replay asked for at the same time.
            return { id: c, status: status === 'failed' ? ('replaying' as const) : status };
          });
        return await reply.code(202).send({ replaying: queued.map((q) => q.id), skipped });
      } catch (err) {
        const refusal = refusalOf(err);
        await auditRequest(deps.pool, request, {
          action: 'webhook.replay',
          target: id,
          ...refusal,
          detail: { ...refusal.detail, webhookId: id },
        });
        throw err;
      }
    },
  );
};
