import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApiKey, parseRole } from '../../api/auth/api-keys.js';
import { loadConfig } from '../../config.js';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import type { RunningPostgres } from '../../db/embedded-postgres.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import { DataKeys } from '../../privacy/data-keys.js';
import type { ServiceBehaviour } from '../../departments/simulator/behaviour.js';
import type { LedgerEntry } from '../../departments/simulator/ledger.js';
import type { ApplicationView } from '../../schemas/api.js';
import { dataConverterFor } from '../../temporal/data-converter.js';
import { startTemporalDevServer } from '../../temporal/dev-server.js';
import { builtTemporalServerDir, startTemporalCluster } from '../../temporal/cluster.js';
import { loadKeyring } from '../../temporal/keyring.js';
import { freePort } from '../../net/free-port.js';
import { startOnethingProcess } from '../../stack/entry-process.js';
import type { OnethingProcess } from '../../stack/entry-process.js';

/** An API process of a deployment. */
export interface ApiProcess extends OnethingProcess {
  url: string;
}

/** A worker process of a deployment, with its own health port. */
export interface WorkerProcess extends OnethingProcess {
  healthUrl: string;
}

/** An HTTP answer as a portal sees it. */
export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface DeploymentOptions {
  /** Where every process writes its output; the run's log scan reads it. */
  logDir: string;
  apis?: number;
  workers?: number;
  /** Settings for every Onething process (e.g. DEPARTMENT_TIMEOUT_MS). */
  env?: Record<string, string>;
  /**
   * `dev-server` (default): the Temporal CLI's dev server on SQLite. `cluster`: the real Temporal
   * server (`go.temporal.io/server`, built by scripts/temporal-server.sh) on the deployment's
   * PostgreSQL, as production runs it.
   */
  temporal?: 'dev-server' | 'cluster';
}

/**
 * A production-shaped deployment on this machine, every part its own OS process: the department
 * simulator (it outlives Onething's processes, as departments' systems do), API processes and
 * worker processes started by `npm run api` / `npm run worker`, over a Temporal dev server and a
 * PostgreSQL this harness owns, so a fault test can stop, restart or kill each of them.
 */
