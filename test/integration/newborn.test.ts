import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
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

const stepOf = (view: ApplicationView, id: string) => {
  const step = view.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
};

describe('the newborn bundle', () => {
  it('completes, handing each department the outputs of the one before and nothing else of the form', async () => {
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    const view = await stack.waitForApplication(submitted.body.id, ended);

    expect(view.status).toBe('completed');
    expect(view.steps.map((s) => [s.id, s.status])).toEqual(newborn.steps.map((s) => [s.id, 'completed']));

    const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:` });
    const received = (department: string, service: string) => {
      const entries = ledger.filter((e) => e.department === department && e.service === service);
      expect(entries).toHaveLength(1);
      return entries[0]?.input as Record<string, unknown>;
    };
    const certificateNumber = stepOf(view, 'birthCertificate').outputs?.certificateNumber;
    const citizenIdNumber = stepOf(view, 'householdRegistration').outputs?.citizenIdNumber;
    expect(certificateNumber).toEqual(expect.any(String));
    expect(citizenIdNumber).toEqual(expect.any(String));

    expect(received('police', 'birth-registration').certificateNumber).toBe(certificateNumber);
    expect(received('medical-insurance', 'resident-enrolment').citizenIdNumber).toBe(citizenIdNumber);
    expect(received('hr-social-security', 'social-security-card').citizenIdNumber).toBe(citizenIdNumber);
    expect(received('tax', 'resident-contribution').citizenIdNumber).toBe(citizenIdNumber);

    // Data minimisation: each department received exactly the fields its step maps, no more.
    for (const step of newborn.steps) {
      expect(Object.keys(received(step.department, step.service)).sort()).toEqual(
        Object.keys(step.input).sort(),
      );
    }
    const form = newbornRequest().form as { bankAccount: string; mailingAddress: string };
    expect(JSON.stringify(received('police', 'birth-registration'))).not.toContain(form.bankAccount);
    expect(JSON.stringify(received('cdc', 'vaccination-certificate'))).not.toContain(form.mailingAddress);
  });

  it('skips an optional step the applicant did not opt in to', async () => {
    const submitted = await stack.submit(
      newbornRequest({ form: { optIns: { maternityBenefit: false }, bankAccount: undefined } }),
    );
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'maternityBenefit')).toMatchObject({
      status: 'skipped',
      error: { code: 'NotOptedIn' },
    });
    const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:`, service: 'maternity-benefit' });
    expect(ledger).toHaveLength(0);
  });
});
