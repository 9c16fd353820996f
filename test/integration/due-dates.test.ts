import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { applicationDueAt } from '../../calendar/due-dates.js';
import { insertApplication } from '../../db/applications.js';
import { pauseClock, resumeClock } from '../../db/due-dates.js';
import { recordTransition } from '../../db/transitions.js';
import { ended, newbornRequest } from '../support/newborn.js';
import type { ApplicationView } from '../../schemas/api.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);

/** An instant in Shanghai time. */
const at = (local: string) => new Date(`${local}+08:00`);
const endOf = (day: string) => at(`${day}T23:59:59.999`).toISOString();

/** An application in the read model only (no workflow), as the API inserts it, due as given. */
async function insertNewborn(dueAt: Date) {
  const { row } = await insertApplication(stack.pool, {
    id: randomUUID(),
    bundle: newborn,
    clientId: 'test-portal',
    idempotencyKey: randomUUID(),
    requestHash: 'test',
    dueAt,
  });
  return row.id;
}

async function dueDates(id: string) {
  const application = await stack.pool.query<{ due_at: Date | null; paused_ms: string }>(
    'SELECT due_at, paused_ms FROM applications WHERE id = $1',
    [id],
  );
  const steps = await stack.pool.query<{ step_id: string; due_at: Date | null }>(
    'SELECT step_id, due_at FROM application_steps WHERE application_id = $1',
    [id],
  );
  return {
    application: application.rows[0]?.due_at?.toISOString() ?? null,
    pausedMs: Number(application.rows[0]?.paused_ms),
    steps: Object.fromEntries(steps.rows.map((s) => [s.step_id, s.due_at?.toISOString() ?? null])),
  };
}

