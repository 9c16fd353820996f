import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ensureDevDepartmentSecrets } from '../departments/configuration.js';
import { ensureDevKeys } from './dev-keys.js';
import { installTemporalRuntime } from './runtime.js';
import { openSharedParts, startApiFromConfig, startWorkerFromConfig } from './from-config.js';
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
 * The whole embedded stack in one process: services not configured are started, then the same
 * worker and API roles `npm run worker` and `npm run api` run on their own (a failed migration
 * stops start-up). Stopping goes the other way: API, worker, then the services.
 */
export async function startOnething(config: Config, logger: Logger): Promise<RunningOnething> {
  await installTemporalRuntime(config, logger);
  const services = await startServices(config, (line) => logger.info(line));
  const closers: Array<() => Promise<unknown>> = [() => services.stop()];
  const stop = async () => {
    for (const close of closers.splice(0).reverse())
      await close().catch((err) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    const shared = await openSharedParts(config, services, logger);
    closers.push(() => shared.close());
    // A production start creates no keys: they are made with `npm run keys`.
    const devKeys =
      config.NODE_ENV === 'production' ? undefined : await ensureDevKeys(shared.pool, config.DATA_DIR);
    const worker = await startWorkerFromConfig(config, shared, logger);
    closers.push(() => worker.stop());
    const api = await startApiFromConfig(config, shared, logger, {
      ...(services.temporalUiUrl ? { temporalUiUrl: services.temporalUiUrl } : {}),
      ...(services.devOidc ? { devOidc: services.devOidc } : {}),
    });
    closers.push(() => api.stop());
    if (services.embedded.includes('simulator') && config.NODE_ENV !== 'production') {
      await sendSimulatorCallbacksTo(services.departmentsUrl, api.url, config.DATA_DIR);
    }
    return { apiUrl: api.url, services, app: api.app, devKeys, stop };
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
