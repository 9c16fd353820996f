import type { Queryable } from './pool.js';

/** What happened that people on duty must hear of. */
export type DutyEventKind = 'task.escalated' | 'task.overdue' | 'department.paused';

/** One event, as its producer records it. */
export interface NewDutyNotification {
  /** Names the event once (`task:<id>:escalated`): recording it again changes nothing. */
  key: string;
  kind: DutyEventKind;
  department: string;
  applicationId?: string;
  /** Ids, names, times, the operator's reason: never citizen data. */
  payload: Record<string, unknown>;
}

/** A notification as the dispatcher claims it. */
export interface DutyNotificationRow {
  id: string;
  dedupe_key: string;
  kind: DutyEventKind;
  department: string;
  application_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
}

/** Records an event for the duty channels, once per key. */
export async function recordDutyNotification(db: Queryable, event: NewDutyNotification): Promise<void> {
  await db.query(
    `INSERT INTO duty_notifications (dedupe_key, kind, department, application_id, payload)
     VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (dedupe_key) DO NOTHING`,
    [event.key, event.kind, event.department, event.applicationId ?? null, JSON.stringify(event.payload)],
  );
}

/**
 * Takes the oldest due notification and leases it for `leaseMs`, skipping rows another
 * dispatcher is taking: each is sent by one dispatcher at a time.
 */
export async function claimDueDutyNotification(
  db: Queryable,
  leaseMs: number,
): Promise<DutyNotificationRow | undefined> {
  const { rows } = await db.query<DutyNotificationRow>(
    `UPDATE duty_notifications n
     SET next_attempt_at = now() + make_interval(secs => $1::double precision)
     FROM (
       SELECT id FROM duty_notifications
       WHERE delivered_at IS NULL AND next_attempt_at <= now()
       ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
     ) due
     WHERE n.id = due.id
     RETURNING n.id::text, n.dedupe_key, n.kind, n.department, n.application_id, n.payload, n.created_at, n.attempts`,
    [leaseMs / 1000],
  );
  return rows[0];
}

/** Marks a notification delivered to every channel of its department. */
export async function recordDutyDelivered(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE duty_notifications SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
    [id],
  );
}

/** Records a failed attempt; the notification is due again after `delayMs`. */
export async function recordDutyFailure(
  db: Queryable,
  id: string,
  delayMs: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE duty_notifications
     SET attempts = attempts + 1, last_error = $3,
         next_attempt_at = now() + make_interval(secs => $2::double precision)
     WHERE id = $1`,
    [id, delayMs / 1000, error],
  );
}
