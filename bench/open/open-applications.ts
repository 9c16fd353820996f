import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { createPool } from '../../db/pool.js';
import { findService } from '../../departments/catalog/index.js';
import { issueOutputs } from '../../departments/simulator/issuers.js';
import type { BenchDeployment, BenchDeploymentOptions } from '../e2e/deployment.js';
import { newbornExample } from '../e2e/portal.js';
import type { BenchEnv } from '../env.js';
import type { MemorySample } from '../soak/figures.js';
import { mapBounded, now, quantile } from '../stats.js';
import { formatOpen } from './report.js';
import type { OpenResults } from './report.js';

export interface OpenApplicationsOptions {
  deploy: (
    options: Pick<BenchDeploymentOptions, 'memoryProbeMs' | 'env' | 'clerks'>,
  ) => Promise<BenchDeployment>;
  databaseUrl: string;
  env: BenchEnv;
  progress: (line: string) => void;
  resultsFile: string;
}

/**
 * The step clerks decide in this run: the medical insurance enrolment, so each application has
 * made its five department calls before it waits (a realistic open case), and its limit of five
 * working days keeps every task in time (no escalation during the run).
 */
const waitingStep = {
  stepId: 'medicalInsurance',
  department: 'medical-insurance',
  service: 'resident-enrolment',
};
const inFlight = 30;
const stuckListReads = 100;

/**
 * Issue 14, point 5: BENCH_OPEN_APPLICATIONS newborn applications submitted through the API, each
 * left waiting on a clerk's task; then the worker's memory, the operators' stuck list, and the time
 * until every one completes once the clerks approve. Onething has no bulk approval (operators'
 * bulk actions retry or re-send department calls; tasks are decided one by one): the clerks'
 * system approves each task as the API offers it (read, claim, complete), 30 at a time.
 */
