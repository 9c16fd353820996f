import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  BulkActionActivities,
  BulkRepairOutcome,
  CancelBulkRepairSignal,
} from '../../activities/types.js';
import { cancelBulkRepair } from '../../workflows/bulk-repair-contract.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// The bulkRepair workflow alone, on Temporal's time-skipping test server: its throttle timers pass
// at once, so a job long enough to continue as new runs in seconds. The activities are stubs that
// hand out a number of pending items.
const taskQueue = `bulk-repair-${randomUUID()}`;

let pending = 0;
const batches: number[] = [];
let finished: Array<{ bulkActionId: string; cancel?: CancelBulkRepairSignal }> = [];
const stubs: BulkActionActivities = {
  async repairBulkItems({ limit }) {
    const handled = Math.min(limit, pending);
    pending -= handled;
    batches.push(handled);
    return { handled, pending, cancelRequested: false };
  },
  async finishBulkAction(input) {
    finished.push(input);
    return { state: input.cancel && pending > 0 ? 'cancelled' : 'completed' };
  },
};

// A fresh test server per test: time skipped in one test must not shift the next one's clock.
const timeSkipping = timeSkippingWorkerPerTest(taskQueue, stubs);
beforeEach(() => {
  batches.length = 0;
  finished = [];
});

const start = (ratePerSecond: number) =>
  timeSkipping.env().client.workflow.start('bulkRepair', {
    workflowId: `bulk-action-${randomUUID()}`,
    taskQueue,
    args: [{ bulkActionId: randomUUID(), ratePerSecond }],
  });

describe('bulkRepair workflow (time skipping)', () => {
  it('works in batches of the rate, a second apart, and continues as new to keep its history small', async () => {
    pending = 2 * 210 + 1;
    const handle = await start(2);
    const outcome: BulkRepairOutcome = await handle.result();
    expect(outcome).toEqual({ state: 'completed' });
    expect(batches).toHaveLength(211);
    expect(batches.slice(0, -1).every((n) => n === 2)).toBe(true);
    expect(finished).toHaveLength(1);

    // The first run stopped after 100 batches; each waited a full second on a timer before the next.
    const history = await timeSkipping
      .env()
      .client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId)
      .fetchHistory();
    const events = history.events ?? [];
    expect(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    const timers = events.flatMap((e) =>
      e.timerStartedEventAttributes ? [e.timerStartedEventAttributes] : [],
    );
    expect(timers).toHaveLength(100);
    for (const timer of timers) expect(Number(timer.startToFireTimeout?.seconds)).toBe(1);
    expect(events.length).toBeLessThan(1500);
  }, 120_000);

  it('stops when signalled to cancel, passing who and why to the end of the job', async () => {
    pending = 1_000_000;
    const handle = await start(50);
    const deadline = Date.now() + 20_000;
    while (batches.length < 3) {
      if (Date.now() > deadline) throw new Error('no batch ran');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await handle.signal(cancelBulkRepair, { reason: 'police down again', by: 'operator ops (key_1)' });
    const outcome: BulkRepairOutcome = await handle.result();
    expect(outcome).toEqual({ state: 'cancelled' });
    expect(finished).toEqual([
      expect.objectContaining({ cancel: { reason: 'police down again', by: 'operator ops (key_1)' } }),
    ]);
  }, 60_000);
});