describe('due dates', () => {
  it("shows the application's due date: its bundle's promised working days from submission", async () => {
    const submittedAt = new Date();
    const id = await insertNewborn(applicationDueAt(newborn, submittedAt, stack.calendar));

    const view = await stack.getApplication(id);
    expect(view.dueAt).toBe(stack.calendar.addWorkingDays(submittedAt, 5).toISOString());
    expect(Math.abs(new Date(view.createdAt).getTime() - submittedAt.getTime())).toBeLessThan(5_000);
    // Steps are dated when they start.
    expect(view.steps.map((s) => s.dueAt)).toEqual(newborn.steps.map(() => null));
  });

  it('dates an application submitted through the API', async () => {
    const before = new Date();
    const submitted = await stack.submit(newbornRequest());
    const after = new Date();
    const dueAt = submitted.body.dueAt;
    // Both ends of the request give the same due date except across midnight in China.
    expect([
      stack.calendar.addWorkingDays(before, 5).toISOString(),
      stack.calendar.addWorkingDays(after, 5).toISOString(),
    ]).toContain(dueAt);
  });

  it("dates each step from its start by the step's own promised working days", async () => {
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');

    for (const definition of newborn.steps) {
      const step = view.steps.find((s) => s.id === definition.id);
      expect(step?.startedAt, definition.id).toEqual(expect.any(String));
      expect(step?.dueAt, definition.id).toBe(
        stack.calendar
          .addWorkingDays(new Date(step?.startedAt ?? ''), definition.timeLimitWorkingDays)
          .toISOString(),
      );
    }
  });

  it('leaves a step that never started undated', async () => {
    const submitted = await stack.submit(
      newbornRequest({ form: { optIns: { maternityBenefit: false }, bankAccount: undefined } }),
    );
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.steps.find((s) => s.id === 'maternityBenefit')).toMatchObject({
      status: 'skipped',
      startedAt: null,
      dueAt: null,
    });
  });

  it('stops the clock while the application waits for the applicant', async () => {
    // Submitted Monday 28 September + 5 → Saturday 10 October (worked instead of National Day).
    const submittedAt = at('2026-09-28T10:00');
    const id = await insertNewborn(applicationDueAt(newborn, submittedAt, stack.calendar));
    const start = (stepId: string, dueAt: string) =>
      recordTransition(stack.pool, id, {
        key: `step:${stepId}:running`,
        at: submittedAt.toISOString(),
        step: { stepId, status: 'running', attempts: 1, dueAt },
      });
    await start('birthCertificate', endOf('2026-09-28'));
    await start('vaccination', endOf('2026-10-30'));
    await recordTransition(stack.pool, id, {
      key: 'step:vaccination:decided',
      at: submittedAt.toISOString(),
      step: { stepId: 'vaccination', status: 'completed', outputs: {} },
    });
    expect(await dueDates(id)).toMatchObject({
      application: endOf('2026-10-10'),
      steps: {
        birthCertificate: endOf('2026-09-28'),
        vaccination: endOf('2026-10-30'),
        medicalInsurance: null,
      },
    });

    // Waits for the applicant from Tuesday 29 September to Friday 9 October: Wednesday 30
    // September, Thursday 8 and Friday 9 October passed, so every open limit moves 3 working days.
    expect(await pauseClock(stack.pool, id, at('2026-09-29T10:00'))).toBe(true);
    expect(await pauseClock(stack.pool, id, at('2026-09-30T10:00'))).toBe(false);
    expect(await resumeClock(stack.pool, id, at('2026-10-09T10:00'), stack.calendar)).toBe(3);

    expect(await dueDates(id)).toEqual({
      // Saturday 10 → Monday 12, Tuesday 13, Wednesday 14 October.
      application: endOf('2026-10-14'),
      pausedMs: 10 * 24 * 60 * 60 * 1000,
      steps: expect.objectContaining({
        // Monday 28 September → Tuesday 29, Wednesday 30 September, Thursday 8 October.
        birthCertificate: endOf('2026-10-08'),
        // Completed before: its limit no longer runs.
        vaccination: endOf('2026-10-30'),
        medicalInsurance: null,
      }),
    });
    expect((await stack.getApplication(id)).dueAt).toBe(endOf('2026-10-14'));

    // Not stopped: nothing to resume. A stop within one day gives back no working day.
    expect(await resumeClock(stack.pool, id, at('2026-10-09T11:00'), stack.calendar)).toBeNull();
    expect(await pauseClock(stack.pool, id, at('2026-10-12T09:00'))).toBe(true);
    expect(await resumeClock(stack.pool, id, at('2026-10-12T17:00'), stack.calendar)).toBe(0);
    expect(await dueDates(id)).toMatchObject({
      application: endOf('2026-10-14'),
      pausedMs: 10 * 24 * 60 * 60 * 1000 + 8 * 60 * 60 * 1000,
    });
  });

  it('shows pending steps when they are expected, the promised and the statutory limits', async () => {
    // The police take their time (and call back): the steps after registration stay pending.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    try {
      const submitted = await stack.submit(newbornRequest());
      expect(submitted.status).toBe(201);
      const view = await stack.waitForApplication(
        submitted.body.id,
        (v) => stepOf(v, 'householdRegistration')?.status === 'waiting',
      );
      expect(view).toMatchObject({ promisedWorkingDays: 5, dueAtEstimated: false });

      const registration = stepOf(view, 'householdRegistration');
      expect(registration).toMatchObject({ expectedBy: null, timeLimitWorkingDays: 0 });
      const registrationDue = new Date(registration?.dueAt ?? '');
      // Same-day registration: due at the end of today, so what follows counts from there.
      const insuranceBy = stack.calendar.addWorkingDays(registrationDue, 5);
      expect(stepOf(view, 'medicalInsurance')).toMatchObject({
        status: 'pending',
        dueAt: null,
        expectedBy: insuranceBy.toISOString(),
        expectedByEstimated: stack.calendar.isEstimated(insuranceBy),
        timeLimitWorkingDays: 5,
      });
      expect(stepOf(view, 'insurancePayment')).toMatchObject({
        status: 'pending',
        expectedBy: stack.calendar.addWorkingDays(insuranceBy, 5).toISOString(),
      });
      expect(stepOf(view, 'socialSecurityCard')).toMatchObject({
        status: 'pending',
        expectedBy: insuranceBy.toISOString(),
        clockExcludes: ['card-production', 'mailing'],
      });
      expect(new Date(stepOf(view, 'insurancePayment')?.expectedBy ?? '') > insuranceBy).toBe(true);

      // 法定时限 beside 承诺时限: counted from the birth date, which stays with the portal.
      const statutory = {
        amount: 1,
        unit: 'months',
        from: 'form.baby.birthDate',
        basis: { zh: expect.stringContaining('户口登记条例'), en: expect.any(String) },
      };
      expect(view.statutoryLimits).toEqual([
        expect.objectContaining({ stepId: 'vaccination', dueAt: null, amount: 1, unit: 'months' }),
        expect.objectContaining({ stepId: 'householdRegistration', dueAt: null, ...statutory }),
      ]);
      expect(registration?.statutoryLimit).toMatchObject(statutory);
      expect(stepOf(view, 'medicalInsurance')?.statutoryLimit).toBeNull();

      const receipt = registration?.receiptNumber ?? '';
      await stack.simulator.decideNow('police', 'birth-registration', receipt);
      const done = await stack.waitForApplication(view.id, ended);
      expect(done.status).toBe('completed');
      // Ended: nothing is expected any more; every step has its own due date.
      expect(done.steps.filter((s) => s.expectedBy !== null)).toEqual([]);
    } finally {
      await stack.simulator.setBehaviour('police', 'birth-registration', {});
    }
  });

  it('flags a due date beyond the published calendar', async () => {
    const inPublished = await insertNewborn(at('2026-12-10T12:00'));
    const inEstimated = await insertNewborn(at('2027-01-05T12:00'));
    expect((await stack.getApplication(inPublished)).dueAtEstimated).toBe(false);
    expect(await stack.getApplication(inEstimated)).toMatchObject({
      dueAt: at('2027-01-05T12:00').toISOString(),
      dueAtEstimated: true,
    });
  });
});
