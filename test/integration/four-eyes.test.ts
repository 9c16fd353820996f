import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth/api-keys.js';
import { coOwnedVehicleChange } from '../../bundles/co-owned-vehicle-change.js';
import type { TaskDetail } from '../../schemas/work-list.js';
import { eventually } from '../support/eventually.js';
import { ended } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
/** A second officer of the vehicle office: the other pair of eyes. */
let secondOfficer: string;
beforeAll(async () => {
  // The change of owner decided in the work list, as a deployment without the office's own system has it.
  stack = await startTestStack({
    stepDeciders: new Map([['co-owned-vehicle-change.ownerChange', 'worklist']]),
  });
  secondOfficer = (await createApiKey(stack.pool, { name: '李警官', role: 'clerk', scope: 'vehicle-office' }))
    .secret;
});
afterAll(async () => {
  await stack?.close();
});

const verification = (recordingRef: string) => ({
  liveness: 'passed',
  officer: '张警官',
  recordingRef,
  verified: ['identity', 'contact', 'address', 'vehicle'],
});

describe('four eyes on a co-owned vehicle change', () => {
  it('refuses the change of owner to the officer who verified, and takes it from another, with both records', async () => {
    const submitted = await stack.submit(coOwnedVehicleChange.example);
    expect(submitted.status).toBe(201);
    const id = submitted.body.id;
    for (const stepId of ['videoVerification', 'spouseVideoVerification']) {
      const task = await eventually(`the ${stepId} task`, async () =>
        (await stack.openTasks(id, 'vehicleOfficer')).find((t) => t.stepId === stepId),
      );
      const answer = await stack.decideTask(task.id, 'vehicleOfficer', {
        decision: 'approve',
        outputs: { verificationNumber: `VV-${stepId}`, recordingReference: `REC-${stepId}` },
        verification: verification(`REC-${stepId}`),
      });
      expect(answer.status).toBe(200);
    }
    const change = await eventually('the ownerChange task', async () =>
      (await stack.openTasks(id, 'vehicleOfficer')).find((t) => t.stepId === 'ownerChange'),
    );
    const approval = {
      decision: 'approve',
      outputs: { registrationNumber: 'REG-1', vehicleLicenceNumber: 'VL-1' },
    };
    const same = await stack.decideTask(change.id, 'vehicleOfficer', approval);
    expect(same.status).toBe(409);
    expect(same.body).toMatchObject({ code: 'FOUR_EYES_REQUIRED' });
    expect(
      (await stack.request('POST', `/v1/tasks/${change.id}/release`, undefined, {}, 'vehicleOfficer')).status,
    ).toBe(200);

    const other = { authorization: `Bearer ${secondOfficer}` };
    const detail = await stack.request<TaskDetail>('GET', `/v1/tasks/${change.id}`, undefined, other, null);
    // The second officer decides on both verification records: who, when, what, which recording.
    expect(detail.body.input).toMatchObject({
      ownerVerification: { officer: '张警官', recordingRef: 'REC-videoVerification', liveness: 'passed' },
      newOwnerVerification: { officer: '张警官', recordingRef: 'REC-spouseVideoVerification' },
    });
    expect((await stack.request('POST', `/v1/tasks/${change.id}/claim`, undefined, other, null)).status).toBe(
      200,
    );
    const approved = await stack.request('POST', `/v1/tasks/${change.id}/complete`, approval, other, null);
    expect(approved.status).toBe(200);
    expect((await stack.waitForApplication(id, ended)).status).toBe('completed');
  });

  it('tells officers apart by the key they act with, not by the name a record gives', async () => {
    // Another officer who happens to bear the name the verifications were recorded under.
    const namesake = {
      authorization: `Bearer ${(await createApiKey(stack.pool, { name: '张警官', role: 'clerk', scope: 'vehicle-office' })).secret}`,
    };
    const submitted = await stack.submit(coOwnedVehicleChange.example);
    const id = submitted.body.id;
    for (const stepId of ['videoVerification', 'spouseVideoVerification']) {
      const task = await eventually(`the ${stepId} task`, async () =>
        (await stack.openTasks(id, 'vehicleOfficer')).find((t) => t.stepId === stepId),
      );
      const answer = await stack.decideTask(task.id, 'vehicleOfficer', {
        decision: 'approve',
        outputs: { verificationNumber: `VV-${stepId}`, recordingReference: `REC-${stepId}` },
        verification: verification(`REC-${stepId}`),
      });
      expect(answer.status).toBe(200);
    }
    const change = await eventually('the ownerChange task', async () =>
      (await stack.openTasks(id, 'vehicleOfficer')).find((t) => t.stepId === 'ownerChange'),
    );
    expect(
      (await stack.request('POST', `/v1/tasks/${change.id}/claim`, undefined, namesake, null)).status,
    ).toBe(200);
    const approved = await stack.request(
      'POST',
      `/v1/tasks/${change.id}/complete`,
      { decision: 'approve', outputs: { registrationNumber: 'REG-2', vehicleLicenceNumber: 'VL-2' } },
      namesake,
      null,
    );
    expect(approved.status).toBe(200);
    expect((await stack.waitForApplication(id, ended)).status).toBe('completed');
  });
});
