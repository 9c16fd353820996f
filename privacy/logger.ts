import { DefaultLogger } from '@temporalio/worker';
import type { LogLevel as TemporalLogLevel } from '@temporalio/worker';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { maskDeep, maskText } from './mask.js';

/** What the request serializer reads of a Fastify request. */
interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
}

/**
 * The process logger: every log object and message passes through the masking rule, so no
 * identity number, phone, account or name reaches a log in clear, whoever logs it.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      formatters: { log: (object) => maskDeep(object) },
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
    logger[pinoLevels[entry.level]]({ ...entry.meta, component: 'temporal' }, entry.message);
  });
}
