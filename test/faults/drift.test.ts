import { execFile } from 'node:child_process';
import { isDeepStrictEqual, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedApplicationIds } from '../../ops/reconcile-candidates.js';
import { reconcile } from '../../ops/reconcile.js';
import type { ReconcileReport } from '../../ops/reconcile.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { eventually } from '../support/eventually.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { driftProbe, waitingOnPolice } from './drift-support.js';
import type { AuditRow, DriftProbe, EventRow } from './drift-support.js';
import { recordFaultResult } from './results.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

let probe: DriftProbe;
beforeAll(() => {
  probe = driftProbe(stack);
});

describe('drift: rows changed or deleted behind the engine are found and repaired from the workflows', () => {
  const completed: string[] = [];
  const waiting: string[] = [];

  it('repairs every tampered row through the write path, audits it, and finds nothing the second time', async () => {
    // Three applications that complete, then three whose police step waits for a decision.
    for (let i = 0; i < 3; i += 1) completed.push((await stack.submit(newbornRequest())).body.id);
    for (const id of completed) await stack.waitForApplication(id, ended);
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    for (let i = 0; i < 3; i += 1) waiting.push((await stack.submit(newbornRequest())).body.id);
    for (const id of waiting) await stack.waitForApplication(id, waitingOnPolice);
    const [a1, a2] = completed as [string, string];
    const [w1, w2] = waiting as [string, string];
    // Visibility lists workflows a moment after they start or close.
    await eventually('Temporal lists all six workflows', async () => {
      const listed = await listedApplicationIds(stack.client, {
        taskQueue: stack.taskQueue,
        sinceMs: 86_400_000,
        limit: 100,
      });
      return [...completed, ...waiting].every((id) => listed.includes(id)) ? true : undefined;
    });
    for (const id of [...completed, ...waiting]) expect(await probe.agrees(id)).toEqual([]);
    const original = {
      a1Vaccination: await probe.stepRow(a1, 'vaccination'),
      a2Card: await probe.stepRow(a2, 'socialSecurityCard'),
      w2Police: await probe.stepRow(w2, 'householdRegistration'),
    };

    // Behind the engine's back: a step status, outputs, deleted step rows, wrong application statuses.
    await probe.sql(
      `UPDATE application_steps SET status = 'failed' WHERE application_id = $1 AND step_id = 'birthCertificate'`,
      [a1],
    );
    await probe.sql(
      `UPDATE application_steps SET outputs = '{"certificateNumber": "FORGED"}' WHERE application_id = $1 AND step_id = 'vaccination'`,
      [a1],
    );
    await probe.sql(
      `DELETE FROM application_steps WHERE application_id = $1 AND step_id = 'socialSecurityCard'`,
      [a2],
    );
    await probe.sql(`UPDATE applications SET status = 'failed' WHERE id = $1`, [a2]);
    await probe.sql(`UPDATE applications SET status = 'completed' WHERE id = $1`, [w1]);
    await probe.sql(
      `UPDATE application_steps SET outputs = '{"certificateNumber": "FORGED"}' WHERE application_id = $1 AND step_id = 'birthCertificate'`,
      [w1],
    );
    await probe.sql(
      `DELETE FROM application_steps WHERE application_id = $1 AND step_id = 'householdRegistration'`,
      [w2],
    );
    await probe.sql(
      `UPDATE application_steps SET status = 'pending', outputs = NULL WHERE application_id = $1 AND step_id = 'maternityBenefit'`,
      [w2],
    );
    const expected = {
      [a1]: [
        { stepId: 'birthCertificate', field: 'status', found: 'failed', expected: 'completed' },
        { stepId: 'vaccination', field: 'outputs' },
      ],
      [a2]: [
        { stepId: 'socialSecurityCard', field: 'row', found: 'missing', expected: 'completed' },
        { field: 'status', found: 'failed', expected: 'completed' },
      ],
      [w1]: [
        { stepId: 'birthCertificate', field: 'outputs' },
        { field: 'status', found: 'completed', expected: 'running' },
      ],
      [w2]: [
        { stepId: 'householdRegistration', field: 'row', found: 'missing', expected: 'waiting' },
        { stepId: 'maternityBenefit', field: 'status', found: 'pending', expected: 'completed' },
        { stepId: 'maternityBenefit', field: 'outputs' },
      ],
    };
    const differencesOf = (report: ReconcileReport) =>
      Object.fromEntries(report.findings.map((f) => [f.applicationId, f.differences]));
    const eventCount = async () =>
      (await probe.sql<{ n: number }>('SELECT count(*)::int AS n FROM application_events', [])).rows[0]?.n;
    const eventsBefore = await eventCount();

    // A dry run reports the same and writes nothing.
    const dry = await probe.reconcileApi({ dryRun: true, since: '1d' });
    expect(dry.summary).toEqual({ checked: 6, agreed: 2, repaired: 4, unrepairable: 0, deferred: 0 });
    expect(differencesOf(dry)).toEqual(expected);
    const dryRunWroteNothing =
      (await eventCount()) === eventsBefore &&
      (await probe.stepRow(w2, 'householdRegistration')) === undefined;
    expect(dryRunWroteNothing).toBe(true);

    const startedAt = Date.now();
    const run = await probe.reconcileApi({ since: '1d', reason: 'drift drill' });
    const reconcileMs = Date.now() - startedAt;
    expect(run.summary).toEqual({ checked: 6, agreed: 2, repaired: 4, unrepairable: 0, deferred: 0 });
    expect(differencesOf(run)).toEqual(expected);
    expect(
      run.findings.every(
        (f) => f.outcome === 'repaired' && f.workflowId === applicationWorkflowId(f.applicationId),
      ),
    ).toBe(true);

    // The rows hold what the workflows say again.
    const afterRepair = await Promise.all([...completed, ...waiting].map(probe.agrees));
    expect(afterRepair).toEqual(afterRepair.map(() => []));
    expect((await probe.stepRow(a1, 'vaccination'))?.outputs).toEqual(original.a1Vaccination?.outputs);
    // A recreated row gets its times back from its events, which outlived it.
    expect(await probe.stepRow(a2, 'socialSecurityCard')).toMatchObject({
      status: 'completed',
      outputs: original.a2Card?.outputs,
      started_at: original.a2Card?.started_at,
      completed_at: original.a2Card?.completed_at,
    });
    expect(await probe.stepRow(w2, 'householdRegistration')).toMatchObject({
      status: 'waiting',
      receipt_number: original.w2Police?.receipt_number,
      waiting: original.w2Police?.waiting,
      started_at: original.w2Police?.started_at,
    });
    expect((await probe.rowsOf(w1)).application.status).toBe('running');
    expect((await probe.rowsOf(a2)).application.status).toBe('completed');

    // Through the engine's write path: keyed events portals receive, and an ended application's
    // final status is its last event again.
    const events = await probe.sql<EventRow>(
      `SELECT application_id::text, step_id, status, dedupe_key FROM application_events
       WHERE starts_with(dedupe_key, 'reconcile:') ORDER BY application_id, seq`,
      [],
    );
    expect(events.rows.filter((e) => e.application_id === a2).map((e) => e.dedupe_key)).toEqual([
      'reconcile:step:socialSecurityCard:1',
      'reconcile:application:1',
    ]);
    expect(events.rows.filter((e) => e.application_id === w2).map((e) => [e.dedupe_key, e.status])).toEqual([
      ['reconcile:step:householdRegistration:1', 'waiting'],
      ['reconcile:step:maternityBenefit:1', 'completed'],
    ]);
    const lastOfA1 = await probe.sql(
      'SELECT step_id, status FROM application_events WHERE application_id = $1 ORDER BY seq DESC LIMIT 1',
      [a1],
    );
    expect(lastOfA1.rows[0]).toEqual({ step_id: null, status: 'completed' });

    // One audit entry per repaired application, naming fields and statuses, never the data.
    const audit = await probe.sql<AuditRow>(
      `SELECT application_id::text, actor_name, role, reason, result, detail FROM audit_log
       WHERE action = 'application.reconcile' ORDER BY id`,
      [],
    );
    expect(audit.rows.map((r) => r.application_id).sort()).toEqual([a1, a2, w1, w2].sort());
    for (const entry of audit.rows) {
      expect(entry).toMatchObject({
        actor_name: 'operator',
        role: 'operator',
        reason: 'drift drill',
        result: 'ok',
      });
      expect(entry.detail.differences).toEqual(expected[entry.application_id]);
    }
    const auditText = JSON.stringify(audit.rows);
    for (const value of ['FORGED', ...Object.values(original.a1Vaccination?.outputs ?? {}).map(String)]) {
      expect(auditText).not.toContain(value);
    }
    const runs = await probe.sql<AuditRow>(
      `SELECT detail FROM audit_log WHERE action = 'reconcile.run' ORDER BY id`,
      [],
    );
    expect(runs.rows.map((r) => [r.detail.dryRun, r.detail.summary?.repaired])).toEqual([
      [true, 4],
      [false, 4],
    ]);

    // A second run finds nothing; so does the command line.
    const second = await probe.reconcileApi({ since: '1d' });
    expect(second.summary).toEqual({ checked: 6, agreed: 6, repaired: 0, unrepairable: 0, deferred: 0 });
    const cli = await promisify(execFile)('npx', ['tsx', 'scripts/ops.ts', 'reconcile', '--since', '1d'], {
      env: { ...process.env, ONETHING_API_URL: stack.apiUrl, ONETHING_API_KEY: stack.keys.operator },
    });
    expect(cli.stdout).toContain('6 checked, 6 in agreement, 0 repaired, 0 unrepairable, 0 deferred');

    // The applications that waited finish normally, and their rows still agree.
    for (const id of waiting) {
      const receipt = (await probe.stepRow(id, 'householdRegistration'))?.receipt_number ?? '';
      await stack.simulator.decideNow('police', 'birth-registration', receipt);
    }
    const finished = [];
    for (const id of waiting) finished.push((await stack.waitForApplication(id, ended)).status);
    expect(finished).toEqual(['completed', 'completed', 'completed']);
    for (const id of waiting) expect(await probe.agrees(id), id).toEqual([]);
    const third = await probe.reconcileApi({ since: '1d' });
    expect(third.summary).toMatchObject({ checked: 6, agreed: 6 });
    await stack.simulator.setBehaviour('police', 'birth-registration', {});

    await recordFaultResult({
      id: 'R9',
      scenario: 'rows tampered behind the engine (statuses, outputs, deleted steps, wrong final status)',
      figures: {
        applications: 6,
        tamperedApplications: 4,
        differencesFound: run.findings.reduce((n, f) => n + f.differences.length, 0),
        repaired: run.summary.repaired,
        secondRunRepaired: second.summary.repaired,
        reconcileMs,
      },
      invariants: {
        everyDifferenceFound: isDeepStrictEqual(differencesOf(run), expected),
        dryRunWroteNothing,
        rowsEqualWorkflows: afterRepair.every((d) => d.length === 0),
        auditEntryPerRepair: audit.rows.length === run.summary.repaired,
        secondRunClean: second.summary.repaired === 0 && second.findings.length === 0,
        waitingApplicationsCompleted: finished.every((status) => status === 'completed'),
      },
    });
  });

  it('reports a deleted application row as unrepairable, with its workflow id', async () => {
    const [gone] = completed as [string];
    // Its access log is append-only: only the retention path (this setting) may let its rows go.
    await probe.sql(
      `WITH purge AS (SELECT set_config('onething.retention_purge', 'on', true))
       DELETE FROM applications WHERE id = $1 AND EXISTS (SELECT 1 FROM purge)`,
      [gone],
    );
    const dry = await probe.reconcileApi({ dryRun: true, since: '1d' });
    const report = await probe.reconcileApi({ since: '1d' });
    for (const r of [dry, report]) {
      expect(r.summary).toEqual({ checked: 6, agreed: 5, repaired: 0, unrepairable: 1, deferred: 0 });
      expect(r.findings).toEqual([
        {
          applicationId: gone,
          workflowId: applicationWorkflowId(gone),
          outcome: 'unrepairable',
          differences: [{ field: 'row', found: 'missing', expected: 'completed' }],
          note: expect.stringContaining('client id and idempotency key are not in the workflow'),
        },
      ]);
    }
    const run = await probe.sql<AuditRow>(
      `SELECT detail FROM audit_log WHERE action = 'reconcile.run' ORDER BY id DESC LIMIT 1`,
      [],
    );
    expect(run.rows[0]?.detail.unrepairable).toEqual([applicationWorkflowId(gone)]);
    expect((await stack.request('POST', '/v1/ops/reconcile', {}, {}, 'portal')).status).toBe(403);

    await recordFaultResult({
      id: 'R9',
      scenario: 'application row deleted: reported unrepairable',
      figures: { applications: 6, unrepairable: report.summary.unrepairable },
      invariants: {
        reportedWithWorkflowId: report.findings[0]?.workflowId === applicationWorkflowId(gone),
        nothingWritten: report.summary.repaired === 0,
      },
    });
  });

  it('defers a running workflow no worker answers for, and checks an ended one from its outcome', async () => {
    const [, , a3] = completed as [string, string, string];
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const w4 = (await stack.submit(newbornRequest())).body.id;
    await stack.waitForApplication(w4, waitingOnPolice);
    await probe.sql(`UPDATE applications SET status = 'withdrawn' WHERE id = $1`, [w4]);
    await probe.sql(`UPDATE applications SET status = 'running' WHERE id = $1`, [a3]);
    const run = () =>
      reconcile(
        // A short wait for the answer: no worker will give one.
        { pool: stack.pool, temporal: stack.client, taskQueue: stack.taskQueue, queryTimeoutMs: 1000 },
        {
          dryRun: false,
          sinceMs: 86_400_000,
          limit: 100,
          actor: { actorKey: 'k', actorName: 'test', role: 'operator' },
        },
      );

    // The application row deleted before stays unrepairable; these two are what this is about.
    const mine = (report: ReconcileReport) =>
      report.findings.filter((f) => [w4, a3].includes(f.applicationId));
    await stack.stopWorker();
    const without = await run();
    // Findings come in application id order.
    const expectedWithout = [
      {
        applicationId: w4,
        outcome: 'deferred',
        note: expect.stringContaining('no worker answered'),
      },
      {
        applicationId: a3,
        outcome: 'repaired',
        differences: [{ field: 'status', found: 'running', expected: 'completed' }],
        note: expect.stringContaining('outputs and receipts unchecked'),
      },
    ].sort((x, y) => (x.applicationId < y.applicationId ? -1 : 1));
    expect(mine(without)).toEqual(expectedWithout.map((f): unknown => expect.objectContaining(f)));
    expect((await probe.rowsOf(a3)).application.status).toBe('completed');
    expect((await probe.rowsOf(w4)).application.status).toBe('withdrawn');

    await stack.startWorker();
    // A workflow last run by the stopped worker is answered after Temporal's sticky queue times out.
    await eventually('the new worker answers for w4', async () =>
      (await probe.agrees(w4)) ? true : undefined,
    );
    const withWorker = await run();
    expect(mine(withWorker)).toEqual([
      expect.objectContaining({
        applicationId: w4,
        outcome: 'repaired',
        differences: [{ field: 'status', found: 'withdrawn', expected: 'running' }],
      }),
    ]);
    expect(await probe.agrees(w4)).toEqual([]);
    await stack.simulator.decideNow(
      'police',
      'birth-registration',
      (await probe.stepRow(w4, 'householdRegistration'))?.receipt_number ?? '',
    );
    expect((await stack.waitForApplication(w4, ended)).status).toBe('completed');
    await stack.simulator.setBehaviour('police', 'birth-registration', {});

    await recordFaultResult({
      id: 'R9',
      scenario: 'no worker: running workflow deferred, ended one checked from its outcome',
      figures: {
        deferredWithoutWorker: without.summary.deferred,
        repairedFromOutcome: without.summary.repaired,
        checkedWithoutWorker: without.summary.checked,
      },
      invariants: {
        runningDeferredWithoutWorker: without.findings.some(
          (f) => f.applicationId === w4 && f.outcome === 'deferred',
        ),
        repairedOnceWorkerBack: withWorker.summary.repaired === 1,
      },
    });
  });

  it('agrees, untampered, with what the engine wrote for a rejection, a withdrawal and a retried call', async () => {
    // The progress view mirrors every write path: a guard against drift the reconciler would invent.
    const police = (behaviour: Record<string, unknown>) =>
      stack.simulator.setBehaviour('police', 'birth-registration', behaviour);
    await police({ reject: { code: 'NOT_REGISTERED_HERE', reason: '父母户籍不在本辖区' } });
    const rejected = (await stack.submit(newbornRequest())).body.id;
    expect((await stack.waitForApplication(rejected, ended)).status).toBe('rejected');

    await police({ decision: 'callback', decisionDelayMs: 600_000 });
    const withdrawn = (await stack.submit(newbornRequest())).body.id;
    await stack.waitForApplication(withdrawn, waitingOnPolice);
    const asked = await stack.request('POST', `/v1/applications/${withdrawn}/withdraw`, {
      reason: 'moving away',
    });
    expect(asked.status).toBe(202);
    expect((await stack.waitForApplication(withdrawn, ended)).status).toBe('withdrawn');

    await police({ failNext: 2 });
    const retried = (await stack.submit(newbornRequest())).body.id;
    expect((await stack.waitForApplication(retried, ended)).status).toBe('completed');
    await police({});

    const differences = await Promise.all([rejected, withdrawn, retried].map(probe.agrees));
    expect(differences).toEqual([[], [], []]);
    await recordFaultResult({
      id: 'R9',
      scenario: 'untampered rejection, withdrawal and retried call agree with their workflows',
      figures: { applications: 3, differences: differences.flat().length },
      invariants: { noFalseDrift: differences.every((d) => d.length === 0) },
    });
  });
});
