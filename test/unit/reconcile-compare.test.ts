import { describe, expect, it } from 'vitest';
import type { ApplicationRow, StepRow } from '../../db/applications.js';
import { compareApplication, plannedRepairs, sameJson, transitionFor } from '../../ops/reconcile-compare.js';
import type { ApplicationProgress, StepProgress } from '../../schemas/workflow.js';
import { outcomeProgress } from '../../ops/workflow-view.js';

const appId = '00000000-0000-4000-8000-000000000002';

function appRow(status: ApplicationRow['status'] = 'running'): ApplicationRow {
  const at = new Date('2026-01-05T08:00:00Z');
  return {
    id: appId,
    bundle_id: 'newborn',
    bundle_version: 1,
    client_id: 'test-portal',
    request_hash: 'h',
    status,
    workflow_started: true,
    last_seq: 7,
    created_at: at,
    updated_at: at,
    due_at: null,
    region: '330106',
  };
}

function stepRow(step_id: string, fields: Partial<StepRow> = {}): StepRow {
  return {
    step_id,
    department: 'police',
    service: 'svc',
    title_zh: '标题',
    title_en: 'title',
    status: 'pending',
    attempts: 0,
    started_at: null,
    completed_at: null,
    outputs: null,
    error: null,
    receipt_number: null,
    waiting: null,
    due_at: null,
    ...fields,
  };
}

const done: StepProgress = {
  status: 'completed',
  inFlight: false,
  outputs: { certificateNumber: 'C-1', issuedAt: '2026-01-05' },
  error: null,
  receiptNumber: 'R-1',
  waiting: null,
};
const waiting: StepProgress = {
  status: 'waiting',
  inFlight: false,
  outputs: null,
  error: null,
  receiptNumber: 'RCPT-2',
  waiting: { reason: 'department-decision', message: 'waiting for police decision' },
};

function view(steps: Record<string, StepProgress>, status: ApplicationProgress['status'] = 'running') {
  return { applicationId: appId, bundleId: 'newborn', status, steps, pendingWrites: 0 };
}

