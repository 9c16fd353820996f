-- Promised time limits on the business calendar (calendar/business-calendar.ts). Due dates are
-- computed in the application, where the calendar is, and stored here so portals and supervisors
-- can list what is due or overdue.

-- When the whole application is due: submission + the bundle's promised working days. Null for
-- applications created before due dates were kept.
ALTER TABLE applications ADD COLUMN due_at timestamptz;
-- The clock stops while the application waits for the applicant (e.g. to supplement material):
-- set while stopped; on resume every unfinished due date moves by the working days it lasted.
ALTER TABLE applications ADD COLUMN paused_since timestamptz;
-- Wall-clock time the clock was stopped in all, for reports.
ALTER TABLE applications ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0;

-- The step's promised limit in working days, copied from the bundle the application runs, so the
-- department call that starts the step can date it; due_at is set from it at the step's start.
ALTER TABLE application_steps ADD COLUMN time_limit_working_days integer;
ALTER TABLE application_steps ADD COLUMN due_at timestamptz;

CREATE INDEX applications_due ON applications (due_at)
  WHERE status IN ('running', 'waiting') AND due_at IS NOT NULL;
