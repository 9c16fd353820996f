import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { loadDepartmentSettings, readDepartmentsFile } from '../configuration.js';
import { findService } from '../catalog/index.js';
import { createHttpAdapter } from '../http-adapter.js';
import type { ConformanceTarget } from './target.js';
import { sampleInput } from './sample-input.js';

/** A department's live system (or sandbox), as its `DEPARTMENTS_CONFIG` entry reaches it. */
export interface LiveTargetOptions {
  /** A `DEPARTMENTS_CONFIG` file: the department's adapter, exactly as production configures it. */
  configFile: string;
  department: string;
  service: string;
  /** An input the service decides in the applicant's favour; generated from its schema when absent. */
  validInput?: Record<string, unknown>;
  /** Per-request limit (ms) of the adapter under test; the entry's `timeoutMs`, or 5000. */
  timeoutMs?: number;
}

/**
 * A conformance target over a live department system: the adapter its configuration builds,
 * and, when it signs with HMAC, the same adapter with a wrong secret for the signature check. A
 * live system gives the kit no hooks into itself, so the checks that need one (side effects
 * counted, injected faults, a forced rejection, a decision on demand) are skipped and say so.
 */
export async function liveTarget(options: LiveTargetOptions): Promise<ConformanceTarget> {
  const { configFile, department, service } = options;
  const definition = findService(department, service);
  if (!definition) throw new Error(`the catalogue has no service ${department}/${service}`);
  const entry = (await readDepartmentsFile(configFile))[department];
  if (entry === undefined) throw new Error(`${configFile} has no entry for ${department}`);
  const timeoutMs = options.timeoutMs ?? entry.timeoutMs ?? 5000;
  const settings = await loadDepartmentSettings({
    // Production: no development secrets are made up for a department the file leaves out.
    NODE_ENV: 'production',
    DATA_DIR: tmpdir(),
    DEPARTMENTS_CONFIG: configFile,
    DEPARTMENTS_URL: undefined,
    DEPARTMENT_TIMEOUT_MS: timeoutMs,
    SIMULATOR_PORT: 0,
  });
  const adapter = settings.adapters.get(department);
  if (adapter === undefined) throw new Error(`no adapter for ${department}`);
  const key = settings.signingKeys.get(department);
  return {
    adapter,
    department,
    service,
    validInput: options.validInput ?? sampleInput(definition.input),
    ...(key &&
      entry.adapter === 'http' && {
        signature: {
          // The right key id with a secret the department never had.
          adapterWithWrongSecret: createHttpAdapter({
            baseUrl: entry.baseUrl,
            timeoutMs,
            auth: { type: 'hmac', ...key, secret: randomBytes(32).toString('base64url') },
          }),
        },
      }),
  };
}
