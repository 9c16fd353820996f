import { z } from 'zod';
import { label, options } from './fields.js';

/** What a person does with a work-list task. */
export const taskKindSchema = z.enum(['review', 'video-verification', 'approval']);
export type TaskKind = z.infer<typeof taskKindSchema>;
/** Where a work-list task stands. */
export const taskStatusSchema = z.enum(['open', 'claimed', 'completed']);
export type TaskStatus = z.infer<typeof taskStatusSchema>;
/** Whose queue of the department a work-list task is in (not a Temporal task queue): supervisors get those past due. */
export const taskQueueSchema = z.enum(['department', 'supervisor']);
export type TaskQueue = z.infer<typeof taskQueueSchema>;

// Not bundle.ts's titleSchema: that module imports this one.
/** A label in Chinese and English. */
const bilingualSchema = z.object({ zh: z.string(), en: z.string() });

/** The cloud window's video session of a `video-verification` task. */
export const videoSessionSchema = z.object({
  room: z.string(),
  joinUrls: z.object({
    citizen: z.string().describe('the link the applicant joins by'),
    officer: z.string().describe('the link the officer joins by'),
  }),
  provider: z.string(),
});

/** The facts a cloud-window officer can establish on video; a service declares those it needs (`verifies`). */
export const verifiedFacts = ['identity', 'contact', 'address', 'vehicle'] as const;
export const verifiedFactSchema = z.enum(verifiedFacts);
export type VerifiedFact = z.infer<typeof verifiedFactSchema>;

/**
 * What the officer of a cloud-window video verification records. The schema takes a failed
 * liveness check, missing facts or no recording (a rejection may say so); an approval without
 * them is refused with 409 `VERIFICATION_INCOMPLETE`, naming each one.
 */
export const verificationSchema = z
  .object({
    liveness: z.enum(['passed', 'failed']).describe('the liveness check (活体检测) result'),
    officer: z
      .string()
      .trim()
      .min(1)
      .regex(/\S/, 'must not be blank')
      .max(200)
      .describe('the officer who ran the session'),
    recordingRef: z
      .string()
      .trim()
      .max(500)
      .optional()
      .describe("the recording's reference in the video platform; an approval needs one"),
    verified: z
      .array(verifiedFactSchema)
      .max(verifiedFacts.length)
      .describe('the facts the officer verified; an approval needs every fact the service declares'),
  })
  .strict();
export type Verification = z.infer<typeof verificationSchema>;

// Only on the record a department receives, not on the clerk's decision: its labels are for the
// task pages that draw a service's inputs and outputs.
const verifiedFactLabels = options({
  identity: { zh: '身份', en: 'Identity' },
  contact: { zh: '联系方式', en: 'Contact details' },
  address: { zh: '地址', en: 'Address' },
  vehicle: { zh: '车辆', en: 'Vehicle' },
});

/**
 * The record of an approved video verification, as the department acting on it receives it (in
 * the step's outputs, mapped to the later step's input): who verified, when, what, and where the
 * recording is. Never the video itself.
 */
export const verificationRecordSchema = z
  .object({
    officer: z
      .string()
      .min(1)
      .max(200)
      .meta(
        label(
          { zh: '核验民警', en: 'Officer' },
          { zh: '核验民警自报的姓名', en: 'the officer as they named themselves' },
        ),
      ),
    officerKey: z
      .string()
      .min(1)
      .max(100)
      .meta(
        label(
          { zh: '审批密钥', en: 'Officer key' },
          { zh: '民警审批时所用的 API 密钥', en: 'the API key the officer decided with' },
        ),
      ),
    verifiedAt: z
      .string()
      .min(1)
      .max(40)
      .meta(
        label(
          { zh: '核验时间', en: 'Verified at' },
          { zh: '批准的时间（ISO 8601）', en: 'when the approval was given (ISO 8601)' },
        ),
      ),
    facts: z
      .array(verifiedFactSchema.meta(verifiedFactLabels))
      .max(verifiedFacts.length)
      .meta(label({ zh: '已核验事项', en: 'Verified facts' })),
    liveness: z.literal('passed').meta(label({ zh: '活体检测', en: 'Liveness check' })),
    recordingRef: z
      .string()
      .min(1)
      .max(500)
      .meta(
        label(
          { zh: '录像索引', en: 'Recording reference' },
          { zh: '视频平台中本次核验录像的索引', en: "the recording's reference in the video platform" },
        ),
      ),
  })
  .strict()
  .meta(label({ zh: '视频核验记录', en: 'Video verification record' }));
export type VerificationRecord = z.infer<typeof verificationRecordSchema>;

