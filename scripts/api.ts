/**
 * One API process (`npm run api`): the HTTP API and the webhook dispatcher, against the Temporal
 * cluster and PostgreSQL the configuration names. Run as many as the load needs.
 */
import { ConfigError, loadConfig, missingSettings } from '../config.js';
import { createLogger } from '../privacy/logger.js';
import { openSharedParts, startApiFromConfig } from '../stack/from-config.js';
import { runUntilSignalled } from '../stack/lifecycle.js';
import { installTemporalRuntime } from '../stack/runtime.js';

await runUntilSignalled(
  'the Onething API',
  async () => {
    const config = loadConfig();
    const missing = missingSettings(config, 'api');
    if (missing) throw new ConfigError(missing);
    const logger = createLogger(config.LOG_LEVEL).child({ role: 'api' });
    await installTemporalRuntime(config, logger);
    const shared = await openSharedParts(
      config,
      { temporalAddress: config.TEMPORAL_ADDRESS as string, databaseUrl: config.DATABASE_URL as string },
      logger,
    );
    const api = await startApiFromConfig(config, shared, logger).catch(async (err: unknown) => {
      await shared.close();
      throw err;
    });
    return {
      url: api.url,
      async stop() {
        await api.stop();
        await shared.close();
      },
    };
  },
  (api) => {
    process.stdout.write(`Onething API listening on ${api.url}\n`);
  },
);
