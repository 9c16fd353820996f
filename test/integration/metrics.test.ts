import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { httpAdaptersUnder } from '../../departments/adapters.js';
import { temporalSdkMetrics } from '../../metrics/catalogue.js';
import { startMetricsServer } from '../../metrics/http.js';
import { startWorkerRole } from '../../stack/worker-role.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function scrape(key: string | null = stack.keys.operator, url = `${stack.apiUrl}/metrics`) {
  const response = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** Every string the citizen typed in an application: none may ever be a label value. */
function citizenStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(citizenStrings);
  return [];
}

describe('GET /metrics', () => {
  let applicationId: string;
  beforeAll(async () => {
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    applicationId = submitted.body.id;
    expect((await stack.waitForApplication(applicationId, ended)).status).toBe('completed');
  });

  it('counts applications, department calls and API requests, with latency histograms', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(text).samples;
    expect(sampleValue(samples, 'onething_applications_started_total', { bundle: 'newborn' })).toBe(1);
    expect(
      sampleValue(samples, 'onething_applications_finished_total', {
        bundle: 'newborn',
        status: 'completed',
      }),
    ).toBe(1);
    for (const step of newborn.steps) {
      const labels = { department: step.department, service: step.service, operation: 'submit' };
      expect(
        sampleValue(samples, 'onething_department_calls_total', { ...labels, outcome: 'completed' }),
        `${step.department}/${step.service}`,
      ).toBeGreaterThanOrEqual(1);
      expect(
        sampleValue(samples, 'onething_department_call_duration_seconds_count', {
          ...labels,
          outcome: 'completed',
        }),
      ).toBeGreaterThanOrEqual(1);
    }
    const created = { method: 'POST', route: '/v1/applications', status: '201' };
    expect(sampleValue(samples, 'onething_http_requests_total', created)).toBe(1);
    expect(sampleValue(samples, 'onething_http_request_duration_seconds_count', created)).toBe(1);
    // A route with an id is counted by its pattern, not by the URL as sent.
    const progress = { method: 'GET', route: '/v1/applications/:id', status: '200' };
    expect(sampleValue(samples, 'onething_http_requests_total', progress)).toBeGreaterThanOrEqual(1);
  });

  it("includes the Temporal SDK's own metrics, as the catalogue lists them", async () => {
    const { samples, types } = parseExposition((await scrape()).text);
    const sdk = [...types].filter(([name]) => name.startsWith('temporal_'));
    // Every family the exporter shows is catalogued with its type, and every one always there is shown.
    for (const [name, type] of sdk) expect(temporalSdkMetrics[name]?.type, name).toBe(type);
    for (const [name, metric] of Object.entries(temporalSdkMetrics)) {
      if (metric.always) expect(types.has(name), name).toBe(true);
    }
    const pollers = samples.filter(
      (s) => s.name === 'temporal_num_pollers' && s.labels.task_queue === stack.taskQueue,
    );
    expect(pollers.map((s) => s.labels.poller_type)).toContain('workflow_task');
  });

  it('never has citizen data or an application id in a label', async () => {
    const { samples } = parseExposition((await scrape()).text);
    const { applicant, form } = newbornRequest();
    const forbidden = [...citizenStrings({ applicant, form }), applicationId].filter((v) => v.length >= 4);
    const values = new Set(samples.flatMap((s) => Object.values(s.labels)));
    expect(values.size).toBeGreaterThan(10);
    for (const value of values) {
      for (const secret of forbidden) expect(value, `a label holds ${secret}`).not.toContain(secret);
      // No id number, phone or account: no label value has a run of 11 digits or more. A UUID (the
      // test's task queue is named by one) may have such a run among its hex digits: it is no citizen's.
      expect(value.replace(uuidPattern, '<uuid>')).not.toMatch(/\d{11}/);
    }
  });

  it('follows the Prometheus naming conventions', async () => {
    const { types } = parseExposition((await scrape()).text);
    const own = [...types].filter(([name]) => name.startsWith('onething_'));
    expect(own.length).toBeGreaterThan(10);
    for (const [name, type] of own) {
      expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
      if (type === 'gauge') expect(name).not.toMatch(/_total$/);
    }
  });

  it('needs an operator key: 401 without, 403 for a clerk', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape(stack.keys.policeClerk)).status).toBe(403);
  });

  it('counts refused callbacks by reason, and names unknown departments as such', async () => {
    const send = (department: string) =>
      fetch(`${stack.apiUrl}/v1/departments/${department}/callbacks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          callbackId: randomUUID(),
          idempotencyKey: `${applicationId}:householdRegistration`,
          receiptNumber: 'R-1',
          outcome: 'completed',
          outputs: {},
        }),
      });
    expect((await send('police')).status).toBe(401);
    expect((await send(`x-${randomUUID()}`)).status).toBe(401);
    const { samples } = parseExposition((await scrape()).text);
    expect(
      sampleValue(samples, 'onething_callbacks_refused_total', {
        department: 'police',
        reason: 'CALLBACK_SIGNATURE_INVALID',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'onething_callbacks_refused_total', {
        department: 'unknown',
        reason: 'CALLBACK_SIGNATURE_INVALID',
      }),
    ).toBe(1);
  });

  it('reads open, past-due and paused gauges from the read model', async () => {
    // The police decide much later than this test runs: the step stays waiting.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(newbornRequest());
    const waiting = await stack.waitForApplication(
      submitted.body.id,
      (view) => view.steps.find((s) => s.id === 'householdRegistration')?.status === 'waiting',
    );
    // Its promise broken: the application and its police step are a day past due.
    await stack.pool.query(`UPDATE applications SET due_at = now() - interval '1 day' WHERE id = $1`, [
      waiting.id,
    ]);
    await stack.pool.query(
      `UPDATE application_steps SET due_at = now() - interval '1 day' WHERE application_id = $1 AND step_id = 'householdRegistration'`,
      [waiting.id],
    );
    const paused = await stack.request(
      'POST',
      '/v1/ops/departments/tax/pause',
      { reason: 'outage drill' },
      {},
      'operator',
    );
    expect(paused.status).toBe(200);

    const { samples } = parseExposition((await scrape()).text);
    expect(sampleValue(samples, 'onething_applications_open', { bundle: 'newborn', status: 'running' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'onething_applications_past_due', { bundle: 'newborn' })).toBe(1);
    expect(sampleValue(samples, 'onething_steps_past_due', { bundle: 'newborn', department: 'police' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'onething_department_paused', { department: 'tax' })).toBe(1);
    expect(sampleValue(samples, 'onething_department_paused', { department: 'police' })).toBe(0);
    expect(
      sampleValue(samples, 'onething_department_calls_total', {
        department: 'police',
        service: 'birth-registration',
        operation: 'submit',
        outcome: 'accepted',
      }),
    ).toBe(1);
    await stack.request('POST', '/v1/ops/departments/tax/resume', { reason: 'drill over' }, {}, 'operator');
  });

  it('serves the same on a separate scrape port without a key (METRICS_PORT)', async () => {
    const server = await startMetricsServer(
      { host: '127.0.0.1', port: 0 },
      { metrics: stack.metrics, pool: stack.pool, temporalMetricsUrl: stack.temporalMetricsUrl },
    );
    try {
      const { status, text } = await scrape(null, `${server.url}/metrics`);
      expect(status).toBe(200);
      expect(text).toContain('onething_applications_started_total{bundle="newborn"}');
      expect(text).toContain('temporal_num_pollers');
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("serves a worker process's metrics on its health port, for an operator key only", async () => {
    const worker = await startWorkerRole({
      temporal: { address: inject('temporalAddress') },
      namespace: 'default',
      taskQueue: `test-${randomUUID()}`,
      pool: stack.pool,
      adapters: httpAdaptersUnder(stack.simulator.url, 5000),
      workflowBundle: { codePath: inject('workflowBundlePath') },
      tuning: { shutdownGraceTime: '1s' },
      metrics: stack.metrics,
      temporalMetricsUrl: stack.temporalMetricsUrl,
      health: { host: '127.0.0.1', port: 0 },
      log: (await import('pino')).pino({ level: 'silent' }),
    });
    try {
      const url = `${worker.healthUrl}/metrics`;
      expect((await scrape(null, url)).status).toBe(401);
      expect((await scrape(stack.keys.policeClerk, url)).status).toBe(401);
      const scraped = await scrape(stack.keys.operator, url);
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('# TYPE onething_department_calls_total counter');
      expect((await fetch(`${worker.healthUrl}/health/live`)).status).toBe(200);
    } finally {
      await worker.stop();
    }
  });
});
