import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  CallDepartmentResult,
  OpenTaskInput,
  OpenTaskResult,
  PollDepartmentResult,
} from '../../activities/types.js';
import type { BundlePlan, StepDefinition } from '../../schemas/bundle.js';
import type { BundleOutcome, BundleWorkflowInput } from '../../schemas/workflow.js';
import { currentWorkflowFeatures } from '../../workflows/features.js';
import { submitSupplement, taskDecision } from '../../workflows/messages.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';
import { historyFigures, historyLimits } from './history.js';
import { recordFaultResult } from './results.js';

// R8, history growth, on Temporal's time-skipping test server: days pass in milliseconds, so a
// month of polling and twenty supplement rounds run as they would in production, with stubs for
// the department and the work list. Each history must stay under a tenth of Temporal's limits.

const taskQueue = `r8-history-${randomUUID()}`;
const hour = 60 * 60 * 1000;
const day = 24 * hour;

/** When the slow department decides, in the test server's time; polls before it are pending. */
let decidesAt = Number.POSITIVE_INFINITY;
let polls = 0;
/** When a poll first found the case decided, in the test server's time. */
let decisionSeenAt: number | undefined;
/** The work list's calls, by name and round, for the test to wait on. */
const opened: OpenTaskInput[] = [];
const clockPauses: string[] = [];

const stubs = {
  async callDepartment(): Promise<CallDepartmentResult> {
    return { accepted: true, receiptNumber: 'RCPT-SLOW-1', pollable: true };
  },
  async pollDepartment(): Promise<PollDepartmentResult> {
    polls += 1;
    const now = await timeSkipping.env().currentTimeMs();
    if (now < decidesAt) return { pending: true };
    decisionSeenAt ??= now;
    return { pending: false, outputs: { citizenIdNumber: '330106202611200013', householdPage: 'HB-1' } };
  },
  async compensateDepartment() {},
  async recordTransitions() {},
  async openHumanTask(input: OpenTaskInput): Promise<OpenTaskResult> {
    opened.push(input);
    const now = await timeSkipping.env().currentTimeMs();
    return { taskId: `${input.stepId}-${input.round}`, dueAt: new Date(now + day).toISOString() };
  },
  async escalateHumanTask() {},
  async closeHumanTask() {},
  async reassignHumanTask() {
    return { reassigned: true };
  },
  async pauseApplicationClock({ at }: { at: string }) {
    clockPauses.push(at);
  },
  async resumeApplicationClock() {},
};
const timeSkipping = timeSkippingWorkerPerTest(taskQueue, stubs);

const baseStep = {
  title: { zh: '出生登记', en: 'Birth and household registration' },
  after: [],
  input: { babyName: 'form.baby.name' },
  callTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 0 },
  timeLimitWorkingDays: 1,
} satisfies Partial<StepDefinition>;

function start(step: StepDefinition) {
  const plan: BundlePlan = { bundleId: 'newborn', version: 1, steps: [step] };
  const input: BundleWorkflowInput = {
    applicationId: randomUUID(),
    plan,
    applicant: { name: '李娜' },
    form: { baby: { name: '王小明' } },
    features: currentWorkflowFeatures,
  };
  return timeSkipping.env().client.workflow.start('newborn', {
    workflowId: `r8-${input.applicationId}`,
    taskQueue,
    args: [input],
  });
}

