/**
 * Runs the whole embedded stack: `npm start` (add `-- --demo` to submit a newborn application
 * and watch it). Services set in the environment are used instead of the embedded ones; in
 * production every one of them must be set (see `missingSettings`).
 */
import { ConfigError, loadConfig, missingSettings } from '../config.js';
import { createLogger } from '../privacy/logger.js';
import { runUntilSignalled } from '../stack/lifecycle.js';
import { startOnething } from '../stack/onething.js';
import type { RunningOnething } from '../stack/onething.js';
import { runDemo, shapeSimulatorForDemo } from './demo.js';
import { devPeople } from '../identity/dev-provider.js';

const write = (line: string) => process.stdout.write(`${line}\n`);
const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
})();

await runUntilSignalled(
  'Onething',
  async () => {
    const missing = missingSettings(config, 'all-in-one');
    if (missing) throw new ConfigError(missing);
    return startOnething(config, createLogger(config.LOG_LEVEL));
  },
  async (onething) => {
    if (process.argv.includes('--demo')) await demo(onething);
    banner(onething);
  },
);

async function demo(onething: RunningOnething) {
  const portalKey = onething.devKeys?.portal;
  if (!portalKey)
    throw new Error('the demo needs the development keys, which a production start does not create');
  if (onething.services.embedded.includes('simulator')) {
    await shapeSimulatorForDemo(onething.services.departmentsUrl);
  }
  await runDemo(onething.apiUrl, 'newborn', portalKey, write);
}

function banner(onething: RunningOnething) {
  write('');
  write(`Onething is running (embedded: ${onething.services.embedded.join(', ') || 'nothing'})`);
  write(`  API:             ${onething.apiUrl}`);
  write(`  API docs:        ${onething.apiUrl}/docs`);
  write(
    `  Console:         ${onething.apiUrl}/console (sign in as a person below, or with the operator key)`,
  );
  if (onething.services.temporalUiUrl) write(`  Temporal UI:     ${onething.services.temporalUiUrl}`);
  write(`  Departments:     ${onething.services.departmentsUrl}`);
  if (onething.services.devOidc) {
    write(`  Development sign-in (${onething.services.devOidc.issuer}; any password):`);
    for (const person of devPeople) {
      const grants = person.role
        ? `${person.role}${person.department ? `:${person.department}` : ''}${person.region ? ` (region ${person.region})` : ''}${person.supervisor ? ', supervisor' : ''}`
        : 'no role: refused';
      write(`    ${person.login.padEnd(12)} ${person.name.padEnd(18)} ${grants}`);
    }
  }
  if (onething.devKeys) {
    write(`  Development API keys (also in ${config.DATA_DIR}/dev-keys.json):`);
    for (const [role, key] of Object.entries(onething.devKeys)) write(`    ${role.padEnd(30)} ${key}`);
  }
  write('Press Ctrl+C to stop.');
}
