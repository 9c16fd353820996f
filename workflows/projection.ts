import type { Transition } from '../schemas/workflow.js';

type Distribute<T> = T extends unknown ? Omit<T, 'seq' | 'at'> : never;
/** A transition before the queue numbers and timestamps it. */
export type TransitionInput = Distribute<Transition>;

/**
 * Sends state transitions to the read model in the order they happened.
 *
 * Transitions are numbered in workflow order and written by one drain loop, batched while a
 * write is in flight, so parallel steps never reorder each other's writes and none is lost:
 * the write activity retries until it succeeds, and `flush()` waits for all of them.
 */
export class ProjectionQueue {
  private seq = 0;
  private pending: Transition[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly write: (batch: Transition[]) => Promise<void>) {}

  push(transition: TransitionInput): void {
    this.seq += 1;
    this.pending.push({ ...transition, seq: this.seq, at: new Date().toISOString() });
    this.draining ??= this.drain();
  }

  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await this.write(batch);
    }
    this.draining = undefined;
  }
}
