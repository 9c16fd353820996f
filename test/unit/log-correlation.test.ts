import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createLogger, temporalLoggerFor } from '../../privacy/logger.js';
import { withApplicationId } from '../../telemetry/log-context.js';
import { installTracing } from '../../telemetry/tracing.js';
import { applicationWorkflowId } from '../../temporal/ids.js';

installTracing({ serviceName: 'test', spanProcessor: new SimpleSpanProcessor(new InMemorySpanExporter()) });

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

describe('log lines name their trace and application', () => {
  it('carries the active span and the application, and still masks citizen data', async () => {
    const { logger, lines } = capture();
    const applicationId = randomUUID();
    await trace.getTracer('test').startActiveSpan('work', async (span) => {
      await withApplicationId(applicationId, async () => {
        await Promise.resolve();
        logger.info({ applicant: { idNumber: '110101199003071234' } }, 'called 13800138000');
      });
      span.end();
      expect(lines[0]).toMatchObject({
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        applicationId,
        msg: 'called 138****8000',
        applicant: { idNumber: '110101********1234' },
      });
    });
  });

  it('keeps a trace id whole even where it looks like a phone number', () => {
    const { logger, lines } = capture();
    const traceId = 'ab138001380001cdab138001380001cd';
    const spanId = 'a13800138000bcde';
    const active = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    context.with(active, () => logger.info('inside'));
    expect(lines[0]).toMatchObject({ traceId, spanId });
  });

  it('has neither outside a span and an application, and masks a lookalike field', () => {
    const { logger, lines } = capture();
    logger.info({ traceId: 'id 110101199003071234' }, 'outside');
    expect(lines[0]?.spanId).toBeUndefined();
    expect(lines[0]?.applicationId).toBeUndefined();
    expect(lines[0]?.traceId).toBe('id 110101********1234');
  });

  it("names the application of the Temporal SDK's lines from their workflow id", () => {
    const { logger, lines } = capture();
    const applicationId = randomUUID();
    temporalLoggerFor(logger, 'WARN').warn('Activity failed', {
      workflowId: applicationWorkflowId(applicationId),
    });
    temporalLoggerFor(logger, 'WARN').warn('Bulk job', { workflowId: 'bulk-action-x' });
    expect(lines[0]?.applicationId).toBe(applicationId);
    expect(lines[1]?.applicationId).toBeUndefined();
  });
});
