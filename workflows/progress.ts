import { ActivityFailure, ApplicationFailure, defineQuery } from '@temporalio/workflow';
import type {
  CallDepartmentResult,
  OpenTaskInput,
  OpenTaskResult,
  PollDepartmentResult,
  RejectionDetails,
} from '../activities/types.js';
import type { BundlePlan } from '../schemas/bundle.js';
import { failureTypes, stepErrorCodes } from '../schemas/error-codes.js';
import type {
  ApplicationProgress,
  StepProgress,
  StepTransition,
  StepWaiting,
  Transition,
} from '../schemas/workflow.js';

/**
 * The workflow's view of its application and of each step, as the read model should show them
 * (`ApplicationProgress`). Reconciliation compares the rows with it. A query adds nothing to the
 * history, so histories recorded before it replay unchanged.
 */
export const progressQuery = defineQuery<ApplicationProgress>('progress');

const endedStatuses = new Set(['completed', 'rejected', 'skipped', 'compensated', 'failed']);

/**
 * Folds what the read model receives — the workflow's own transitions and the writes its
 * activities make (the department calls' running/accepted/decided/rejected/paused, a work-list
 * task's waiting) — into the state the rows should be in, merging fields as
 * `db/transitions.ts` does. Fed by the progress interceptor (workflows/progress-interceptors.ts)
 * from each activity's arguments and result, so the step-graph runner itself is untouched.
 */
export class ProgressTracker {
  private status: ApplicationProgress['status'] = 'running';
  private readonly steps = new Map<string, StepProgress & { calls: number }>();
  private readonly unwritten = new Set<object>();
  /** Set if observing ever failed: the view is then unknown, never wrong. */
  private fault: string | undefined;

  constructor(
    private readonly applicationId: string,
    private readonly plan: BundlePlan,
  ) {
    // As the API inserts them: every step pending, nothing known to be set.
    for (const step of plan.steps) {
      this.steps.set(step.id, {
        status: 'pending',
        inFlight: false,
        calls: 0,
        outputs: null,
        error: null,
        receiptNumber: null,
        waiting: null,
        dueAt: null,
      });
    }
  }

  /**
   * Runs one observation. A mistake here must never fail the workflow it watches (an error thrown
   * in workflow code fails its task): it is kept, and the query answers with it instead.
   */
  observe(what: () => void): void {
    try {
      what();
    } catch (err) {
      this.fault ??= err instanceof Error ? err.message : String(err);
    }
  }

  /** The answer to the progress query; fails if an observation failed. */
  view(): ApplicationProgress {
    if (this.fault !== undefined) throw new Error(`progress unknown: ${this.fault}`);
    const steps: Record<string, StepProgress> = {};
    for (const [id, { calls, ...step }] of this.steps) steps[id] = { ...step, inFlight: calls > 0 };
    return {
      applicationId: this.applicationId,
      bundleId: this.plan.bundleId,
      status: this.status,
      steps,
      pendingWrites: this.unwritten.size,
    };
  }

  /** The workflow sent a batch of its own transitions; `written` once they landed. */
  writing(batch: object): void {
    this.unwritten.add(batch);
  }

  written(batch: object, transitions: readonly Transition[]): void {
    this.unwritten.delete(batch);
    for (const t of transitions) {
      if (t.application) this.status = t.application.status;
      if (t.step) this.apply(t.step);
    }
  }

  /** An activity was scheduled. Department calls, polls and tasks write their step meanwhile. */
  scheduled(activityType: string, arg: unknown): void {
    const stepId = stepOf(activityType, arg);
    const step = stepId === undefined ? undefined : this.steps.get(stepId);
    if (step) step.calls += 1;
    if (activityType === 'callDepartment' && step) {
      // Each call records its start (and its due date, computed where it runs); each retry its
      // attempt and last failure: known again only once the call has ended.
      this.apply({ stepId: stepId as string, status: 'running' });
      delete step.error;
      delete step.dueAt;
    }
    if (activityType === 'resumeApplicationClock') {
      // A stopped clock moves the due dates of the steps that have not ended, on the calendar.
      for (const s of this.steps.values()) if (!endedStatuses.has(s.status)) delete s.dueAt;
    }
  }

