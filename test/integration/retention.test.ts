import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { createRetentionActivities } from '../../activities/retention.js';
import type { RetentionRunResult } from '../../activities/types.js';
import { sealerOf } from '../../db/sealing.js';
import type { RetentionPolicy } from '../../schemas/retention.js';
import { DataErasedError, EncryptionCodec } from '../../temporal/codec.js';
import { applicationWorkflowId, retentionScheduleId } from '../../temporal/ids.js';
import { eventually } from '../support/eventually.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

type Payload = temporal.api.common.v1.IPayload;

// Newborn data is kept 30 days after the end here; the logs 400 and 800 days.
const policy: RetentionPolicy = { bundles: { newborn: 30 }, accessLogDays: 400, auditLogDays: 800 };
const dayMs = 86_400_000;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ retention: policy });
});
afterAll(async () => {
  await stack?.close();
});

/** The scheduled job itself, run with a clock instead of waiting for the schedule. */
const runRetentionAt = (at: Date): Promise<RetentionRunResult> =>
  createRetentionActivities({
    pool: stack.pool,
    policy,
    forgetDataKey: (id) => stack.dataKeys.forget(id),
  }).runRetention({ now: at.toISOString() });

/** Every payload of the application's workflow history, as the server stores them. */
async function historyPayloads(applicationId: string): Promise<Payload[]> {
  const history = await stack.client.workflow.getHandle(applicationWorkflowId(applicationId)).fetchHistory();
  const out: Payload[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
    const record = value as Record<string, unknown>;
    const metadata = record.metadata as Record<string, unknown> | undefined;
    if (metadata && metadata['encryption-data-key'] instanceof Uint8Array) {
      out.push(record);
      return;
    }
    for (const v of Object.values(record)) walk(v);
  };
  walk(history.events);
  return out;
}

describe('the retention schedule', () => {
  it('exists for the task queue, starts retentionRun there, and a triggered run completes', async () => {
    const handle = stack.client.schedule.getHandle(retentionScheduleId(stack.taskQueue));
    const schedule = await handle.describe();
    expect(schedule.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'retentionRun',
      taskQueue: stack.taskQueue,
    });
    expect(schedule.spec.intervals?.[0]?.every).toBe(dayMs);

    await handle.trigger();
    const started = await eventually(
      'the triggered run',
      async () => (await handle.describe()).info.recentActions[0]?.action.workflow,
    );
    const result = await stack.client.workflow
      .getHandle(started.workflowId, started.firstExecutionRunId)
      .result();
    expect(result).toEqual({ erased: 0, materialsErased: 0, accessLogPurged: 0, auditLogPurged: 0 });
  });
});

describe('erasure when the retention has passed', () => {
  it("crypto-shreds an ended application's data in Temporal and PostgreSQL together, keeping the non-personal record", async () => {
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');
    const { rows: endedRows } = await stack.pool.query<{ updated_at: Date }>(
      'SELECT updated_at FROM applications WHERE id = $1',
      [view.id],
    );
    const endedAt = (endedRows[0] as { updated_at: Date }).updated_at.getTime();
    const codec = new EncryptionCodec(stack.keyring, stack.dataKeys);
    const payloads = await historyPayloads(view.id);
    expect(payloads.length).toBeGreaterThan(10);
    await codec.decode(payloads);

    expect(await runRetentionAt(new Date(endedAt + 29 * dayMs))).toMatchObject({ erased: 0 });
    expect(await runRetentionAt(new Date(endedAt + 31 * dayMs))).toMatchObject({ erased: 1 });
    // Run again (a retried activity, the next day's run): nothing more to do.
    expect(await runRetentionAt(new Date(endedAt + 32 * dayMs))).toMatchObject({ erased: 0 });

    // Temporal's history no longer decodes: its key is gone.
    for (const payload of payloads.slice(0, 5)) {
      await expect(codec.decode([payload])).rejects.toBeInstanceOf(DataErasedError);
    }
    const { rows: keys } = await stack.pool.query<{ wrapped_key: Buffer | null; erased_at: Date | null }>(
      'SELECT wrapped_key, erased_at FROM application_keys WHERE application_id = $1',
      [view.id],
    );
    expect(keys).toEqual([{ wrapped_key: null, erased_at: expect.any(Date) }]);

    // The statistics' record stays; what was personal reads as nothing.
    const after = await stack.getApplication(view.id);
    expect(after).toMatchObject({
      id: view.id,
      bundleId: 'newborn',
      status: 'completed',
      createdAt: view.createdAt,
    });
    expect(after.steps.map((s) => [s.id, s.department, s.status])).toEqual(
      view.steps.map((s) => [s.id, s.department, s.status]),
    );
    expect(after.steps.every((s) => s.outputs === null || s.outputs === undefined)).toBe(true);
    const { rows: cells } = await stack.pool.query<{ v: unknown }>(
      `SELECT outputs AS v FROM application_steps WHERE application_id = $1
       UNION ALL SELECT data FROM application_events WHERE application_id = $1 AND data <> '{}'::jsonb`,
      [view.id],
    );
    expect(cells.filter((c) => c.v !== null)).toEqual([]);
    // A sealed copy taken before (a backup) opens to nothing either.
    expect(await sealerOf(stack.pool).open(`sealed:v1:${view.id}:AAAA`)).toBeNull();

    const audit = await stack.request<{
      entries: Array<{ action: string; applicationId: string; detail: unknown }>;
    }>('GET', `/v1/ops/audit?action=application.erase&applicationId=${view.id}`, undefined, {}, 'operator');
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'application.erase',
        applicationId: view.id,
        detail: expect.objectContaining({ bundleId: 'newborn', status: 'completed' }),
      }),
    ]);
  });
});

describe('the access log and the audit log', () => {
  it('refuse updates and deletes; only the retention job removes entries past their own retention', async () => {
    const { rows } = await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM access_log');
    expect(rows[0]?.n).toBeGreaterThan(0);
    await expect(stack.pool.query(`UPDATE access_log SET purpose = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(stack.pool.query('DELETE FROM access_log')).rejects.toThrow(/append-only/);
    await expect(stack.pool.query('TRUNCATE access_log')).rejects.toThrow(/append-only/);
    await expect(stack.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);

    const now = Date.now();
    const first = await runRetentionAt(new Date(now + 401 * dayMs));
    expect(first.accessLogPurged).toBe(rows[0]?.n);
    expect(first.auditLogPurged).toBe(0);
    const second = await runRetentionAt(new Date(now + 801 * dayMs));
    expect(second.auditLogPurged).toBeGreaterThan(0);
    // The setting the job used was its transaction's alone: a later entry is protected again.
    const { rows: setting } = await stack.pool.query<{ v: string | null }>(
      `SELECT current_setting('onething.retention_purge', true) AS v`,
    );
    expect(setting[0]?.v).not.toBe('on');
  });
});
