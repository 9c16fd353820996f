import type { Transition } from '../schemas/workflow.js';

type Distribute<T> = T extends unknown ? Omit<T, 'key' | 'at'> : never;
/** A transition before the queue keys and timestamps it. */
export type TransitionInput = Distribute<Transition>;

/**
 * Sends the workflow's own transitions (skips, failures, the final status) to the read model in
 * the order they happened. One drain loop writes them, batched while a write is in flight, so
 * none overtakes another and none is lost: the write activity retries until it succeeds, and
 * `flush()` waits for all of them. Keys are deterministic, so a replayed write is a no-op.
 */
export class ProjectionQueue {
  private count = 0;
  private pending: Transition[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly write: (batch: Transition[]) => Promise<void>) {}

  push(transition: TransitionInput): void {
    this.count += 1;
    this.pending.push({ ...transition, key: `workflow:${this.count}`, at: new Date().toISOString() });
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