  /** An activity returned: the write it made before returning. */
  succeeded(activityType: string, arg: unknown, result: unknown): void {
    this.settle(activityType, arg);
    if (activityType === 'callDepartment' || activityType === 'supplementDepartment') {
      const call = arg as { stepId: string; department: string };
      const decided = result as CallDepartmentResult;
      if (decided.accepted) {
        this.apply({
          stepId: call.stepId,
          status: 'waiting',
          receiptNumber: decided.receiptNumber,
          waiting: { reason: 'department-decision', message: `waiting for ${call.department} decision` },
          error: null,
        });
      } else if ('supplementRequired' in decided) {
        this.apply({
          stepId: call.stepId,
          status: 'waiting',
          receiptNumber: decided.receiptNumber,
          waiting: supplementWaiting(call.department, decided.missing),
          error: null,
        });
      } else {
        this.apply({
          stepId: call.stepId,
          status: 'completed',
          outputs: decided.outputs,
          error: null,
          ...(decided.receiptNumber ? { receiptNumber: decided.receiptNumber } : {}),
        });
      }
    } else if (activityType === 'pollDepartment') {
      const polled = result as PollDepartmentResult;
      const { stepId, department } = arg as { stepId: string; department: string };
      if (polled.pending) return;
      if ('supplementRequired' in polled) {
        this.apply({
          stepId,
          status: 'waiting',
          waiting: supplementWaiting(department, polled.missing),
          error: null,
        });
      } else this.apply({ stepId, status: 'completed', outputs: polled.outputs, error: null });
    } else if (activityType === 'openHumanTask') {
      const task = arg as OpenTaskInput;
      const opened = result as OpenTaskResult;
      this.apply({
        stepId: task.stepId,
        status: 'waiting',
        waiting: { reason: 'human-task', message: task.title },
        error: null,
        ...(task.round === 1 ? { dueAt: opened.dueAt } : {}),
      });
    }
  }

  /** An activity failed for good: a department's decision or pause was written before. */
  failed(activityType: string, arg: unknown, err: unknown): void {
    this.settle(activityType, arg);
    if (!['callDepartment', 'pollDepartment', 'supplementDepartment'].includes(activityType)) return;
    const { stepId } = arg as { stepId: string };
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (!(cause instanceof ApplicationFailure)) return;
    if (cause.type === failureTypes.departmentRejected) {
      const details = cause.details?.[0] as RejectionDetails | undefined;
      this.apply({
        stepId,
        status: 'rejected',
        error: {
          code: stepErrorCodes.departmentRejected,
          message: details?.reason ?? cause.message,
          ...(details ? { reasonCode: details.reasonCode } : {}),
        },
      });
    } else if (cause.type === failureTypes.departmentPaused) {
      this.apply({
        stepId,
        status: 'waiting',
        waiting: { reason: 'department-paused', message: cause.message },
      });
    }
  }

  private settle(activityType: string, arg: unknown): void {
    const stepId = stepOf(activityType, arg);
    const step = stepId === undefined ? undefined : this.steps.get(stepId);
    if (step && step.calls > 0) step.calls -= 1;
  }

  /** One transition, merged into the step as the read model merges it. */
  private apply(t: StepTransition): void {
    const step = this.steps.get(t.stepId);
    if (!step) return;
    step.status = t.status;
    if (t.outputs !== undefined) step.outputs = t.outputs;
    if (t.error !== undefined) step.error = t.error;
    if (t.receiptNumber !== undefined) step.receiptNumber = t.receiptNumber;
    step.waiting = t.status === 'waiting' ? (t.waiting ?? null) : null;
    if (t.dueAt !== undefined) step.dueAt = t.dueAt;
  }
}

/** What a step waiting for the applicant's supplements shows, as the department activities write it. */
export function supplementWaiting(department: string, missing: string[]): StepWaiting {
  return {
    reason: 'applicant-supplement',
    message: `waiting for the applicant's supplementary materials to ${department}: ${missing.join(', ')}`,
    missing,
  };
}

/** The step an activity writes, for the activities that write one. */
function stepOf(activityType: string, arg: unknown): string | undefined {
  if (!['callDepartment', 'pollDepartment', 'supplementDepartment', 'openHumanTask'].includes(activityType))
    return undefined;
  const stepId = (arg as { stepId?: unknown } | undefined)?.stepId;
  return typeof stepId === 'string' ? stepId : undefined;
}
