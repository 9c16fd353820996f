/**
 * Loaded into a process the benchmark spawns (`node --import tsx --import ./bench/memory-probe.mjs
 * scripts/worker.ts`): prints its memory as a `bench-memory {…}` line every
 * BENCH_MEMORY_PROBE_MS, so the soak can report the heap, which /proc does not show. Nothing of
 * Onething's own code knows of it. Plain JavaScript: the worker's threads load it too, before any
 * TypeScript loader; only the main thread reports.
 */
import { isMainThread } from 'node:worker_threads';

const everyMs = Number(process.env.BENCH_MEMORY_PROBE_MS ?? 0);
if (isMainThread && everyMs > 0) {
  const timer = setInterval(() => {
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    process.stdout.write(
      `bench-memory ${JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external, arrayBuffers })}\n`,
    );
  }, everyMs);
  // The probe must never keep a stopping process alive.
  timer.unref();
}
