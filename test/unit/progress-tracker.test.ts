import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { planOf } from '../../bundles/definition.js';
import { newborn } from '../../bundles/newborn.js';
import { ProgressTracker } from '../../workflows/progress.js';

const plan = planOf(newborn);
const appId = '00000000-0000-4000-8000-000000000001';
const call = (stepId: string, department = 'police') => ({
  applicationId: appId,
  stepId,
  department,
  service: 'svc',
  input: {},
  idempotencyKey: `${appId}:${stepId}`,
});
const failure = (type: string, message: string, details?: unknown) =>
  new ActivityFailure(
    'activity failed',
    'callDepartment',
    undefined,
    RetryState.NON_RETRYABLE_FAILURE,
    undefined,
    ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      ...(details ? { details: [details] } : {}),
    }),
  );

describe('the progress tracker (what the rows should show, from what the workflow handed out)', () => {
  it('starts as the API inserts an application: running, every step pending and empty', () => {
    const view = new ProgressTracker(appId, plan).view();
    expect(view).toMatchObject({
      applicationId: appId,
      bundleId: 'newborn',
      status: 'running',
      pendingWrites: 0,
    });
    expect(Object.keys(view.steps)).toEqual(plan.steps.map((s) => s.id));
    expect(view.steps.birthCertificate).toEqual({
      status: 'pending',
      inFlight: false,
      outputs: null,
      error: null,
      receiptNumber: null,
      waiting: null,
      dueAt: null,
    });
  });

  it('follows a call: in flight (error and due date unknown), then the decision it recorded', () => {
    const tracker = new ProgressTracker(appId, plan);
    tracker.scheduled('callDepartment', call('birthCertificate', 'health'));
    const running = tracker.view().steps.birthCertificate;
    expect(running).toMatchObject({ status: 'running', inFlight: true });
    expect(running).not.toHaveProperty('error');
    expect(running).not.toHaveProperty('dueAt');

    tracker.succeeded('callDepartment', call('birthCertificate', 'health'), {
      outputs: { certificateNumber: 'C-1' },
      receiptNumber: 'R-1',
    });
    expect(tracker.view().steps.birthCertificate).toMatchObject({
      status: 'completed',
      inFlight: false,
      outputs: { certificateNumber: 'C-1' },
      receiptNumber: 'R-1',
      error: null,
      waiting: null,
    });
  });

  it('shows an accepted case waiting with its receipt, then the decision the workflow wrote', () => {
    const tracker = new ProgressTracker(appId, plan);
    tracker.scheduled('callDepartment', call('householdRegistration'));
    tracker.succeeded('callDepartment', call('householdRegistration'), {
      accepted: true,
      receiptNumber: 'RCPT-9',
      pollable: false,
    });
    expect(tracker.view().steps.householdRegistration).toMatchObject({
      status: 'waiting',
      receiptNumber: 'RCPT-9',
      waiting: { reason: 'department-decision', message: 'waiting for police decision' },
      error: null,
    });

    const batch = {
      applicationId: appId,
      transitions: [
        {
          key: 'workflow:1',
          at: '2026-01-01T00:00:00.000Z',
          step: {
            stepId: 'householdRegistration',
            status: 'completed' as const,
            outputs: { id: 'x' },
            error: null,
          },
        },
      ],
    };
    tracker.writing(batch);
    expect(tracker.view().pendingWrites).toBe(1);
    // Not applied before it lands: the view is what the rows hold, or will once written.
    expect(tracker.view().steps.householdRegistration?.status).toBe('waiting');
    tracker.written(batch, batch.transitions);
    expect(tracker.view()).toMatchObject({ pendingWrites: 0 });
    expect(tracker.view().steps.householdRegistration).toMatchObject({
      status: 'completed',
      outputs: { id: 'x' },
      receiptNumber: 'RCPT-9',
      waiting: null,
    });
  });

  it("takes a department's rejection and an outage pause from the call's failure", () => {
    const tracker = new ProgressTracker(appId, plan);
    tracker.scheduled('callDepartment', call('householdRegistration'));
    tracker.failed(
      'callDepartment',
      call('householdRegistration'),
      failure('DepartmentRejected', 'police rejected: no', {
        department: 'police',
        reasonCode: 'NOT_HERE',
        reason: 'not registered here',
      }),
    );
    expect(tracker.view().steps.householdRegistration).toMatchObject({
      status: 'rejected',
      inFlight: false,
      error: { code: 'DepartmentRejected', message: 'not registered here', reasonCode: 'NOT_HERE' },
    });

    tracker.scheduled('callDepartment', call('medicalInsurance', 'medical-insurance'));
    tracker.failed(
      'callDepartment',
      call('medicalInsurance', 'medical-insurance'),
      failure('DepartmentPaused', 'paused: medical-insurance outage'),
    );
    const paused = tracker.view().steps.medicalInsurance;
    expect(paused).toMatchObject({
      status: 'waiting',
      waiting: { reason: 'department-paused', message: 'paused: medical-insurance outage' },
    });
    // A retried attempt before the pause may have left its failure on the row.
    expect(paused).not.toHaveProperty('error');
  });

  it("dates a work-list step from its first task, until the applicant's clock stops", () => {
    const tracker = new ProgressTracker(appId, plan);
    const task = {
      applicationId: appId,
      stepId: 'birthCertificate',
      department: 'health',
      service: 'svc',
      kind: 'review' as const,
      round: 1,
      input: {},
      timeLimitWorkingDays: 1,
      title: 'waiting for health review',
    };
    tracker.scheduled('openHumanTask', task);
    expect(tracker.view().steps.birthCertificate?.inFlight).toBe(true);
    tracker.succeeded('openHumanTask', task, { taskId: 't1', dueAt: '2026-01-02T00:00:00.000Z' });
    expect(tracker.view().steps.birthCertificate).toMatchObject({
      status: 'waiting',
      inFlight: false,
      waiting: { reason: 'human-task', message: 'waiting for health review' },
      dueAt: '2026-01-02T00:00:00.000Z',
    });
    tracker.scheduled('resumeApplicationClock', { applicationId: appId, at: '2026-01-03T00:00:00.000Z' });
    expect(tracker.view().steps.birthCertificate).not.toHaveProperty('dueAt');
  });

  it('answers with the fault instead of a wrong view when an observation failed', () => {
    const tracker = new ProgressTracker(appId, plan);
    tracker.observe(() => {
      throw new Error('unexpected result');
    });
    expect(() => tracker.view()).toThrow(/progress unknown: unexpected result/);
  });
});
