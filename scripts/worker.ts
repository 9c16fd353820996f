/**
 * One worker process (`npm run worker`): the workflows and department calls of the task queue,
 * against the Temporal cluster and PostgreSQL the configuration names, with its own health port.
 * Run as many as the load needs; SIGTERM lets in-flight calls finish (WORKER_SHUTDOWN_GRACE).
 */
import { ConfigError, loadConfig, missingSettings } from '../config.js';
import { createLogger } from '../privacy/logger.js';
import { openSharedParts, startWorkerFromConfig } from '../stack/from-config.js';
import { runUntilSignalled } from '../stack/lifecycle.js';
import { installTemporalRuntime } from '../stack/runtime.js';

await runUntilSignalled(
  'the Onething worker',
  async () => {
    const config = loadConfig();
    const missing = missingSettings(config, 'worker');
    if (missing) throw new ConfigError(missing);
    const logger = createLogger(config.LOG_LEVEL).child({ role: 'worker' });
    await installTemporalRuntime(config, logger);
    const shared = await openSharedParts(
      config,
      { temporalAddress: config.TEMPORAL_ADDRESS as string, databaseUrl: config.DATABASE_URL as string },
      logger,
    );
    const worker = await startWorkerFromConfig(config, shared, logger, {
      health: { host: config.WORKER_HEALTH_HOST, port: config.WORKER_HEALTH_PORT },
    }).catch(async (err: unknown) => {
      await shared.close();
      throw err;
    });
    // A worker that stops on its own (a fatal error) takes the process down, for the orchestrator to restart.
    void worker.done.then(() => {
      if (worker.stopRequested()) return;
      logger.fatal('the Temporal worker stopped on its own; exiting');
      process.exit(1);
    });
    return {
      healthUrl: worker.healthUrl,
      async stop() {
        await worker.stop();
        await shared.close();
      },
    };
  },
  (worker) => {
    process.stdout.write(`Onething worker running; health at ${worker.healthUrl}\n`);
  },
);
