// Generated from the zod schemas by `npm run console:types` (scripts/console-contract.ts): do not
// edit. Change the schema, then run it again; test/unit/console-contract.test.ts fails while it is stale.
// Types only, for checking the console's JavaScript: the browser never loads this file.

/** A title in both languages. */
export type Title = {
  zh: string;
  en: string;
};

/** Where an application stands. */
export type ApplicationStatus =
  'running' | 'waiting' | 'completed' | 'partially_completed' | 'rejected' | 'withdrawn' | 'failed';

/** Where one step stands. */
export type StepStatus =
  'pending' | 'running' | 'waiting' | 'completed' | 'rejected' | 'skipped' | 'compensated' | 'failed';

/** Why an application is stuck. */
export type StuckCode =
  | 'retrying'
  | 'overdue'
  | 'waiting-department'
  | 'task-overdue'
  | 'compensation-failed'
  | 'department-paused'
  | 'step-failed';

/** An error answer (problem+json). */
export type Problem = {
  /** a URI naming the kind of problem */
  type: string;
  title: string;
  status: number;
  /** stable, machine-readable; see the error code catalogue */
  code: string;
  detail?: string;
  instance?: string;
  /** each invalid field: where it is and what is wrong */
  errors?: Array<{
    path: string;
    message: string;
  }>;
};

/** `POST` and `GET /v1/console/session`. */
export type Session = {
  /** send as X-CSRF-Token with every change made with the session cookie */
  csrfToken: string;
  /** who the session acts for: the person's display name, or the API key's name */
  name: string;
  /** operator, operator:<department>, admin, or clerk:<department> */
  role: string;
  /** when the session ends; sign in again then */
  expiresAt: string;
  /** a person who supervises their department (the OpenID provider's claim): the console shows them the department's supervisor queue */
  supervisor: boolean;
};

/** One step of an application. */
export type StepView = {
  id: string;
  department: string;
  title: Title;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  completedAt: string | null;
  outputs: Record<string, unknown> | null;
  /** why the step did not complete, or the last failure of a retrying step */
  error: {
    code: string;
    message: string;
    /** the department's own reason code, for a rejection */
    reasonCode?: string;
    attempt?: number;
  } | null;
  /** the department's case number, once it gave one */
  receiptNumber: string | null;
  /** what a waiting step waits for, e.g. "waiting for police decision" */
  waiting: {
    reason: 'department-decision' | 'human-task' | 'applicant-supplement' | 'department-paused';
    message: string;
    /** for a supplement: every item the clerk listed */
    missing?: string[];
  } | null;
  /** when the step's promised limit ends (working days from its start); null until it starts */
  dueAt: string | null;
  /** dueAt falls in a year whose holidays the business calendar does not have as published: counted on the calendar's fallback rule, so it may move */
  dueAtEstimated: boolean;
  /** for a pending step: when it is expected to be due, its promised working days counted from when the steps before it are due (never from before now); null once it started (see dueAt), or when a step before it was rejected or failed */
  expectedBy: string | null;
  /** expectedBy falls beyond the published calendar, like dueAtEstimated */
  expectedByEstimated: boolean;
  /** the promised limit (承诺时限) in working days from its start; 0: the same day */
  timeLimitWorkingDays: number | null;
  /** the statutory limit (法定时限) where the law sets one; null where it sets none */
  statutoryLimit: {
    amount: number;
    unit: 'working-days' | 'days' | 'months';
    from: string;
    title: Title;
    basis: Title;
  } | null;
  /** what the promised limit does not count, as the rules say (card production, mailing) */
  clockExcludes: Array<'card-production' | 'mailing'>;
};

/** The applicant's rating (好差评) and its follow-up. */
export type ApplicationRating = {
  /** `received` (no 差评, or nothing to follow up), `being_rectified` while a department has not answered its 差评, `rectified` once every one has */
  state: 'received' | 'being_rectified' | 'rectified';
  ratedAt: string;
  overall: {
    stars: number;
    comment: string | null;
  };
  items: Array<{
    stepId: string;
    department: string;
    stars: number;
    comment: string | null;
  }>;
  rectifications: Array<{
    department: string;
    /** the department's item it concerns (its first rated 1–2, or its first item) */
    stepId: string;
    status: 'being_rectified' | 'rectified';
    /** 3 working days after the rating, on the business calendar */
    dueAt: string;
    /** what the department did, once it answered */
    reply: string | null;
    repliedAt: string | null;
  }>;
};

