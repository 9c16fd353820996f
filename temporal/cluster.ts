import { msNumberToTs } from '@temporalio/common';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import proto from '@temporalio/proto';
import {
  allocateServicePorts,
  clusterConfig,
  clusterDynamicConfig,
  temporalServices,
} from './cluster-config.js';
import type { PostgresEndpoint, ServicePorts, TemporalService } from './cluster-config.js';
import { ExitedError, ServerProcess } from './cluster-process.js';
import { forgetEarlierMembers, setUpTemporalDatabases } from './cluster-schema.js';

export type { PostgresEndpoint, TemporalService } from './cluster-config.js';

export interface TemporalClusterOptions {
  /** The binaries and schemas `scripts/temporal-server.sh` builds (see {@link builtTemporalServerDir}). */
  binDir: string;
  postgres: PostgresEndpoint;
  /** Databases `<prefix>` and `<prefix>_visibility`; `temporal` by default. */
  databasePrefix?: string;
  /** The frontend's gRPC port on 127.0.0.1, the address clients and workers use. */
  frontendPort: number;
  /** The application namespace, created unless it exists; `default` by default. */
  namespace?: string;
  /** How long closed workflows stay visible; 1 day by default. */
  retentionDays?: number;
  /** Fixed forever once the databases are set up with it; 4 by default. */
  numHistoryShards?: number;
  /**
   * Which services each process runs: all four in one process by default; for example
   * `[['frontend'], ['history', 'matching', 'worker']]` lets a test stop the frontend alone.
   */
  processes?: TemporalService[][];
  /**
   * Where the configuration and pid files go (a start stops the server a killed parent left
   * running there); by default a fresh temporary directory, removed by stop().
   */
  workDir?: string;
  /** The server's log level; `warn` by default. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Receives every line the server processes print. */
  onLog?: (line: string) => void;
  /** How long a start may take before it fails; 60 s by default. */
  startTimeoutMs?: number;
}

export interface RunningTemporalCluster {
  /** `127.0.0.1:<frontendPort>`. */
  address: string;
  namespace: string;
  /** Stops every process: SIGTERM, then SIGKILL after 15 s. The databases stay. */
  stop(): Promise<void>;
  /**
   * Stops the process that runs `service`, with the other services that process runs: in the
   * default layout (one process) that is the whole server; with `processes` it can be the frontend
   * alone, the others keeping their state.
   */
  stopProcess(service: TemporalService): Promise<void>;
  /**
   * Starts that process again on the same ports and databases, and waits until it answers (and,
   * while the frontend runs, until history and matching serve the namespace).
   */
  startProcess(service: TemporalService): Promise<void>;
}

/** `.data/temporal-server/<pinned version>` of this checkout, where `scripts/temporal-server.sh` builds. */
export async function builtTemporalServerDir(): Promise<string> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const version = (await readFile(join(root, 'temporal', 'server-version.txt'), 'utf8')).trim();
  return join(root, '.data', 'temporal-server', version);
}

/**
 * Starts the real Temporal server (`go.temporal.io/server`, not the CLI's dev server) on
 * PostgreSQL: sets up its two databases, writes its configuration, starts its processes bound to
 * 127.0.0.1, creates the namespace unless it exists, and waits until the frontend answers and
 * history and matching serve the namespace. Started again on the same databases, it finds every
 * workflow it had. A failed start stops what it started and throws with the server's own output.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<RunningTemporalCluster> {
  const binary = join(options.binDir, 'temporal-server');
  const sqlTool = join(options.binDir, 'temporal-sql-tool');
  for (const file of [binary, sqlTool]) {
    await access(file).catch(() => {
      const build = `'bash scripts/temporal-server.sh' (or 'bash scripts/setup.sh --temporal-server')`;
      throw new Error(
        `${file} is missing: build the Temporal server with ${build}, a few minutes once per machine.`,
      );
    });
  }
  const layout = checkedLayout(options.processes ?? [[...temporalServices]]);
  const prefix = options.databasePrefix ?? 'temporal';
  const databases = { main: prefix, visibility: `${prefix}_visibility` };
  const namespace = options.namespace ?? 'default';
  const address = `127.0.0.1:${options.frontendPort}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;

  await setUpTemporalDatabases({
    sqlTool,
    schemaDir: join(options.binDir, 'schema', 'postgresql', 'v12'),
    postgres: options.postgres,
    databases,
  });

  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'onething-temporal-')));
  await mkdir(join(workDir, 'config'), { recursive: true });
  const ports = await allocateServicePorts(options.frontendPort);
  const config = clusterConfig({
    postgres: options.postgres,
    databases,
    numHistoryShards: options.numHistoryShards ?? 4,
    ports,
    logLevel: options.logLevel ?? 'warn',
  });
  // It holds the database password: readable by its owner only.
  const dynamicConfigFile = join(workDir, 'config', 'dynamic.yaml');
  await writeFile(dynamicConfigFile, JSON.stringify(clusterDynamicConfig(), null, 2));
  await writeFile(
    join(workDir, 'config', 'onething.yaml'),
    JSON.stringify(
      { ...config, dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '60s' } },
      null,
      2,
    ),
    { mode: 0o600 },
  );

  const processes = layout.map(
    (services) =>
      new ServerProcess({
        binary,
        args: ['--root', workDir, '--config', 'config', '--env', 'onething', '--allow-no-auth', 'start'],
        services,
        pidFile: ownWorkDir ? undefined : join(workDir, `${services.join('+')}.pid`),
        onLog: options.onLog,
      }),
  );
  const frontendProcess = processes.find((p) => p.services.includes('frontend'))!;
  const output = () => processes.map((p) => p.describeOutput()).join('\n');
  const stopAll = async () => {
    // The frontend first, so that clients see it go before the services behind it.
    for (const server of [frontendProcess, ...processes.filter((p) => p !== frontendProcess)])
      await server.stop();
    if (ownWorkDir) await rm(workDir, { recursive: true, force: true });
  };
  const processOf = (service: TemporalService) => processes.find((p) => p.services.includes(service))!;
  const startAndWait = async (server: ServerProcess, deadline: number) => {
    await server.start();
    if (server === frontendProcess) await waitForFrontend(address, server, deadline, output);
    else
      await poll('its ports', deadline, output, () =>
        server.listening(readinessPorts(ports, server.services)),
      );
  };

  try {
    for (const server of processes) await server.stopLeftover();
    await forgetEarlierMembers({ postgres: options.postgres, databases });
    const deadline = Date.now() + timeoutMs;
    for (const server of processes) await startAndWait(server, deadline);
    await ensureNamespace(address, namespace, options.retentionDays ?? 1);
    await waitForServices(address, namespace, deadline, output);
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    address,
    namespace,
    stop: stopAll,
    stopProcess: (service) => processOf(service).stop(),
    async startProcess(service) {
      const deadline = Date.now() + timeoutMs;
      await startAndWait(processOf(service), deadline);
      if (frontendProcess.running) await waitForServices(address, namespace, deadline, output);
    },
  };
}

/** Each service in exactly one process, and some process runs the frontend. */
function checkedLayout(layout: TemporalService[][]): TemporalService[][] {
  const all = layout.flat();
  const complete = temporalServices.every((s) => all.filter((x) => x === s).length === 1);
  if (!complete || all.length !== temporalServices.length || layout.some((p) => p.length === 0)) {
    throw new Error(`processes must run each of ${temporalServices.join(', ')} exactly once`);
  }
  return layout;
}

