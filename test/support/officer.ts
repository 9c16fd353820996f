import type { ApplicationView } from '../../schemas/api.js';
import { ended } from './newborn.js';
import type { TestStack } from './stack.js';

/**
 * Waits (bounded) until the application ends, approving every cloud-window video verification
 * as a vehicle-office officer would; returns the end state and the outputs the officer gave.
 */
export async function finishWithOfficer(
  stack: TestStack,
  applicationId: string,
  timeoutMs = 60_000,
): Promise<{ view: ApplicationView; officerOutputs: Map<string, Record<string, unknown>> }> {
  const officerOutputs = new Map<string, Record<string, unknown>>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await stack.getApplication(applicationId);
    if (ended(view)) return { view, officerOutputs };
    if (Date.now() > deadline)
      throw new Error(`application ${applicationId} did not end: ${JSON.stringify(view)}`);
    for (const task of await stack.openTasks(applicationId, 'vehicleOfficer')) {
      const outputs = {
        verificationNumber: `VV-${task.stepId}`,
        recordingReference: `REC-${task.id.slice(0, 8)}`,
      };
      const answer = await stack.decideTask(task.id, 'vehicleOfficer', {
        decision: 'approve',
        outputs,
        verification: {
          liveness: 'passed',
          officer: '张警官 officer Zhang',
          recordingRef: outputs.recordingReference,
          verified: ['identity', 'contact', 'address', 'vehicle'],
        },
      });
      if (answer.status !== 200)
        throw new Error(`completing ${task.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
      officerOutputs.set(task.stepId, outputs);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
