import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';

const applications = new AsyncLocalStorage<string>();

/** Runs `fn` with `applicationId` as the application every log line inside it names. */
export function withApplicationId<T>(applicationId: string, fn: () => T): T {
  return applications.run(applicationId, fn);
}

/** What ties a log line to its trace and application: ids only, never citizen data. */
export interface LogCorrelation {
  traceId?: string;
  spanId?: string;
  applicationId?: string;
}

/**
 * The trace and application of the code running now: the active span's ids (when tracing is
 * on) and the application set by `withApplicationId` (an activity of its workflow, an API route
 * on it). Empty outside both.
 */
export function logCorrelation(): LogCorrelation {
  const correlation: LogCorrelation = {};
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    correlation.traceId = span.traceId;
    correlation.spanId = span.spanId;
  }
  const applicationId = applications.getStore();
  if (applicationId) correlation.applicationId = applicationId;
  return correlation;
}
