import {
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { WorkListActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import { durationMs } from '../schemas/durations.js';
import type { ApplicantSupplements } from './applicant-supplements.js';
import { escalateTask, reassignTask, taskDecision } from './messages.js';
import type { EscalateTaskUpdate, ReassignTaskUpdate, TaskDecisionUpdate } from './messages.js';
import type { ProjectionQueue } from './projection.js';

const tasks = proxyActivities<WorkListActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export type WorkListResult =
  { status: 'completed'; outputs: Record<string, unknown> } | { status: 'rejected'; error: StepError };

/**
 * Steps decided by a person in Onething's work list: a task per round, a durable wait for the
 * clerk's decision (escalated to the supervisor queue once overdue, or earlier by an operator,
 * never dropped), and the supplement loop (补正): the applicant answers what the clerk listed, or
 * the step is rejected when the deadline passes. The clock stops while the applicant is asked.
 * Operators may also reassign a task: the workflow records it, so it stays the source of truth.
 */
export class WorkList {
  private readonly decisions = new Map<string, TaskDecisionUpdate>();
  /** Open tasks: task id → step id. */
  private readonly open = new Map<string, string>();
  /** Escalations asked for or under way: task id → the operator's request, or `overdue` (the timer). */
  private readonly escalations = new Map<string, EscalateTaskUpdate | 'overdue'>();
  /** Tasks moved to the supervisor queue. */
  private readonly escalated = new Set<string>();
  /** Tasks whose reassignment is being recorded. */
  private readonly reassigning = new Set<string>();
  /** Tasks being opened, by `<step id>#<round>`: their ids are not known to the workflow yet. */
  private readonly opening = new Set<string>();

  constructor(
    private readonly applicationId: string,
    private readonly projection: ProjectionQueue,
    /** The applicant's answers, shared with department steps that ask for supplements. */
    private readonly supplements: ApplicantSupplements,
  ) {
    setHandler(
      taskDecision,
      (decision) => {
        this.decisions.set(decision.taskId, decision);
        return 'recorded' as const;
      },
      {
        validator: (decision: TaskDecisionUpdate) => {
          // The task is in the clerk's list as soon as the activity stored it, a moment before
          // the workflow learns its id: a decision for the task being opened is kept meanwhile.
          const beingOpened =
            !this.decisions.has(decision.taskId) &&
            this.opening.has(`${decision.stepId ?? ''}#${decision.round ?? 0}`);
          if (!this.isOpen(decision.taskId) && !beingOpened) {
            throw new Error(`task ${decision.taskId} is not open on this application`);
          }
          // Its assignee may be changing: decided by whoever holds it once that is recorded.
          if (this.reassigning.has(decision.taskId)) {
            throw new Error(`task ${decision.taskId} is being reassigned; try again`);
          }
        },
      },
    );
    setHandler(
      escalateTask,
      async (request) => {
        this.escalations.set(request.taskId, request);
        // The waiting step escalates it (see awaitDecision); answered once that is recorded.
        await condition(() => this.escalated.has(request.taskId) || !this.open.has(request.taskId));
        return this.escalated.has(request.taskId) ? ('escalated' as const) : ('closed' as const);
      },
      {
        validator: ({ taskId }: EscalateTaskUpdate) => {
          if (!this.isOpen(taskId)) throw new Error(`task ${taskId} is not open on this application`);
          if (this.escalations.has(taskId)) throw new Error(`task ${taskId} is already escalated`);
        },
      },
    );
    setHandler(
      reassignTask,
      async ({ taskId, to }) => {
        this.reassigning.add(taskId);
        try {
          const { reassigned } = await tasks.reassignHumanTask({
            taskId,
            assignee: to === 'queue' ? null : to,
          });
          return reassigned ? ('reassigned' as const) : ('closed' as const);
        } finally {
          this.reassigning.delete(taskId);
        }
      },
      {
        validator: ({ taskId }: ReassignTaskUpdate) => {
          if (!this.isOpen(taskId)) throw new Error(`task ${taskId} is not open on this application`);
          if (this.reassigning.has(taskId)) throw new Error(`task ${taskId} is already being reassigned`);
        },
      },
    );
  }

  /** A step waits on the task and it is not decided. */
  private isOpen(taskId: string): boolean {
    return this.open.has(taskId) && !this.decisions.has(taskId);
  }

  async decide(step: StepDefinition, input: Record<string, unknown>): Promise<WorkListResult> {
    let supplement: Record<string, string> | undefined;
    for (let round = 1; ; round += 1) {
      const decision = await this.awaitDecision(step, input, round, supplement);
      if (decision.decision === 'approve') return { status: 'completed', outputs: decision.outputs ?? {} };
      if (decision.decision === 'reject') {
        return {
          status: 'rejected',
          error: { code: stepErrorCodes.departmentRejected, message: decision.reason ?? 'rejected' },
        };
      }
      supplement = await this.askApplicant(step, decision.missing ?? []);
      if (!supplement) {
        return {
          status: 'rejected',
          error: { code: stepErrorCodes.supplementNotProvided, message: 'supplement not provided' },
        };
      }
    }
  }

  private async awaitDecision(
    step: StepDefinition,
    input: Record<string, unknown>,
    round: number,
    supplement: Record<string, string> | undefined,
  ): Promise<TaskDecisionUpdate> {
    const opening = `${step.id}#${round}`;
    this.opening.add(opening);
    const { taskId, dueAt } = await tasks
      .openHumanTask({
        applicationId: this.applicationId,
        stepId: step.id,
        department: step.department,
        service: step.service,
        kind: step.taskKind ?? 'review',
        round,
        input,
        ...(supplement ? { supplement } : {}),
        timeLimitWorkingDays: step.timeLimitWorkingDays,
        title: `waiting for ${step.department} ${step.taskKind === 'video-verification' ? 'video verification' : 'review'}`,
      })
      .finally(() => this.opening.delete(opening));
    this.open.set(taskId, step.id);
    try {
      const untilDue = Math.max(0, Date.parse(dueAt) - Date.now());
      const decided = () => this.decisions.has(taskId);
      // Escalated once: when the due time passes, or earlier when an operator asks (escalateTask).
      // Histories recorded before operators could ask take the same commands: the timer, then
      // the decision or the escalation.
      const answered = await condition(() => decided() || this.escalations.has(taskId), untilDue);
      if (!answered || !decided()) {
        const asked = this.escalations.get(taskId);
        this.escalations.set(taskId, asked ?? 'overdue');
        await tasks.escalateHumanTask(
          asked === undefined || asked === 'overdue' ? { taskId } : { taskId, operator: asked.operator },
        );
        this.escalated.add(taskId);
        await condition(decided);
      }
      return this.decisions.get(taskId) as TaskDecisionUpdate;
    } catch (err) {
      // Withdrawn while the task was open: take it off the clerks' lists, then end as cancelled.
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() =>
          tasks.closeHumanTask({ taskId, reason: 'the application was withdrawn' }),
        );
      }
      throw err;
    } finally {
      this.open.delete(taskId);
    }
  }

  /** Asks the applicant for what is missing; the answers, or undefined when the deadline passed. */
  private async askApplicant(
    step: StepDefinition,
    missing: string[],
  ): Promise<Record<string, string> | undefined> {
    this.supplements.ask(step.id, missing);
    this.projection.push({
      step: {
        stepId: step.id,
        status: 'waiting',
        waiting: {
          reason: 'applicant-supplement',
          message: `waiting for the applicant's supplementary materials: ${missing.join(', ')}`,
          missing,
        },
      },
    });
    this.projection.push({ application: { status: 'waiting' } });
    await tasks.pauseApplicationClock({ applicationId: this.applicationId, at: new Date().toISOString() });
    try {
      const deadline = durationMs(step.supplementDeadline ?? '10d');
      const answered = await condition(() => this.supplements.answered(step.id), deadline);
      return answered ? this.supplements.answersOf(step.id) : undefined;
    } finally {
      this.supplements.close(step.id);
      await tasks.resumeApplicationClock({ applicationId: this.applicationId, at: new Date().toISOString() });
      this.projection.push({ application: { status: 'running' } });
    }
  }
}
