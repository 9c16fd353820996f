import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import type { RunningPostgres } from '../../db/embedded-postgres.js';
import { builtTemporalServerDir, startTemporalCluster } from '../../temporal/cluster.js';
import type { PostgresEndpoint, RunningTemporalCluster } from '../../temporal/cluster.js';
import type { greet, waitForRelease } from '../support/cluster-workflows.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../net/free-port.js';

const workflowsPath = fileURLToPath(new URL('../support/cluster-workflows.ts', import.meta.url));
const taskQueue = `cluster-test-${process.pid}`;
const namespace = 'default';

let dataDir: string;
let postgres: RunningPostgres;
let endpoint: PostgresEndpoint;
let frontendPort: number;
let cluster: RunningTemporalCluster | undefined;
let startError: unknown;
let workflowBundle: { code: string };

/**
 * The cluster the tests share. A start that failed (binaries not built) fails every test with its
 * message, where a failing beforeAll would report the tests as skipped.
 */
function running(): RunningTemporalCluster {
  if (cluster) return cluster;
  throw startError instanceof Error
    ? startError
    : new Error(`the cluster did not start: ${String(startError)}`);
}

/** The cluster on the test's PostgreSQL, always on the same frontend port; logs how long it took. */
async function startCluster(): Promise<RunningTemporalCluster> {
  const started = Date.now();
  const running = await startTemporalCluster({
    binDir: await builtTemporalServerDir(),
    postgres: endpoint,
    frontendPort,
  });
  // The figure the report quotes: databases checked, server started, namespace served.
  process.stdout.write(`temporal cluster ready in ${Date.now() - started} ms\n`);
  return running;
}

/** Runs `fn` while a worker of the two test workflows polls the cluster. */
async function withWorker<T>(address: string, fn: () => Promise<T>): Promise<T> {
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      workflowBundle,
      // No sticky queue: each phase has a new worker, and the server would wait 10 s for the
      // sticky queue of the worker before it (gone with the server restart) before using the normal one.
      maxCachedWorkflows: 0,
      activities: { greeting: async (name: string) => `hello ${name}` },
    });
    return await worker.runUntil(fn);
  } finally {
    await connection.close();
  }
}

async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace }));
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  // The SDK's own info lines (worker state changes, bundling) say nothing this test checks.
  const quiet = new DefaultLogger('WARN');
  Runtime.install({ logger: quiet });
  // Under the system temp dir: the `postgres` user that runs the server must reach it.
  dataDir = await mkdtemp(join(tmpdir(), 'onething-cluster-pg-'));
  postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), durableCommits: false });
  const url = new URL(postgres.urlFor('postgres'));
  endpoint = {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  frontendPort = await freePort();
  workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  cluster = await startCluster().catch((err: unknown) => {
    startError = err;
    return undefined;
  });
});

