import { z } from 'zod';
import { bulkRepairActions } from './repair-actions.js';
import { opsListQuerySchema, stuckCodeSchema } from './ops.js';
import { applicationStatusSchema } from './status.js';

/** What a bulk action does to each step it matched (actions of the workflow's `repairStep` update). */
export const bulkActionKindSchema = z
  .enum(bulkRepairActions)
  .describe(
    '`retry`: call the department again now (a step retrying or waiting); `resend`: submit again to the department a case waiting for its decision (after an outage)',
  );

const reason = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .describe('why: kept in the audit log, for the job and every item');

/**
 * Which steps a bulk action acts on: the filters of `GET /v1/ops/applications` (the same schema
 * and the same query), narrowed to one step and to when the step got stuck.
 */
export const bulkFilterSchema = opsListQuerySchema
  .omit({ limit: true, cursor: true })
  .extend({
    stepId: z.string().min(1).max(64).optional().describe('only this step of each application'),
    stuckSince: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('only steps stuck since this instant or later, e.g. when an outage began (ISO 8601)'),
    stuckBefore: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('only steps stuck since before this instant (ISO 8601)'),
  })
  .strict();
export type BulkFilter = z.infer<typeof bulkFilterSchema>;

/** `POST /v1/ops/bulk-actions`. */
export const bulkActionBodySchema = z
  .object({
    action: bulkActionKindSchema,
    reason,
    filter: bulkFilterSchema.describe(
      'without `stuck`: `retrying` and `waiting-department` for a retry, `waiting-department` for a re-send',
    ),
    ratePerSecond: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(5)
      .describe('at most this many repairs in any one second'),
  })
  .strict();

/** `POST /v1/ops/bulk-actions/:id/cancel`. */
export const bulkCancelBodySchema = z.object({ reason }).strict();

export const bulkActionParamsSchema = z.object({ id: z.uuid().describe('the bulk action id') });

export const bulkItemStateSchema = z
  .enum(['pending', 'done', 'refused', 'failed'])
  .describe(
    '`done`: the workflow took the repair; `refused`: it said no (the step is no longer in progress, the application ended), with why; `failed`: it could not be delivered',
  );
export type BulkItemState = z.infer<typeof bulkItemStateSchema>;

/** Where a bulk action stands. */
export const bulkActionStateSchema = z.enum(['running', 'completed', 'cancelled', 'stopped']);
export type BulkActionState = z.infer<typeof bulkActionStateSchema>;

/** `GET /v1/ops/bulk-actions/:id`. */
export const bulkActionQuerySchema = z
  .object({
    itemState: bulkItemStateSchema.optional().describe('only items in this state'),
    itemsLimit: z.coerce.number().int().min(1).max(500).default(100),
    itemsCursor: z
      .string()
      .regex(/^\d{1,9}$/)
      .optional()
      .describe('`nextItemsCursor` of the previous page'),
  })
  .strict();

/** `GET /v1/ops/bulk-actions`. */
export const bulkListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

/** The filter as the job applied it: lists spelled out, durations in milliseconds. */
export const appliedBulkFilterSchema = z.object({
  stuck: z.array(stuckCodeSchema),
  bundle: z.string().optional(),
  status: z.array(applicationStatusSchema).optional(),
  department: z.string().optional(),
  region: z
    .string()
    .optional()
    .describe(
      "the applications' region (and those under it); a region-scoped operator's own when it named none",
    ),
  stepId: z.string().optional(),
  retryingLongerThanMs: z.number().optional(),
  attemptsAtLeast: z.number().optional(),
  waitingLongerThanMs: z.number().optional(),
  stuckSince: z.string().optional(),
  stuckBefore: z.string().optional(),
});
export type AppliedBulkFilter = z.infer<typeof appliedBulkFilterSchema>;

export const bulkItemSchema = z.object({
  seq: z.number().int().describe('the order the job works through the items'),
  applicationId: z.string(),
  stepId: z.string(),
  department: z.string(),
  state: bulkItemStateSchema,
  result: z.string().nullable().describe('why it was refused or failed'),
  sentAt: z.string().nullable().describe('when the repair was sent'),
  finishedAt: z.string().nullable(),
});

export const bulkActionViewSchema = z
  .object({
    id: z.string(),
    action: bulkActionKindSchema,
    reason: z.string(),
    filter: appliedBulkFilterSchema,
    ratePerSecond: z.number().int(),
    state: bulkActionStateSchema.describe(
      '`stopped`: its workflow ended without finishing it (see `stoppedReason`)',
    ),
    stoppedReason: z.string().nullable(),
    total: z.number().int(),
    done: z.number().int(),
    refused: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    startedBy: z.object({ keyId: z.string(), name: z.string(), role: z.string() }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    cancel: z
      .object({ requestedAt: z.string(), reason: z.string().nullable(), by: z.string().nullable() })
      .nullable()
      .describe('a cancel asked for: the job stops after the item in progress'),
    workflowId: z.string().describe('the Temporal workflow that works through the items'),
    items: z.array(bulkItemSchema).optional().describe('a page of the items, in order, with results'),
    nextItemsCursor: z.string().nullable().optional(),
  })
  .meta({ id: 'BulkAction' });
export type BulkActionView = z.infer<typeof bulkActionViewSchema>;

export const bulkActionListSchema = z
  .object({ bulkActions: z.array(bulkActionViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'BulkActionList' });
