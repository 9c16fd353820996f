import { z } from 'zod';
import { regionCodeSchema } from './regions.js';
import { taskSummarySchema } from './work-list.js';
import { durationMs } from './durations.js';
import { applicationStatusSchema, stepStatusSchema } from './status.js';
import { applicationViewSchema } from './api.js';

/** A query parameter given once, repeated, or as a comma list. */
export const listQuery = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s !== ''))
    .pipe(z.array(item).min(1));

// At most ten years: anything longer means nothing here, and would overflow a database interval.
const maxDurationMs = 10 * 366 * 24 * 60 * 60 * 1000;
const durationQuery = z
  .string()
  .regex(/^\d{1,12}(ms|s|m|h|d)$/, 'a duration like 30s, 10m, 2h or 1d')
  .transform(durationMs)
  .refine((ms) => ms <= maxDurationMs, { message: 'at most ten years' });

/** The ways an application can be stuck, as `GET /v1/ops/applications?stuck=` names them. */
export const stuckCodes = [
  'retrying',
  'overdue',
  'waiting-department',
  'task-overdue',
  'compensation-failed',
  'department-paused',
  'step-failed',
] as const;
export const stuckCodeSchema = z.enum(stuckCodes);
export type StuckCode = (typeof stuckCodes)[number];

/** `GET /v1/ops/applications`. */
export const opsListQuerySchema = z
  .object({
    stuck: listQuery(stuckCodeSchema)
      .optional()
      .describe('why it is stuck, repeatable or comma-separated; all kinds when absent'),
    bundle: z.string().min(1).max(64).optional(),
    status: listQuery(applicationStatusSchema).optional().describe('application status, repeatable'),
    department: z.string().min(1).max(64).optional().describe('only reasons at this department'),
    region: regionCodeSchema
      .optional()
      .describe(
        'only applications of this administrative division and those under it (330100: all of Hangzhou)',
      ),
    retryingLongerThan: durationQuery
      .optional()
      .describe('`retrying`: the first attempt started at least this long ago (e.g. 10m)'),
    attemptsAtLeast: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('`retrying`: at least this many attempts; 2 when neither threshold is given'),
    waitingLongerThan: durationQuery
      .optional()
      .describe('`waiting-department`: waited at least this long for the decision'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const stuckReasonSchema = z.object({
  code: stuckCodeSchema,
  message: z.string().describe('why, in words; error texts masked'),
  stepId: z.string(),
  since: z.string().describe('since when: first attempt, due time, start of the wait, or failure'),
});

export const opsListSchema = z
  .object({
    applications: z.array(
      z.object({
        id: z.string(),
        bundleId: z.string(),
        status: applicationStatusSchema,
        createdAt: z.string(),
        dueAt: z.string().nullable(),
        since: z.string().describe('the oldest reason: the list is ordered by it'),
        reasons: z.array(stuckReasonSchema),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'OpsApplicationList' });

export const pendingCallSchema = z.object({
  activityId: z.string(),
  stepId: z
    .string()
    .nullable()
    .describe(
      "the call's step, read from its activity id (a retry's, a poll's or an undo's too); null for an activity of no step's call (a work-list task's), or a poll or undo the SDK numbered for an application started before they were named",
    ),
  activityType: z.string().nullable(),
  state: z.string().nullable().describe('SCHEDULED, STARTED, CANCEL_REQUESTED, PAUSED, …'),
  attempt: z.number().int(),
  maximumAttempts: z.number().int().nullable().describe('0 or null: unlimited'),
  lastFailure: z.string().nullable().describe('masked'),
  scheduledAt: z.string().nullable(),
  lastStartedAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  givesUpAt: z
    .string()
    .nullable()
    .describe("when the call's retry budget is spent: it then fails and is held for an operator"),
});

/** `GET /v1/ops/applications/:id`. */
export const opsApplicationSchema = z
  .object({
    application: applicationViewSchema.describe('the read model, personal data masked'),
    timeline: z.array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        stepId: z.string().nullable(),
        status: z.union([stepStatusSchema, applicationStatusSchema, z.string()]),
        data: z.record(z.string(), z.unknown()).describe('masked'),
      }),
    ),
    reasons: z.array(stuckReasonSchema).describe('why it is stuck now (default thresholds); empty if not'),
    pendingCalls: z
      .array(pendingCallSchema)
      .nullable()
      .describe('department calls Temporal has scheduled or retries; null when Temporal could not tell'),
    pendingCallsNote: z.string().nullable().describe('why pendingCalls is null'),
    stepInputs: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .nullable()
      .describe(
        "what each step's department received (or will), by step id, personal data masked; null when Temporal could not tell",
      ),
    stepInputsNote: z.string().nullable().describe('why stepInputs is null'),
    tasks: z
      .array(taskSummarySchema)
      .describe("the application's work-list tasks in the order they were opened (decisions masked)"),
    workflow: z.object({ workflowId: z.string(), temporalUiUrl: z.string() }),
  })
  .meta({ id: 'OpsApplication' });

/** A department as operators see it in outage mode (`GET /v1/ops/departments`). */
export const departmentStateSchema = z
  .object({
    id: z.string(),
    title: z.object({ zh: z.string(), en: z.string() }),
    paused: z
      .object({ reason: z.string(), pausedBy: z.string(), pausedAt: z.string() })
      .nullable()
      .describe('set while an operator keeps the department paused for an outage'),
    waitingSteps: z.number().int().describe('steps whose call waits for the department to be resumed'),
  })
  .meta({ id: 'DepartmentState' });

/** `GET /v1/ops/audit`. */
export const auditQuerySchema = z
  .object({
    actor: z.string().min(1).max(200).optional().describe('the API key id'),
    action: z.string().min(1).max(100).optional(),
    applicationId: z.uuid().optional(),
    from: z.iso.datetime({ offset: true }).optional().describe('at or after (ISO 8601)'),
    to: z.iso.datetime({ offset: true }).optional().describe('before (ISO 8601)'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional()
      .describe('`nextCursor` of the previous page'),
  })
  .strict();

export const auditListSchema = z
  .object({
    entries: z.array(
      z.object({
        id: z.string(),
        at: z.string(),
        actor: z.object({ keyId: z.string(), name: z.string() }),
        role: z.string(),
        action: z.string(),
        applicationId: z.string().nullable(),
        stepId: z.string().nullable(),
        target: z.string().nullable(),
        reason: z.string().nullable(),
        result: z.string().describe('ok, or why it did not happen'),
        detail: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AuditLog' });
