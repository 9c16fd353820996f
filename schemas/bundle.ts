import { z } from 'zod';
import { taskKindSchema } from './work-list.js';

const oneSource = String.raw`(?:(?:form|applicant)(?:\.[A-Za-z0-9_]+)+|steps\.[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*)`;

/**
 * Where a step input value comes from:
 * - `form.<path>`: a field of the applicant's form (dot path),
 * - `applicant.<path>`: a field of the applicant,
 * - `steps.<stepId>.<output>`: an output of an earlier step,
 * - several of those joined by ` ?? `: the first that has a value, e.g. the certificate of
 *   whichever of two steps applied (`appliesWhen`).
 */
export const valueSourceSchema = z.string().regex(new RegExp(`^${oneSource}(?: \\?\\? ${oneSource})*$`), {
  message: 'a source is form.<path>, applicant.<path> or steps.<stepId>.<output>, or several joined by ??',
});

/** A title shown to people: Chinese and English. */
export const titleSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export type Title = z.infer<typeof titleSchema>;

/** Temporal duration string, e.g. `500ms`, `30s`, `5m`. */
export const durationSchema = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, { message: 'a duration like 500ms, 30s, 5m' });

/**
 * How a failed department call is retried (a business rejection never is). No call retries
 * forever: it stops at `maximumAttempts` or when its `budget` is spent, whichever comes first;
 * the step is then failed and held for an operator (`FAILED_STEP_HOLD`).
 */
export const retryPolicySchema = z.object({
  initialInterval: durationSchema,
  backoffCoefficient: z.number().min(1).max(10),
  maximumInterval: durationSchema,
  /** 0: no limit on the number of attempts; the budget still bounds them. */
  maximumAttempts: z.number().int().min(0),
  /**
   * How long one call (all its attempts and their waits) may take, from its first attempt: `2h`,
   * `3d`. Absent: one day per promised working day of the step (`timeLimitWorkingDays`), at least
   * one day (workflows/call-budget.ts). Time an operator keeps the department paused is not spent.
   */
  budget: durationSchema.optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/**
 * A statutory limit (法定时限) the law sets for an item, shown beside the promised one. It is
 * counted from the submission, or from a date on the form (a birth: `form.baby.birthDate`).
 */
export const statutoryLimitSchema = z.object({
  amount: z.number().int().min(1),
  unit: z.enum(['working-days', 'days', 'months']),
  from: z.union([z.literal('submission'), valueSourceSchema]),
  /** The limit as people say it, e.g. 出生后一个月内. */
  title: titleSchema,
  /** The law and article that set it. */
  basis: titleSchema,
});
export type StatutoryLimit = z.infer<typeof statutoryLimitSchema>;

/** What the rules leave out of an item's processing limit (the clock stops at the decision). */
export const clockExclusionSchema = z.enum(['card-production', 'mailing']);

/** One item (事项) of a bundle, served by one department service. */
export const stepDefinitionSchema = z.object({
  id: z.string().regex(/^[a-z][A-Za-z0-9]*$/),
  title: titleSchema,
  department: z.string().min(1),
  service: z.string().min(1),
  /** Steps whose outputs this step needs; it starts when all of them completed. */
  after: z.array(z.string()).default([]),
  /** Service input field → source. A department receives exactly these fields. */
  input: z.record(z.string(), valueSourceSchema),
  /** An optional step runs only when this boolean form field is true; otherwise it is `skipped`. */
  optInField: valueSourceSchema.optional(),
  /**
   * A step that applies to some applications only (the police, not a hospital, certify an
   * abnormal death): it runs when this form field has this value, and is otherwise `skipped` as
   * not applicable. Steps after it are not blocked by it; they take what they need from whichever
   * step applied (`??` sources).
   */
  appliesWhen: z.object({ field: valueSourceSchema, equals: z.string() }).optional(),
  /** Time to wait for one department call before it counts as a transient fault. */
  callTimeout: durationSchema,
  retry: retryPolicySchema,
  /** When a department accepts and decides later without calling back: first wait before asking it (default 30s), doubling up to `maxPollInterval` (default 1h); after a day of waiting, at least a 24th of the time waited, up to a day (`workflows/poll-interval.ts`). */
  pollInterval: durationSchema.optional(),
  maxPollInterval: durationSchema.optional(),
  /**
   * Set in the plan from the department catalogue: the department can undo this step, so it is
   * compensated when the application is withdrawn or a required step is finally rejected.
   */
  compensable: z.boolean().optional(),
  /**
   * Who decides the step: the department's own system through its adapter (default), or a clerk
   * or officer in Onething's work list (departments without a back-office system of their own,
   * and every cloud-window video verification). A deployment can override it per step.
   */
  decidedBy: z.enum(['department', 'worklist']).optional(),
  /** For work-list steps: what the person does. */
  taskKind: taskKindSchema.optional(),
  /**
   * Four eyes (四眼原则): whoever decided one of these steps in the work list (the officer of a
   * video verification) may not also decide this one. Where the department's own system decides
   * it, the verification records it receives name the officer, so that system applies the rule.
   */
  separateFrom: z.array(z.string()).optional(),
  /** How long the applicant has to answer a request for supplementary materials (default 10d). */
  supplementDeadline: durationSchema.optional(),
  /**
   * How many working days (on the business calendar) the applicant has to answer a department's
   * own request for supplements (default 10); past them the step is rejected.
   */
  supplementWorkingDays: z.number().int().min(1).max(60).optional(),
  /** The promised time limit (承诺时限) in working days; 0 means the same day. */
  timeLimitWorkingDays: z.number().int().min(0),
  /** The statutory limit, where the law sets one: for portals, never in the plan (`planOf`). */
  statutoryLimit: statutoryLimitSchema.optional(),
  /** Not counted in `timeLimitWorkingDays`, as the rules say: for portals, never in the plan. */
  clockExcludes: z.array(clockExclusionSchema).optional(),
});
export type StepDefinition = z.infer<typeof stepDefinitionSchema>;

/**
 * The executable part of a bundle: plain data that the step-graph workflow runs.
 * It travels in the workflow input, so a running application keeps the plan it started with.
 */
export const bundlePlanSchema = z.object({
  bundleId: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.number().int().min(1),
  steps: z.array(stepDefinitionSchema).min(1),
});
export type BundlePlan = z.infer<typeof bundlePlanSchema>;
