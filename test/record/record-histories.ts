import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { allBundles } from '../../bundles/index.js';
import type { ApplicationView } from '../../schemas/api.js';
import {
  applicationWorkflowId,
  bulkActionWorkflowId,
  departmentResumeWorkflowId,
} from '../../temporal/ids.js';
import { quickRetry, startNewbornWithSteps } from '../support/adjusted-plan.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { finishWithOfficer } from '../support/officer.js';
import { addRecording } from '../support/history-manifest.js';
import { recordedExamples } from '../support/recordings.js';
import { fixtureKeyring } from '../support/replay-fixtures.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const run = promisify(execFile);
let stack: TestStack;
beforeAll(async () => {
  // Failed calls are held for an operator, so that branch can be recorded too.
  // Keyring-encrypted payloads: the replay test decodes them without this stack's data keys.
  stack = await startTestStack({
    keyring: await fixtureKeyring(),
    failedStepHold: '1h',
    payloadDataKeys: false,
  });
});
afterAll(async () => {
  await stack?.close();
});

/** The history as the Temporal CLI exports it (proto3 JSON), which `runReplayHistories` reads. */
async function record(name: string, view: ApplicationView) {
  await recordWorkflow(name, applicationWorkflowId(view.id));
}

async function recordWorkflow(name: string, workflowId: string) {
  const { stdout } = await run(process.env.TEMPORAL_CLI_PATH ?? '.venv/bin/temporal', [
    'workflow',
    'show',
    '--workflow-id',
    workflowId,
    '--address',
    inject('temporalAddress'),
    '--output',
    'json',
  ]);
  // Append-only: an existing recording stays as it is; a changed behaviour is recorded under a new name.
  const done = await addRecording(`${name}.history.json`, `${JSON.stringify(JSON.parse(stdout))}\n`);
  process.stdout.write(`${name}: ${done === 'kept' ? 'kept the existing recording' : 'recorded'}\n`);
}

const submitAndFinish = async (body: unknown) => {
  const submitted = await stack.submit(body);
  expect(submitted.status).toBe(201);
  return stack.waitForApplication(submitted.body.id, ended);
};

it('records every bundle run to completion: each version, each of its paths', async () => {
  for (const { name, request } of allBundles.flatMap(recordedExamples)) {
    const submitted = await stack.submit(request);
    expect(submitted.status).toBe(201);
    // Cloud-window items wait for an officer's video verification: act as one.
    await record(name, (await finishWithOfficer(stack, submitted.body.id)).view);
  }
});

it('records the newborn paths that take other branches of the workflow', async () => {
  await stack.simulator.setBehaviour('police', 'birth-registration', {
    reject: { code: 'HOUSEHOLD_NOT_FOUND', reason: 'no household registered for this parent' },
  });
  await record('newborn-rejected', await submitAndFinish(newbornRequest()));

  await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 2 });
  await record('newborn-retried', await submitAndFinish(newbornRequest()));

  await stack.simulator.setBehaviour('police', 'birth-registration', { decision: 'callback' });
  await record('newborn-callback', await submitAndFinish(newbornRequest()));

  await stack.simulator.setBehaviour('police', 'birth-registration', {});
  await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {
    decision: 'callback',
    decisionDelayMs: 600_000,
  });
  const submitted = await stack.submit(newbornRequest());
  await stack.waitForApplication(
    submitted.body.id,
    (v) =>
      v.steps.find((s) => s.id === 'socialSecurityCard')?.status === 'waiting' &&
      v.steps.find((s) => s.id === 'insurancePayment')?.status === 'completed',
  );
  const withdrawn = await stack.request('POST', `/v1/applications/${submitted.body.id}/withdraw`, {
    reason: 'recorded',
  });
  expect(withdrawn.status).toBe(202);
  await record('newborn-withdrawn', await stack.waitForApplication(submitted.body.id, ended));
});

