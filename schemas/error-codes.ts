/**
 * The one catalogue of error codes. API problems carry `code`; Temporal failures carry `type`.
 * Codes are stable: portals and tests match on them, never on message text.
 */
export const problemCodes = {
  validationFailed: 'VALIDATION_FAILED',
  malformedJson: 'MALFORMED_JSON',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The codec endpoint could not decrypt a payload: unknown key id, altered or truncated data. */
  payloadUndecodable: 'PAYLOAD_UNDECODABLE',
  unknownBundle: 'UNKNOWN_BUNDLE',
  applicationNotFound: 'APPLICATION_NOT_FOUND',
  /** No such active webhook of the calling portal (another portal's is answered the same way). */
  webhookNotFound: 'WEBHOOK_NOT_FOUND',
  /** A replay named a failed delivery the webhook does not have; nothing was replayed. */
  failedDeliveryNotFound: 'FAILED_DELIVERY_NOT_FOUND',
  /** The portal has as many webhooks as it may have; delete one first. */
  webhookLimitReached: 'WEBHOOK_LIMIT_REACHED',
  /** The webhook URL may not be delivered to here: an internal address, credentials, or http where https is required. */
  webhookTargetRefused: 'WEBHOOK_TARGET_REFUSED',
  routeNotFound: 'ROUTE_NOT_FOUND',
  /** The path exists but not with this method; the `Allow` header lists those it has. */
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  /** The caller's key is scoped to one department (`operator:<department>`) and this reaches another, or all. */
  outOfScope: 'OUT_OF_SCOPE',
  /** No API key of that id (admin key management). */
  keyNotFound: 'KEY_NOT_FOUND',
  /** The key cannot be rotated: revoked, expired or already rotated. */
  keyNotActive: 'KEY_NOT_ACTIVE',
  /** A change authenticated by the console session cookie without the session's X-CSRF-Token. */
  csrfTokenInvalid: 'CSRF_TOKEN_INVALID',
  /** People sign in with the organisation's OpenID provider, and this deployment has none configured. */
  signInNotConfigured: 'SIGN_IN_NOT_CONFIGURED',
  /** The provider's callback matches no sign-in this browser started in the last ten minutes, or was used already. */
  signInExpired: 'SIGN_IN_EXPIRED',
  /** The provider refused the sign-in or its answer did not verify (state, code, ID token). */
  signInFailed: 'SIGN_IN_FAILED',
  /** The person signed in at the provider, but its claims grant no role of Onething's (or a clerk no department). */
  signInNoRole: 'SIGN_IN_NO_ROLE',
  rateLimited: 'RATE_LIMITED',
  idempotencyKeyRequired: 'IDEMPOTENCY_KEY_REQUIRED',
  idempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  engineUnavailable: 'ENGINE_UNAVAILABLE',
  /** PostgreSQL cannot be reached: nothing was changed; the same request may be sent again (Retry-After). */
  databaseUnavailable: 'DATABASE_UNAVAILABLE',
  /** A health check: a part the process needs (PostgreSQL, Temporal, migrations, its worker) is down. */
  notReady: 'NOT_READY',
  applicationEnded: 'APPLICATION_ENDED',
  /** A rating (好差评) of an application that has not ended: it is rated once it is done. */
  applicationNotEnded: 'APPLICATION_NOT_ENDED',
  /** The application was rated already; a rating is given once. */
  ratingAlreadyGiven: 'RATING_ALREADY_GIVEN',
  stepNotRepairable: 'STEP_NOT_REPAIRABLE',
  /** No department of that id in the catalogue. */
  departmentNotFound: 'DEPARTMENT_NOT_FOUND',
  /** Pausing a paused department, or resuming one that is not paused. */
  departmentPauseConflict: 'DEPARTMENT_PAUSE_CONFLICT',
  callbackSignatureInvalid: 'CALLBACK_SIGNATURE_INVALID',
  callbackStale: 'CALLBACK_STALE',
  callbackNotExpected: 'CALLBACK_NOT_EXPECTED',
  /** No such work-list task. */
  taskNotFound: 'TASK_NOT_FOUND',
  /** The task cannot be claimed, released or completed by this clerk now (claimed by another, not claimed, not waited for). */
  taskConflict: 'TASK_CONFLICT',
  /** The task was already completed; a decision is taken once. */
  taskAlreadyCompleted: 'TASK_ALREADY_COMPLETED',
  /** The task is already in the supervisor queue; a task is escalated once. */
  taskAlreadyEscalated: 'TASK_ALREADY_ESCALATED',
  /** A reassignment's `to` names no clerk API key of the task's department (nor `queue`). */
  taskAssigneeInvalid: 'TASK_ASSIGNEE_INVALID',
  /** A reassignment's `to` names a clerk key that was revoked. */
  taskAssigneeRevoked: 'TASK_ASSIGNEE_REVOKED',
  /** A video-verification approval without a passed liveness check, a declared fact verified, or a recording reference; `errors` names each. */
  verificationIncomplete: 'VERIFICATION_INCOMPLETE',
  /** The approver also decided a step this one must be decided apart from (four eyes): another officer must. */
  fourEyesRequired: 'FOUR_EYES_REQUIRED',
  /** The application does not wait for these supplementary materials (none requested, or items unanswered). */
  supplementRefused: 'SUPPLEMENT_REFUSED',
  /** No bulk action (operators' retry or re-send of many steps) of that id. */
  bulkActionNotFound: 'BULK_ACTION_NOT_FOUND',
  /** The bulk action has ended, or is already being cancelled. */
  bulkActionEnded: 'BULK_ACTION_ENDED',
  /** The bulk action's filter matches no step in progress: nothing to do, no job started. */
  bulkFilterMatchesNothing: 'BULK_FILTER_MATCHES_NOTHING',
  /** The bulk action's filter matches more steps than one job may take; narrow it. */
  bulkFilterMatchesTooMany: 'BULK_FILTER_MATCHES_TOO_MANY',
  /** The material is larger than the deployment accepts (`MATERIAL_MAX_BYTES`). */
  materialTooLarge: 'MATERIAL_TOO_LARGE',
  /** The material's bytes are none of the accepted types (`MATERIAL_TYPES`), or it is empty. */
  materialTypeUnsupported: 'MATERIAL_TYPE_UNSUPPORTED',
  /** The Content-Type header names another type than the bytes are (never trusted: the bytes decide). */
  materialTypeMismatch: 'MATERIAL_TYPE_MISMATCH',
  /** A form or supplement names a material that does not exist or belongs to another portal. */
  materialNotFound: 'MATERIAL_NOT_FOUND',
  /** A material link whose signature does not verify (altered, or not made here). */
  materialLinkInvalid: 'MATERIAL_LINK_INVALID',
  /** A material link past its expiry. */
  materialLinkExpired: 'MATERIAL_LINK_EXPIRED',
  internal: 'INTERNAL_ERROR',
} as const;
export type ProblemCode = (typeof problemCodes)[keyof typeof problemCodes];

