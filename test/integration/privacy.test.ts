import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import type { ApplicationView } from '../../schemas/api.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
let application: ApplicationView;
beforeAll(async () => {
  stack = await startTestStack();
  const submitted = await stack.submit(newbornRequest());
  application = await stack.waitForApplication(submitted.body.id, ended);
});
afterAll(async () => {
  await stack?.close();
});

interface AccessLog {
  entries: Array<{
    actorType: string;
    actor: string;
    action: string;
    fields: string[];
    purpose: string;
    stepId: string | null;
  }>;
}

const citizenIdOf = (view: ApplicationView) =>
  view.steps.find((s) => s.id === 'householdRegistration')?.outputs?.citizenIdNumber as string;

describe('the access log and masking', () => {
  it('tells the applicant which department received which fields, for which item', async () => {
    const log = await stack.request<AccessLog>('GET', `/v1/applications/${application.id}/access-log`);
    expect(log.status).toBe(200);
    for (const step of newborn.steps) {
      const entry = log.body.entries.find((e) => e.stepId === step.id);
      expect(entry, step.id).toMatchObject({
        actorType: 'department',
        actor: step.department,
        action: 'received',
        fields: Object.keys(step.input).sort(),
        purpose: expect.stringContaining(step.title.en),
      });
    }
    expect(log.body.entries).toHaveLength(newborn.steps.length);
  });

  it('shows an operator personal data masked, and logs the read for the applicant', async () => {
    const mine = await stack.getApplication(application.id);
    expect(citizenIdOf(mine)).toMatch(/^\d{17}[\dX]$/);

    const operatorView = await stack.getApplication(application.id, 'operator');
    const masked = citizenIdOf(operatorView);
    expect(masked).toBe(`${citizenIdOf(mine).slice(0, 6)}********${citizenIdOf(mine).slice(-4)}`);

    const log = await stack.request<AccessLog>('GET', `/v1/applications/${application.id}/access-log`);
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({
        actorType: 'operator',
        action: 'read',
        actor: expect.stringContaining('operator'),
        fields: expect.arrayContaining(['householdRegistration.citizenIdNumber']),
      }),
    );
  });

  it("answers another portal's access-log request with 404", async () => {
    const other = await stack.request(
      'GET',
      `/v1/applications/${application.id}/access-log`,
      undefined,
      {},
      'otherPortal',
    );
    expect(other.status).toBe(404);
  });
});
