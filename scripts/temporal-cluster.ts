/**
 * Runs the real Temporal server (built by `scripts/temporal-server.sh`) on an embedded PostgreSQL
 * until Ctrl+C: `npx tsx scripts/temporal-cluster.ts [--port 7243] [--postgres-port 54339]`. Data lives under
 * `.data/temporal-cluster/`, so workflows survive a restart; `TEMPORAL_ADDRESS` points `npm start`
 * at it. The address it prints is all a worker or client needs.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { builtTemporalServerDir, startTemporalCluster } from '../temporal/cluster.js';

const write = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  // Beside the embedded stack's defaults (Temporal 7233, PostgreSQL 54329), so both can run.
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7243' },
      'postgres-port': { type: 'string', default: '54339' },
    },
  });
  const frontendPort = Number(values.port);
  const dataDir = resolve('.data/temporal-cluster');
  const postgres = await startEmbeddedPostgres({
    dataDir: `${dataDir}/postgres`,
    port: Number(values['postgres-port']),
  });
  const url = new URL(postgres.urlFor('postgres'));
  const cluster = await startTemporalCluster({
    binDir: await builtTemporalServerDir(),
    postgres: {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    },
    frontendPort,
    // Its pid files let the next start stop a server that a killed run left behind.
    workDir: `${dataDir}/server`,
  }).catch(async (err: unknown) => {
    await postgres.stop();
    throw err;
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    await postgres.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown());
  write(
    `Temporal server (go.temporal.io/server) on PostgreSQL at ${cluster.address}, namespace ${cluster.namespace}`,
  );
  write(`  TEMPORAL_ADDRESS=${cluster.address} npm start   # Onething on it`);
  write('Press Ctrl+C to stop.');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