/** `ApplicationFailure.type` values raised by activities; final (not retried) unless said otherwise. */
export const failureTypes = {
  /** The department decided against the applicant (不予受理/不予许可). */
  departmentRejected: 'DepartmentRejected',
  /**
   * The department answered, but not with what its service declares (a department's bug): a
   * failed call, retried within the step's budget, then held for an operator. Not final.
   */
  departmentOutputInvalid: 'DepartmentOutputInvalid',
  /** The bundle names a department or service that no adapter serves. */
  departmentNotConfigured: 'DepartmentNotConfigured',
  /**
   * An operator paused the department for an outage: the call was not made. Not an end of the
   * step: the workflow waits for the department to be resumed and calls again.
   */
  departmentPaused: 'DepartmentPaused',
} as const;
export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];

/** `error.code` values of a step that did not complete. */
export const stepErrorCodes = {
  ...failureTypes,
  /** The department could not be reached or failed; the call is being retried. */
  departmentUnavailable: 'DepartmentUnavailable',
  /** A step it depends on did not complete, so this step was never started. */
  blockedByDependency: 'BlockedByDependency',
  /** The applicant did not opt in to this optional step. */
  notOptedIn: 'NotOptedIn',
  /** The form says this step does not apply (`appliesWhen`): another step does its work. */
  notApplicable: 'NotApplicable',
  /** The applicant did not send the supplementary materials before the deadline. */
  supplementNotProvided: 'SupplementNotProvided',
  /** An operator ended the step, entering the outputs its dependants need. */
  skippedByOperator: 'SkippedByOperator',
  /** The applicant withdrew the application before this step could end. */
  withdrawn: 'Withdrawn',
  /** The department could not undo the step; an operator must look at it. */
  compensationFailed: 'CompensationFailed',
  /** The department could not be told to cancel the case it accepted; an operator must tell it. */
  cancellationFailed: 'CancellationFailed',
  /** Retries were exhausted or the call failed for a reason that is not a decision. */
  stepFailed: 'StepFailed',
} as const;