/**
 * The ports that listen once a process without the frontend is up: history's and matching's gRPC
 * ports, and the worker service's membership port (it serves no gRPC). Whether history and
 * matching serve is then asked through the frontend.
 */
function readinessPorts(ports: Record<TemporalService, ServicePorts>, services: TemporalService[]): number[] {
  return services.map((s) => (s === 'worker' ? ports[s].membership : ports[s].grpc));
}

/** One attempt per call, no retries of its own: the polling loops below bound the waiting. */
async function probeConnection(address: string): Promise<Connection> {
  return Connection.connect({ address, connectTimeout: 1000, interceptors: [] });
}

/** Until the frontend's health service says SERVING (its membership ring has formed). */
async function waitForFrontend(
  address: string,
  server: ServerProcess,
  deadline: number,
  output: () => string,
): Promise<void> {
  const serving = proto.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
  await poll('the frontend to answer', deadline, output, async () => {
    server.throwIfExited();
    const connection = await probeConnection(address);
    try {
      const { status } = await connection.withDeadline(Date.now() + 2000, () =>
        connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }),
      );
      if (status !== serving) throw new Error(`health status ${status}`);
    } finally {
      await connection.close();
    }
  });
}

/**
 * Until history and matching both answer for the namespace: a lookup of a workflow that does not
 * exist comes back "not found" from history (a history host owns the shard, PostgreSQL answers),
 * and matching lists a task queue's partitions (a matching host is in the ring). Before that the
 * frontend says "not enough hosts", and workflows would start but no worker would get their tasks.
 */
async function waitForServices(address: string, namespace: string, deadline: number, output: () => string) {
  await poll('history and matching to serve the namespace', deadline, output, async () => {
    const connection = await probeConnection(address);
    const probe = 'onething-readiness-probe';
    try {
      await connection.withDeadline(Date.now() + 2000, async () => {
        await connection.workflowService
          .describeWorkflowExecution({ namespace, execution: { workflowId: probe } })
          .catch((err: unknown) => {
            const workflowNotFound =
              isGrpcServiceError(err) &&
              Number(err.code) === grpcNotFound &&
              !/namespace/i.test(err.details ?? '');
            if (!workflowNotFound) throw err;
          });
        await connection.workflowService.listTaskQueuePartitions({ namespace, taskQueue: { name: probe } });
      });
    } finally {
      await connection.close();
    }
  });
}

const grpcNotFound = 5;
const grpcAlreadyExists = 6;

/** Only `temporal-system` exists in new databases: the application's namespace is registered once. */
async function ensureNamespace(address: string, namespace: string, retentionDays: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msNumberToTs(retentionDays * 24 * 3600 * 1000),
    });
  } catch (err) {
    if (!(isGrpcServiceError(err) && Number(err.code) === grpcAlreadyExists)) throw err;
  } finally {
    await connection.close();
  }
}

/** Calls `attempt` every 200 ms until it resolves; past the deadline, throws with the server's output. */
async function poll(what: string, deadline: number, output: () => string, attempt: () => Promise<void>) {
  for (;;) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (err instanceof ExitedError || Date.now() > deadline) {
        const why =
          err instanceof ExitedError ? err.message : `timed out waiting for ${what} (${String(err)})`;
        throw new Error(`Temporal server did not start: ${why}. It said:\n${output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
