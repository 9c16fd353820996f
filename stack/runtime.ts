import { Runtime } from '@temporalio/worker';
import type { RuntimeOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { freePort } from '../net/free-port.js';
import { temporalLoggerFor } from '../privacy/logger.js';

let installed: { metricsUrl: string } | undefined;

/**
 * The runtime options of a process: the SDK's logs through the masking logger, and its metrics
 * on its own Prometheus exporter at `metricsAddress` (`host:port`), named by Prometheus
 * conventions: counters end in `_total`, durations are histograms in seconds ending in `_seconds`.
 */
export function temporalRuntimeOptions(
  logger: Logger,
  level: 'DEBUG' | 'WARN',
  metricsAddress: string,
): RuntimeOptions {
  return {
    logger: temporalLoggerFor(logger, level),
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: metricsAddress,
          countersTotalSuffix: true,
          unitSuffix: true,
          useSecondsForDurations: true,
        },
      },
    },
  };
}

/**
 * The Temporal SDK's runtime of this process, once: its own logs through the masking logger, at
 * WARN and above (its INFO lines would drown what matters) unless the log level asks for more,
 * and its metrics exporter on TEMPORAL_METRICS_HOST:TEMPORAL_METRICS_PORT (a free port on
 * 127.0.0.1 when unset: the process's `/metrics` serves them). Returns the exporter's URL.
 */
export async function installTemporalRuntime(
  config: Pick<Config, 'LOG_LEVEL' | 'TEMPORAL_METRICS_HOST' | 'TEMPORAL_METRICS_PORT'>,
  logger: Logger,
): Promise<{ metricsUrl: string }> {
  if (installed) return installed;
  const level = ['debug', 'trace'].includes(config.LOG_LEVEL) ? 'DEBUG' : 'WARN';
  const host = config.TEMPORAL_METRICS_HOST;
  const port = config.TEMPORAL_METRICS_PORT ?? (await freePort());
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  Runtime.install(temporalRuntimeOptions(logger, level, address));
  const reachable = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : address.replace(/:\d+$/, '');
  installed = { metricsUrl: `http://${reachable}:${port}/metrics` };
  return installed;
}
