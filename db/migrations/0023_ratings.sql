-- Ratings (好差评, issue 16): once an application has ended, its applicant rates the whole service
-- and, if they like, each department's item, 1 to 5 stars with an optional comment, once per
-- application. Comments are citizen text: stored as tokens sealed with the application's data key
-- (`sealed:v1:…`, db/sealing.ts), cleared by retention with the rest.
CREATE TABLE application_ratings (
  application_id uuid        PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
  stars          smallint    NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment        text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
-- The operators' figures count ratings over a period.
CREATE INDEX application_ratings_created ON application_ratings (created_at);

-- One department's item (a step of the application) as the applicant rated it.
CREATE TABLE application_item_ratings (
  application_id uuid     NOT NULL REFERENCES application_ratings (application_id) ON DELETE CASCADE,
  step_id        text     NOT NULL,
  department     text     NOT NULL,
  stars          smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment        text,
  PRIMARY KEY (application_id, step_id)
);
CREATE INDEX application_item_ratings_department ON application_item_ratings (department, application_id);

-- A 差评 (1 or 2 stars) opens a rectification task in the department's supervisor queue of the work
-- list: a `review` of round 0 (no round of the step's own decision, which counts from 1), one per
-- application and department, answered with what was done. Its kind stays one the API has
-- published (a new value of a response's enum would break portals' and clerks' clients).
ALTER TABLE human_tasks DROP CONSTRAINT human_tasks_round_check;
ALTER TABLE human_tasks ADD CONSTRAINT human_tasks_round_check CHECK (round >= 0);
-- The figures' open, overdue and replied counts of rectifications.
CREATE INDEX human_tasks_rectifications ON human_tasks (application_id, department) WHERE round = 0;
