import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterDeath } from '../../bundles/after-death.js';
import { idCardReissue } from '../../bundles/id-card-reissue.js';
import { vehicleCertificateReissue } from '../../bundles/vehicle-certificate-reissue.js';
import type { ApplicationView } from '../../schemas/api.js';
import { stepErrorCodes } from '../../schemas/error-codes.js';
import { ended } from '../support/newborn.js';
import { finishWithOfficer } from '../support/officer.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// The bundle items of issue 16: the abnormal-death path, the cloud-window fee, the ID-card reissue.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);
const inputsOf = async (applicationId: string) =>
  new Map(
    (await stack.simulator.ledger({ keyPrefix: `${applicationId}:` })).map((e) => [
      e.idempotencyKey.split(':')[1],
      e,
    ]),
  );

describe('after-death: an abnormal death', () => {
  it('is certified by the police, not a hospital, and the steps after it take the police certificate', async () => {
    const abnormal = afterDeath.otherExamples?.find((e) => e.id === 'abnormal-death');
    const submitted = await stack.submit(abnormal?.request);
    expect(submitted.status).toBe(201);
    const view = await stack.waitForApplication(submitted.body.id, ended);

    expect(view.status).toBe('completed');
    expect(stepOf(view, 'deathCertificate')).toMatchObject({
      status: 'skipped',
      error: { code: stepErrorCodes.notApplicable },
    });
    const police = stepOf(view, 'policeDeathCertificate');
    expect(police).toMatchObject({ status: 'completed', department: 'police' });
    const certificate = police?.outputs?.['certificateNumber'];
    expect(certificate).toEqual(expect.any(String));

    const calls = await inputsOf(view.id);
    // No hospital was asked; the police were, and every step that needs the certificate got theirs.
    expect([...calls.values()].some((c) => c.department === 'health')).toBe(false);
    expect(calls.get('policeDeathCertificate')).toMatchObject({
      department: 'police',
      service: 'death-certificate',
    });
    for (const stepId of ['cremation', 'householdDeregistration', 'survivorBenefits']) {
      expect(calls.get(stepId)?.input, stepId).toMatchObject({ deathCertificateNumber: certificate });
    }
  });

  it('keeps the hospital for a natural death, and the police step does not apply', async () => {
    const view = await stack.waitForApplication((await stack.submit(afterDeath.example)).body.id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'policeDeathCertificate')?.error?.code).toBe(stepErrorCodes.notApplicable);
    const calls = await inputsOf(view.id);
    expect(calls.get('cremation')?.input).toMatchObject({
      deathCertificateNumber: stepOf(view, 'deathCertificate')?.outputs?.['certificateNumber'],
    });
  });
});

