import { z } from 'zod';
import { durationMs } from './durations.js';
import { applicationStatusSchema, stepStatusSchema } from './status.js';

// At most a year: Temporal keeps closed workflows for the namespace's retention, far less.
const maxSinceMs = 366 * 24 * 60 * 60 * 1000;

/** `POST /v1/ops/reconcile`. */
export const reconcileBodySchema = z
  .object({
    dryRun: z.boolean().default(false).describe('only report what differs; write nothing'),
    since: z
      .string()
      .regex(/^\d{1,6}(m|h|d)$/, 'a duration like 30m, 12h or 7d')
      .transform(durationMs)
      .refine((ms) => ms <= maxSinceMs, { message: 'at most a year' })
      .optional()
      .describe(
        'also check the workflows that closed this recently (e.g. 7d); only running ones when absent',
      ),
    after: z.uuid().optional().describe('`nextAfter` of the previous page'),
    limit: z.number().int().min(1).max(500).default(200).describe('applications checked by this call'),
    reason: z
      .string()
      .trim()
      .min(1)
      .regex(/\S/, 'must not be blank')
      .max(500)
      .optional()
      .describe('why: kept in the audit log'),
  })
  .strict();

const statusValue = z.union([applicationStatusSchema, stepStatusSchema, z.literal('missing')]);

/** One difference: the field, and for statuses and error codes both values; never personal data. */
export const differenceSchema = z.object({
  stepId: z.string().optional().describe("the step; absent for the application's own row"),
  field: z.enum(['row', 'status', 'outputs', 'error', 'receiptNumber', 'waiting', 'dueAt']),
  found: z.union([statusValue, z.string()]).optional().describe('what the read model shows'),
  expected: z.union([statusValue, z.string()]).optional().describe('what the workflow says'),
});

/** What a reconciliation answers. */
export const reconcileReportSchema = z
  .object({
    dryRun: z.boolean(),
    summary: z.object({
      checked: z.number().int(),
      agreed: z.number().int(),
      repaired: z.number().int().describe('in a dry run: would be repaired'),
      unrepairable: z.number().int(),
      deferred: z
        .number()
        .int()
        .describe('being written by the engine, or unanswered: checked again next run'),
    }),
    findings: z
      .array(
        z.object({
          applicationId: z.uuid(),
          workflowId: z.string(),
          outcome: z.enum(['agreed', 'repaired', 'unrepairable', 'deferred']),
          differences: z.array(differenceSchema),
          note: z.string().optional(),
        }),
      )
      .describe('every application checked that did not agree'),
    nextAfter: z.uuid().nullable().describe('pass as `after` to check the next page; null when done'),
  })
  .meta({ id: 'ReconcileReport' });
