import { z } from 'zod';

/** Body of `POST /v1/webhooks`. */
export const createWebhookBodySchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'an absolute http or https URL' })
      .max(2000)
      .describe('where every event of your applications is POSTed'),
  })
  .strict();

/** A registered webhook as listed: never its secret. */
export const webhookViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof webhookViewSchema>;

/** The answer to a registration: the only time the signing secret is shown. */
export const createdWebhookSchema = webhookViewSchema
  .extend({
    secret: z.string().describe('HMAC-SHA256 key of the onething-signature header; shown once, store it now'),
  })
  .meta({ id: 'CreatedWebhook' });

export const webhookIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
