-- Work-list tasks: steps decided by a clerk or officer in Onething instead of a department's own
-- system. The workflow opens one task per round (a new round after each supplement) and waits
-- durably for the decision, delivered by the API as a Temporal update.
CREATE TABLE human_tasks (
  id             uuid        PRIMARY KEY,
  application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  step_id        text        NOT NULL,
  -- 1 for the first review; each answered request for supplementary materials opens the next.
  round          integer     NOT NULL CHECK (round >= 1),
  department     text        NOT NULL,
  service        text        NOT NULL,
  kind           text        NOT NULL CHECK (kind IN ('review', 'video-verification', 'approval')),
  status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'completed')),
  -- Overdue tasks move to the department's supervisor queue; they are never dropped or reassigned.
  queue          text        NOT NULL DEFAULT 'department' CHECK (queue IN ('department', 'supervisor')),
  -- The clerk who claimed it: "<key id> <name>"; null while open.
  assignee       text,
  assignee_key   text,
  -- What the clerk decides on: exactly the fields mapped to the step.
  input          jsonb       NOT NULL,
  -- The applicant's answers to the previous round's request for supplementary materials.
  supplement     jsonb,
  -- For video verification: the session's room and join links.
  video          jsonb,
  due_at         timestamptz NOT NULL,
  overdue        boolean     NOT NULL DEFAULT false,
  escalated_at   timestamptz,
  -- The decision as delivered to the workflow (and, for video verification, what was verified).
  decision       jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  completed_at   timestamptz,
  UNIQUE (application_id, step_id, round)
);
-- The work list: a department's open or claimed tasks, earliest due first.
CREATE INDEX human_tasks_worklist ON human_tasks (department, status, due_at, id);
CREATE INDEX human_tasks_due ON human_tasks (due_at, id);
