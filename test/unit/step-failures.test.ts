import { createRequire } from 'node:module';
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  TimeoutFailure,
} from '@temporalio/common';
import type { FailureConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { failureConverterPath } from '../../temporal/data-converter.js';
import { classifyStepFailure } from '../../workflows/outcomes.js';

const { failureConverter } = createRequire(import.meta.url)(failureConverterPath) as {
  failureConverter: FailureConverter;
};

/** The call as the workflow sees it when Temporal gave up: an ActivityFailure around `cause`. */
const activityFailure = (cause: Error, retryState: ActivityFailure['retryState']) =>
  new ActivityFailure(
    'activity failed',
    'callDepartment',
    'householdRegistration',
    retryState,
    'worker',
    cause,
  );

const brokenAnswer = () =>
  ApplicationFailure.retryable(
    'police/birth-registration returned an invalid output: field citizenIdNumber: required',
    'DepartmentOutputInvalid',
  );

describe('the failure converter', () => {
  it("keeps the last attempt's failure as the cause of a budget timeout, which the SDK's drops", () => {
    const timeout = new TimeoutFailure('activity ScheduleToClose timeout', undefined, 'SCHEDULE_TO_CLOSE');
    const proto = failureConverter.errorToFailure(
      Object.assign(timeout, { cause: brokenAnswer() }),
      defaultPayloadConverter,
    );
    expect(proto.timeoutFailureInfo).toBeDefined();
    expect(proto.cause?.applicationFailureInfo?.type).toBe('DepartmentOutputInvalid');

    const back = failureConverter.failureToError(proto, defaultPayloadConverter);

    expect(back).toBeInstanceOf(TimeoutFailure);
    expect(back.cause).toBeInstanceOf(ApplicationFailure);
    expect(back.cause).toMatchObject({
      type: 'DepartmentOutputInvalid',
      message: expect.stringContaining('field citizenIdNumber'),
    });
  });

  it('leaves a timeout without a last failure without a cause', () => {
    const proto = failureConverter.errorToFailure(
      new TimeoutFailure('activity ScheduleToClose timeout', undefined, 'SCHEDULE_TO_CLOSE'),
      defaultPayloadConverter,
    );
    expect(failureConverter.failureToError(proto, defaultPayloadConverter).cause).toBeUndefined();
  });
});

describe('classifyStepFailure', () => {
  it("keeps the last failure's code when the budget ran out between attempts", () => {
    expect(classifyStepFailure(activityFailure(brokenAnswer(), 'TIMEOUT'))).toEqual({
      status: 'failed',
      error: {
        code: 'DepartmentOutputInvalid',
        message:
          'retry budget spent: police/birth-registration returned an invalid output: field citizenIdNumber: required',
      },
    });
  });

  it("keeps the last failure's code when the budget ran out during an attempt", () => {
    const timeout = new TimeoutFailure('activity ScheduleToClose timeout', undefined, 'SCHEDULE_TO_CLOSE');
    const unavailable = ApplicationFailure.retryable(
      'police answered 404 with a body that is not JSON',
      'DepartmentUnavailable',
    );
    const failed = classifyStepFailure(
      activityFailure(Object.assign(timeout, { cause: unavailable }), 'TIMEOUT'),
    );
    expect(failed).toEqual({
      status: 'failed',
      error: {
        code: 'DepartmentUnavailable',
        message: 'retry budget spent: police answered 404 with a body that is not JSON',
      },
    });
  });

  it('says the budget was spent when no attempt ever failed (no worker took the call)', () => {
    const timeout = new TimeoutFailure('activity ScheduleToClose timeout', undefined, 'SCHEDULE_TO_CLOSE');
    expect(classifyStepFailure(activityFailure(timeout, 'TIMEOUT'))).toEqual({
      status: 'failed',
      error: { code: 'StepFailed', message: 'retry budget spent: activity ScheduleToClose timeout' },
    });
  });

  it("does not take the last attempt's own timeout for a spent budget", () => {
    const attemptTimeout = new TimeoutFailure('activity StartToClose timeout', undefined, 'START_TO_CLOSE');
    expect(classifyStepFailure(activityFailure(attemptTimeout, 'MAXIMUM_ATTEMPTS_REACHED'))).toEqual({
      status: 'failed',
      error: { code: 'StepFailed', message: 'activity StartToClose timeout' },
    });
  });

  it('classifies a rejection, and a call out of attempts, as before', () => {
    const rejection = ApplicationFailure.create({
      message: 'police rejected: no household',
      type: 'DepartmentRejected',
      nonRetryable: true,
      details: [{ department: 'police', reasonCode: 'HOUSEHOLD_NOT_FOUND', reason: 'no household' }],
    });
    expect(classifyStepFailure(activityFailure(rejection, 'NON_RETRYABLE_FAILURE'))).toEqual({
      status: 'rejected',
      error: { code: 'DepartmentRejected', message: 'no household', reasonCode: 'HOUSEHOLD_NOT_FOUND' },
    });
    const unavailable = ApplicationFailure.retryable('police answered 503', 'DepartmentUnavailable');
    expect(classifyStepFailure(activityFailure(unavailable, 'MAXIMUM_ATTEMPTS_REACHED'))).toEqual({
      status: 'failed',
      error: { code: 'DepartmentUnavailable', message: 'police answered 503' },
    });
  });
});
