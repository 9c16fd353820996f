import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { disableWebhook, insertWebhook, listWebhooks } from '../../db/webhooks.js';
import type { WebhookRow } from '../../db/webhooks.js';
import { sealWebhookSecret } from '../../notifications/webhook-secrets.js';
import { checkWebhookTarget, strictWebhookTargets } from '../../notifications/webhook-targets.js';
import { problemResponses, problemSchema } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import {
  createdWebhookSchema,
  createWebhookBodySchema,
  webhookIdParamsSchema,
  webhookViewSchema,
} from '../../schemas/webhooks.js';
import { portalClientOf } from '../auth/authenticate.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

/** Active webhooks per portal: each one multiplies every event into another POST. */
export const maxWebhooksPerPortal = 10;

/** The client id of the calling portal; webhooks belong to it. */
const viewOf = (row: WebhookRow) => ({
  id: row.id,
  url: row.url,
  createdAt: new Date(row.created_at).toISOString(),
});

const errorResponses = { ...problemResponses(401, 403, 429) };

export const webhookRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/webhooks',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Register a webhook for the events of your applications',
        description:
          'Every application and step change of your applications from now on is POSTed as an ApplicationEvent, ' +
          'signed in the onething-signature header with the secret answered here (shown only once), ' +
          'in order per application, retried with backoff until answered with a 2xx. ' +
          'URLs that reach internal addresses (private, loopback, link-local, …, by literal or by DNS) ' +
          'or carry credentials are refused, and plain http where the deployment requires https.',
        tags: ['webhooks'],
        body: createWebhookBodySchema,
        response: {
          201: createdWebhookSchema,
          400: problemSchema.describe('an invalid body, or a URL refused here (WEBHOOK_TARGET_REFUSED)'),
          409: problemSchema.describe(`the portal already has ${maxWebhooksPerPortal} webhooks`),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const target = await checkWebhookTarget(request.body.url, deps.webhookTargets ?? strictWebhookTargets);
      if (!target.allowed) {
        throw new ProblemError(
          400,
          problemCodes.webhookTargetRefused,
          'Onething does not deliver to this URL',
          `The URL is refused: ${target.reason}.`,
        );
      }
      if (!deps.keyring) throw new Error('webhook secrets are sealed with ApiDeps.keyring, which is not set');
      const id = `wh_${randomBytes(8).toString('hex')}`;
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      // Stored sealed: a copy of the database does not sign deliveries.
      const sealed = await sealWebhookSecret(deps.keyring, id, secret);
      const row = await insertWebhook(
        deps.pool,
        {
          id,
          clientId: portalClientOf(request),
          url: request.body.url,
          secret: sealed.secret,
          secretKeyId: sealed.keyId,
        },
        maxWebhooksPerPortal,
      );
      if (!row) {
        throw new ProblemError(
          409,
          problemCodes.webhookLimitReached,
          `At most ${maxWebhooksPerPortal} webhooks per portal`,
          'Delete one you no longer use (DELETE /v1/webhooks/:id).',
        );
      }
      return reply.code(201).send({ ...viewOf(row), secret });
    },
  );

  app.get(
    '/v1/webhooks',
    {
      config: { access: ['portal'] },
      schema: {
        summary: "Your portal's webhooks (without their secrets)",
        tags: ['webhooks'],
        response: { 200: z.object({ webhooks: z.array(webhookViewSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      webhooks: (await listWebhooks(deps.pool, portalClientOf(request))).map(viewOf),
    }),
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Delete a webhook: nothing more is delivered to it',
        tags: ['webhooks'],
        params: webhookIdParamsSchema,
        response: {
          204: z.null().describe('deleted'),
          ...problemResponses(400, 404),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      // Another portal's webhook is answered exactly like one that does not exist.
      if (!(await disableWebhook(deps.pool, portalClientOf(request), request.params.id))) {
        throw new ProblemError(404, problemCodes.webhookNotFound, `No webhook ${request.params.id}`);
      }
      return reply.code(204).send(null);
    },
  );
};
