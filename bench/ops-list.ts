/**
 * How fast operators find stuck applications: seeds 10,000 applications with 7 steps each (a
 * realistic share stuck) into a fresh embedded PostgreSQL and times `findStuckApplications`,
 * the query behind `GET /v1/ops/applications`. Run: `npx tsx bench/ops-list.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { migrate } from '../db/migrate.js';
import { findStuckApplications } from '../db/ops-queries.js';
import type { StuckFilter } from '../db/ops-queries.js';
import { createPool } from '../db/pool.js';
import type { Pool } from '../db/pool.js';
import { freePort } from '../net/free-port.js';
import { stuckCodes } from '../schemas/ops.js';
import { attachDataKeys } from '../privacy/sealer.js';
import { randomKeyring } from '../temporal/keyring.js';

const out = (text: string) => process.stdout.write(`${text}\n`);

const applications = Number(process.env.OPS_BENCH_APPLICATIONS ?? 10_000);
const repeats = Number(process.env.OPS_BENCH_REPEATS ?? 200);

// Per 100 applications: 70 completed, 5 retrying a department call, 3 past a step's due time,
// 2 waiting long for a department decision, 1 with an overdue work-list task, half of the
// next (1 in 200) withdrawn with a failed compensation, 1 with a failed step held for an
// operator, 1 waiting at a paused department (medical insurance), the rest running normally.
const seedSql = `
INSERT INTO applications (id, bundle_id, bundle_version, client_id, idempotency_key, request_hash, status,
                          workflow_started, created_at, updated_at, due_at)
SELECT md5('app' || i)::uuid, (ARRAY['newborn', 'after-death', 'business-startup', 'retirement'])[1 + i % 4], 1,
       'bench-portal', 'key-' || i, 'hash',
       CASE WHEN i % 100 < 70 THEN 'completed' WHEN i % 100 = 81 AND i % 200 = 81 THEN 'withdrawn' ELSE 'running' END,
       true, now() - i * interval '3 minutes', now() - i * interval '1 minute', now() + interval '10 days'
FROM generate_series(1, $1::int) AS i;

INSERT INTO application_steps (application_id, step_id, position, department, service, title_zh, title_en,
                               status, attempts, started_at, completed_at, error, waiting, due_at, updated_at)
SELECT md5('app' || i)::uuid, 'step' || p, p,
       (ARRAY['health', 'police', 'medical-insurance', 'social-security', 'civil-affairs', 'tax', 'housing'])[1 + p],
       'service' || p, '事项' || p, 'Item ' || p,
       CASE
         WHEN k < 70 OR p < 2 THEN 'completed'
         WHEN k BETWEEN 70 AND 74 AND p = 2 THEN 'running'
         WHEN k BETWEEN 75 AND 77 AND p = 2 THEN 'running'
         WHEN k BETWEEN 78 AND 79 AND p = 2 THEN 'waiting'
         WHEN k = 80 AND p = 2 THEN 'waiting'
         WHEN k = 81 AND i % 200 = 81 AND p = 2 THEN 'failed'
         WHEN k = 82 AND p = 2 THEN 'failed'
         WHEN k = 83 AND p = 2 THEN 'waiting'
         WHEN p = 2 THEN 'running'
         ELSE 'pending' END,
       CASE WHEN k BETWEEN 70 AND 74 AND p = 2 THEN 2 + i % 30 WHEN k < 70 OR p <= 2 THEN 1 ELSE 0 END,
       CASE WHEN k < 70 OR p <= 2 THEN now() - (i % 180) * interval '1 minute' - interval '1 minute' END,
       CASE WHEN k < 70 OR p < 2 THEN now() - (i % 60) * interval '1 second' END,
       CASE
         WHEN k BETWEEN 70 AND 74 AND p = 2
           THEN jsonb_build_object('code', 'DepartmentUnavailable', 'message', 'police answered 503', 'attempt', 2 + i % 30)
         WHEN k = 81 AND i % 200 = 81 AND p = 2
           THEN jsonb_build_object('code', 'CompensationFailed', 'message', 'the department could not cancel')
         WHEN k = 82 AND p = 2
           THEN jsonb_build_object('code', 'StepFailed', 'message', 'the department answered 422')
       END,
       CASE
         WHEN k BETWEEN 78 AND 79 AND p = 2 THEN jsonb_build_object('reason', 'department-decision', 'message', 'waiting')
         WHEN k = 80 AND p = 2 THEN jsonb_build_object('reason', 'human-task', 'message', 'waiting for a clerk')
         WHEN k = 83 AND p = 2 THEN jsonb_build_object('reason', 'department-paused', 'message', 'outage')
       END,
       CASE
         WHEN k BETWEEN 75 AND 77 AND p = 2 THEN now() - (1 + i % 72) * interval '1 hour'
         WHEN k >= 70 AND p = 2 THEN now() + interval '3 days'
       END,
       now() - (i % 96) * interval '1 hour'
FROM generate_series(1, $1::int) AS i, generate_series(0, 6) AS p, LATERAL (SELECT i % 100 AS k) AS kk;

INSERT INTO human_tasks (id, application_id, step_id, round, department, service, kind, status, input, due_at, overdue)
SELECT md5('task' || i)::uuid, md5('app' || i)::uuid, 'step2', 1, 'medical-insurance', 'service2', 'review', 'open',
       '{}'::jsonb, now() - (1 + i % 48) * interval '1 hour', i % 2 = 0
FROM generate_series(1, $1::int) AS i WHERE i % 100 = 80;

INSERT INTO department_pauses (department, reason, paused_by)
SELECT 'medical-insurance', 'planned outage of the benefits system', 'k1 bench operator'
WHERE $1::int > 0;
`;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function time(pool: Pool, filter: StuckFilter) {
  for (let i = 0; i < 10; i++) await findStuckApplications(pool, filter);
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    rows = (await findStuckApplications(pool, filter)).rows.length;
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { rows, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1) ?? NaN };
}

const dataDir = await mkdtemp(join(tmpdir(), 'onething-ops-bench-pg-'));
const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), durableCommits: false });
const pool = createPool(server.urlFor('postgres'), 4);
attachDataKeys(pool, randomKeyring());
try {
  await migrate(pool);
  const seeding = performance.now();
  await pool.query('BEGIN');
  for (const statement of seedSql.split(';').filter((s) => s.trim() !== ''))
    await pool.query(statement, [applications]);
  await pool.query('COMMIT');
  await pool.query('ANALYZE');
  const counts = await pool.query<{ apps: string; steps: string; stuck: string }>(
    `SELECT (SELECT count(*) FROM applications) AS apps, (SELECT count(*) FROM application_steps) AS steps,
            (SELECT count(*) FROM applications WHERE id IN
               (SELECT application_id FROM application_steps WHERE error IS NOT NULL OR due_at < now() OR waiting IS NOT NULL)) AS stuck`,
  );
  const seeded = counts.rows[0];
  out(
    `seeded ${seeded?.apps} applications, ${seeded?.steps} steps (${seeded?.stuck} stuck) in ${Math.round(performance.now() - seeding)} ms; ${repeats} calls per case`,
  );

  const firstPage = await findStuckApplications(pool, { codes: stuckCodes, limit: 50 });
  const last = firstPage.rows.at(-1);
  const cases: Array<[string, StuckFilter]> = [
    ['all kinds, limit 50', { codes: stuckCodes, limit: 50 }],
    ['all kinds, limit 100', { codes: stuckCodes, limit: 100 }],
    [
      'all kinds, page 2 (cursor)',
      { codes: stuckCodes, limit: 50, ...(last ? { after: { sinceUs: last.since_us, id: last.id } } : {}) },
    ],
    ['retrying, attemptsAtLeast=2', { codes: ['retrying'], attemptsAtLeast: 2, limit: 50 }],
    ['retrying, longer than 10m', { codes: ['retrying'], retryingLongerThanMs: 600_000, limit: 50 }],
    ['overdue', { codes: ['overdue'], limit: 50 }],
    ['waiting-department > 1h', { codes: ['waiting-department'], waitingLongerThanMs: 3_600_000, limit: 50 }],
    ['task-overdue', { codes: ['task-overdue'], limit: 50 }],
    ['compensation-failed', { codes: ['compensation-failed'], limit: 50 }],
    ['step-failed', { codes: ['step-failed'], limit: 50 }],
    ['department-paused', { codes: ['department-paused'], limit: 50 }],
    [
      'all kinds, bundle=newborn, department=medical-insurance',
      { codes: stuckCodes, bundleId: 'newborn', department: 'medical-insurance', limit: 50 },
    ],
  ];
  out('| case | rows | p50 (ms) | p95 (ms) | max (ms) |');
  out('| ---- | ---: | -------: | -------: | -------: |');
  for (const [name, filter] of cases) {
    const r = await time(pool, filter);
    out(`| ${name} | ${r.rows} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.max.toFixed(2)} |`);
  }
} finally {
  await pool.end();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
