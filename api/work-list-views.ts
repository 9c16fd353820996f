import { z } from 'zod';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { isRectification } from '../db/work-list.js';
import type { TaskRow } from '../db/work-list.js';
import { findService } from '../departments/catalog/index.js';
import type { TaskDetail, TaskSummary } from '../schemas/work-list.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { TaskContext } from './task-context.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Working days from `now` to the due time on the deployment's calendar, as the schema says:
 * those still ahead (0 on the day it is due), or, once it is past, minus those gone by since.
 */
export function workingDaysLeft(dueAt: Date, calendar: BusinessCalendar, now: Date): number {
  return dueAt > now ? calendar.workingDaysBetween(now, dueAt) : -calendar.workingDaysBetween(dueAt, now);
}

/** A task as the work list shows it (no application data), dated on the calendar at `now`. */
export function taskSummaryView(
  row: TaskRow & { is_overdue?: boolean },
  calendar: BusinessCalendar,
  now: Date = new Date(),
): TaskSummary {
  return {
    id: row.id,
    applicationId: row.application_id,
    stepId: row.step_id,
    round: row.round,
    department: row.department,
    service: row.service,
    kind: row.kind,
    status: row.status,
    queue: row.queue,
    rectification: isRectification(row),
    assignee: row.assignee,
    dueAt: new Date(row.due_at).toISOString(),
    workingDaysLeft: workingDaysLeft(new Date(row.due_at), calendar, now),
    overdue: row.is_overdue ?? (row.overdue || (row.status !== 'completed' && new Date(row.due_at) < now)),
    escalatedAt: iso(row.escalated_at),
    video: row.video,
    decision: row.decision,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    completedAt: iso(row.completed_at),
  };
}

/** A task with what the clerk decides on, why, and the outputs an approval must give. */
export function taskDetailView(row: TaskRow, calendar: BusinessCalendar, context: TaskContext): TaskDetail {
  // A rectification is answered with a reply, not with the service's outputs.
  const service = isRectification(row) ? undefined : findService(row.department, row.service);
  return {
    ...taskSummaryView(row, calendar),
    input: row.input,
    supplement: row.supplement,
    outputsSchema: service ? z.toJSONSchema(service.output, { io: 'input', unrepresentable: 'any' }) : {},
    ...context,
  };
}

/** The opaque cursor of the page after `row`: its due time and id. */
export function encodeTaskCursor(row: TaskRow): string {
  return encodeCursor([new Date(row.due_at).toISOString(), row.id]);
}

const cursorKey = z.tuple([z.iso.datetime(), z.uuid()]);

/** The position a cursor stands for; a 400 problem if it is not one this API made. */
export function decodeTaskCursor(cursor: string): { dueAt: Date; id: string } {
  const [dueAt, id] = decodeCursor(cursor, cursorKey);
  return { dueAt: new Date(dueAt), id };
}
