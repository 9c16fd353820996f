import { z } from 'zod';
import { applicationStatusSchema, stepStatusSchema } from './status.js';

/** The kinds of change an event reports. */
export const applicationEventTypeSchema = z.enum(['application.status_changed', 'step.status_changed']);
export type ApplicationEventType = z.infer<typeof applicationEventTypeSchema>;

/** The component name of {@link applicationEventSchema} in the OpenAPI document. */
export const applicationEventSchemaId = 'ApplicationEvent';

/**
 * One change of an application or of one of its steps, as webhooks deliver it and
 * `GET /v1/applications/:id/events` streams it. Built from one `application_events` row.
 */
export const applicationEventSchema = z
  .object({
    id: z
      .string()
      .describe('`<applicationId>:<seq>`, unique and the same on every delivery; deduplicate on it'),
    applicationId: z.uuid(),
    bundleId: z.string(),
    seq: z.number().int().positive().describe('1, 2, 3, … per application, in the order things happened'),
    type: applicationEventTypeSchema,
    at: z.string().describe('when it happened (ISO 8601)'),
    status: z
      .union([applicationStatusSchema, stepStatusSchema])
      .describe("the application's new status, or the step's for step.status_changed"),
    stepId: z.string().optional().describe('the step, for step.status_changed'),
    data: z
      .record(z.string(), z.unknown())
      .describe("a step's `outputs` and `error` when it ended; empty otherwise"),
  })
  .meta({ id: applicationEventSchemaId });
export type ApplicationEvent = z.infer<typeof applicationEventSchema>;
