import { z } from 'zod';

/** Longest latency a test or benchmark may ask for: ten minutes, well past any step's call timeout. */
export const maxLatencyMs = 600_000;

/** A department decision against the applicant, and optionally the one input value that triggers it. */
export const rejectRuleSchema = z.strictObject({
  /** The department's own code, returned as `code` of the 422 body. */
  code: z.string().min(1).max(100),
  reason: z.string().min(1).max(1000),
  /** Reject only when this input field equals this value; without it every request is rejected. */
  when: z
    .strictObject({
      field: z.string().min(1),
      equals: z.string(),
    })
    .optional(),
});
export type RejectRule = z.infer<typeof rejectRuleSchema>;

/**
 * How one simulated service behaves at run time. The empty object is an instant, always-successful
 * department; tests, the demo and benchmarks set the rest through the admin endpoints.
 */
export const serviceBehaviourSchema = z.strictObject({
  /** Delay before each request is processed, in milliseconds. */
  latencyMs: z.int().min(0).max(maxLatencyMs).optional(),
  /** Answer this many next requests with 503, counting down; a 503 has no side effect. */
  failNext: z.int().min(0).optional(),
  /** Probability in [0, 1] that a request (after `failNext` is spent) is answered with 503. */
  failureRate: z.number().min(0).max(1).optional(),
  /** Decide against the applicant (422) instead of issuing outputs. */
  reject: rejectRuleSchema.optional(),
});
export type ServiceBehaviour = z.infer<typeof serviceBehaviourSchema>;
