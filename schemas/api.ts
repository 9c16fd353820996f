import { z } from 'zod';
import { clockExclusionSchema, statutoryLimitSchema, titleSchema } from './bundle.js';
import { ratingViewSchema } from './ratings.js';
import { regionCodeSchema, unstatedRegion } from './regions.js';
import { applicationStatusSchema, stepStatusSchema } from './status.js';

/** `application/problem+json` (RFC 9457) with a stable `code`. */
export const problemSchema = z
  .object({
    type: z.string().describe('a URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('stable, machine-readable; see the error code catalogue'),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('each invalid field: where it is and what is wrong'),
  })
  .meta({ id: 'Problem' });

/** The problem+json answers of a route, one per status: `response: { 200: …, ...problemResponses(400, 404) }`. */
export function problemResponses<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: typeof problemSchema } {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as {
    [K in S[number]]: typeof problemSchema;
  };
}
export type Problem = z.infer<typeof problemSchema>;

/** What a readiness probe can find down. */
export const notReadyPartSchema = z.enum([
  'postgres',
  'migrations',
  'temporal',
  'temporal-worker',
  'health-check',
]);
export type NotReadyPart = z.infer<typeof notReadyPartSchema>;

/** The 503 of a readiness probe: the problem, and the parts that are down by name. */
export const notReadySchema = problemSchema.extend({
  down: z.array(notReadyPartSchema).describe('what keeps the process from serving'),
});

/**
 * Where an application is handled: the administrative division of the office or portal that takes
 * it (a county or district, `330106`; a city or province for services handled there). Operators
 * scoped to a region see only its applications. Optional: without it the application is
 * `000000` (not stated), which only operators of every region see.
 */
export const startRegionSchema = regionCodeSchema.describe(
  'the administrative division code (行政区划代码, 6 digits) of where the application is handled, e.g. 330106; operators scoped to a region see only its applications; absent: 000000, not stated',
);

/** Body of `POST /v1/applications`; `applicant` and `form` are checked against the bundle's own schemas. */
export const createApplicationBodySchema = z
  .object({
    bundleId: z.string().min(1).max(64).describe('a bundle id from GET /v1/bundles'),
    applicant: z.record(z.string(), z.unknown()).describe("who applies; see the bundle's applicant schema"),
    form: z.record(z.string(), z.unknown()).describe("the one form; see the bundle's form schema"),
    region: startRegionSchema.optional(),
  })
  .strict();
export type CreateApplicationBody = z.infer<typeof createApplicationBodySchema>;

export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .describe('a key the portal chooses per submission; the same key returns the same application'),
});

/** An operator action's optional key: a retry after a 503 then repeats the first answer. */
export const actionIdempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'optional, chosen per action: the same key (and body) repeats the first answer instead of acting again, so a request that got no answer can be sent again safely',
    ),
});

export const stepErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  reasonCode: z.string().optional().describe("the department's own reason code, for a rejection"),
  attempt: z.number().int().optional(),
});

export const stepViewSchema = z.object({
  id: z.string(),
  department: z.string(),
  title: titleSchema,
  status: stepStatusSchema,
  attempts: z.number().int(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: stepErrorSchema
    .nullable()
    .describe('why the step did not complete, or the last failure of a retrying step'),
  receiptNumber: z.string().nullable().describe("the department's case number, once it gave one"),
  waiting: z
    .object({
      reason: z.enum(['department-decision', 'human-task', 'applicant-supplement', 'department-paused']),
      message: z.string(),
      missing: z.array(z.string()).optional().describe('for a supplement: every item the clerk listed'),
    })
    .nullable()
    .describe('what a waiting step waits for, e.g. "waiting for police decision"'),
  dueAt: z
    .string()
    .nullable()
    .describe("when the step's promised limit ends (working days from its start); null until it starts"),
  dueAtEstimated: z
    .boolean()
    .describe(
      "dueAt falls in a year whose holidays the business calendar does not have as published: counted on the calendar's fallback rule, so it may move",
    ),
  expectedBy: z
    .string()
    .nullable()
    .describe(
      'for a pending step: when it is expected to be due, its promised working days counted from when the steps before it are due (never from before now); null once it started (see dueAt), or when a step before it was rejected or failed',
    ),
  expectedByEstimated: z
    .boolean()
    .describe('expectedBy falls beyond the published calendar, like dueAtEstimated'),
  timeLimitWorkingDays: z
    .number()
    .int()
    .nullable()
    .describe('the promised limit (承诺时限) in working days from its start; 0: the same day'),
  statutoryLimit: statutoryLimitSchema
    .nullable()
    .describe('the statutory limit (法定时限) where the law sets one; null where it sets none'),
  clockExcludes: z
    .array(clockExclusionSchema)
    .describe('what the promised limit does not count, as the rules say (card production, mailing)'),
});

/** A statutory limit of one of the application's items, with its date where it can be told. */
export const applicationStatutoryLimitSchema = statutoryLimitSchema.extend({
  stepId: z.string(),
  dueAt: z
    .string()
    .nullable()
    .describe(
      'when the limit ends: for a limit counted from the submission; null for one counted from a date on the form (`from`), which the portal holds and Onething does not keep',
    ),
});

export const applicationViewSchema = z
  .object({
    id: z.string(),
    bundleId: z.string(),
    bundleVersion: z.number().int(),
    status: applicationStatusSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    dueAt: z
      .string()
      .nullable()
      .describe("when the bundle's promised limit ends; moved on while waiting for the applicant"),
    region: z
      .string()
      .describe(
        `the administrative division code it is handled in, as submitted; ${unstatedRegion} when none was`,
      ),
    dueAtEstimated: z
      .boolean()
      .describe("dueAt falls beyond the published business calendar (see the steps' dueAtEstimated)"),
    promisedWorkingDays: z
      .number()
      .int()
      .nullable()
      .describe(
        "the bundle's promised limit (承诺时限) in working days from submission; null for a bundle no longer offered",
      ),
    statutoryLimits: z
      .array(applicationStatutoryLimitSchema)
      .describe('the statutory limits (法定时限) the law sets for its items, beside the promised one'),
    steps: z.array(stepViewSchema),
    rating: ratingViewSchema
      .nullable()
      .describe(
        "the applicant's rating (好差评) and its follow-up; null until the ended application is rated",
      ),
  })
  .meta({ id: 'Application' });
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const applicationIdParamsSchema = z.object({ id: z.uuid().describe('the application id') });

export const bundleSummarySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  title: titleSchema,
  description: titleSchema,
  leadDepartment: z.string(),
  promisedWorkingDays: z.number().int(),
});

