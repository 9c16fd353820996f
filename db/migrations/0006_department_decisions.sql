-- Decisions that come later: a step accepted by a department waits with its receipt number, and
-- the department's callbacks are remembered so a repeated callback is harmless.
ALTER TABLE application_steps ADD COLUMN receipt_number text;
-- What the step waits for, in words, while its status is `waiting`.
ALTER TABLE application_steps ADD COLUMN waiting jsonb;

CREATE TABLE department_callbacks (
  department     text        NOT NULL,
  callback_id    text        NOT NULL,
  application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  step_id        text        NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (department, callback_id)
);
