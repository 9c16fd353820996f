import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import type { ReplayResult } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { installTracing } from '../../telemetry/tracing.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { tracingWorkerParts, untracedWorkflowSinks } from '../../temporal/tracing.js';
import { dataConverterFor } from '../../temporal/data-converter.js';
import { eventually } from '../support/eventually.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { fixtureKeyring, recordedHistories } from '../support/replay-fixtures.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// The process's tracing, as OTEL_* would install it, with spans kept in memory for the test.
const exporter = new InMemorySpanExporter();
const tracing = installTracing({
  serviceName: 'onething-test',
  spanProcessor: new SimpleSpanProcessor(exporter),
});

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ tracing });
});
afterAll(async () => {
  await stack?.close();
});

const parentOf = (span: ReadableSpan) => span.parentSpanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

/** Every string value the citizen typed, long enough to be recognised. */
function typedValues(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 6 ? [value] : [];
  if (value && typeof value === 'object') return Object.values(value).flatMap(typedValues);
  return [];
}

/** The names from `span` up to the root of its trace, nearest first. */
function ancestry(span: ReadableSpan, spans: ReadableSpan[]): string[] {
  const byId = new Map(spans.map((s) => [idOf(s), s]));
  const names: string[] = [];
  for (let at: ReadableSpan | undefined = span; at; at = byId.get(parentOf(at) ?? '')) names.push(at.name);
  return names;
}

describe('one trace from the portal to every department', () => {
  const portalTraceId = randomBytes(16).toString('hex');
  const portalSpanId = randomBytes(8).toString('hex');
  let applicationId: string;
  let spans: ReadableSpan[];

  it('follows POST /v1/applications through the workflow and its activities to each department call', async () => {
    // The portal traces too: its request's traceparent starts the trace.
    const response = await fetch(`${stack.apiUrl}/v1/applications`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.keys.portal}`,
        'content-type': 'application/json',
        'idempotency-key': randomBytes(8).toString('hex'),
        traceparent: `00-${portalTraceId}-${portalSpanId}-01`,
      },
      body: JSON.stringify(newbornRequest()),
    });
    expect(response.status).toBe(201);
    applicationId = ((await response.json()) as { id: string }).id;
    expect((await stack.waitForApplication(applicationId, ended)).status).toBe('completed');
    // The workflow's own span leaves the sandbox when the run ends.
    spans = await eventually('the workflow run span', async () => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === 'RunWorkflow:newborn') ? all : undefined;
    });
    const trace = spans.filter((s) => s.spanContext().traceId === portalTraceId);

    const server = trace.find((s) => s.name === 'POST /v1/applications');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.parentSpanId).toBe(portalSpanId);
    const calls = trace.filter((s) => s.kind === SpanKind.CLIENT && s.name.endsWith(' submit'));
    expect(calls.map((s) => s.attributes['onething.department']).sort()).toEqual(
      newborn.steps.map((s) => s.department).sort(),
    );
    for (const call of calls) {
      expect(ancestry(call, trace)).toEqual([
        call.name,
        'RunActivity:callDepartment',
        'StartActivity:callDepartment',
        'RunWorkflow:newborn',
        'StartWorkflow:newborn',
        'POST /v1/applications',
      ]);
      expect(call.attributes['http.response.status_code']).toBe(200);
    }
    // No span carries what the citizen typed.
    const { applicant, form } = newbornRequest();
    const everything = JSON.stringify(trace.map((s) => [s.name, s.attributes, s.events]));
    for (const value of typedValues({ applicant, form })) expect(everything).not.toContain(value);
  });

  it('sends the traceparent of each call to the department', async () => {
    const requests = await stack.simulator.requests({ keyPrefix: `${applicationId}:` });
    const submits = requests.filter((r) => r.kind === 'submit');
    expect(submits).toHaveLength(newborn.steps.length);
    const callIds = new Set(spans.filter((s) => s.kind === SpanKind.CLIENT).map(idOf));
    for (const request of submits) {
      const [, traceId, parentId] =
        /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(request.traceparent ?? '') ?? [];
      expect(traceId, `${request.department}'s traceparent`).toBe(portalTraceId);
      // The department's server span continues the call's client span.
      expect(callIds).toContain(parentId);
    }
  });

  it('replays the traced history on a worker that does not trace: its start decides, not the worker', async () => {
    const workflowId = applicationWorkflowId(applicationId);
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const keyring = stack.apiDeps.keyring;
    if (!keyring) throw new Error('the test stack has a keyring');
    const replayed = Worker.runReplayHistory(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        // The application's payloads are sealed with its data key.
        dataConverter: dataConverterFor(keyring, stack.dataKeys),
        sinks: untracedWorkflowSinks,
      },
      history,
      workflowId,
    );
    await expect(replayed).resolves.toBeUndefined();
  });

  it('replays every recorded (untraced) history on a worker that traces', async () => {
    const histories = await recordedHistories();
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        sinks: tracingWorkerParts(tracing).sinks,
        dataConverter: dataConverterFor(await fixtureKeyring()),
      },
      histories,
    )) {
      results.push(result);
    }
    expect(results).toHaveLength(histories.length);
    for (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  }, 120_000);
});
