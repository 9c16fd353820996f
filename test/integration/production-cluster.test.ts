import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import type { ApplicationView } from '../../schemas/api.js';
import { checkInvariants, sized, waitUntilEnded } from '../faults/invariants.js';
import { recordFaultResult } from '../faults/results.js';
import { startDeployment } from '../support/deployment.js';
import type { Deployment } from '../support/deployment.js';
import { readEventStream } from '../support/event-stream.js';
import { eventually } from '../support/eventually.js';
import { newbornRequest } from '../support/newborn.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

// Production's shape on one machine: the real Temporal server (not the dev server) on PostgreSQL,
// two API processes and two worker processes (`npm run api`, `npm run worker`), the departments
// over HTTP. Scaling out, losing a worker, rolling restarts and graceful shutdown lose nothing.
const graceSeconds = 10;
let deployment: Deployment;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const all: string[] = [];

beforeAll(async () => {
  deployment = await startDeployment({
    logDir: inject('logDir'),
    temporal: 'cluster',
    apis: 2,
    workers: 2,
    env: { WORKER_SHUTDOWN_GRACE: `${graceSeconds}s` },
  });
  receiver = await startWebhookReceiver();
  const registered = await deployment.request('POST', '/v1/webhooks', { body: { url: receiver.url } });
  expect(registered.status).toBe(201);
}, 300_000);
afterAll(async () => {
  await deployment?.close();
});

async function submitThroughBoth(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await deployment.submit(newbornRequest(), undefined, i % 2);
    expect(answer.status).toBe(201);
    ids.push(answer.body.id);
  }
  all.push(...ids);
  return ids;
}

async function slowDepartments(latencyMs: number) {
  for (const step of newborn.steps) {
    await deployment.simulator.setBehaviour(step.department, step.service, { latencyMs });
  }
}

