import { recordAudit } from '../db/audit-log.js';
import {
  claimDueDutyNotification,
  recordDutyDelivered,
  recordDutyFailure,
} from '../db/duty-notifications.js';
import type { DutyNotificationRow } from '../db/duty-notifications.js';
import type { Pool } from '../db/pool.js';
import type { ServiceMetrics } from '../metrics/service.js';
import { backoffDelay, defaultBackoff } from './dispatcher.js';
import type { BackoffOptions } from './dispatcher.js';
import type { DutyChannels, DutyEvent } from './duty-channels.js';
import { Wakeup } from './wakeup.js';

/** Settings of the duty dispatcher; see `createDutyDispatcher`. */
export interface DutyDispatcherOptions {
  pool: Pool;
  channels: DutyChannels;
  backoff?: Partial<BackoffOptions>;
  /** Per attempt at one channel. */
  timeoutMs?: number;
  pollIntervalMs?: number;
  /** How long a claimed notification stays with this dispatcher; must exceed the channels' time well. */
  leaseMs?: number;
  metrics?: ServiceMetrics;
  log?: { warn(obj: object, message: string): void };
}

/** A running duty dispatcher. */
export interface DutyDispatcher {
  start(): void;
  stop(): Promise<void>;
}

/** The line a person on duty reads first. */
function textOf(row: DutyNotificationRow): string {
  const p = row.payload;
  switch (row.kind) {
    case 'task.overdue':
      return `Overdue: ${row.department} task ${String(p.taskId)} (step ${String(p.stepId)}) was due ${String(p.dueAt)}; it is in the supervisor queue.`;
    case 'task.escalated':
      return `Escalated by an operator: ${row.department} task ${String(p.taskId)} (step ${String(p.stepId)}) is in the supervisor queue.`;
    case 'department.paused':
      return `${row.department} paused for an outage by ${String(p.pausedBy)}: ${String(p.reason)}. Calls wait until it is resumed.`;
  }
}

function eventOf(row: DutyNotificationRow): DutyEvent {
  return {
    id: row.dedupe_key,
    kind: row.kind,
    department: row.department,
    ...(row.application_id ? { applicationId: row.application_id } : {}),
    at: row.created_at.toISOString(),
    text: textOf(row),
    details: row.payload,
  };
}

/**
 * Delivers escalations, overdue tasks and outages to the department's duty channels (and those
 * of `*`), at least once: a notification is done when every channel took it, and retried with
 * backoff otherwise (channels that took it may hear it again: the event id is the same). Every
 * attempt is audited as `duty.notify` by `system`. Leased in PostgreSQL like webhook cursors, so
 * any number of API processes share the work.
 */
export function createDutyDispatcher(options: DutyDispatcherOptions): DutyDispatcher {
  const { pool } = options;
  const backoff = { ...defaultBackoff, ...options.backoff };
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const stopping = new AbortController();
  const wakeup = new Wakeup();
  let running: Promise<void> | undefined;

  async function send(row: DutyNotificationRow): Promise<void> {
    const channels = options.channels(row.department);
    const event = eventOf(row);
    const failures: string[] = [];
    for (const channel of channels) {
      try {
        await channel.send(event, AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]));
      } catch (err) {
        failures.push(`${channel.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (stopping.signal.aborted) return;
    const outcome = channels.length === 0 ? 'no-channel' : failures.length === 0 ? 'delivered' : 'failed';
    options.metrics?.dutyNotifications.inc({ kind: row.kind, outcome });
    const attempt = row.attempts + 1;
    if (outcome === 'failed') {
      const delayMs = backoffDelay(attempt, backoff);
      await recordDutyFailure(pool, row.id, delayMs, failures.join('; '));
      options.log?.warn(
        { notification: row.dedupe_key, attempt, retryInMs: delayMs, failures },
        'duty notification failed',
      );
    } else {
      await recordDutyDelivered(pool, row.id);
    }
    await recordAudit(pool, {
      actorKey: 'system',
      actorName: 'onething',
      role: 'system',
      action: 'duty.notify',
      ...(row.application_id ? { applicationId: row.application_id } : {}),
      target: row.department,
      reason: row.kind,
      result: outcome === 'delivered' ? 'ok' : outcome,
      detail: {
        event: row.dedupe_key,
        attempt,
        channels: channels.map((c) => c.name),
        ...(failures.length > 0 ? { failures } : {}),
      },
    });
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        for (;;) {
          if (stopping.signal.aborted) break;
          const row = await claimDueDutyNotification(pool, leaseMs);
          if (!row) break;
          await send(row);
        }
      } catch (err) {
        if (!stopping.signal.aborted) options.log?.warn({ err }, 'duty notification round failed');
      }
      await wakeup.wait(pollIntervalMs, stopping.signal);
    }
  }

  return {
    start() {
      running ??= loop();
    },
    async stop() {
      stopping.abort();
      wakeup.wake();
      await running;
    },
  };
}