describe('the cloud-window fee', () => {
  it('is paid before the officer’s video check opens, which sees the payment number', async () => {
    // The applicant pays later: the payment platform decides when told to.
    await stack.simulator.setBehaviour('public-payment', 'vehicle-certificate-fee', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(vehicleCertificateReissue.example);
    const id = submitted.body.id;
    const waiting = await stack.waitForApplication(id, (v) => stepOf(v, 'feePayment')?.status === 'waiting');
    expect(stepOf(waiting, 'videoVerification')?.status).toBe('pending');
    expect(await stack.openTasks(id, 'vehicleOfficer')).toEqual([]);

    await stack.simulator.decideNow(
      'public-payment',
      'vehicle-certificate-fee',
      stepOf(waiting, 'feePayment')?.receiptNumber ?? '',
    );
    const task = await stack.waitForOpenTask(id, 'vehicleOfficer');
    const detail = await stack.request<{ input: Record<string, unknown> }>(
      'GET',
      `/v1/tasks/${task.id}`,
      undefined,
      {},
      'vehicleOfficer',
    );
    const paid = stepOf(await stack.getApplication(id), 'feePayment');
    expect(paid?.outputs).toMatchObject({ amountFen: 1_000 });
    expect(detail.body.input['paymentNumber']).toBe(paid?.outputs?.['paymentNumber']);
    expect((await finishWithOfficer(stack, id)).view.status).toBe('completed');
    await stack.simulator.setBehaviour('public-payment', 'vehicle-certificate-fee', {});
  });

  it('is refunded when the applicant withdraws before the video check', async () => {
    const id = (await stack.submit(vehicleCertificateReissue.example)).body.id;
    await stack.waitForOpenTask(id, 'vehicleOfficer');
    const withdrawn = await stack.request('POST', `/v1/applications/${id}/withdraw`, {
      reason: '证书已找到',
    });
    expect(withdrawn.status).toBe(202);
    const view = await stack.waitForApplication(id, ended);
    expect(view.status).toBe('withdrawn');
    expect(stepOf(view, 'feePayment')?.status).toBe('compensated');
    const refunds = await stack.simulator.requests({ keyPrefix: `undo:${id}:` });
    expect(refunds.filter((r) => r.kind === 'undo' && r.status === 200).map((r) => r.service)).toEqual([
      'vehicle-certificate-fee',
    ]);
  });

  it('refused by the payment platform, never reaches an officer', async () => {
    await stack.simulator.setBehaviour('public-payment', 'vehicle-certificate-fee', {
      reject: { code: 'PAYMENT_EXPIRED', reason: 'the payment notice expired unpaid' },
    });
    const view = await stack.waitForApplication(
      (await stack.submit(vehicleCertificateReissue.example)).body.id,
      ended,
    );
    await stack.simulator.setBehaviour('public-payment', 'vehicle-certificate-fee', {});
    expect(view.status).toBe('rejected');
    expect(stepOf(view, 'feePayment')?.status).toBe('rejected');
    expect(stepOf(view, 'videoVerification')?.error?.code).toBe(stepErrorCodes.blockedByDependency);
    expect(await stack.openTasks(view.id, 'vehicleOfficer')).toEqual([]);
  });
});

describe('ID-card reissue (cloud window)', () => {
  it('takes the fee, a police officer’s video check and mails the card, the station receiving the officer’s record', async () => {
    const submitted = await stack.submit(idCardReissue.example);
    expect(submitted.status).toBe(201);
    const task = await stack.waitForOpenTask(submitted.body.id, 'policeClerk');
    expect(task).toMatchObject({
      kind: 'video-verification',
      department: 'police',
      stepId: 'videoVerification',
    });
    // The vehicle office's officers do not see the police's cloud window.
    expect(await stack.openTasks(submitted.body.id, 'vehicleOfficer')).toEqual([]);

    const { view } = await finishWithOfficer(stack, submitted.body.id);
    expect(view.status).toBe('completed');
    const fee = stepOf(view, 'feePayment');
    expect(fee?.outputs).toMatchObject({ amountFen: 4_000 });
    const reissue = (await inputsOf(view.id)).get('idCardReissue');
    expect(reissue).toMatchObject({ department: 'police', service: 'id-card-reissue', outcome: 'done' });
    expect(reissue?.input).toMatchObject({
      paymentNumber: fee?.outputs?.['paymentNumber'],
      verification: expect.objectContaining({
        facts: ['identity', 'contact', 'address'],
        liveness: 'passed',
      }),
    });
    expect(stepOf(view, 'idCardReissue')?.outputs).toEqual({
      acceptanceNumber: expect.any(String),
      waybillNumber: expect.any(String),
    });
  });

  it('refuses an approval that leaves the address unverified, and refunds the fee when the officer rejects', async () => {
    const submitted = await stack.submit(idCardReissue.example);
    const id = submitted.body.id;
    const task = await stack.waitForOpenTask(id, 'policeClerk');
    const record = (verified: string[], liveness = 'passed') => ({
      liveness,
      officer: '李警官',
      recordingRef: 'REC-1',
      verified,
    });
    const answer = await stack.decideTask(task.id, 'policeClerk', {
      decision: 'approve',
      outputs: { verificationNumber: 'VV-1', recordingReference: 'REC-1' },
      verification: record(['identity', 'contact']),
    });
    expect([answer.status, answer.body['code']]).toEqual([409, 'VERIFICATION_INCOMPLETE']);
    expect(stepOf(await stack.getApplication(id), 'videoVerification')?.status).toBe('waiting');

    // The face does not match the photo on file: rejected, and the fee paid is refunded.
    const rejected = await stack.request(
      'POST',
      `/v1/tasks/${task.id}/complete`,
      {
        decision: 'reject',
        reason: '人脸比对未通过 the face does not match',
        verification: record([], 'failed'),
      },
      {},
      'policeClerk',
    );
    expect(rejected.status).toBe(200);
    const view = await stack.waitForApplication(id, ended);
    expect(view.status).toBe('rejected');
    expect(stepOf(view, 'feePayment')?.status).toBe('compensated');
    expect(stepOf(view, 'idCardReissue')?.error?.code).toBe(stepErrorCodes.blockedByDependency);
    const refunds = await stack.simulator.requests({ keyPrefix: `undo:${id}:` });
    expect(refunds.filter((r) => r.kind === 'undo' && r.status === 200).map((r) => r.service)).toEqual([
      'id-card-fee',
    ]);
  });
});