/** Waits (bounded, on the wall clock's events, not sleeping on it) until `seen` holds. */
async function until(what: string, seen: () => boolean) {
  const deadline = Date.now() + 20_000;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const share = (value: number, limit: number) => Math.round((value / limit) * 10_000) / 100;

describe('R8: history growth (time skipping)', () => {
  it('stays under a tenth of the limits while polling a slow department for 30 days', async () => {
    polls = 0;
    decisionSeenAt = undefined;
    const began = await timeSkipping.env().currentTimeMs();
    decidesAt = began + 30 * day;
    // The defaults: first poll after 30 s, doubling up to an hour.
    const handle = await start({
      ...baseStep,
      id: 'householdRegistration',
      department: 'police',
      service: 'birth-registration',
    });
    const outcome: BundleOutcome = await handle.result();
    const figures = await historyFigures(handle);

    const invariants = {
      completed: outcome.status === 'completed',
      eventsUnderTenthOfLimit: figures.events < historyLimits.events / 10,
      bytesUnderTenthOfLimit: figures.bytes < historyLimits.bytes / 10,
    };
    await recordFaultResult({
      id: 'R8',
      scenario: 'one application polling a slow department for 30 simulated days',
      figures: {
        waitedDays: 30,
        polls,
        // What the spacing costs: how long after the department decided a poll found out.
        decisionNoticedAfterHours: Math.round(((decisionSeenAt ?? Number.NaN) - decidesAt) / hour),
        historyEvents: figures.events,
        historyBytes: figures.bytes,
        eventsPercentOfLimit: share(figures.events, historyLimits.events),
        bytesPercentOfLimit: share(figures.bytes, historyLimits.bytes),
      },
      invariants,
    });
    expect(decisionSeenAt).toBeGreaterThanOrEqual(decidesAt);
    expect(invariants).toEqual({
      completed: true,
      eventsUnderTenthOfLimit: true,
      bytesUnderTenthOfLimit: true,
    });
  });

  it('stays under a tenth of the limits through 20 supplement rounds', async () => {
    opened.length = 0;
    clockPauses.length = 0;
    const rounds = 20;
    const began = await timeSkipping.env().currentTimeMs();
    const handle = await start({
      ...baseStep,
      id: 'birthCertificate',
      department: 'health',
      service: 'birth-certificate',
      decidedBy: 'worklist',
      taskKind: 'review',
      supplementDeadline: '10d',
    });
    for (let round = 1; round <= rounds + 1; round += 1) {
      await until(`task round ${round}`, () => opened.some((t) => t.round === round));
      // The clerk takes two days (past the task's one-day due time, so it is escalated too).
      await timeSkipping.env().sleep(2 * day);
      const decision = {
        taskId: `birthCertificate-${round}`,
        stepId: 'birthCertificate',
        round,
        decidedBy: 'clerk',
      };
      if (round > rounds) {
        await handle.executeUpdate(taskDecision, {
          args: [{ ...decision, decision: 'approve', outputs: { certificateNumber: 'Y1' } }],
        });
        break;
      }
      await handle.executeUpdate(taskDecision, {
        args: [
          {
            ...decision,
            decision: 'request-supplement',
            missing: ['delivery record', 'parents’ marriage certificate'],
          },
        ],
      });
      // The applicant answers after three days, well within the ten-day deadline.
      await until(`the clock stopped in round ${round}`, () => clockPauses.length === round);
      await timeSkipping.env().sleep(3 * day);
      await handle.executeUpdate(submitSupplement, {
        args: [
          { answers: { 'delivery record': `DR-${round}`, 'parents’ marriage certificate': `J-${round}` } },
        ],
      });
    }
    // Read before awaiting the result: with nothing left to wait for, the test server may skip on.
    const elapsedDays = ((await timeSkipping.env().currentTimeMs()) - began) / day;
    const outcome: BundleOutcome = await handle.result();
    const figures = await historyFigures(handle);

    const invariants = {
      completed: outcome.status === 'completed',
      eventsUnderTenthOfLimit: figures.events < historyLimits.events / 10,
      bytesUnderTenthOfLimit: figures.bytes < historyLimits.bytes / 10,
    };
    await recordFaultResult({
      id: 'R8',
      scenario: 'one application through 20 supplement rounds (clerk 2 days, escalated; applicant 3 days)',
      figures: {
        simulatedDays: Math.round(elapsedDays * 10) / 10,
        rounds,
        tasksOpened: opened.length,
        historyEvents: figures.events,
        historyBytes: figures.bytes,
        eventsPercentOfLimit: share(figures.events, historyLimits.events),
        bytesPercentOfLimit: share(figures.bytes, historyLimits.bytes),
      },
      invariants,
    });
    expect(opened).toHaveLength(rounds + 1);
    expect(invariants).toEqual({
      completed: true,
      eventsUnderTenthOfLimit: true,
      bytesUnderTenthOfLimit: true,
    });
  });
});