describe('comparing the read model with the workflow', () => {
  it('finds nothing when the rows hold what the workflow says (jsonb key order aside)', () => {
    const rows = {
      application: appRow(),
      steps: [
        // jsonb keeps its own key order; the timestamptz comes back as a Date.
        stepRow('birthCertificate', {
          status: 'completed',
          outputs: { issuedAt: '2026-01-05', certificateNumber: 'C-1' },
          receipt_number: 'R-1',
        }),
        stepRow('householdRegistration', {
          status: 'waiting',
          receipt_number: 'RCPT-2',
          waiting: { message: 'waiting for police decision', reason: 'department-decision' },
        }),
      ],
    };
    expect(
      compareApplication(view({ birthCertificate: done, householdRegistration: waiting }), rows),
    ).toEqual([]);
  });

  it('names every field that differs, with statuses and codes but no data', () => {
    const rows = {
      application: appRow('completed'),
      steps: [
        stepRow('birthCertificate', {
          status: 'failed',
          outputs: { certificateNumber: 'FORGED' },
          error: { code: 'DepartmentUnavailable', message: 'x' },
          receipt_number: 'R-other',
        }),
      ],
    };
    const differences = compareApplication(
      view({ birthCertificate: done, householdRegistration: waiting }),
      rows,
    );
    expect(differences).toEqual([
      { stepId: 'birthCertificate', field: 'status', found: 'failed', expected: 'completed' },
      { stepId: 'birthCertificate', field: 'outputs' },
      { stepId: 'birthCertificate', field: 'error', found: 'DepartmentUnavailable', expected: 'none' },
      { stepId: 'birthCertificate', field: 'receiptNumber' },
      { stepId: 'householdRegistration', field: 'row', found: 'missing', expected: 'waiting' },
      { field: 'status', found: 'completed', expected: 'running' },
    ]);
    expect(JSON.stringify(differences)).not.toMatch(/FORGED|C-1|R-other|RCPT/);
  });

  it('leaves a step alone while its activity writes it, and fields the workflow cannot know', () => {
    const rows = {
      application: appRow(),
      steps: [
        stepRow('birthCertificate', { status: 'completed', outputs: { a: 1 } }),
        stepRow('householdRegistration', {
          status: 'running',
          attempts: 3,
          error: { code: 'DepartmentUnavailable', message: 'x' },
          due_at: new Date('2026-01-09T00:00:00Z'),
        }),
      ],
    };
    const inFlight: StepProgress = { status: 'running', inFlight: true };
    const retried: StepProgress = { status: 'running', inFlight: false, outputs: null, waiting: null };
    expect(compareApplication(view({ birthCertificate: inFlight }), rows)).toEqual([]);
    expect(compareApplication(view({ householdRegistration: retried }), rows)).toEqual([]);
  });

  it('compares a due date only where the workflow knows it', () => {
    const known: StepProgress = { ...waiting, dueAt: '2026-01-09T00:00:00.000Z' };
    const rows = (due: Date | null) => ({
      application: appRow(),
      steps: [
        stepRow('householdRegistration', {
          status: 'waiting',
          receipt_number: 'RCPT-2',
          waiting: waiting.waiting ?? null,
          due_at: due,
        }),
      ],
    });
    expect(
      compareApplication(view({ householdRegistration: known }), rows(new Date('2026-01-09T00:00:00Z'))),
    ).toEqual([]);
    expect(compareApplication(view({ householdRegistration: known }), rows(null))).toEqual([
      { stepId: 'householdRegistration', field: 'dueAt' },
    ]);
  });

  it('plans one transition per differing step with all it knows, then the status', () => {
    const progress = view({ birthCertificate: done, householdRegistration: waiting });
    const repairs = plannedRepairs(progress, [
      { stepId: 'householdRegistration', field: 'row', found: 'missing', expected: 'waiting' },
      { field: 'status', found: 'failed', expected: 'running' },
    ]);
    expect(repairs).toEqual([
      { kind: 'step', recreate: true, transition: transitionFor('householdRegistration', waiting) },
      { kind: 'application', status: 'running' },
    ]);
    expect(transitionFor('birthCertificate', done)).toEqual({
      stepId: 'birthCertificate',
      status: 'completed',
      outputs: done.outputs,
      error: null,
      receiptNumber: 'R-1',
    });
  });

  it('repeats the final status after a step repair of an ended application, so it stays the last event', () => {
    const progress = view({ birthCertificate: done }, 'completed');
    expect(
      plannedRepairs(progress, [{ stepId: 'birthCertificate', field: 'outputs' }]).map((r) => r.kind),
    ).toEqual(['step', 'application']);
    expect(plannedRepairs(progress, [])).toEqual([]);
  });

  it("reads an ended workflow's outcome as statuses and errors, with outputs unknown", () => {
    const progress = outcomeProgress(appId, 'newborn', {
      status: 'rejected',
      steps: {
        householdRegistration: { status: 'rejected', error: { code: 'DepartmentRejected', message: 'no' } },
        birthCertificate: { status: 'compensated' },
      },
    });
    expect(progress.steps.birthCertificate).toEqual({ status: 'compensated', inFlight: false, error: null });
    expect(
      compareApplication(progress, {
        application: appRow('rejected'),
        steps: [
          stepRow('birthCertificate', { status: 'compensated', outputs: { any: 'thing' } }),
          stepRow('householdRegistration', {
            status: 'rejected',
            error: { code: 'DepartmentRejected', message: 'no' },
          }),
        ],
      }),
    ).toEqual([]);
  });

  it('compares JSON whatever the key order', () => {
    expect(sameJson({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(
      true,
    );
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameJson(null, undefined)).toBe(true);
  });
});