describe('a production deployment on the real Temporal server', () => {
  it('completes 200 applications submitted through both APIs while one worker is killed mid-run', async () => {
    await slowDepartments(300);
    const started = Date.now();
    const ids = await submitThroughBoth(200);
    await eventually('department calls in flight', async () =>
      (await deployment.simulator.ledger()).length >= 100 ? true : undefined,
    );
    // One worker dies; the other finishes the work (its own and the dead one's).
    await deployment.workers[0]?.killEverything();
    const views = await waitUntilEnded(deployment, ids, 300_000);
    const seconds = (Date.now() - started) / 1000;
    const report = await checkInvariants(deployment, ids);
    await recordFaultResult({
      id: 'P1',
      scenario:
        'real Temporal server on PostgreSQL, 2 APIs, 2 workers (one SIGKILLed mid-run), 200 newborn applications, 300 ms departments',
      figures: {
        applications: ids.length,
        seconds: Math.round(seconds),
        applicationsPerSecond: Math.round((ids.length / seconds) * 10) / 10,
      },
      invariants: report.invariants,
    });
    expect(report.problems).toEqual([]);
    expect([...views.values()].every((v) => v.status === 'completed')).toBe(true);
  }, 600_000);

  it('loses nothing in a rolling restart of the workers', async () => {
    await deployment.startWorker();
    const ids = await submitThroughBoth(40);
    // One at a time: SIGTERM (in-flight calls finish within the grace time), then its successor.
    for (const worker of [...deployment.workers]) {
      if ((await worker.processes()).length === 0) continue;
      expect(await worker.terminate()).toBe(0);
      await deployment.startWorker();
    }
    const views = await waitUntilEnded(deployment, ids, 300_000);
    const report = await checkInvariants(deployment, ids);
    expect(report.problems).toEqual([]);
    expect([...views.values()].every((v) => v.status === 'completed')).toBe(true);
  }, 600_000);

  it('lets in-flight department calls finish within the grace time when every worker is stopped', async () => {
    const slow = newborn.steps[0];
    if (!slow) throw new Error('the newborn bundle has no steps');
    await slowDepartments(0);
    // Long enough to be surely in flight at the SIGTERM, well inside the grace time.
    await deployment.simulator.setBehaviour(slow.department, slow.service, { latencyMs: 3000 });
    const ids = await submitThroughBoth(10);
    await eventually('the first calls to reach the department', async () => {
      const entries = await deployment.simulator.ledger();
      const keys = new Set(ids.map((id) => `${id}:${slow.id}`));
      const mine = entries.filter((e) => keys.has(e.idempotencyKey));
      return mine.length === ids.length ? mine : undefined;
    });
    const live = [];
    for (const worker of deployment.workers) if ((await worker.processes()).length > 0) live.push(worker);
    const codes = await Promise.all(live.map((w) => w.terminate((graceSeconds + 20) * 1000)));
    expect(codes.every((c) => c === 0)).toBe(true);
    // With no worker running, each call that was in flight has finished and recorded its decision.
    const stepOf = (view: ApplicationView) => view.steps.find((s) => s.id === slow.id);
    for (const id of ids) expect(stepOf(await deployment.view(id))?.status).toBe('completed');
    await deployment.startWorker();
    await waitUntilEnded(deployment, ids, 300_000);
    // Finished, not abandoned and made again: one request per key at that department.
    const entries = await deployment.simulator.ledger();
    for (const id of ids) {
      const entry = entries.find((e) => e.idempotencyKey === `${id}:${slow.id}`);
      expect(entry?.requestCount, id).toBe(1);
    }
  }, 600_000);

  it('measures the throughput with one worker and with two (figures for docs/deployment.md)', async () => {
    await slowDepartments(0);
    const live = [];
    for (const worker of deployment.workers) if ((await worker.processes()).length > 0) live.push(worker);
    for (const extra of live.slice(1)) expect(await extra.terminate()).toBe(0);
    if (live.length === 0) await deployment.startWorker();
    const measure = async () => {
      const started = Date.now();
      // Small in CI; `npm run faults` (FAULTS_FULL=1) measures 100 for docs/deployment.md.
      const ids = await Promise.all(Array.from({ length: 4 }, () => submitThroughBoth(sized(5, 25)))).then(
        (batches) => batches.flat(),
      );
      await waitUntilEnded(deployment, ids, 300_000);
      return Math.round((ids.length / ((Date.now() - started) / 1000)) * 10) / 10;
    };
    const oneWorker = await measure();
    await deployment.startWorker();
    const twoWorkers = await measure();
    await recordFaultResult({
      id: 'P2',
      scenario: `throughput on the real Temporal server: ${sized(20, 100)} newborn applications (7 instant department calls each), 4 portals in parallel`,
      figures: { applicationsPerSecondOneWorker: oneWorker, applicationsPerSecondTwoWorkers: twoWorkers },
      invariants: { allCompleted: true },
    });
    expect(oneWorker).toBeGreaterThan(0);
    expect(twoWorkers).toBeGreaterThan(0);
  }, 600_000);

  it('streams an application started through one API to an SSE client of the other', async () => {
    await slowDepartments(200);
    const [id] = await submitThroughBoth(1);
    const other = deployment.apis[1];
    if (!id || !other) throw new Error('two APIs and an application are needed');
    // The stream ends when the application does; every event comes, in order, from the other process.
    const stream = await readEventStream(
      `${other.url}/v1/applications/${id}/events`,
      {
        authorization: `Bearer ${deployment.keys.portal}`,
      },
      120_000,
    );
    expect(stream.status).toBe(200);
    const events = stream.frames.map(
      (f) => JSON.parse(f.data) as { seq: number; type: string; status: string },
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'application.status_changed', status: 'completed' });
  }, 300_000);

  it('delivered every event of every application to the webhook once, in order', async () => {
    // The last event of each application is its final status: wait until all of them arrived.
    const final = (id: string) =>
      receiver
        .of(id)
        .some((d) => d.event.type === 'application.status_changed' && d.event.status === 'completed');
    await receiver.waitFor(() => all.every(final), 120_000);
    const seen = new Set<string>();
    for (const delivery of receiver.received) {
      const key = `${delivery.event.applicationId}:${delivery.event.seq}`;
      expect(seen.has(key), `${key} delivered twice`).toBe(false);
      seen.add(key);
    }
    for (const id of all) {
      const seqs = receiver.of(id).map((d) => d.event.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
  }, 300_000);
});
