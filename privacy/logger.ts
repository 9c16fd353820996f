import { DefaultLogger } from '@temporalio/worker';
import type { LogLevel as TemporalLogLevel } from '@temporalio/worker';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { logCorrelation } from '../telemetry/log-context.js';
import { applicationIdOfWorkflow } from '../temporal/ids.js';
import { maskDeep, maskText } from './mask.js';

/** What the request serializer reads of a Fastify request. */
interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
}

// The ids that tie a line to its trace and application, passed through unmasked only in their
// exact shapes: the free-text rule would take a run of 11 digits inside one for a phone number.
const correlationShapes: Record<string, RegExp> = {
  traceId: /^[0-9a-f]{32}$/,
  spanId: /^[0-9a-f]{16}$/,
  applicationId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

/** The log object masked, with the correlation ids kept as they are when they have their shapes. */
function maskLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const shape = correlationShapes[key];
    if (shape && typeof value === 'string' && shape.test(value)) kept[key] = value;
    else rest[key] = value;
  }
  return { ...maskDeep(rest), ...kept };
}

/**
 * The process logger: every log object and message passes through the masking rule, so no
 * identity number, phone, account or name reaches a log in clear, whoever logs it. Each line
 * carries the active trace's `traceId` and `spanId` and the `applicationId` it concerns when
 * there are such (`telemetry/log-context.ts`), so an operator goes from a line to the trace.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      mixin: () => ({ ...logCorrelation() }),
      formatters: { log: (object) => maskLogObject(object) },
      // Serializers run after the formatter, on what it left alone: Fastify's request object,
      // whose URL can carry anything a caller typed (errors are masked by the formatter).
      serializers: {
        req: (req: RequestLike) => ({
          method: req.method,
          url: maskText(req.url ?? ''),
          host: req.host,
          remoteAddress: req.ip,
        }),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? maskText(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}

const pinoLevels: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logs (activity failures carry department messages) through the same masking logger. */
export function temporalLoggerFor(logger: Logger, level: TemporalLogLevel): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    // The SDK names the workflow; its application is what an operator searches by.
    const workflowId: unknown = entry.meta?.workflowId;
    const applicationId = typeof workflowId === 'string' ? applicationIdOfWorkflow(workflowId) : undefined;
    logger[pinoLevels[entry.level]](
      { ...entry.meta, ...(applicationId ? { applicationId } : {}), component: 'temporal' },
      entry.message,
    );
  });
}
