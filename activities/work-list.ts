import { randomUUID } from 'node:crypto';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { pauseClock, resumeClock } from '../db/due-dates.js';
import { recordDutyNotification } from '../db/duty-notifications.js';
import {
  closeTask,
  escalateTask,
  findTask,
  findTaskOfRound,
  insertTask,
  reassignTask,
} from '../db/work-list.js';
import type { Pool } from '../db/pool.js';
import { recordTransition } from '../db/transitions.js';
import type { ServiceMetrics } from '../metrics/service.js';
import type { VideoProvider } from '../video/provider.js';
import type { WorkListActivities, OpenTaskInput, OpenTaskResult } from './types.js';

export interface WorkListActivityDeps {
  pool: Pool;
  /** Dates each task from its time limit in working days. */
  calendar: BusinessCalendar;
  /** Makes the rooms of video-verification tasks. */
  video: VideoProvider;
  /** Counts escalations; without it they are only stored (and announced to the duty channels). */
  metrics?: ServiceMetrics;
}

/**
 * Work-list tasks: opened in PostgreSQL where clerks list and claim them, escalated when past
 * due (or earlier by an operator), reassigned by operators, and the applicant's clock stopped
 * while a supplement is awaited. Every write is keyed or idempotent, so a retried activity
 * changes nothing the first attempt did.
 */
export function createWorkListActivities(deps: WorkListActivityDeps): WorkListActivities {
  return {
    async openHumanTask(task: OpenTaskInput): Promise<OpenTaskResult> {
      const key = { applicationId: task.applicationId, stepId: task.stepId, round: task.round };
      // A retry after the insert keeps the first id and due time (and so the first video room).
      const existing = await findTaskOfRound(deps.pool, key);
      const id = existing?.id ?? randomUUID();
      const now = new Date();
      const video =
        existing?.video ??
        (task.kind === 'video-verification'
          ? await deps.video.createSession({
              taskId: id,
              applicationId: task.applicationId,
              department: task.department,
            })
          : undefined);
      const { row } = await insertTask(deps.pool, {
        id,
        ...key,
        department: task.department,
        service: task.service,
        kind: task.kind,
        input: task.input,
        ...(task.supplement ? { supplement: task.supplement } : {}),
        ...(video ? { video } : {}),
        dueAt: existing?.due_at ?? deps.calendar.addWorkingDays(now, task.timeLimitWorkingDays),
      });
      const dueAt = new Date(row.due_at).toISOString();
      await recordTransition(deps.pool, task.applicationId, {
        key: `step:${task.stepId}:task:${task.round}`,
        at: now.toISOString(),
        step: {
          stepId: task.stepId,
          status: 'waiting',
          waiting: { reason: 'human-task', message: task.title },
          error: null,
          // The first round dates the step; later rounds keep its due date (moved by pauses).
          ...(task.round === 1 ? { dueAt } : {}),
        },
      });
      return { taskId: row.id, dueAt };
    },

    async escalateHumanTask({ taskId, operator }) {
      const cause = operator === undefined ? 'overdue' : 'operator';
      const escalated = await escalateTask(deps.pool, taskId, new Date(), cause);
      if (escalated) deps.metrics?.tasksEscalated.inc({ department: escalated.department, cause });
      // The duty channels hear of it once, also when a retry finds the task escalated already.
      const task = escalated ?? (await findTask(deps.pool, taskId));
      if (task?.escalated_at) {
        await recordDutyNotification(deps.pool, {
          key: `task:${task.id}:escalated`,
          kind: cause === 'overdue' ? 'task.overdue' : 'task.escalated',
          department: task.department,
          applicationId: task.application_id,
          payload: {
            taskId: task.id,
            stepId: task.step_id,
            service: task.service,
            queue: task.queue,
            dueAt: new Date(task.due_at).toISOString(),
            escalatedAt: new Date(task.escalated_at).toISOString(),
          },
        });
      }
    },

    async reassignHumanTask({ taskId, assignee }) {
      return { reassigned: (await reassignTask(deps.pool, taskId, assignee)) !== undefined };
    },

    async closeHumanTask({ taskId, reason }) {
      await closeTask(deps.pool, taskId, reason);
    },

    async pauseApplicationClock({ applicationId, at }) {
      await pauseClock(deps.pool, applicationId, new Date(at));
    },

    async pauseClockForSupplement({ applicationId, at, workingDays }) {
      await pauseClock(deps.pool, applicationId, new Date(at));
      return { deadline: deps.calendar.addWorkingDays(new Date(at), workingDays).toISOString() };
    },

    async resumeApplicationClock({ applicationId, at }) {
      await resumeClock(deps.pool, applicationId, new Date(at), deps.calendar);
    },
  };
}
