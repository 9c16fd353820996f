import { createServer } from 'node:net';

/** The four services of a Temporal server; one process may run any subset of them. */
export type TemporalService = 'frontend' | 'history' | 'matching' | 'worker';

/** Every service, in the order the server's own default starts them. */
export const temporalServices: readonly TemporalService[] = ['frontend', 'history', 'matching', 'worker'];

/** Where a PostgreSQL server is and who may create databases on it. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The ports of one service: gRPC for its callers, membership (ringpop) for the other services. */
export interface ServicePorts {
  grpc: number;
  membership: number;
}

/** What a cluster's configuration file is made of. */
export interface ClusterConfigInput {
  postgres: PostgresEndpoint;
  /** The two databases: history, tasks and namespaces; and visibility (lists and counts). */
  databases: { main: string; visibility: string };
  /** Fixed forever once a database has been set up with it. */
  numHistoryShards: number;
  ports: Record<TemporalService, ServicePorts>;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * The server's configuration (`config/<env>.yaml`) as an object. It is written as JSON, which is
 * YAML too: no YAML library, and every string (a password with a colon) is quoted correctly.
 */
export function clusterConfig(input: ClusterConfigInput): Record<string, unknown> {
  const { postgres, ports } = input;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (name: TemporalService) => ({
    rpc: {
      grpcPort: ports[name].grpc,
      membershipPort: ports[name].membership,
      // Binds 127.0.0.1: the server authorises every call (no authorizer is configured).
      bindOnLocalHost: true,
    },
  });
  return {
    log: { stdout: true, level: input.logLevel },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: input.numHistoryShards,
      datastores: {
        default: store(input.databases.main, 20),
        visibility: store(input.databases.visibility, 10),
      },
    },
    // Processes find each other through the cluster_membership table and reach each other here.
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(temporalServices.map((name) => [name, service(name)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend.grpc}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  };
}

/**
 * Free ports for every service but the frontend's gRPC port, which the caller chose. All below
 * 32768: the server stores its membership port in `cluster_membership.rpc_port`, a SMALLINT, and
 * exits at start with a larger one. The system hands out ephemeral ports (what port 0 gives) from
 * 32768 up, so these are drawn at random below and checked by listening.
 */
export async function allocateServicePorts(
  frontendPort: number,
): Promise<Record<TemporalService, ServicePorts>> {
  const taken = new Set([frontendPort]);
  const next = async () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const port = 10_000 + Math.floor(Math.random() * (32_768 - 10_000));
      if (taken.has(port) || !(await canListen(port))) continue;
      taken.add(port);
      return port;
    }
    throw new Error('no free port between 10000 and 32767 on 127.0.0.1');
  };
  const ports = {} as Record<TemporalService, ServicePorts>;
  for (const name of temporalServices) {
    ports[name] = { grpc: name === 'frontend' ? frontendPort : await next(), membership: await next() };
  }
  return ports;
}

/** Whether a TCP port on 127.0.0.1 is free right now. */
async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The server's dynamic configuration. One partition per task queue: Temporal's default of four
 * spreads a queue's tasks over partitions that a deployment of a few workers does not all poll, and
 * tasks wait to be forwarded between them; a province's many workers would raise it again. Eager
 * activity execution hands an activity to the worker that completed the workflow task, as the
 * embedded dev server does.
 */
export function clusterDynamicConfig(): Record<string, Array<{ value: unknown }>> {
  return {
    'matching.numTaskqueueReadPartitions': [{ value: 1 }],
    'matching.numTaskqueueWritePartitions': [{ value: 1 }],
    'system.enableActivityEagerExecution': [{ value: true }],
  };
}
