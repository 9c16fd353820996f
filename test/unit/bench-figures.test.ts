import { describe, expect, it } from 'vitest';
import { benchEnv } from '../../bench/env.js';
import { memoryAt, windowsOf } from '../../bench/soak/figures.js';
import type { MemorySample, SoakApplication } from '../../bench/soak/figures.js';
import { mapBounded, quantile, spreadOf } from '../../bench/stats.js';

// The benchmark's figures are only as honest as these helpers: a median of rounds with its
// spread, and the soak's windows by submission time.
describe('bench figures', () => {
  it('takes nearest-rank quantiles and a spread that ignores rounds with no figure', () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
    expect(spreadOf([0.42, Number.NaN, 0.37, 0.43])).toEqual({ median: 0.42, min: 0.37, max: 0.43 });
    expect(spreadOf([Number.NaN]).median).toBeNaN();
  });

  it('runs at most `limit` tasks at once and keeps results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await Promise.resolve();
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('puts each soak application in the window it was submitted in, the last one closed', () => {
    const app = (minute: number, ms: number): SoakApplication => ({
      submittedAtMs: minute * 60_000,
      ms,
      submitMs: ms / 10,
      status: 'completed',
    });
    const windows = windowsOf([app(0, 100), app(9.9, 300), app(10, 200), app(20, 400)], 10, 20);
    expect(windows.map((w) => [w.startMinute, w.endMinute, w.applications])).toEqual([
      [0, 10, 2],
      [10, 20, 2],
    ]);
    expect(windows[1]?.endToEndMs).toEqual({ p50: 200, p99: 400, max: 400 });
  });

  it('finds the memory sample nearest a moment', () => {
    const sample = (at: number): MemorySample => ({
      at,
      rss: at,
      heapUsed: 0,
      heapTotal: 0,
      external: 0,
      arrayBuffers: 0,
    });
    expect(memoryAt([sample(0), sample(10_000), sample(20_000)], 12_000)?.at).toBe(10_000);
    expect(memoryAt([], 1)).toBeUndefined();
  });

  it('parses its settings once, with the documented defaults, and refuses fewer than 3 rounds', () => {
    const env = benchEnv({});
    expect(env.BENCH_E2E_APPLICATIONS).toBe(150);
    expect(env.BENCH_E2E_IN_FLIGHT).toBe(30);
    expect(env.BENCH_OPEN_APPLICATIONS).toBe(10_000);
    expect(env.BENCH_SOAK_MINUTES).toBe(60);
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
    expect(() => benchEnv({ BENCH_ROUNDS: '2' })).toThrow();
  });
});
