import { join } from 'node:path';
import { ConfigError, missingSettings } from '../config.js';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { startSimulator } from '../departments/simulator/server.js';
import { startTemporalDevServer } from '../temporal/dev-server.js';
import { randomBytes } from 'node:crypto';
import { startDevOidcProvider } from '../identity/dev-provider.js';
import { localRedirectUrl } from './oidc.js';
import type { DevOidcClient } from './oidc.js';

/** Where the services Onething depends on are, whether configured or started here. */
export interface ServiceEndpoints {
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  departmentsUrl: string;
  /** The development OpenID provider people sign in with, when none is configured. */
  devOidc?: DevOidcClient;
  /** Which of them this process started (and stops). */
  embedded: string[];
  stop(): Promise<void>;
}

/**
 * Starts what is not configured: the Temporal dev server (SQLite under DATA_DIR, so
 * applications survive a restart), PostgreSQL from node_modules, and the department simulator.
 */
export async function startServices(config: Config, log: (line: string) => void): Promise<ServiceEndpoints> {
  // Production never starts a simulator, a dev server or an embedded PostgreSQL in place of a missing setting.
  const missing = config.NODE_ENV === 'production' ? missingSettings(config, 'all-in-one') : undefined;
  if (missing) throw new ConfigError(missing);
  const stops: Array<() => Promise<void>> = [];
  const embedded: string[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      log(`starting the Temporal dev server (data in ${join(config.DATA_DIR, 'temporal.sqlite')})`);
      const server = await startTemporalDevServer({
        binary: config.TEMPORAL_CLI_PATH,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: join(config.DATA_DIR, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
        uiCodecEndpoint: `${browserUrlOf(config.API_HOST, config.API_PORT)}/codec`,
      });
      stops.push(() => server.stop());
      embedded.push('temporal');
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      log(`starting PostgreSQL (data in ${join(config.DATA_DIR, 'postgres')})`);
      const postgres = await startEmbeddedPostgres({
        dataDir: join(config.DATA_DIR, 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
      });
      stops.push(() => postgres.stop());
      embedded.push('postgres');
      await postgres.ensureDatabase('onething');
      databaseUrl = postgres.urlFor('onething');
    }
    let departmentsUrl = config.DEPARTMENTS_URL;
    if (!departmentsUrl) {
      log('starting the department simulator');
      const simulator = await startSimulator({ host: '127.0.0.1', port: config.SIMULATOR_PORT });
      stops.push(() => simulator.close());
      embedded.push('simulator');
      departmentsUrl = simulator.url;
    }
    let devOidc: DevOidcClient | undefined;
    if (!config.OIDC_ISSUER_URL && config.NODE_ENV !== 'production') {
      log('starting the development OpenID provider');
      // A new secret at each start: the provider keeps its client in memory, beside this API.
      const client = { clientId: 'onething-console', clientSecret: randomBytes(24).toString('base64url') };
      const provider = await startDevOidcProvider({
        port: config.DEV_OIDC_PORT,
        ...client,
        redirectUris: [config.OIDC_REDIRECT_URL ?? localRedirectUrl(config)],
      });
      stops.push(() => provider.close());
      embedded.push('oidc');
      devOidc = { issuer: provider.issuer, ...client };
    }
    return {
      temporalAddress,
      ...(temporalUiUrl ? { temporalUiUrl } : {}),
      databaseUrl,
      departmentsUrl,
      ...(devOidc ? { devOidc } : {}),
      embedded,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** How a browser on this machine reaches a server listening on host:port (a wildcard address is not one). */
function browserUrlOf(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
