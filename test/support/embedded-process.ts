import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startOnethingProcess } from '../../stack/entry-process.js';
import type { OnethingProcess } from '../../stack/entry-process.js';

/** The ports of one embedded stack; kept across its restarts, as a machine's would be. */
export interface EmbeddedPorts {
  api: number;
  temporal: number;
  postgres: number;
  simulator: number;
  /** The development OpenID provider's. */
  oidc: number;
}

/** `npm start` as a separate OS process. */
export interface EmbeddedProcess extends OnethingProcess {
  apiUrl: string;
  simulatorUrl: string;
  /** The development keys it printed and keeps in `<DATA_DIR>/dev-keys.json`. */
  devKeys: Record<string, string>;
}

/**
 * Starts `scripts/start.ts` the way `npm start` does, on `dataDir` and `ports`, and waits for its
 * "Onething is running" line.
 */
export async function startEmbeddedProcess(options: {
  dataDir: string;
  ports: EmbeddedPorts;
  logFile: string;
  env?: Record<string, string>;
}): Promise<EmbeddedProcess> {
  const { ports } = options;
  const started = await startOnethingProcess({
    script: 'scripts/start.ts',
    readyLine: 'Onething is running',
    logFile: options.logFile,
    env: {
      NODE_ENV: 'development',
      DATA_DIR: options.dataDir,
      API_PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: '0',
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      SIMULATOR_PORT: String(ports.simulator),
      DEV_OIDC_PORT: String(ports.oidc),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const devKeys = JSON.parse(await readFile(join(options.dataDir, 'dev-keys.json'), 'utf8')) as Record<
    string,
    string
  >;
  return {
    ...started,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    simulatorUrl: `http://127.0.0.1:${ports.simulator}`,
    devKeys,
  };
}
