/**
 * The department simulator on its own (`npm run simulator`): a stand-in for every department's
 * system that outlives Onething's processes, as real departments do. Listens on SIMULATOR_PORT.
 * Outside production, with CALLBACK_URL set, its departments call that API back signed with the
 * development secrets in DATA_DIR (the ones Onething's processes accept).
 */
import { ConfigError, loadConfig } from '../config.js';
import { ensureDevDepartmentSecrets } from '../departments/configuration.js';
import { startSimulator } from '../departments/simulator/server.js';
import { runUntilSignalled } from '../stack/lifecycle.js';

await runUntilSignalled(
  'the department simulator',
  async () => {
    const config = loadConfig();
    if (config.NODE_ENV === 'production')
      throw new ConfigError('the department simulator is not for production');
    const callbackUrl = process.env.CALLBACK_URL;
    const keys = callbackUrl
      ? Object.fromEntries(await ensureDevDepartmentSecrets(config.DATA_DIR))
      : undefined;
    const simulator = await startSimulator({
      host: '127.0.0.1',
      port: config.SIMULATOR_PORT,
      ...(callbackUrl && keys ? { callbacks: { baseUrl: callbackUrl, keys } } : {}),
    });
    return { url: simulator.url, stop: () => simulator.close() };
  },
  (simulator) => {
    process.stdout.write(`Department simulator listening on ${simulator.url}\n`);
  },
);
