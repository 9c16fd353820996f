import { findService } from '../../departments/catalog/index.js';
import type { ApplicationView } from '../../schemas/api.js';
import { ended } from './newborn.js';
import type { TestRole, TestStack } from './stack.js';

/** The cloud windows' officers: the vehicle office's, and the police's household administration (ID cards). */
const officers: readonly TestRole[] = ['vehicleOfficer', 'policeClerk'];

/**
 * Waits (bounded) until the application ends, approving every cloud-window video verification
 * as the department's officer would, verifying the facts its service declares; returns the end
 * state and the outputs the officer gave.
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
    for (const officer of officers) await approveVideoChecks(stack, applicationId, officer, officerOutputs);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function approveVideoChecks(
  stack: TestStack,
  applicationId: string,
  officer: TestRole,
  officerOutputs: Map<string, Record<string, unknown>>,
): Promise<void> {
  for (const task of await stack.openTasks(applicationId, officer)) {
    if (task.kind !== 'video-verification') continue;
    const outputs = {
      verificationNumber: `VV-${task.stepId}`,
      recordingReference: `REC-${task.id.slice(0, 8)}`,
    };
    const answer = await stack.decideTask(task.id, officer, {
      decision: 'approve',
      outputs,
      verification: {
        liveness: 'passed',
        officer: '张警官 officer Zhang',
        recordingRef: outputs.recordingReference,
        verified: [...(findService(task.department, task.service)?.verifies ?? [])],
      },
    });
    if (answer.status !== 200)
      throw new Error(`completing ${task.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    officerOutputs.set(task.stepId, outputs);
  }
}
