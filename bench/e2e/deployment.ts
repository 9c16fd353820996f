import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { createApiKey } from '../../api/auth/api-keys.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import { ensureDevDepartmentSecrets } from '../../departments/configuration.js';
import { freePort } from '../../net/free-port.js';
import { failureConverterPath } from '../../temporal/data-converter.js';
import { workflowInterceptorModules, workflowsPath } from '../../worker.js';
import { startOnethingProcess } from '../../stack/entry-process.js';
import type { OnethingProcess } from '../../stack/entry-process.js';

/** The portal client the end-to-end applications are submitted as. */
export const e2ePortalClient = 'bench-e2e-portal';

/** API, worker and simulator, each its own OS process, as `npm run api|worker|simulator` start them. */
export interface BenchDeployment {
  apiUrl: string;
  simulatorUrl: string;
  /** A portal key of {@link e2ePortalClient}. */
  portalKey: string;
  operatorKey: string;
  /** A clerk's key per department asked for in `clerks`. */
  clerkKeys: Record<string, string>;
  taskQueue: string;
  api: OnethingProcess;
  worker: OnethingProcess;
  simulator: OnethingProcess;
  /** Process id → the name the CPU table shows. */
  labels: ReadonlyMap<number, string>;
  stop(): Promise<void>;
}

export interface BenchDeploymentOptions {
  temporalAddress: string;
  /** A database of its own, committed durably: the read model as production keeps it. */
  databaseUrl: string;
  /** DATA_DIR of the processes (development department secrets) and where their logs go. */
  workDir: string;
  /** Print each process's memory this often (the soak); 0: never. */
  memoryProbeMs?: number;
  /** Node flags for the API and the worker, e.g. `--cpu-prof` to see where their CPU goes. */
  nodeFlags?: string[];
  /** More settings for the API and worker processes (e.g. WORKLIST_OVERRIDES). */
  env?: Record<string, string>;
  /** Departments whose clerks the benchmark acts as (work-list tasks). */
  clerks?: string[];
}

/**
 * A deployment as production runs one, on this machine: `scripts/simulator.ts` (every
 * department, answering at once, verifying Onething's request signatures), `scripts/api.ts` and
 * `scripts/worker.ts`, each its own process, over the benchmark's Temporal server and PostgreSQL.
 * Production settings where they matter for cost: every payload encrypted (ENCRYPTION_KEYS),
 * department calls HMAC-signed, the workflow bundle prebuilt as the image builds it, the default
 * pool size and log level. NODE_ENV stays `development` only because production refuses the
 * simulator's unsigned default and the stub video provider; nothing on an application's path differs.
 */
export async function startBenchDeployment(options: BenchDeploymentOptions): Promise<BenchDeployment> {
  const { workDir } = options;
  await mkdir(workDir, { recursive: true });
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const setup = createPool(options.databaseUrl, 2);
    let portalKey: string;
    let operatorKey: string;
    const clerkKeys: Record<string, string> = {};
    try {
      await migrate(setup);
      portalKey = (
        await createApiKey(setup, { name: 'bench portal', role: 'portal', scope: e2ePortalClient })
      ).secret;
      operatorKey = (await createApiKey(setup, { name: 'bench operator', role: 'operator', scope: null }))
        .secret;
      for (const department of options.clerks ?? []) {
        const key = { name: `bench ${department} clerk`, role: 'clerk' as const, scope: department };
        clerkKeys[department] = (await createApiKey(setup, key)).secret;
      }
    } finally {
      await setup.end();
    }
    // Written before any process starts, so all three sign and verify with the same secrets.
    const departmentKeys = Object.fromEntries(await ensureDevDepartmentSecrets(workDir));
    const bundlePath = join(workDir, 'workflow-bundle.js');
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules,
      failureConverterPath,
      logger: new DefaultLogger('WARN'),
    });
    await writeFile(bundlePath, bundle.code);

    const [apiPort, healthPort, simulatorPort] = [await freePort(), await freePort(), await freePort()];
    const taskQueue = `bench-e2e-${randomUUID()}`;
    const keyId = 'bench';
    const common: Record<string, string> = {
      NODE_ENV: 'development',
      DATA_DIR: workDir,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: options.databaseUrl,
      DEPARTMENTS_URL: `http://127.0.0.1:${simulatorPort}`,
      SIMULATOR_PORT: String(simulatorPort),
      API_PORT: String(apiPort),
      WORKER_HEALTH_PORT: String(healthPort),
      ENCRYPTION_KEYS: `${keyId}:${randomBytes(32).toString('base64')}`,
      ENCRYPTION_KEY_ID: keyId,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      // One portal key submits and polls for 30 applications at once: far past the per-key default.
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...(options.memoryProbeMs ? { BENCH_MEMORY_PROBE_MS: String(options.memoryProbeMs) } : {}),
    };
    const probe = options.memoryProbeMs ? ['./bench/memory-probe.mjs'] : [];
    const log = (name: string) => join(workDir, `${name}.log`);
    const simulator = await startOnethingProcess({
      script: 'scripts/simulator.ts',
      env: common,
      readyLine: 'Department simulator listening',
      logFile: log('simulator'),
    });
    stops.push(() => simulator.stop());
    const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
    // Departments check that each call is Onething's, as real ones do.
    const configured = await fetch(`${simulatorUrl}/admin/callbacks`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        baseUrl: `http://127.0.0.1:${apiPort}`,
        keys: departmentKeys,
        verifyRequests: true,
      }),
    });
    if (!configured.ok) throw new Error(`the simulator refused its keys: ${configured.status}`);

    const roleEnv = { ...common, ...options.env };
    const started = await Promise.allSettled([
      startOnethingProcess({
        script: 'scripts/api.ts',
        env: roleEnv,
        imports: probe,
        keepLinesStartingWith: 'bench-',
        ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
        readyLine: 'Onething API listening',
        logFile: log('api'),
      }),
      startOnethingProcess({
        script: 'scripts/worker.ts',
        env: roleEnv,
        imports: probe,
        keepLinesStartingWith: 'bench-',
        ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
        readyLine: 'Onething worker running',
        logFile: log('worker'),
      }),
    ]);
    // Stopped in reverse: the API first, so nothing new reaches the worker while it drains.
    for (const s of [...started].reverse()) if (s.status === 'fulfilled') stops.push(() => s.value.stop());
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [api, worker] = started.map((s) => (s as PromiseFulfilledResult<OnethingProcess>).value) as [
      OnethingProcess,
      OnethingProcess,
    ];
    return {
      apiUrl: `http://127.0.0.1:${apiPort}`,
      simulatorUrl,
      portalKey,
      operatorKey,
      clerkKeys,
      taskQueue,
      api,
      worker,
      simulator,
      labels: new Map([
        [api.pid, 'api'],
        [worker.pid, 'worker'],
        [simulator.pid, 'simulator'],
      ]),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
