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

/** Where a delivery given up on stands: listed, being sent again, or acknowledged at last. */
export const failedDeliveryStatusSchema = z.enum(['failed', 'replaying', 'delivered']);
export type FailedDeliveryStatus = z.infer<typeof failedDeliveryStatusSchema>;

/** An event a webhook's deliveries gave up on (the dead-letter list). */
export const failedDeliverySchema = z
  .object({
    id: z.uuid().describe('name it in a replay'),
    eventId: z.string().describe('the ApplicationEvent id, as the onething-event-id header sends it'),
    applicationId: z.uuid(),
    seq: z.number().int(),
    status: failedDeliveryStatusSchema,
    failedAt: z.string().describe('when it was given up on'),
    attempts: z.number().int().describe('failed attempts, replays included'),
    lastStatus: z.number().int().nullable().describe('the HTTP status of the last attempt; null: no answer'),
    lastError: z.string().nullable(),
    replayRequestedAt: z.string().nullable(),
    deliveredAt: z.string().nullable().describe('when a replay was acknowledged'),
  })
  .meta({ id: 'FailedDelivery' });

/** Query of `GET /v1/webhooks/:id/failed-deliveries`. */
export const failedDeliveryQuerySchema = z
  .object({
    status: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s !== ''))
      .pipe(z.array(failedDeliveryStatusSchema).min(1))
      .optional()
      .describe('failed, replaying, delivered; repeatable or comma-separated; all when absent'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(300).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const failedDeliveryListSchema = z.object({
  failedDeliveries: z.array(failedDeliverySchema).describe('newest first'),
  nextCursor: z.string().nullable(),
});

/** Body of `POST /v1/webhooks/:id/failed-deliveries/replay`: the chosen ones, or all that failed. */
export const replayBodySchema = z
  .union([
    z.object({ ids: z.array(z.uuid()).min(1).max(100).describe('failed deliveries to send again') }).strict(),
    z.object({ all: z.literal(true).describe('every failed delivery of the webhook') }).strict(),
  ])
  .meta({ id: 'ReplayRequest' });

export const replayResultSchema = z
  .object({
    replaying: z.array(z.uuid()).describe('queued now: each is sent once more, in the background'),
    skipped: z
      .array(z.object({ id: z.uuid(), status: failedDeliveryStatusSchema }))
      .describe('chosen ones not queued: already replaying or delivered'),
  })
  .meta({ id: 'ReplayResult' });
