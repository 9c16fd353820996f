import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { businessStartup } from '../../bundles/business-startup.js';
import type { ServiceBehaviour } from '../../departments/simulator/behaviour.js';
import type { ApplicationView } from '../../schemas/api.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { quickRetry, startNewbornWithSteps } from '../support/adjusted-plan.js';
import { ended } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { historyFigures } from './history.js';
import { recordFaultResult } from './results.js';

// R7, poisoned answers: a department whose answers Onething cannot take as a decision. Each call is
// retried within a short budget, then held for an operator, who retries it once the department is
// fixed; meanwhile applications of another bundle (police's other service included) complete.

let stack: TestStack;
beforeAll(async () => {
  // Long enough that no test sees the hold run out.
  stack = await startTestStack({ failedStepHold: '1h' });
});
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
});

const MiB = 1024 * 1024;
const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const failedAtPolice = (view: ApplicationView) => police(view)?.status === 'failed';

const poisons: Array<[string, ServiceBehaviour, string, RegExp]> = [
  [
    'a 200 HTML page instead of JSON',
    { nonJsonAnswer: true },
    'DepartmentUnavailable',
    /^retry budget spent: police sent an unreadable answer \(200, text\/html/,
  ],
  [
    'a 20 MB answer',
    { oversizedAnswer: { bytes: 20 * MiB } },
    'DepartmentUnavailable',
    /^retry budget spent: police answered 200 with more than 1 MiB \(the adapter's maxAnswerBytes\)/,
  ],
  [
    'a 200 that breaks the service contract',
    { brokenOutputs: true },
    'DepartmentOutputInvalid',
    /^retry budget spent: police\/birth-registration returned an invalid output: field citizenIdNumber/,
  ],
];

describe('R7: a department answering what is no decision', () => {
  it.each(poisons)(
    'holds a call answered with %s for an operator, and nothing else is affected',
    async (what, behaviour, code, message) => {
      await stack.simulator.setBehaviour('police', 'birth-registration', behaviour);
      const bystanders = await Promise.all([
        stack.submit(businessStartup.example),
        stack.submit(businessStartup.example),
      ]);
      // The police call gives up after two seconds of failed attempts instead of days.
      const id = await startNewbornWithSteps(stack, {
        householdRegistration: { callTimeout: '2s', retry: quickRetry('2s') },
      });

      const held = await stack.waitForApplication(id, failedAtPolice);
      const whileHeld = await historyFigures(stack.client.workflow.getHandle(applicationWorkflowId(id)));
      const requests = await stack.simulator.requests({ keyPrefix: `${id}:householdRegistration` });

      await stack.simulator.setBehaviour('police', 'birth-registration', {});
      const repair = await stack.request(
        'POST',
        `/v1/ops/applications/${id}/steps/householdRegistration/retry`,
        { reason: '公安已修复接口 / police fixed their answers' },
        {},
        'operator',
      );
      const done = await stack.waitForApplication(id, ended);
      const others = await Promise.all(bystanders.map((b) => stack.waitForApplication(b.body.id, ended)));
      const ledger = await stack.simulator.ledger({ keyPrefix: `${id}:`, department: 'police' });
      const after = await historyFigures(stack.client.workflow.getHandle(applicationWorkflowId(id)));

      const invariants = {
        heldForOperator:
          held.status === 'running' &&
          police(held)?.error?.code === code &&
          message.test(police(held)?.error?.message ?? ''),
        completedAfterRepair: repair.status === 202 && done.status === 'completed',
        othersCompleted:
          bystanders.every((b) => b.status === 201) && others.every((o) => o.status === 'completed'),
        // However often it was asked, the department acted at most once for the step's key.
        oneSideEffect: ledger.length === 1 && ledger[0]?.outcome === 'done',
        // Nothing of the poisoned answers reached the workflow's history.
        historyBounded: after.bytes < 256 * 1024,
      };
      await recordFaultResult({
        id: 'R7',
        scenario: `department answers ${what}: held, repaired, completed`,
        figures: {
          attemptsBeforeHold: police(held)?.attempts ?? 0,
          departmentRequests: requests.length,
          historyEventsWhileHeld: whileHeld.events,
          historyBytesWhileHeld: whileHeld.bytes,
          historyEvents: after.events,
          historyBytes: after.bytes,
          otherApplications: others.length,
        },
        invariants,
      });
      expect(police(held)).toMatchObject({ status: 'failed', error: { code } });
      expect(police(held)?.error?.message).toMatch(message);
      expect(police(held)?.attempts).toBeGreaterThan(1);
      expect(invariants).toEqual({
        heldForOperator: true,
        completedAfterRepair: true,
        othersCompleted: true,
        oneSideEffect: true,
        historyBounded: true,
      });
    },
  );

  it('takes a decision padded to just under the cap without the padding reaching Temporal', async () => {
    // 900 KiB: read (under 1 MiB), the padding dropped with every field the service does not declare.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      oversizedAnswer: { bytes: 900 * 1024 },
    });
    const id = await startNewbornWithSteps(stack, {});
    const done = await stack.waitForApplication(id, ended);
    const history = await historyFigures(stack.client.workflow.getHandle(applicationWorkflowId(id)));

    const invariants = {
      completed: done.status === 'completed',
      outputsAsDeclared:
        Object.keys(police(done)?.outputs ?? {})
          .sort()
          .join() === 'citizenIdNumber,householdPage,householdPageCertificate',
      historyBounded: history.bytes < 256 * 1024,
    };
    await recordFaultResult({
      id: 'R7',
      scenario: 'department answers a 900 KiB decision (under the 1 MiB cap): padding stripped',
      figures: { answerBytes: 900 * 1024, historyEvents: history.events, historyBytes: history.bytes },
      invariants,
    });
    expect(invariants).toEqual({ completed: true, outputsAsDeclared: true, historyBounded: true });
  });
});
