import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { HumanTaskActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import { durationMs } from './durations.js';
import { submitSupplement, taskDecision } from './messages.js';
import type { TaskDecisionUpdate } from './messages.js';
import type { ProjectionQueue } from './projection.js';

const tasks = proxyActivities<HumanTaskActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export type WorkListResult =
  { status: 'completed'; outputs: Record<string, unknown> } | { status: 'rejected'; error: StepError };

/**
 * Steps decided by a person in Onething's work list: a task per round, a durable wait for the
 * clerk's decision (escalated to the supervisor queue once overdue, never dropped), and the
 * supplement loop (补正): the applicant answers what the clerk listed, or the step is rejected
 * when the deadline passes. The clock stops while the applicant is asked.
 */
export class WorkList {
  private readonly decisions = new Map<string, TaskDecisionUpdate>();
  /** Open tasks: task id → step id. */
  private readonly open = new Map<string, string>();
  /** Steps waiting for supplementary materials: step id → the items missing. */
  private readonly asked = new Map<string, string[]>();
  private readonly answers = new Map<string, Record<string, string>>();

  constructor(
    private readonly applicationId: string,
    private readonly projection: ProjectionQueue,
  ) {
    setHandler(
      taskDecision,
      (decision) => {
        this.decisions.set(decision.taskId, decision);
        return 'recorded' as const;
      },
      {
        validator: (decision: TaskDecisionUpdate) => {
          if (!this.open.has(decision.taskId) || this.decisions.has(decision.taskId)) {
            throw new Error(`task ${decision.taskId} is not open on this application`);
          }
        },
      },
    );
    setHandler(
      submitSupplement,
      ({ answers }) => {
        const [stepId] = this.pendingRequest() ?? [];
        if (stepId !== undefined) this.answers.set(stepId, answers);
        return 'accepted' as const;
      },
      {
        validator: ({ answers }: { answers: Record<string, string> }) => {
          const pending = this.pendingRequest();
          if (!pending) throw new Error('no supplementary materials are pending');
          const [, missing] = pending;
          const unanswered = missing.filter((item) => !answers[item]?.trim());
          if (unanswered.length > 0) throw new Error(`the answers do not cover: ${unanswered.join(', ')}`);
          const extra = Object.keys(answers).filter((item) => !missing.includes(item));
          if (extra.length > 0) throw new Error(`not asked for: ${extra.join(', ')}`);
        },
      },
    );
  }

  private pendingRequest(): [string, string[]] | undefined {
    for (const [stepId, missing] of this.asked) if (!this.answers.has(stepId)) return [stepId, missing];
    return undefined;
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
    const { taskId, dueAt } = await tasks.openHumanTask({
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
    });
    this.open.set(taskId, step.id);
    try {
      const untilDue = Math.max(0, Date.parse(dueAt) - Date.now());
      if (!(await condition(() => this.decisions.has(taskId), untilDue))) {
        await tasks.escalateHumanTask({ taskId });
        await condition(() => this.decisions.has(taskId));
      }
      return this.decisions.get(taskId) as TaskDecisionUpdate;
    } finally {
      this.open.delete(taskId);
    }
  }

  /** Asks the applicant for what is missing; the answers, or undefined when the deadline passed. */
  private async askApplicant(
    step: StepDefinition,
    missing: string[],
  ): Promise<Record<string, string> | undefined> {
    this.asked.set(step.id, missing);
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
      const answered = await condition(() => this.answers.has(step.id), deadline);
      return answered ? this.answers.get(step.id) : undefined;
    } finally {
      this.asked.delete(step.id);
      this.answers.delete(step.id);
      await tasks.resumeApplicationClock({ applicationId: this.applicationId, at: new Date().toISOString() });
      this.projection.push({ application: { status: 'running' } });
    }
  }
}
