import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await stack.simulator.setBehaviour('medical-insurance', 'maternity-benefit', {});
  await stack.simulator.setBehaviour('tax', 'resident-contribution', {});
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);

describe('how an application ends', () => {
  it('is partially completed when an optional step the applicant opted in to is rejected', async () => {
    await stack.simulator.setBehaviour('medical-insurance', 'maternity-benefit', {
      reject: { code: 'NOT_INSURED', reason: '母亲未参加生育保险 / the mother has no maternity insurance' },
    });
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('partially_completed');
    expect(stepOf(view, 'maternityBenefit')).toMatchObject({
      status: 'rejected',
      error: { code: 'DepartmentRejected', reasonCode: 'NOT_INSURED' },
    });
    const others = view.steps.filter((s) => s.id !== 'maternityBenefit');
    expect(others.every((s) => s.status === 'completed')).toBe(true);
  });

  it('compensates completed steps that can be undone when a required step is finally rejected', async () => {
    await stack.simulator.setBehaviour('tax', 'resident-contribution', {
      reject: { code: 'ACCOUNT_FROZEN', reason: '缴费账户冻结 / the payment account is frozen' },
    });
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('rejected');
    expect(stepOf(view, 'insurancePayment')).toMatchObject({
      status: 'rejected',
      error: { reasonCode: 'ACCOUNT_FROZEN' },
    });
    // Undoable and completed: compensated. Not undoable: stays completed.
    expect(stepOf(view, 'medicalInsurance')?.status).toBe('compensated');
    expect(stepOf(view, 'socialSecurityCard')?.status).toBe('compensated');
    expect(stepOf(view, 'householdRegistration')?.status).toBe('completed');
    const undos = await stack.simulator.requests({ keyPrefix: `undo:${view.id}:` });
    expect(undos.map((r) => r.service).sort()).toEqual(['resident-enrolment', 'social-security-card']);
  });
});