export const bundleStepSchema = z.object({
  id: z.string(),
  title: titleSchema,
  department: z.string(),
  departmentTitle: titleSchema,
  service: z.string(),
  after: z.array(z.string()).describe('steps that must complete before this one starts'),
  optional: z.boolean().describe('runs only if the applicant opts in on the form'),
  optInField: z.string().nullable(),
  appliesWhen: z
    .object({ field: z.string(), equals: z.string() })
    .nullable()
    .describe(
      'runs only when this form field has this value (the police certify an abnormal death); otherwise skipped as NotApplicable, and the steps after it take what they need from the step that applied',
    ),
  timeLimitWorkingDays: z.number().int(),
  statutoryLimit: statutoryLimitSchema
    .nullable()
    .describe(
      'the statutory limit (法定时限) where the law sets one, beside the promised timeLimitWorkingDays',
    ),
  clockExcludes: z
    .array(clockExclusionSchema)
    .describe('what timeLimitWorkingDays does not count, as the rules say (card production, mailing)'),
});

export const bundleDetailSchema = bundleSummarySchema
  .extend({
    applicant: z.record(z.string(), z.unknown()).describe('JSON Schema of the applicant'),
    form: z.record(z.string(), z.unknown()).describe('JSON Schema of the form'),
    steps: z.array(bundleStepSchema),
    example: createApplicationBodySchema.describe(
      'a complete request body that POST /v1/applications accepts',
    ),
    otherExamples: z
      .array(
        z.object({
          id: z.string(),
          title: titleSchema,
          request: createApplicationBodySchema,
        }),
      )
      .describe("request bodies that take the bundle's other paths (an abnormal death)"),
  })
  .meta({ id: 'Bundle' });

export const bundleIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const accessLogSchema = z
  .object({
    entries: z.array(
      z.object({
        at: z.string(),
        actorType: z.enum(['department', 'clerk', 'operator', 'admin']),
        actor: z.string().describe('the department, or the person (role, name and key id)'),
        action: z.enum(['received', 'read']),
        fields: z.array(z.string()).describe('which data: field names, never values'),
        purpose: z.string().describe('why: the item the department decides, or what the person opened'),
        stepId: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'AccessLog' });

/** A department's later decision, POSTed to `/v1/departments/:department/callbacks`, HMAC-signed. */
export const departmentCallbackSchema = z
  .object({
    callbackId: z
      .string()
      .min(1)
      .max(200)
      .describe('unique per callback: a repeat is answered as already recorded'),
    idempotencyKey: z.string().min(1).max(300).describe('the key of the call the department accepted'),
    receiptNumber: z.string().min(1).max(200),
    outcome: z
      .enum(['completed', 'rejected', 'supplement-required'])
      .describe(
        '`supplement-required`: not a decision yet; the department asks the applicant for `missing` (补正)',
      ),
    outputs: z.record(z.string(), z.unknown()).optional().describe("for `completed`: the service's outputs"),
    reasonCode: z
      .string()
      .max(100)
      .optional()
      .describe("for `rejected`, required: the department's own reason code"),
    reason: z.string().max(2000).optional().describe('for `rejected`, required: shown to the applicant'),
    missing: z
      .array(z.string().trim().min(1).max(200))
      .min(1)
      .max(50)
      .refine((items) => new Set(items).size === items.length, 'items must be distinct')
      .optional()
      .describe(
        'for `supplement-required`, required: every item missing, listed at once, each answered by name',
      ),
  })
  .strict()
  // Only the department's explicit "no", with its code and reason, rejects the applicant: a
  // `rejected` without them is refused (400), so the department sends it again complete.
  .superRefine((callback, ctx) => {
    if (callback.outcome === 'supplement-required' && callback.missing === undefined)
      ctx.addIssue({ code: 'custom', path: ['missing'], message: 'required for a supplement request' });
    if (callback.outcome !== 'rejected') return;
    for (const field of ['reasonCode', 'reason'] as const) {
      if (!callback[field]?.trim()) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'required for a rejection' });
      }
    }
  })
  .meta({ id: 'DepartmentCallback' });

export const departmentParamsSchema = z.object({ department: z.string().min(1).max(64) });
