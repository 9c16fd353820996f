import { describe, expect, it } from 'vitest';
import type { Transition } from '../../schemas/workflow.js';
import { ProjectionQueue } from '../../workflows/projection.js';
import type { TransitionInput } from '../../workflows/projection.js';

/** One call of the write function, held open until the test resolves it. */
interface HeldWrite {
  batch: Transition[];
  resolve: () => void;
}

/**
 * A write function whose calls stay in flight until the test resolves them, so the test decides
 * exactly when each write ends. It records how many writes were ever in flight at once.
 */
function heldWrites() {
  const calls: HeldWrite[] = [];
  const waiting: ((call: HeldWrite) => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = (batch: Transition[]): Promise<void> =>
    new Promise<void>((resolve) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const call: HeldWrite = {
        batch,
        resolve: () => {
          inFlight -= 1;
          resolve();
        },
      };
      calls.push(call);
      waiting.shift()?.(call);
    });
  return {
    write,
    calls,
    maxInFlight: () => maxInFlight,
    /** The `n`th write (0-based), once it has been called. */
    call: (n: number): Promise<HeldWrite> => {
      const made = calls[n];
      if (made) return Promise.resolve(made);
      if (n !== calls.length + waiting.length) throw new Error(`wait for write ${n - 1} first`);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Lets every pending promise callback run (one macrotask turn; no wall-clock wait). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const step = (stepId: string, status: 'running' | 'completed'): TransitionInput => ({
  step: { stepId, status },
});

// The queue numbers its transitions in its keys: `workflow:<n>`.
const seqs = (batch: Transition[]) => batch.map((t) => Number(t.key.split(':')[1]));

describe('ProjectionQueue', () => {
  it('numbers transitions 1..n in the order they were pushed and timestamps them', async () => {
    const written: Transition[] = [];
    const queue = new ProjectionQueue(async (batch) => {
      written.push(...batch);
    });

    queue.push({ application: { status: 'running' } });
    queue.push(step('birthCertificate', 'running'));
    queue.push(step('vaccination', 'running'));
    queue.push(step('vaccination', 'completed'));
    await queue.flush();

    expect(written).toEqual([
      { key: 'workflow:1', at: expect.any(String), application: { status: 'running' } },
      { key: 'workflow:2', at: expect.any(String), step: { stepId: 'birthCertificate', status: 'running' } },
      { key: 'workflow:3', at: expect.any(String), step: { stepId: 'vaccination', status: 'running' } },
      { key: 'workflow:4', at: expect.any(String), step: { stepId: 'vaccination', status: 'completed' } },
    ]);
    for (const t of written) expect(new Date(t.at).toISOString()).toBe(t.at);
  });

  it('writes the first transition at once and batches the ones pushed while it is in flight', async () => {
    const writes = heldWrites();
    const queue = new ProjectionQueue(writes.write);

    queue.push(step('birthCertificate', 'running'));
    const first = await writes.call(0);
    expect(seqs(first.batch)).toEqual([1]);

    queue.push(step('vaccination', 'running'));
    queue.push(step('birthCertificate', 'completed'));
    queue.push(step('vaccination', 'completed'));
    await settle();
    expect(writes.calls).toHaveLength(1);

    first.resolve();
    const second = await writes.call(1);
    expect(seqs(second.batch)).toEqual([2, 3, 4]);
    second.resolve();
    await queue.flush();
    expect(writes.calls).toHaveLength(2);
  });

  it('never starts a write while another is in flight', async () => {
    const writes = heldWrites();
    const queue = new ProjectionQueue(writes.write);

    queue.push(step('birthCertificate', 'running'));
    for (let n = 0; n < 4; n += 1) {
      const held = await writes.call(n);
      queue.push(step(`step${n}`, 'running'));
      queue.push(step(`step${n}`, 'completed'));
      await settle();
      expect(writes.calls).toHaveLength(n + 1);
      held.resolve();
    }
    (await writes.call(4)).resolve();
    await queue.flush();

    expect(writes.maxInFlight()).toBe(1);
    expect(writes.calls.map((c) => seqs(c.batch))).toEqual([[1], [2, 3], [4, 5], [6, 7], [8, 9]]);
  });

  it('flush waits for every write, including pushes made while a write was in flight', async () => {
    const writes = heldWrites();
    const queue = new ProjectionQueue(writes.write);
    let flushed = false;

    queue.push(step('birthCertificate', 'running'));
    const first = await writes.call(0);
    const flushing = queue.flush().then(() => {
      flushed = true;
    });
    queue.push(step('birthCertificate', 'completed'));
    first.resolve();

    const second = await writes.call(1);
    await settle();
    expect(flushed).toBe(false);
    // A push after flush() was called, while the second write is in flight, is waited for too.
    queue.push(step('vaccination', 'running'));
    second.resolve();

    const third = await writes.call(2);
    await settle();
    expect(flushed).toBe(false);
    third.resolve();
    await flushing;

    expect(flushed).toBe(true);
    expect(writes.calls.map((c) => seqs(c.batch))).toEqual([[1], [2], [3]]);
  });

  it('starts draining again after it went idle, continuing the numbering', async () => {
    const writes = heldWrites();
    const queue = new ProjectionQueue(writes.write);

    queue.push(step('birthCertificate', 'running'));
    (await writes.call(0)).resolve();
    await queue.flush();
    queue.push(step('birthCertificate', 'completed'));
    const second = await writes.call(1);

    expect(seqs(second.batch)).toEqual([2]);
    second.resolve();
    await queue.flush();
    expect(writes.calls).toHaveLength(2);
  });

  it('flush resolves at once when nothing was pushed', async () => {
    const writes = heldWrites();
    const queue = new ProjectionQueue(writes.write);

    await queue.flush();

    expect(writes.calls).toHaveLength(0);
  });
});
