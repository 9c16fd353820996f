import { execFile } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import type { PostgresEndpoint } from './cluster-config.js';

/** The databases of one cluster and where the schema tool and its versioned schemas are. */
export interface SchemaSetup {
  /** `temporal-sql-tool`, built by `scripts/temporal-server.sh`. */
  sqlTool: string;
  /** `schema/postgresql/v12` beside the binaries. */
  schemaDir: string;
  postgres: PostgresEndpoint;
  databases: { main: string; visibility: string };
}

/**
 * Creates both databases and brings their schemas to the version these binaries ship, with
 * Temporal's own schema tool. Every step is idempotent (an existing database is kept, version 0.0
 * is not set again over a newer one, only missing versions are applied), so a restart on the same
 * data and an upgrade of the binaries run the same three steps.
 */
export async function setUpTemporalDatabases(setup: SchemaSetup): Promise<void> {
  const kinds = [
    { database: setup.databases.main, versioned: join(setup.schemaDir, 'temporal', 'versioned') },
    { database: setup.databases.visibility, versioned: join(setup.schemaDir, 'visibility', 'versioned') },
  ];
  for (const { database, versioned } of kinds) {
    await runSqlTool(setup, database, ['create-database']);
    await runSqlTool(setup, database, ['setup-schema', '-v', '0.0']);
    await runSqlTool(setup, database, ['update-schema', '-d', versioned]);
  }
}

async function runSqlTool(setup: SchemaSetup, database: string, command: string[]): Promise<void> {
  const { postgres } = setup;
  // The tool defaults to MySQL; the password goes by environment, out of the process list.
  const args = ['--plugin', 'postgres12', '--ep', postgres.host, '-p', String(postgres.port)];
  args.push('-u', postgres.user, '--db', database, ...command);
  await new Promise<void>((resolve, reject) => {
    execFile(
      setup.sqlTool,
      args,
      { env: { ...process.env, SQL_PASSWORD: postgres.password }, timeout: 60_000, maxBuffer: 4 << 20 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const said = `${stdout}${stderr}`.trim().slice(-4000) || '(nothing)';
        reject(new Error(`temporal-sql-tool ${command.join(' ')} on ${database} failed. It said:\n${said}`));
      },
    );
  });
}

/**
 * Removes every membership row of the cluster's earlier processes. The server seeds its ring from
 * the hosts that heartbeated in the last 20 s: after a quick restart on new ports those are the
 * stopped processes, and a service whose only seeds are dead waits 30 s (its join timeout) and
 * more before it serves, while the others already do. Called when none of its processes runs.
 */
export async function forgetEarlierMembers(
  setup: Pick<SchemaSetup, 'postgres' | 'databases'>,
): Promise<void> {
  const { postgres } = setup;
  const client = new pg.Client({
    host: postgres.host,
    port: postgres.port,
    user: postgres.user,
    password: postgres.password,
    database: setup.databases.main,
  });
  await client.connect();
  try {
    await client.query('DELETE FROM cluster_membership');
  } finally {
    await client.end();
  }
}