afterAll(async () => {
  await cluster?.stop();
  await postgres?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the real Temporal server (go.temporal.io/server) on PostgreSQL', () => {
  const greetId = `cluster-greet-${process.pid}`;
  const waitingId = `cluster-wait-${process.pid}`;

  it('is the Go server with PostgreSQL persistence and visibility, not the dev server', async () => {
    const info = await withClient(running().address, (client) => client.workflowService.getClusterInfo({}));
    // The CLI's dev server says sqlite for both.
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');
    expect(info.serverVersion).toBe('1.29.1');
  });

  it('runs a workflow with a worker and lists it through visibility on PostgreSQL', async () => {
    const result = await withWorker(running().address, () =>
      withClient(running().address, (client) =>
        client.workflow.execute<typeof greet>('greet', { taskQueue, workflowId: greetId, args: ['cluster'] }),
      ),
    );
    expect(result).toBe('hello cluster');

    // Visibility is written after the workflow closes, by history's own queue: awaited, bounded.
    const listed = await withClient(running().address, (client) =>
      eventually('the workflow listed as completed', async () => {
        const found = [];
        for await (const wf of client.workflow.list({ query: `WorkflowId = '${greetId}'` })) found.push(wf);
        return found.length === 1 && found[0]?.status.name === 'COMPLETED' ? found : undefined;
      }),
    );
    expect(listed[0]?.type).toBe('greet');

    // And the row is in PostgreSQL's visibility database itself.
    const db = new pg.Client({ connectionString: postgres.urlFor('temporal_visibility') });
    await db.connect();
    try {
      const rows = await db.query<{ workflow_type_name: string }>(
        'SELECT workflow_type_name FROM executions_visibility WHERE workflow_id = $1',
        [greetId],
      );
      expect(rows.rows).toEqual([{ workflow_type_name: 'greet' }]);
    } finally {
      await db.end();
    }
  });

  it('keeps completed and running workflows across a restart on the same databases', async () => {
    // A workflow that has started and now waits: its state must outlive the server process.
    await withWorker(running().address, () =>
      withClient(running().address, async (client) => {
        const handle = await client.workflow.start<typeof waitForRelease>('waitForRelease', {
          taskQueue,
          workflowId: waitingId,
          args: ['after restart'],
        });
        await eventually('the first workflow task to complete', async () => {
          const history = await handle.fetchHistory();
          return history.events?.some((e) => e.workflowTaskCompletedEventAttributes) ? true : undefined;
        });
      }),
    );

    await running().stop();
    cluster = undefined;
    cluster = await startCluster();
    const address = cluster.address;

    const completed = await withClient(address, async (client) => {
      const handle = client.workflow.getHandle<typeof greet>(greetId);
      return { description: await handle.describe(), result: await handle.result() };
    });
    expect(completed.description.status.name).toBe('COMPLETED');
    expect(completed.result).toBe('hello cluster');

    const released = await withWorker(address, () =>
      withClient(address, async (client) => {
        const handle = client.workflow.getHandle<typeof waitForRelease>(waitingId);
        await handle.signal('release');
        return handle.result();
      }),
    );
    expect(released).toBe('released after restart');

    const count = await withClient(address, (client) =>
      eventually('both workflows counted as completed', async () => {
        const { count } = await client.workflow.count(
          `WorkflowId IN ('${greetId}', '${waitingId}') AND ExecutionStatus = 'Completed'`,
        );
        return count === 2 ? count : undefined;
      }),
    );
    expect(count).toBe(2);
  }, 120_000);
});

describe('a cluster split into processes', () => {
  it('serves again after its frontend process alone was stopped and started, worker running', async () => {
    const split = await startTemporalCluster({
      binDir: await builtTemporalServerDir(),
      postgres: endpoint,
      frontendPort: await freePort(),
      databasePrefix: 'temporal_split',
      processes: [['frontend'], ['history', 'matching', 'worker']],
    });
    const workflowId = `cluster-split-${process.pid}`;
    try {
      const released = await withWorker(split.address, async () => {
        await withClient(split.address, async (client) => {
          const handle = await client.workflow.start<typeof waitForRelease>('waitForRelease', {
            taskQueue,
            workflowId,
            args: ['across a frontend restart'],
          });
          await eventually('the first workflow task to complete', async () => {
            const history = await handle.fetchHistory();
            return history.events?.some((e) => e.workflowTaskCompletedEventAttributes) ? true : undefined;
          });
        });

        await split.stopProcess('frontend');
        // Nothing answers at the address while the frontend is down.
        await expect(Connection.connect({ address: split.address, connectTimeout: 1000 })).rejects.toThrow();
        await split.startProcess('frontend');

        // The worker kept its connection through the outage and gets the next task.
        return withClient(split.address, async (client) => {
          const handle = client.workflow.getHandle<typeof waitForRelease>(workflowId);
          await handle.signal('release');
          return handle.result();
        });
      });
      expect(released).toBe('released across a frontend restart');
    } finally {
      await split.stop();
    }
  }, 120_000);
});
