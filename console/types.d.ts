// Types only, for checking the console's JavaScript: the browser never loads this file.

/** What the DOM helpers take as children: nodes, texts, nothing, or lists of them. */
export type Child = Node | string | number | null | undefined | false | Child[];

// The API's answers as the console reads them (see schemas/ops.ts and schemas/api.ts).

export interface Title {
  zh: string;
  en: string;
}

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
}

export interface Session {
  csrfToken: string;
  name: string;
  role: string;
  expiresAt: string;
}

export interface StepView {
  id: string;
  department: string;
  title: Title;
  status: string;
  attempts: number;
  startedAt: string | null;
  completedAt: string | null;
  outputs: Record<string, unknown> | null;
  error: { code: string; message: string; reasonCode?: string; attempt?: number } | null;
  receiptNumber: string | null;
  waiting: { reason: string; message: string; missing?: string[] } | null;
  dueAt: string | null;
}

export interface ApplicationView {
  id: string;
  bundleId: string;
  bundleVersion: number;
  status: string;
  createdAt: string;
  updatedAt: string;
  dueAt: string | null;
  steps: StepView[];
}

export interface StuckReason {
  code: string;
  message: string;
  stepId: string;
  since: string;
}

export interface OpsList {
  applications: Array<{
    id: string;
    bundleId: string;
    status: string;
    createdAt: string;
    dueAt: string | null;
    since: string;
    reasons: StuckReason[];
  }>;
  nextCursor: string | null;
}

export interface TimelineEvent {
  seq: number;
  at: string;
  stepId: string | null;
  status: string;
  data: Record<string, unknown>;
}

export interface PendingCall {
  activityId: string;
  /** Null when the activity names no step (a work-list task's, or an old application's poll or undo). */
  stepId: string | null;
  activityType: string | null;
  state: string | null;
  attempt: number;
  maximumAttempts: number | null;
  lastFailure: string | null;
  scheduledAt: string | null;
  lastStartedAt: string | null;
  nextAttemptAt: string | null;
}

export interface OpsApplication {
  application: ApplicationView;
  timeline: TimelineEvent[];
  reasons: StuckReason[];
  pendingCalls: PendingCall[] | null;
  pendingCallsNote: string | null;
  /** What each step's department received, masked, by step id; null when Temporal could not tell. */
  stepInputs: Record<string, Record<string, unknown>> | null;
  stepInputsNote: string | null;
  tasks: TaskView[];
  workflow: { workflowId: string; temporalUiUrl: string };
}

/** A work-list task of the application, as `GET /v1/ops/applications/:id` lists it. */
export interface TaskView {
  id: string;
  stepId: string;
  round: number;
  department: string;
  kind: string;
  status: 'open' | 'claimed' | 'completed';
  queue: 'department' | 'supervisor';
  assignee: string | null;
  dueAt: string;
  overdue: boolean;
  escalatedAt: string | null;
}

export interface AuditList {
  entries: Array<{
    id: string;
    at: string;
    actor: { keyId: string; name: string };
    role: string;
    action: string;
    applicationId: string | null;
    stepId: string | null;
    target: string | null;
    reason: string | null;
    result: string;
  }>;
  nextCursor: string | null;
}

export interface BundleSummary {
  id: string;
  title: Title;
}

/** `GET /v1/ops/departments` (api/routes/ops-departments.ts). */
export interface DepartmentState {
  id: string;
  title: Title;
  paused: { reason: string; pausedBy: string; pausedAt: string } | null;
  waitingSteps: number;
}

// Bulk actions as schemas/bulk-actions.ts has them.

export type BulkActionKind = 'retry' | 'resend';
export type BulkItemState = 'pending' | 'done' | 'refused' | 'failed';

/** The filter `POST /v1/ops/bulk-actions` takes: the stuck list's, lists as arrays. */
export interface BulkFilter {
  stuck?: string[];
  status?: string[];
  bundle?: string;
  department?: string;
  retryingLongerThan?: string;
  attemptsAtLeast?: number | string;
  waitingLongerThan?: string;
}

/** The filter as the job applied it: defaults filled in, durations in milliseconds. */
export interface AppliedBulkFilter {
  stuck: string[];
  bundle?: string;
  status?: string[];
  department?: string;
  stepId?: string;
  retryingLongerThanMs?: number;
  attemptsAtLeast?: number;
  waitingLongerThanMs?: number;
  stuckSince?: string;
  stuckBefore?: string;
}

export interface BulkItem {
  seq: number;
  applicationId: string;
  stepId: string;
  department: string;
  state: BulkItemState;
  result: string | null;
  sentAt: string | null;
  finishedAt: string | null;
}

export interface BulkAction {
  id: string;
  action: BulkActionKind;
  reason: string;
  filter: AppliedBulkFilter;
  ratePerSecond: number;
  state: 'running' | 'completed' | 'cancelled' | 'stopped';
  stoppedReason: string | null;
  total: number;
  done: number;
  refused: number;
  failed: number;
  pending: number;
  startedBy: { keyId: string; name: string; role: string };
  startedAt: string;
  finishedAt: string | null;
  cancel: { requestedAt: string; reason: string | null; by: string | null } | null;
  workflowId: string;
  items?: BulkItem[];
  nextItemsCursor?: string | null;
}

export interface BulkActionList {
  bulkActions: BulkAction[];
  nextCursor: string | null;
}