/** An application as the read model has it. */
export type ApplicationView = {
  id: string;
  bundleId: string;
  bundleVersion: number;
  status: ApplicationStatus;
  createdAt: string;
  updatedAt: string;
  /** when the bundle's promised limit ends; moved on while waiting for the applicant */
  dueAt: string | null;
  /** the administrative division code it is handled in, as submitted; 000000 when none was */
  region: string;
  /** dueAt falls beyond the published business calendar (see the steps' dueAtEstimated) */
  dueAtEstimated: boolean;
  /** the bundle's promised limit (承诺时限) in working days from submission; null for a bundle no longer offered */
  promisedWorkingDays: number | null;
  /** the statutory limits (法定时限) the law sets for its items, beside the promised one */
  statutoryLimits: Array<{
    amount: number;
    unit: 'working-days' | 'days' | 'months';
    from: string;
    title: Title;
    basis: Title;
    stepId: string;
    /** when the limit ends: for a limit counted from the submission; null for one counted from a date on the form (`from`), which the portal holds and Onething does not keep */
    dueAt: string | null;
  }>;
  steps: StepView[];
  /** the applicant's rating (好差评) and its follow-up; null until the ended application is rated */
  rating: ApplicationRating | null;
};

/** Why an application is stuck at one step. */
export type StuckReason = {
  code: StuckCode;
  /** why, in words; error texts masked */
  message: string;
  stepId: string;
  /** since when: first attempt, due time, start of the wait, or failure */
  since: string;
};

/** `GET /v1/ops/applications`. */
export type OpsList = {
  applications: Array<{
    id: string;
    bundleId: string;
    status: ApplicationStatus;
    createdAt: string;
    dueAt: string | null;
    /** the oldest reason: the list is ordered by it */
    since: string;
    reasons: StuckReason[];
  }>;
  nextCursor: string | null;
};

/** One event of an application's timeline. */
export type TimelineEvent = {
  seq: number;
  at: string;
  stepId: string | null;
  status: string;
  /** masked */
  data: Record<string, unknown>;
};

/** A department call Temporal holds. */
export type PendingCall = {
  activityId: string;
  /** the call's step, read from its activity id (a retry's, a poll's or an undo's too); null for an activity of no step's call (a work-list task's), or a poll or undo the SDK numbered for an application started before they were named */
  stepId: string | null;
  activityType: string | null;
  /** SCHEDULED, STARTED, CANCEL_REQUESTED, PAUSED, … */
  state: string | null;
  attempt: number;
  /** 0 or null: unlimited */
  maximumAttempts: number | null;
  /** masked */
  lastFailure: string | null;
  scheduledAt: string | null;
  lastStartedAt: string | null;
  nextAttemptAt: string | null;
  /** when the call's retry budget is spent: it then fails and is held for an operator */
  givesUpAt: string | null;
};

/** A work-list task. */
export type TaskView = {
  id: string;
  applicationId: string;
  stepId: string;
  /** 1, then one more after each answered request for supplements; 0 for a rectification */
  round: number;
  department: string;
  service: string;
  kind: 'review' | 'video-verification' | 'approval';
  status: 'open' | 'claimed' | 'completed';
  /** `supervisor` once the task was past due (a rectification starts there) */
  queue: 'department' | 'supervisor';
  /** a `review` of a 差评 (rated 1 or 2) after the application ended, round 0: answered with `POST /v1/tasks/:id/reply`, not decided */
  rectification: boolean;
  /** the clerk who claimed it (key id and name) */
  assignee: string | null;
  dueAt: string;
  /** working days until `dueAt` on the deployment's business calendar (Asia/Shanghai, holidays and 调休 counted): those still ahead, 0 on the day it is due; negative once past, by the working days gone by since (-2: two working days overdue) */
  workingDaysLeft: number;
  overdue: boolean;
  escalatedAt: string | null;
  video: {
    room: string;
    joinUrls: {
      /** the link the applicant joins by */
      citizen: string;
      /** the link the officer joins by */
      officer: string;
    };
    provider: string;
  } | null;
  decision: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
};

