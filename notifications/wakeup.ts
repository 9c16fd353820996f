/**
 * Lets a loop sleep until something happens: `wait` resolves on the next `wake`, after `ms`, or
 * when `signal` aborts. A wake while nobody waits is kept, so a wake-up is never lost between
 * checking for work and going to sleep.
 */
export class Wakeup {
  private pending = false;
  private resolveWait: (() => void) | undefined;

  wake(): void {
    if (this.resolveWait) this.resolveWait();
    else this.pending = true;
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.resolveWait = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.resolveWait = done;
    });
  }
}