it('records the operators’ repairs: a paused department, a re-send, a failed call held and retried', async () => {
  const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
  const ops = (path: string, body: unknown) => stack.request('POST', path, body, {}, 'operator');
  await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {});

  expect((await ops('/v1/ops/departments/police/pause', { reason: 'recorded outage' })).status).toBe(200);
  const paused = await stack.submit(newbornRequest());
  await stack.waitForApplication(paused.body.id, (v) => police(v)?.waiting?.reason === 'department-paused');
  expect((await ops('/v1/ops/departments/police/resume', { reason: 'recorded' })).status).toBe(202);
  await record('newborn-paused-resumed', await stack.waitForApplication(paused.body.id, ended));
  const resumeId = departmentResumeWorkflowId('police');
  await stack.client.workflow.getHandle(resumeId).result();
  await recordWorkflow('resume-department', resumeId);

  await stack.simulator.setBehaviour('police', 'birth-registration', {
    decision: 'callback',
    decisionDelayMs: 600_000,
  });
  const lost = await stack.submit(newbornRequest());
  const waiting = await stack.waitForApplication(lost.body.id, (v) => police(v)?.status === 'waiting');
  const path = `/v1/ops/applications/${lost.body.id}/steps/householdRegistration`;
  expect((await ops(`${path}/resend`, { reason: 'recorded' })).status).toBe(202);
  await stack.simulator.decideNow('police', 'birth-registration', police(waiting)?.receiptNumber ?? '');
  await record('newborn-resent', await stack.waitForApplication(lost.body.id, ended));

  // A broken answer is retried within the step's budget: two seconds here, so it is held soon.
  await stack.simulator.setBehaviour('police', 'birth-registration', { brokenOutputs: true });
  const broken = await startNewbornWithSteps(stack, {
    householdRegistration: { callTimeout: '2s', retry: quickRetry('2s') },
  });
  await stack.waitForApplication(broken, (v) => police(v)?.status === 'failed');
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
  const retryPath = `/v1/ops/applications/${broken}/steps/householdRegistration/retry`;
  expect((await ops(retryPath, { reason: 'recorded' })).status).toBe(202);
  await record('newborn-failed-held-retried', await stack.waitForApplication(broken, ended));

  await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
  const stuck = [await stack.submit(newbornRequest()), await stack.submit(newbornRequest())];
  for (const { body } of stuck) {
    await stack.waitForApplication(body.id, (v) => (police(v)?.attempts ?? 0) >= 2);
  }
  const bulk = await stack.request<{ id: string }>(
    'POST',
    '/v1/ops/bulk-actions',
    { action: 'retry', reason: 'recorded', filter: { department: 'police', stuck: ['retrying'] } },
    {},
    'operator',
  );
  expect(bulk.status).toBe(202);
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
  await stack.client.workflow.getHandle(bulkActionWorkflowId(bulk.body.id)).result();
  await recordWorkflow('bulk-repair', bulkActionWorkflowId(bulk.body.id));
  for (const { body } of stuck) await stack.waitForApplication(body.id, ended);
});

it('records a department’s request for supplements (补正), answered, then decided', async () => {
  // The police ask by callback, receive the answers as round 2 and decide by callback.
  const missing = ['户口簿首页 household booklet first page'];
  await stack.simulator.setBehaviour('police', 'birth-registration', {
    decision: 'callback',
    supplement: { missing },
  });
  const submitted = await stack.submit(newbornRequest());
  const asked = await stack.waitForApplication(submitted.body.id, (v) => v.status === 'waiting');
  const answered = await stack.request('POST', `/v1/applications/${asked.id}/supplements`, {
    answers: { [missing[0] as string]: 'material ref M-1' },
  });
  expect(answered.status).toBe(202);
  const done = await stack.waitForApplication(asked.id, ended);
  expect(done.status).toBe('completed');
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
  await record('newborn-department-supplement', done);
});