export async function startDeployment(options: DeploymentOptions) {
  const dataDir = await mkdtemp(join(tmpdir(), 'onething-deployment-'));
  const logFile = (name: string) => join(options.logDir, `deployment-${name}-${randomUUID()}.log`);
  const closers: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true })];
  const taskQueue = `faults-${randomUUID()}`;

  // PostgreSQL and Temporal: the harness's own, on fixed ports, so a restart is on the same address.
  const postgresPort = await freePort();
  const postgresDir = join(dataDir, 'postgres');
  let postgres: RunningPostgres | undefined;
  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({ dataDir: postgresDir, port: postgresPort });
  };
  await startPostgres();
  closers.push(() => postgres?.stop() ?? Promise.resolve());
  await postgres?.ensureDatabase('onething');
  const databaseUrl = `postgres://postgres:onething-local@127.0.0.1:${postgresPort}/onething`;

  const temporalPort = await freePort();
  const temporalDb = join(dataDir, 'temporal.sqlite');
  let temporalServer: { stop(): Promise<void> } | undefined;
  const startTemporal = async () => {
    temporalServer =
      options.temporal === 'cluster'
        ? await startTemporalCluster({
            binDir: await builtTemporalServerDir(),
            postgres: { host: '127.0.0.1', port: postgresPort, user: 'postgres', password: 'onething-local' },
            frontendPort: temporalPort,
            workDir: join(dataDir, 'temporal-cluster'),
          })
        : await startTemporalDevServer({
            binary: '.venv/bin/temporal',
            port: temporalPort,
            dbFile: temporalDb,
          });
  };
  await startTemporal();
  closers.push(() => temporalServer?.stop() ?? Promise.resolve());
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const namespace = 'default';

  // Keys the portal and the operator use; the API processes would create none (not a dev stack).
  const setupPool = createPool(databaseUrl, 2);
  await migrate(setupPool);
  const keys = {
    portal: (await createApiKey(setupPool, { name: 'fault portal', ...parseRole('portal:fault-portal') }))
      .secret,
    operator: (await createApiKey(setupPool, { name: 'fault operator', ...parseRole('operator') })).secret,
  };
  await setupPool.end();

  const apiPorts: number[] = [];
  for (let i = 0; i < (options.apis ?? 1); i += 1) apiPorts.push(await freePort());
  const simulatorPort = await freePort();
  const common = {
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: databaseUrl,
    DEPARTMENTS_URL: `http://127.0.0.1:${simulatorPort}`,
    SIMULATOR_PORT: String(simulatorPort),
    WORKFLOW_BUNDLE_PATH: await prebuiltBundle(),
    LOG_LEVEL: 'warn',
    // The fault tests' portal is one busy key; the limit is not what they test.
    RATE_LIMIT_PER_MINUTE: '100000',
    ...options.env,
  };
  const simulator = await startOnethingProcess({
    script: 'scripts/simulator.ts',
    readyLine: 'Department simulator listening',
    logFile: logFile('simulator'),
    // Departments that decide later call the first API back.
    env: { ...common, CALLBACK_URL: `http://127.0.0.1:${apiPorts[0]}` },
  });
  closers.push(() => simulator.killEverything());

  const apis: ApiProcess[] = [];
  const workers: WorkerProcess[] = [];
  const startApi = async (port?: number): Promise<ApiProcess> => {
    const chosen = port ?? apiPorts[apis.length] ?? (await freePort());
    const started = await startOnethingProcess({
      script: 'scripts/api.ts',
      readyLine: 'Onething API listening',
      logFile: logFile('api'),
      env: { ...common, API_PORT: String(chosen) },
    });
    const api = { ...started, url: `http://127.0.0.1:${chosen}` };
    apis.push(api);
    return api;
  };
  const startWorker = async (): Promise<WorkerProcess> => {
    const healthPort = await freePort();
    const started = await startOnethingProcess({
      script: 'scripts/worker.ts',
      readyLine: 'Onething worker running',
      logFile: logFile('worker'),
      env: { ...common, WORKER_HEALTH_PORT: String(healthPort) },
    });
    const worker = { ...started, healthUrl: `http://127.0.0.1:${healthPort}` };
    workers.push(worker);
    return worker;
  };
  closers.push(async () => {
    for (const p of [...apis, ...workers]) await p.killEverything().catch(() => undefined);
  });
  // Started side by side: they migrate at once (serialised by the advisory lock).
  await Promise.all([
    ...apiPorts.map((port) => startApi(port)),
    ...Array.from({ length: options.workers ?? 1 }, () => startWorker()),
  ]);

  // The deployment's keyring (generated into DATA_DIR by the first process), to read results.
  const keyring = await loadKeyring(loadConfig({ DATA_DIR: dataDir }));
  const connection = await Connection.connect({ address: temporalAddress });
  closers.push(() => connection.close());
  // Payloads are sealed with each application's data key: read through the deployment's own keys.
  const keyPool = createPool(databaseUrl, 2);
  closers.push(() => keyPool.end());
  const dataConverter = dataConverterFor(keyring, new DataKeys(keyPool, keyring));
  const temporal = new Client({ connection, namespace, dataConverter });

  /** Every status an API answered through `request`: the "no 500" invariant reads it. */
  const statuses: number[] = [];
  async function request<T>(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; api?: number; as?: 'portal' | 'operator' } = {},
  ): Promise<Answer<T>> {
    const base = (apis[init.api ?? 0] ?? apis[0])?.url;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${keys[init.as ?? 'portal']}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      // A hang is a failure of its own: no answer within 30 s fails the request.
      signal: AbortSignal.timeout(30_000),
    });
    statuses.push(response.status);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  }

  async function simulatorAdmin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${simulatorPort}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  return {
    dataDir,
    databaseUrl,
    temporalAddress,
    taskQueue,
    keys,
    apis,
    workers,
    startApi,
    startWorker,
    temporal,
    statuses,
    request,
    /** Submits with `key` (a fresh one unless given) through API `api`. */
    submit: (body: unknown, key: string = randomUUID(), api = 0) =>
      request<ApplicationView>('POST', '/v1/applications', {
        body,
        headers: { 'idempotency-key': key },
        api,
      }),
    async view(id: string, api = 0): Promise<ApplicationView> {
      const answer = await request<ApplicationView>('GET', `/v1/applications/${id}`, { api });
      if (answer.status !== 200) throw new Error(`GET application ${id}: ${answer.status}`);
      return answer.body;
    },
    simulator: {
      url: `http://127.0.0.1:${simulatorPort}`,
      process: simulator,
      setBehaviour: (department: string, service: string, behaviour: ServiceBehaviour) =>
        simulatorAdmin('PUT', `/admin/services/${department}/${service}`, behaviour),
      async ledger(keyPrefix?: string): Promise<LedgerEntry[]> {
        const query = keyPrefix ? `?keyPrefix=${encodeURIComponent(keyPrefix)}` : '';
        return (await simulatorAdmin<{ entries: LedgerEntry[] }>('GET', `/admin/ledger${query}`)).entries;
      },
    },
    postgres: {
      /** An orderly stop (fast shutdown): connections end, the data stays. */
      stop: async () => {
        await postgres?.stop();
        postgres = undefined;
      },
      start: startPostgres,
      /** Power loss: SIGKILL to the postmaster; its backends follow it. */
      kill: async () => {
        await killByPidFile(join(postgresDir, 'postmaster.pid'));
        postgres = undefined;
      },
    },
    temporalServer: {
      stop: async () => {
        await temporalServer?.stop();
        temporalServer = undefined;
      },
      start: startTemporal,
      kill: async () => {
        if (options.temporal === 'cluster') throw new Error('power loss is tested on the dev server');
        await killByPidFile(`${temporalDb}.pid`);
        temporalServer = undefined;
      },
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

export type Deployment = Awaited<ReturnType<typeof startDeployment>>;

/** The run's prebuilt workflow bundle, so each worker process starts in a second, not ten. */
async function prebuiltBundle(): Promise<string> {
  const { inject } = await import('vitest');
  return inject('workflowBundlePath');
}

/** SIGKILL to the process whose pid the file's first line holds, and wait until it is gone. */
async function killByPidFile(file: string): Promise<void> {
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} did not die`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