/** `GET /v1/tasks/:id`: a task with what it decides on, and why. */
export type TaskDetail = {
  id: string;
  applicationId: string;
  stepId: string;
  /** 1, then one more after each answered request for supplements; 0 for a rectification */
  round: number;
  department: string;
  service: string;
  kind: 'review' | 'video-verification' | 'approval';
  status: 'open' | 'claimed' | 'completed';
  /** `supervisor` once the task was past due (a rectification starts there) */
  queue: 'department' | 'supervisor';
  /** a `review` of a 差评 (rated 1 or 2) after the application ended, round 0: answered with `POST /v1/tasks/:id/reply`, not decided */
  rectification: boolean;
  /** the clerk who claimed it (key id and name) */
  assignee: string | null;
  dueAt: string;
  /** working days until `dueAt` on the deployment's business calendar (Asia/Shanghai, holidays and 调休 counted): those still ahead, 0 on the day it is due; negative once past, by the working days gone by since (-2: two working days overdue) */
  workingDaysLeft: number;
  overdue: boolean;
  escalatedAt: string | null;
  video: {
    room: string;
    joinUrls: {
      /** the link the applicant joins by */
      citizen: string;
      /** the link the officer joins by */
      officer: string;
    };
    provider: string;
  } | null;
  decision: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** the fields mapped to the step: what the clerk decides on; for a rectification, the rating (`overall`, and the `items` of the department) */
  input: Record<string, unknown>;
  /** the applicant's answers to the previous round's request */
  supplement: Record<string, string> | null;
  /** JSON Schema of the outputs an approval must give; empty for a rectification */
  outputsSchema: Record<string, unknown>;
  /** the bundle the application was filed for; null when its application is not in the read model */
  bundle: {
    id: string;
    version: number;
    title: {
      zh: string;
      en: string;
    };
  } | null;
  /** the step's title, as the application's plan names it */
  stepTitle: {
    zh: string;
    en: string;
  } | null;
  /** each input field's label, from the bundle form or applicant field it is mapped from, or from the output of the earlier step's service */
  inputTitles: Record<
    string,
    {
      zh: string;
      en: string;
    }
  >;
  /** the facts a video verification must establish (the service declares them); empty for other tasks */
  verifies: Array<'identity' | 'contact' | 'address' | 'vehicle'>;
};

/** `GET /v1/tasks`. */
export type TaskList = {
  tasks: TaskView[];
  /** pass as `cursor` for the next page; null on the last */
  nextCursor: string | null;
};

/** `GET /v1/ops/applications/:id`. */
export type OpsApplication = {
  /** the read model, personal data masked */
  application: ApplicationView;
  timeline: TimelineEvent[];
  /** why it is stuck now (default thresholds); empty if not */
  reasons: StuckReason[];
  /** department calls Temporal has scheduled or retries; null when Temporal could not tell */
  pendingCalls: PendingCall[] | null;
  /** why pendingCalls is null */
  pendingCallsNote: string | null;
  /** what each step's department received (or will), by step id, personal data masked; null when Temporal could not tell */
  stepInputs: Record<string, Record<string, unknown>> | null;
  /** why stepInputs is null */
  stepInputsNote: string | null;
  /** the application's work-list tasks in the order they were opened (decisions masked) */
  tasks: TaskView[];
  workflow: {
    workflowId: string;
    temporalUiUrl: string;
  };
};

/** `GET /v1/ops/audit`. */
export type AuditList = {
  entries: Array<{
    id: string;
    at: string;
    actor: {
      keyId: string;
      name: string;
    };
    role: string;
    action: string;
    applicationId: string | null;
    stepId: string | null;
    target: string | null;
    reason: string | null;
    /** ok, or why it did not happen */
    result: string;
    detail: Record<string, unknown>;
  }>;
  nextCursor: string | null;
};

