import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { freePort } from '../net/free-port.js';
import { startTemporalDevServer } from '../temporal/dev-server.js';

/** Where the benchmark runs, and how to take down what it started. */
export interface BenchStack {
  temporalAddress: string;
  /**
   * A fresh database, dropped by `stop()`, committing without waiting for its WAL flush
   * (`synchronous_commit=off`), as the worker-level comparison has always run.
   */
  databaseUrl: string;
  /** Another fresh database on the same server, committing durably: the end-to-end kind's read model. */
  durableDatabaseUrl: string;
  /** How each service was provided, for the report. */
  described: { temporal: string; postgres: string };
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  temporalAddress?: string;
  /** A server where the benchmark may create and drop its own database. */
  databaseUrl?: string;
  temporalCliPath: string;
  /** Settings of the embedded PostgreSQL beyond the defaults (a diagnosis's preloaded library). */
  postgresSettings?: Record<string, string>;
}

/**
 * PostgreSQL from node_modules and the Temporal CLI dev server (in memory), each on a free
 * loopback port, unless DATABASE_URL / TEMPORAL_ADDRESS name others. A DATABASE_URL is used
 * like the tests use it: a server where the benchmark may create (and drop) its own database.
 * `stop()` may be called more than once, and from a signal handler.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  // Run in reverse: the Temporal server, started last, is stopped first, so an interrupted run
  // has signalled it before embedded-postgres's own exit hook ends the process.
  const stops: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    })());
  try {
    let adminUrl = options.databaseUrl;
    let postgres = 'DATABASE_URL';
    if (!adminUrl) {
      // Under the system temp dir: as root, the `postgres` user that runs the server must reach it.
      const dataDir = await mkdtemp(join(tmpdir(), 'onething-bench-pg-'));
      stops.push(() => rm(dataDir, { recursive: true, force: true }));
      // However the process ends (embedded-postgres exits it on SIGINT), no data dir is left behind.
      process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
      // Durable, as production commits; the worker-level database opts out on its own (below).
      const server = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        ...(options.postgresSettings ? { settings: options.postgresSettings } : {}),
      });
      // Its stop() never returns if the server already died (e.g. Ctrl+C reached it first).
      stops.push(() => Promise.race([server.stop(), delay(10_000)]));
      adminUrl = server.urlFor('postgres');
      postgres =
        'embedded PostgreSQL from node_modules (worker-level kinds: synchronous_commit=off; end to end: on)';
    }
    const database = await createDatabase(adminUrl, { durable: false });
    stops.push(() => database.drop());
    const durable = await createDatabase(adminUrl, { durable: true });
    stops.push(() => durable.drop());

    let temporalAddress = options.temporalAddress;
    let temporal = `TEMPORAL_ADDRESS (${temporalAddress})`;
    if (!temporalAddress) {
      const server = await startTemporalDevServer({
        binary: options.temporalCliPath,
        port: await freePort(),
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporal = 'Temporal CLI dev server, in memory (no --db-filename), eager activities on';
    }

    return {
      temporalAddress,
      databaseUrl: database.url,
      durableDatabaseUrl: durable.url,
      described: { temporal, postgres },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function createDatabase(
  adminUrl: string,
  options: { durable: boolean },
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  // Per database, so one server holds both, whatever its own default.
  await admin(`ALTER DATABASE ${name} SET synchronous_commit = ${options.durable ? 'on' : 'off'}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