/** `POST /v1/tasks/:id/complete`: the clerk's decision. */
export const completeTaskBodySchema = z
  .discriminatedUnion('decision', [
    z
      .object({
        decision: z.literal('approve'),
        outputs: z
          .record(z.string(), z.unknown())
          .describe("what the step's service returns, e.g. the certificate number; see outputsSchema"),
        verification: verificationSchema.optional().describe('required for video-verification tasks'),
      })
      .strict(),
    z
      .object({
        decision: z.literal('reject'),
        reason: z
          .string()
          .trim()
          .min(1)
          .regex(/\S/, 'must not be blank')
          .max(2000)
          .describe('shown to the applicant'),
        verification: verificationSchema.optional().describe('required for video-verification tasks'),
      })
      .strict(),
    z
      .object({
        decision: z.literal('request-supplement'),
        missing: z
          .array(z.string().trim().min(1).regex(/\S/, 'must not be blank').max(200))
          .min(1)
          .max(50)
          .describe('everything missing, listed at once; the applicant answers each item'),
      })
      .strict(),
  ])
  .meta({ id: 'TaskDecision' });
export type CompleteTaskBody = z.infer<typeof completeTaskBodySchema>;

/** A work-list task as clerks list it. */
export const taskSummarySchema = z.object({
  id: z.uuid(),
  applicationId: z.uuid(),
  stepId: z.string(),
  round: z
    .number()
    .int()
    .describe('1, then one more after each answered request for supplements; 0 for a rectification'),
  department: z.string(),
  service: z.string(),
  kind: taskKindSchema,
  status: taskStatusSchema,
  queue: taskQueueSchema.describe('`supervisor` once the task was past due (a rectification starts there)'),
  rectification: z
    .boolean()
    .describe(
      'a `review` of a 差评 (rated 1 or 2) after the application ended, round 0: answered with `POST /v1/tasks/:id/reply`, not decided',
    ),
  assignee: z.string().nullable().describe('the clerk who claimed it (key id and name)'),
  dueAt: z.string(),
  workingDaysLeft: z
    .number()
    .int()
    .describe(
      "working days until `dueAt` on the deployment's business calendar (Asia/Shanghai, holidays and 调休 counted): those still ahead, 0 on the day it is due; negative once past, by the working days gone by since (-2: two working days overdue)",
    ),
  overdue: z.boolean(),
  escalatedAt: z.string().nullable(),
  video: videoSessionSchema.nullable(),
  decision: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

/** One task with the application data the clerk decides on. */
export const taskDetailSchema = taskSummarySchema
  .extend({
    input: z
      .record(z.string(), z.unknown())
      .describe(
        'the fields mapped to the step: what the clerk decides on; for a rectification, the rating (`overall`, and the `items` of the department)',
      ),
    supplement: z
      .record(z.string(), z.string())
      .nullable()
      .describe("the applicant's answers to the previous round's request"),
    outputsSchema: z
      .record(z.string(), z.unknown())
      .describe('JSON Schema of the outputs an approval must give; empty for a rectification'),
    bundle: z
      .object({ id: z.string(), version: z.number().int(), title: bilingualSchema })
      .nullable()
      .describe(
        'the bundle the application was filed for; null when its application is not in the read model',
      ),
    stepTitle: bilingualSchema.nullable().describe("the step's title, as the application's plan names it"),
    inputTitles: z
      .record(z.string(), bilingualSchema)
      .describe(
        "each input field's label, from the bundle form or applicant field it is mapped from, or from the output of the earlier step's service",
      ),
    verifies: z
      .array(verifiedFactSchema)
      .describe(
        'the facts a video verification must establish (the service declares them); empty for other tasks',
      ),
  })
  .meta({ id: 'Task' });
export type TaskDetail = z.infer<typeof taskDetailSchema>;

export const taskListSchema = z
  .object({
    tasks: z.array(taskSummarySchema),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
  })
  .meta({ id: 'TaskList' });

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const taskListQuerySchema = z
  .object({
    department: z.string().min(1).max(64).optional().describe('operators and admins; a clerk sees its own'),
    status: taskStatusSchema.optional(),
    active: booleanQuery
      .optional()
      .describe('`true`: only the work still to do, open and claimed tasks; `false`: only completed ones'),
    overdue: booleanQuery.optional(),
    kind: taskKindSchema.optional(),
    queue: taskQueueSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const taskIdParamsSchema = z.object({ id: z.uuid().describe('the task id') });

/** `POST /v1/applications/:id/supplements`: the applicant's answer to a request for supplements. */
export const supplementBodySchema = z
  .object({
    // Any key: OpenAPI 3.0 cannot say what a key may be, and the workflow refuses (409) a key
    // that is not one of the listed items, which bounds it well enough.
    answers: z
      .record(z.string(), z.string().max(10_000))
      .describe('one answer per missing item, keyed by the item exactly as the request listed it'),
  })
  .strict()
  .meta({ id: 'Supplement' });
