import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

/** What names a department call's span: the department, the operation, the method and host. */
export interface DepartmentCallSpan {
  department: string;
  operation: 'submit' | 'poll' | 'compensate' | 'cancel' | 'supplement';
  method: string;
  url: string;
}

/**
 * Runs one HTTP call to a department in a client span of the active trace (the activity's, so
 * the application's), and hands `fn` the W3C `traceparent` (and `tracestate`) headers that let the
 * department's own tracing continue it. With tracing off both are no-ops: no span, no headers.
 * The span carries no input, no answer and no error text: only ids, names and the status.
 */
export function inDepartmentCallSpan<T extends { status: number }>(
  call: DepartmentCallSpan,
  fn: (traceHeaders: Record<string, string>) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer('onething-departments');
  return tracer.startActiveSpan(
    `${call.method} ${call.department} ${call.operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'onething.department': call.department,
        'onething.operation': call.operation,
        'http.request.method': call.method,
        'server.address': new URL(call.url).host,
      },
    },
    async (span) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      try {
        const answer = await fn(headers);
        span.setAttribute('http.response.status_code', answer.status);
        return answer;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