export async function runOpenApplications(options: OpenApplicationsOptions): Promise<{ ok: boolean }> {
  const { env, progress } = options;
  const n = env.BENCH_OPEN_APPLICATIONS;
  const deployment = await options.deploy({
    memoryProbeMs: 10_000,
    env: { WORKLIST_OVERRIDES: `newborn.${waitingStep.stepId}=worklist` },
    clerks: [waitingStep.department],
  });
  const pool = createPool(options.databaseUrl, 2);
  const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  try {
    const loadStart = loadavg();
    progress(`open applications: submitting ${n} newborn applications, ${inFlight} at a time…`);
    const submitStarted = now();
    const failures: string[] = [];
    await mapBounded(
      Array.from({ length: n }, (_, i) => i),
      inFlight,
      async (i) => {
        const answer = await api(
          deployment,
          deployment.portalKey,
          'POST',
          '/v1/applications',
          newbornExample,
          {
            'idempotency-key': randomUUID(),
          },
        );
        if (answer.status !== 201) failures.push(`POST ${answer.status}`);
        if ((i + 1) % 1000 === 0) progress(`  ${i + 1} submitted`);
      },
    );
    const submitSeconds = (now() - submitStarted) / 1000;
    progress(`open applications: waiting until every one waits on its clerk…`);
    const waitingSql = `SELECT count(*) AS n FROM human_tasks WHERE status = 'open' AND step_id = '${waitingStep.stepId}'`;
    await until(progress, 'tasks open', () => count(waitingSql), n, n * 1000);
    const settledSeconds = (now() - submitStarted) / 1000;
    // The worker holds them all now: its memory with every one waiting.
    await delay(15_000);
    const workerWaiting = latestMemory(deployment, 'worker');
    const apiWaiting = latestMemory(deployment, 'api');
    const workerRssKb = await rssKb(deployment.worker.pid);

    progress(`open applications: ${stuckListReads} reads of the stuck list…`);
    const stuck = await readStuckList(deployment);

    progress('open applications: the clerks approve every task…');
    const approveStarted = now();
    const approvals = await approveAll(deployment, progress);
    const approvedSeconds = (now() - approveStarted) / 1000;
    await until(
      progress,
      'applications completed',
      () => count(`SELECT count(*) AS n FROM applications WHERE status = 'completed'`),
      n,
      n * 1000,
    );
    const completedSeconds = (now() - approveStarted) / 1000;
    const results: OpenResults = {
      date: new Date().toISOString(),
      applications: n,
      load: { start: loadStart, end: loadavg() },
      submitSeconds,
      settledSeconds,
      memoryWaiting: { worker: workerWaiting, api: apiWaiting, workerRssFromProcKb: workerRssKb },
      memoryAfter: { worker: latestMemory(deployment, 'worker'), api: latestMemory(deployment, 'api') },
      stuckList: stuck,
      approvals: { ...approvals, approvedSeconds, completedSeconds },
      failures: failures.length + approvals.failures,
      completed: await count(`SELECT count(*) AS n FROM applications WHERE status = 'completed'`),
    };
    await writeFile(options.resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    for (const line of ['', ...formatOpen(results)]) progress(line);
    progress(`results written to ${options.resultsFile}`);
    return { ok: results.failures === 0 && results.completed === n };
  } finally {
    await pool.end();
    await deployment.stop();
  }
}

interface Answer {
  status: number;
  body: unknown;
}

async function api(
  deployment: BenchDeployment,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${deployment.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Waits until `probe` reaches `target`, reporting progress every 30 s. */
async function until(
  progress: (line: string) => void,
  what: string,
  probe: () => Promise<number>,
  target: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  for (;;) {
    const reached = await probe();
    if (reached >= target) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${reached} of ${target} after ${timeoutMs} ms`);
    if (Date.now() - lastReport > 30_000) {
      progress(`  ${what}: ${reached} of ${target}`);
      lastReport = Date.now();
    }
    await delay(1000);
  }
}

function latestMemory(deployment: BenchDeployment, name: 'api' | 'worker'): MemorySample | undefined {
  const lines = deployment[name].linesAfter('bench-memory');
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as MemorySample) : undefined;
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** GET /v1/ops/applications (every kind of reason, first page) as an operator, one read at a time. */
async function readStuckList(deployment: BenchDeployment): Promise<OpenResults['stuckList']> {
  const read = async () => {
    const started = now();
    const answer = await api(deployment, deployment.operatorKey, 'GET', '/v1/ops/applications');
    if (answer.status !== 200) throw new Error(`the stuck list answered ${answer.status}`);
    return {
      ms: now() - started,
      rows: (answer.body as { applications?: unknown[] }).applications?.length ?? 0,
    };
  };
  for (let i = 0; i < 10; i++) await read();
  const reads = [];
  for (let i = 0; i < stuckListReads; i++) reads.push(await read());
  const ms = reads.map((r) => r.ms);
  return {
    reads: reads.length,
    rows: reads[0]?.rows ?? 0,
    p50Ms: quantile(ms, 0.5),
    p95Ms: quantile(ms, 0.95),
    p99Ms: quantile(ms, 0.99),
    maxMs: Math.max(...ms),
  };
}

/** Pages through the clerk's open tasks and approves each (read, claim, complete), 30 at a time. */
async function approveAll(deployment: BenchDeployment, progress: (line: string) => void) {
  const key = deployment.clerkKeys[waitingStep.department] as string;
  const service = findService(waitingStep.department, waitingStep.service);
  if (!service) throw new Error(`no service ${waitingStep.department}/${waitingStep.service}`);
  let approved = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const fail = (why: string) => {
    failures += 1;
    firstFailure ??= why;
  };
  for (;;) {
    // Always the first page: the tasks approved meanwhile are no longer open.
    const page = await api(deployment, key, 'GET', '/v1/tasks?status=open&limit=100');
    const tasks = (page.body as { tasks?: Array<{ id: string }> }).tasks ?? [];
    if (tasks.length === 0) break;
    const before = approved;
    await mapBounded(tasks, inFlight, async (task) => {
      const detail = await api(deployment, key, 'GET', `/v1/tasks/${task.id}`);
      const input = (detail.body as { input?: Record<string, unknown> }).input ?? {};
      const claim = await api(deployment, key, 'POST', `/v1/tasks/${task.id}/claim`);
      if (claim.status !== 200) return fail(`claim ${claim.status}`);
      const outputs = issueOutputs(
        { department: waitingStep.department, service: waitingStep.service, idempotencyKey: task.id },
        service,
        input,
      );
      const done = await api(deployment, key, 'POST', `/v1/tasks/${task.id}/complete`, {
        decision: 'approve',
        outputs,
      });
      if (done.status !== 200)
        return fail(`complete ${done.status}: ${JSON.stringify(done.body).slice(0, 200)}`);
      approved += 1;
      if (approved % 1000 === 0) progress(`  ${approved} approved`);
    });
    // A page where nothing could be approved would come back the same forever.
    if (approved === before) break;
  }
  return { approved, failures, ...(firstFailure ? { firstFailure } : {}) };
}
