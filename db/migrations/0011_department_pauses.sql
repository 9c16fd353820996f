-- Department outage mode, and failed steps held for an operator's repair.

-- Department outage mode: while a department is paused, calls to it wait in their workflows
-- instead of failing (activities/departments.ts), and resume when an operator resumes it.
CREATE TABLE department_pauses (
  department text        PRIMARY KEY,
  -- Why, in the operator's words; shown on the waiting steps.
  reason     text        NOT NULL,
  -- "<key id> <name>" of the operator who paused it.
  paused_by  text        NOT NULL,
  paused_at  timestamptz NOT NULL DEFAULT now()
);

-- Steps waiting for a department to be resumed, by department (the resume fan-out reads them).
CREATE INDEX application_steps_paused ON application_steps (department, updated_at)
  WHERE status = 'waiting' AND waiting ->> 'reason' = 'department-paused';

-- Failed steps (held for an operator's repair while their application still runs).
CREATE INDEX application_steps_failed ON application_steps (updated_at)
  WHERE status = 'failed' AND error ->> 'code' <> 'CompensationFailed';
