import type { ApplicationRow, StepRow } from '../db/applications.js';
import type { ApplicationView } from '../schemas/api.js';
import type { RatingView } from '../schemas/ratings.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The portal's view of an application, from the read model rows (and its rating, once rated). */
export function applicationView(
  application: ApplicationRow,
  steps: StepRow[],
  rating: RatingView | null = null,
): ApplicationView {
  return {
    id: application.id,
    bundleId: application.bundle_id,
    bundleVersion: application.bundle_version,
    status: application.status,
    createdAt: new Date(application.created_at).toISOString(),
    updatedAt: new Date(application.updated_at).toISOString(),
    dueAt: iso(application.due_at),
    steps: steps.map((s) => ({
      id: s.step_id,
      department: s.department,
      title: { zh: s.title_zh, en: s.title_en },
      status: s.status,
      attempts: s.attempts,
      startedAt: iso(s.started_at),
      completedAt: iso(s.completed_at),
      outputs: s.outputs,
      error: s.error,
      receiptNumber: s.receipt_number,
      waiting: s.waiting,
      dueAt: iso(s.due_at),
    })),
    rating,
  };
}