/** A bundle as `GET /v1/bundles` lists it. */
export type BundleSummary = {
  id: string;
  version: number;
  title: Title;
  description: Title;
  leadDepartment: string;
  promisedWorkingDays: number;
};

/** `GET /v1/ops/departments`. */
export type DepartmentState = {
  id: string;
  title: {
    zh: string;
    en: string;
  };
  /** set while an operator keeps the department paused for an outage */
  paused: {
    reason: string;
    pausedBy: string;
    pausedAt: string;
  } | null;
  /** steps whose call waits for the department to be resumed */
  waitingSteps: number;
};

/** What a bulk action repairs. `retry`: call the department again now (a step retrying or waiting); `resend`: submit again to the department a case waiting for its decision (after an outage) */
export type BulkActionKind = 'retry' | 'resend';

/** Where one bulk action's item stands. `done`: the workflow took the repair; `refused`: it said no (the step is no longer in progress, the application ended), with why; `failed`: it could not be delivered */
export type BulkItemState = 'pending' | 'done' | 'refused' | 'failed';

/** The filter as the job applied it: defaults filled in, durations in milliseconds. */
export type AppliedBulkFilter = {
  stuck: StuckCode[];
  bundle?: string;
  status?: ApplicationStatus[];
  department?: string;
  /** the applications' region (and those under it); a region-scoped operator's own when it named none */
  region?: string;
  stepId?: string;
  retryingLongerThanMs?: number;
  attemptsAtLeast?: number;
  waitingLongerThanMs?: number;
  stuckSince?: string;
  stuckBefore?: string;
};

/** One step a bulk action acts on. */
export type BulkItem = {
  /** the order the job works through the items */
  seq: number;
  applicationId: string;
  stepId: string;
  department: string;
  state: BulkItemState;
  /** why it was refused or failed */
  result: string | null;
  /** when the repair was sent */
  sentAt: string | null;
  finishedAt: string | null;
};

/** `GET /v1/ops/bulk-actions/:id`. */
export type BulkAction = {
  id: string;
  action: BulkActionKind;
  reason: string;
  filter: AppliedBulkFilter;
  ratePerSecond: number;
  /** `stopped`: its workflow ended without finishing it (see `stoppedReason`) */
  state: 'running' | 'completed' | 'cancelled' | 'stopped';
  stoppedReason: string | null;
  total: number;
  done: number;
  refused: number;
  failed: number;
  pending: number;
  startedBy: {
    keyId: string;
    name: string;
    role: string;
  };
  startedAt: string;
  finishedAt: string | null;
  /** a cancel asked for: the job stops after the item in progress */
  cancel: {
    requestedAt: string;
    reason: string | null;
    by: string | null;
  } | null;
  /** the Temporal workflow that works through the items */
  workflowId: string;
  /** a page of the items, in order, with results */
  items?: BulkItem[];
  nextItemsCursor?: string | null;
};

/** `GET /v1/ops/bulk-actions`. */
export type BulkActionList = {
  bulkActions: BulkAction[];
  nextCursor: string | null;
};

/** The filter `POST /v1/ops/bulk-actions` takes: the stuck list's. */
export type BulkFilter = {
  /** why it is stuck, repeatable or comma-separated; all kinds when absent */
  stuck?: string | string[];
  bundle?: string;
  /** application status, repeatable */
  status?: string | string[];
  /** only reasons at this department */
  department?: string;
  /** only applications of this administrative division and those under it (330100: all of Hangzhou) */
  region?: string;
  /** `retrying`: the first attempt started at least this long ago (e.g. 10m) */
  retryingLongerThan?: string;
  /** `retrying`: at least this many attempts; 2 when neither threshold is given */
  attemptsAtLeast?: number;
  /** `waiting-department`: waited at least this long for the decision */
  waitingLongerThan?: string;
  /** only this step of each application */
  stepId?: string;
  /** only steps stuck since this instant or later, e.g. when an outage began (ISO 8601) */
  stuckSince?: string;
  /** only steps stuck since before this instant (ISO 8601) */
  stuckBefore?: string;
};

/** A repair of one step in progress (schemas/repair-actions.ts). */
export type RepairAction = 'retry' | 'resend' | 'skip';
