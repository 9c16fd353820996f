import { z } from 'zod';

const count = z.coerce.number().int().positive();
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const flag = z.enum(['0', '1']);

/** Every setting of `npm run bench`, documented in BENCHMARKS.md ("Reproduce"). */
const benchEnvSchema = z.object({
  /** Applications per end-to-end round, of each kind. */
  BENCH_E2E_APPLICATIONS: count.default(150),
  /** Applications the portal has in flight at once. */
  BENCH_E2E_IN_FLIGHT: count.default(30),
  /** 1: also follow applications by their event stream (SSE), as a third kind. */
  BENCH_E2E_SSE: flag.default('1'),
  /** 1: PostgreSQL preloads pg_stat_statements and the report lists each end-to-end round's statements. */
  BENCH_PG_STATEMENTS: flag.default('0'),
  /** 1: the API and worker processes write V8 CPU profiles to .data/bench/profiles. */
  BENCH_PROFILE: flag.default('0'),
  /** Workflows per worker-level round, of each kind. */
  BENCH_WORKFLOWS: count.default(200),
  /** Measured rounds of each kind; at least 3 so a median means something. */
  BENCH_ROUNDS: count.min(3).default(5),
  /** Workflows in the discarded warm-up round of each kind; default a full round (50 left round 1 slow). */
  BENCH_WARMUP_WORKFLOWS: count.optional(),
  /** 1: also run the diagnostic kinds that split the engine's overhead into its parts. */
  BENCH_DIAGNOSE: flag.default('0'),
  /** Read requests per round, and in flight. */
  BENCH_REQUESTS: count.default(5000),
  BENCH_CONCURRENCY: count.default(32),
  /** Seconds of each round at half the read API's ceiling. */
  BENCH_HALF_LOAD_SECONDS: count.default(10),
  BENCH_ROUND_TIMEOUT_MS: count.default(120_000),
  /** `npm run bench -- open`: newborn applications left waiting on a clerk (issue 14, point 5). */
  BENCH_OPEN_APPLICATIONS: count.default(10_000),
  /** `npm run bench -- soak` (R10): minutes at a steady rate, applications a second, minutes between samples. */
  BENCH_SOAK_MINUTES: count.default(60),
  BENCH_SOAK_RATE: z.coerce.number().positive().default(2),
  BENCH_SOAK_SAMPLE_MINUTES: count.default(10),
  TEMPORAL_ADDRESS: optional,
  DATABASE_URL: optional,
  TEMPORAL_CLI_PATH: z.string().default('.venv/bin/temporal'),
});

export type BenchEnv = z.infer<typeof benchEnvSchema>;

export function benchEnv(env: NodeJS.ProcessEnv): BenchEnv {
  return benchEnvSchema.parse(env);
}
