import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { temporalLoggerFor } from '../privacy/logger.js';

let runtimeInstalled = false;

/**
 * The Temporal SDK's runtime of this process, once: its own logs through the masking logger, at
 * WARN and above (its INFO lines would drown what matters) unless the log level asks for more.
 */
export function installTemporalRuntime(config: Pick<Config, 'LOG_LEVEL'>, logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = ['debug', 'trace'].includes(config.LOG_LEVEL) ? 'DEBUG' : 'WARN';
  Runtime.install({ logger: temporalLoggerFor(logger, level) });
}
