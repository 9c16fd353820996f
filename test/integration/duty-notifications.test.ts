import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkListActivities } from '../../activities/work-list.js';
import { dutyChannelsFrom } from '../../notifications/duty-channels.js';
import type { DutyEvent } from '../../notifications/duty-channels.js';
import { signatureHeader, verifyWebhookSignature } from '../../notifications/signature.js';
import { createStubVideoProvider } from '../../video/provider.js';
import { newbornRequest } from '../support/newborn.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';

// The duty chat bot of every department: it fails its first request, then takes everything.
const secret = randomBytes(32).toString('hex');
let receiver: WebhookReceiver;
let stack: TestStack;
beforeAll(async () => {
  receiver = await startWebhookReceiver((n) => (n === 1 ? 500 : 200));
  stack = await startTestStack({
    // Vaccination certificates are decided by CDC clerks; 22 working days, so nothing falls due meanwhile.
    stepDeciders: new Map([['newborn.vaccination', 'worklist']]),
    duty: {
      channels: dutyChannelsFrom({ '*': [{ type: 'webhook', name: 'duty-bot', url: receiver.url, secret }] }),
      backoff: { baseMs: 50 },
      pollIntervalMs: 50,
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const eventsOf = (kind: string) =>
  receiver.received
    .filter((d) => (d.event as unknown as DutyEvent).kind === kind)
    .map((d) => ({ ...d, duty: d.event as unknown as DutyEvent }));

interface AuditEntries {
  entries: Array<{
    action: string;
    role: string;
    target: string;
    reason: string;
    result: string;
    detail: Record<string, unknown>;
  }>;
}

describe('escalations and outages reach the people on duty', () => {
  it('announces a paused department, signed, retried until taken, and audits each attempt', async () => {
    const paused = await stack.request(
      'POST',
      '/v1/ops/departments/tax/pause',
      { reason: 'tax system down' },
      {},
      'operator',
    );
    expect(paused.status).toBe(200);
    await receiver.waitFor(() => eventsOf('department.paused').some((d) => d.answered === 200));
    const attempts = eventsOf('department.paused');
    expect(attempts.map((d) => d.answered)).toEqual([500, 200]);
    // The same event both times, signed with the channel's secret.
    expect(new Set(attempts.map((d) => d.duty.id)).size).toBe(1);
    for (const attempt of attempts) {
      expect(verifyWebhookSignature(secret, attempt.body, attempt.headers[signatureHeader] as string)).toBe(
        true,
      );
    }
    expect(attempts[1]?.duty).toMatchObject({
      kind: 'department.paused',
      department: 'tax',
      text: expect.stringContaining('tax system down'),
      details: { reason: 'tax system down' },
    });

    const audit = await stack.request<AuditEntries>(
      'GET',
      '/v1/ops/audit?action=duty.notify&limit=10',
      undefined,
      {},
      'operator',
    );
    const results = audit.body.entries.filter((e) => e.reason === 'department.paused').map((e) => e.result);
    expect(results.sort()).toEqual(['failed', 'ok']);
    expect(audit.body.entries[0]).toMatchObject({ role: 'system', target: 'tax' });

    const metrics = await fetch(`${stack.apiUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.keys.operator}` },
    });
    const { samples } = parseExposition(await metrics.text());
    const kind = 'department.paused';
    expect(sampleValue(samples, 'onething_duty_notifications_total', { kind, outcome: 'failed' })).toBe(1);
    expect(sampleValue(samples, 'onething_duty_notifications_total', { kind, outcome: 'delivered' })).toBe(1);
    await stack.request('POST', '/v1/ops/departments/tax/resume', { reason: 'back' }, {}, 'operator');
  });

  it('announces a task an operator escalated, naming it and its application, with nothing the citizen typed', async () => {
    const submitted = await stack.submit(newbornRequest());
    const task = await stack.waitForOpenTask(submitted.body.id, 'operator');
    const escalated = await stack.request(
      'POST',
      `/v1/ops/tasks/${task.id}/escalate`,
      { reason: 'clerk away' },
      {},
      'operator',
    );
    expect(escalated.status).toBe(200);
    await receiver.waitFor(() => eventsOf('task.escalated').some((d) => d.duty.details.taskId === task.id));
    const event = eventsOf('task.escalated').find((d) => d.duty.details.taskId === task.id);
    expect(event?.duty).toMatchObject({ department: 'cdc', applicationId: submitted.body.id });
    const { applicant } = newbornRequest();
    for (const value of [applicant.name, applicant.idNumber, applicant.phone, '王小明'])
      expect(event?.body).not.toContain(value);
  });

  it('announces a task past its due time as overdue, once, however often the escalation is retried', async () => {
    const submitted = await stack.submit(newbornRequest());
    const task = await stack.waitForOpenTask(submitted.body.id, 'operator');
    const activities = createWorkListActivities({
      pool: stack.pool,
      calendar: stack.calendar,
      video: createStubVideoProvider(),
    });
    // What the workflow's due-time timer runs, twice as a retried activity would.
    await activities.escalateHumanTask({ taskId: task.id });
    await activities.escalateHumanTask({ taskId: task.id });
    await receiver.waitFor(() => eventsOf('task.overdue').some((d) => d.duty.details.taskId === task.id));
    const rows = await stack.pool.query('SELECT 1 FROM duty_notifications WHERE dedupe_key = $1', [
      `task:${task.id}:escalated`,
    ]);
    expect(rows.rowCount).toBe(1);
    expect(eventsOf('task.overdue').filter((d) => d.duty.details.taskId === task.id)).toHaveLength(1);
  });
});
