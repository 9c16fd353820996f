import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../api/app.js';
import { parseStepDeciders } from '../bundles/definition.js';
import { bundleCatalog } from '../bundles/index.js';
import type { Config } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { ensureDevDepartmentSecrets, loadDepartmentSettings } from '../departments/configuration.js';
import { createWebhookDispatcher } from '../notifications/dispatcher.js';
import { createEventListener } from '../notifications/listener.js';
import { sealStoredWebhookSecrets } from '../notifications/webhook-secrets.js';
import { webhookTargetPolicyOf } from '../notifications/webhook-targets.js';
import { EncryptionCodec } from '../temporal/codec.js';
import { dataConverterFor } from '../temporal/data-converter.js';
import { loadKeyring } from '../temporal/keyring.js';
import { temporalLoggerFor } from '../privacy/logger.js';
import { loadBusinessCalendar } from '../calendar/load.js';
import { createTaskMetrics } from '../metrics/work-list.js';
import { createOnethingWorker } from '../worker.js';
import { ensureDevKeys } from './dev-keys.js';
import type { ServiceEndpoints } from './services.js';
import { startServices } from './services.js';

export interface RunningOnething {
  apiUrl: string;
  services: ServiceEndpoints;
  app: FastifyInstance;
  /** Development keys by role label, also in `<DATA_DIR>/dev-keys.json`; none in production. */
  devKeys: Record<string, string> | undefined;
  stop(): Promise<void>;
}

/**
 * The whole embedded stack in one process: services not configured are started, migrations
 * run (a failed one stops start-up), then the worker and the API.
 */
export async function startOnething(config: Config, logger: Logger): Promise<RunningOnething> {
  installTemporalRuntime(config, logger);
  // Before anything starts: production without encryption keys does not start at all.
  const keyring = await loadKeyring(config);
  const dataConverter = dataConverterFor(keyring);
  const services = await startServices(config, (line) => logger.info(line));
  const closers: Array<() => Promise<unknown>> = [() => services.stop()];
  const stop = async () => {
    for (const close of closers.reverse())
      await close().catch((err) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    const pool = createPool(services.databaseUrl);
    closers.push(() => pool.end());
    const applied = await migrate(pool);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    // Secrets stored in clear text before they were encrypted at rest, or under a retired key.
    const resealed = await sealStoredWebhookSecrets(pool, keyring);
    if (resealed.sealed > 0)
      logger.info({ webhooks: resealed.sealed }, 'webhook secrets sealed with the current key');
    if (resealed.unreadable > 0) {
      logger.warn(
        { webhooks: resealed.unreadable },
        'webhook secrets sealed with a key ENCRYPTION_KEYS no longer lists: their deliveries fail until it is listed again',
      );
    }
    const webhookTargets = webhookTargetPolicyOf(config);
    // A production start creates no keys: they are made with `npm run keys`.
    const devKeys = config.NODE_ENV === 'production' ? undefined : await ensureDevKeys(pool, config.DATA_DIR);
    // Which adapter serves which department, and the keys that sign calls and callbacks.
    const departmentSettings = await loadDepartmentSettings(config, {
      departmentsUrl: services.departmentsUrl,
    });

    const workerConnection = await NativeConnection.connect({ address: services.temporalAddress });
    closers.push(() => workerConnection.close());
    const calendar = loadBusinessCalendar(config.BUSINESS_CALENDAR_FILE);
    // One process, one registry: the API serves the worker's counters at GET /metrics.
    const metrics = createTaskMetrics();
    const worker = await createOnethingWorker({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      pool,
      adapters: departmentSettings.adapters,
      dataConverter,
      calendar,
      metrics,
    });
    const workerRun = worker.run();
    closers.push(async () => {
      // The SDK also stops the worker on SIGINT/SIGTERM by itself.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    workerRun.catch((err) => logger.error({ err }, 'worker stopped'));

    const clientConnection = await Connection.connect({ address: services.temporalAddress });
    closers.push(() => clientConnection.close());
    const temporal = new Client({
      connection: clientConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter,
    });
    // One LISTEN connection wakes the webhook dispatcher and every event stream.
    const events = createEventListener({
      pool,
      onError: (err) => logger.warn({ err }, 'event notifications interrupted; reconnecting'),
    });
    await events.start();
    closers.push(() => events.stop());
    const app = await buildApp(
      {
        pool,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        bundles: bundleCatalog,
        codecServer: { codec: new EncryptionCodec(keyring), allowedOrigins: temporalUiOrigins(config) },
        events,
        callbackKeys: departmentSettings.callbackKeys,
        calendar,
        metrics,
        stepDeciders: parseStepDeciders(config.WORKLIST_OVERRIDES, bundleCatalog.values()),
        failedStepHold: config.FAILED_STEP_HOLD,
        temporalUiUrl: config.TEMPORAL_UI_URL ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`,
        keyring,
        webhookTargets,
      },
      // A line per request would bury what matters; errors are still logged by the error handler.
      {
        logger: logger.child({ component: 'api' }, { level: 'warn' }),
        rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
        ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
      },
    );
    await app.listen({ host: config.API_HOST, port: config.API_PORT });
    closers.push(() => app.close());
    const dispatcher = createWebhookDispatcher({
      pool,
      events,
      keyring,
      targets: webhookTargets,
      log: logger.child({ component: 'webhooks' }),
    });
    dispatcher.start();
    closers.push(() => dispatcher.stop());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.API_PORT;
    const apiUrl = `http://${config.API_HOST}:${port}`;
    if (services.embedded.includes('simulator') && config.NODE_ENV !== 'production') {
      // The simulator runs here too: it reaches the API over loopback even when the API listens on all addresses.
      const host = ['0.0.0.0', '::'].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST;
      const reachable = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      await sendSimulatorCallbacksTo(services.departmentsUrl, reachable, config.DATA_DIR);
    }
    return { apiUrl, services, app, devKeys, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Points the embedded simulator's callbacks at this API, signed with the development secrets
 * Onething accepts for the departments it serves.
 */
async function sendSimulatorCallbacksTo(
  simulatorUrl: string,
  apiUrl: string,
  dataDir: string,
): Promise<void> {
  const keys = Object.fromEntries(await ensureDevDepartmentSecrets(dataDir));
  const response = await fetch(`${simulatorUrl}/admin/callbacks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ baseUrl: apiUrl, keys }),
  });
  if (!response.ok) throw new Error(`the simulator refused its callback settings: ${response.status}`);
}

/** The Temporal UI origins the codec endpoint answers CORS for. */
function temporalUiOrigins(config: Config): string[] {
  if (config.TEMPORAL_UI_ORIGIN)
    return config.TEMPORAL_UI_ORIGIN.split(',').map((o) => o.trim().replace(/\/+$/, ''));
  return [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`];
}

let runtimeInstalled = false;
/** The SDK's own logs at WARN and above; its INFO lines would drown the demo's progress. */
function installTemporalRuntime(config: Config, logger: Logger) {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = ['debug', 'trace'].includes(config.LOG_LEVEL) ? 'DEBUG' : 'WARN';
  Runtime.install({ logger: temporalLoggerFor(logger, level) });
}
