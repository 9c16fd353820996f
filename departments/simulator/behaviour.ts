import { z } from 'zod';

/** Longest latency a test or benchmark may ask for: ten minutes, well past any step's call timeout. */
export const maxLatencyMs = 600_000;

/** Longest an accepted case may wait for its decision: one day, as long as a timer reliably waits. */
export const maxDecisionDelayMs = 86_400_000;

/** Longest outage set by duration: one day. */
export const maxOutageMs = 86_400_000;

/** Largest answer `oversizedAnswer` may pad to: 64 MiB, past any adapter's limit. */
export const maxOversizedAnswerBytes = 64 * 1024 * 1024;

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
 * A window in which the department is down. `forMs` is a convenience for the admin endpoint: it is
 * stored as the `until` it works out to when the behaviour is set.
 */
export const outageSchema = z.union([
  z.strictObject({ until: z.iso.datetime({ offset: true }) }),
  z.strictObject({ forMs: z.int().min(1).max(maxOutageMs) }),
]);

/**
 * How the department answers an accepted call: `instant` decides in the response; `callback` and
 * `poll` answer 202 with a receipt and decide later, reporting by callback or when asked.
 */
export const decisionModeSchema = z.enum(['instant', 'callback', 'poll']);
export type DecisionMode = z.infer<typeof decisionModeSchema>;

/**
 * How one simulated service behaves at run time. The empty object is an instant, always-successful
 * department; tests, the demo and benchmarks set the rest through the admin endpoints. Latency,
 * injected failures and outages apply alike to calls and to polls of accepted cases.
 */
export const serviceBehaviourSchema = z.strictObject({
  /**
   * Delay before each request is processed, in milliseconds. This is also the "slow department":
   * a latency above the adapter's timeout makes the call time out (a transient fault, retried).
   */
  latencyMs: z.int().min(0).max(maxLatencyMs).optional(),
  /** Answer this many next requests with 503, counting down; a 503 has no side effect. */
  failNext: z.int().min(0).optional(),
  /** Probability in [0, 1] that a request (after `failNext` is spent) is answered with 503. */
  failureRate: z.number().min(0).max(1).optional(),
  /** Every request until then is answered 503 `OUTAGE`, at once and without side effect. */
  outage: outageSchema.optional(),
  /** Decide against the applicant (422) instead of issuing outputs. */
  reject: rejectRuleSchema.optional(),
  /** `instant` when absent. */
  decision: decisionModeSchema.optional(),
  /** For `callback` and `poll`: how long after acceptance the case is decided; 0 when absent. */
  decisionDelayMs: z.int().min(0).max(maxDecisionDelayMs).optional(),
  /**
   * A department's bug: every call is answered 200 with outputs that break the service's contract
   * (none at all), without deciding the case. Onething retries it within the step's budget (the
   * bug may be fixed meanwhile), then holds the failed call for an operator.
   */
  brokenOutputs: z.boolean().optional(),
  /**
   * Something in front of the department answers instead of it (a misrouted gateway's 404 page, a
   * changed API's bare 400): `status` with an HTML page, no protocol body and no side effect, for
   * the next `next` requests (counting down like `failNext`), or every request without `next`.
   * Not the department's "no", so Onething retries it. Applies to calls, polls and undos alike.
   */
  gatewayError: z
    .strictObject({ status: z.int().min(400).max(499), next: z.int().min(0).optional() })
    .optional(),
  /**
   * Something other than the department's API answers at its URL (a web server's default page, a
   * login portal): every call and poll is answered 200 `text/html`, without side effect. Not a
   * decision Onething can read, so it is retried, then held for an operator.
   */
  nonJsonAnswer: z.boolean().optional(),
  /**
   * Every call and poll is answered as it would be (the department acts as usual), but its JSON
   * body is padded with a `padding` field to `bytes` bytes and streamed without a declared length:
   * a department's bug, or a proxy, sending far more than the protocol's few hundred bytes.
   */
  oversizedAnswer: z.strictObject({ bytes: z.int().min(1).max(maxOversizedAnswerBytes) }).optional(),
  /**
   * Supplements (补正): before it decides, the department asks the applicant for `missing` (all
   * at once). In `instant` mode the call is answered `supplement-required` at once; in `callback`
   * and `poll` modes the case is accepted and asks after `decisionDelayMs`, by callback or when
   * polled. The answers (`POST …/cases/<receipt>/supplements`) must cover every item; the case is
   * then decided as usual: in the answer (`instant`), or `decisionDelayMs` later.
   */
  supplement: z
    .strictObject({
      missing: z.array(z.string().min(1).max(200)).min(1).max(50),
    })
    .optional(),
  /** `fail`: every undo (compensation) of this service answers 503, so it is retried and then gives up. */
  undo: z.enum(['ok', 'fail']).optional(),
});
export type ServiceBehaviour = z.infer<typeof serviceBehaviourSchema>;

/** The behaviour as stored: an outage given by duration becomes the instant it ends. */
export function pinOutage(behaviour: ServiceBehaviour, now: Date): ServiceBehaviour {
  const { outage } = behaviour;
  if (outage === undefined || !('forMs' in outage)) return behaviour;
  return { ...behaviour, outage: { until: new Date(now.getTime() + outage.forMs).toISOString() } };
}

/** When the behaviour's outage ends, if it has one that is still on at `now`. */
export function outageEnd(behaviour: ServiceBehaviour | undefined, now: Date): Date | undefined {
  const outage = behaviour?.outage;
  if (outage === undefined || !('until' in outage)) return undefined;
  const until = new Date(outage.until);
  return now < until ? until : undefined;
}
