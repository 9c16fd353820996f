import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vehicleCertificateReissue } from '../../bundles/vehicle-certificate-reissue.js';
import type { ApplicationView } from '../../schemas/api.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// This deployment has no hospital system: its clerks decide birth certificates in the work list.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]) });
});
afterAll(async () => {
  await stack?.close();
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);

describe('the work list', () => {
  it('waits for a clerk, who approves with the outputs the service declares', async () => {
    const submitted = await stack.submit(newbornRequest());
    const task = await stack.waitForOpenTask(submitted.body.id, 'healthClerk');
    expect(task).toMatchObject({
      department: 'health',
      kind: 'review',
      stepId: 'birthCertificate',
      status: 'open',
    });
    const waiting = await stack.getApplication(submitted.body.id);
    expect(stepOf(waiting, 'birthCertificate')).toMatchObject({
      status: 'waiting',
      waiting: { reason: 'human-task' },
    });

    // Another department's clerk may not act on it; invalid outputs are refused by field.
    const foreign = await stack.request('POST', `/v1/tasks/${task.id}/claim`, undefined, {}, 'policeClerk');
    expect(foreign.status).toBe(403);
    const invalid = await stack.decideTask(task.id, 'healthClerk', {
      decision: 'approve',
      outputs: { certificateNumber: '' },
    });
    expect(invalid.status).toBe(400);
    const approved = await stack.request(
      'POST',
      `/v1/tasks/${task.id}/complete`,
      {
        decision: 'approve',
        outputs: { certificateNumber: 'Y2026112000001' },
      },
      {},
      'healthClerk',
    );
    expect(approved.status).toBe(200);
    const twice = await stack.request(
      'POST',
      `/v1/tasks/${task.id}/complete`,
      { decision: 'reject', reason: 'x' },
      {},
      'healthClerk',
    );
    expect(twice.status).toBe(409);

    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    expect(stepOf(done, 'birthCertificate')?.outputs).toEqual({ certificateNumber: 'Y2026112000001' });
    // The certificate number the clerk entered reached the police.
    const police = await stack.simulator.ledger({ keyPrefix: `${done.id}:`, department: 'police' });
    expect(police[0]?.input).toMatchObject({ certificateNumber: 'Y2026112000001' });
    // The clerk's read is in the applicant's access log.
    await stack.request('GET', `/v1/tasks/${task.id}`, undefined, {}, 'healthClerk');
    const log = await stack.request<{ entries: Array<{ actorType: string; action: string }> }>(
      'GET',
      `/v1/applications/${done.id}/access-log`,
    );
    expect(log.body.entries).toContainEqual(expect.objectContaining({ actorType: 'clerk', action: 'read' }));
  });

  it('ends the step rejected with the clerk’s reason', async () => {
    const submitted = await stack.submit(newbornRequest());
    const task = await stack.waitForOpenTask(submitted.body.id, 'healthClerk');
    const rejected = await stack.decideTask(task.id, 'healthClerk', {
      decision: 'reject',
      reason: '无本院分娩记录 / no delivery recorded at this hospital',
    });
    expect(rejected.status).toBe(200);
    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('rejected');
    expect(stepOf(done, 'birthCertificate')).toMatchObject({
      status: 'rejected',
      error: { message: '无本院分娩记录 / no delivery recorded at this hospital' },
    });
  });

  it('runs the supplement loop: a premature or incomplete answer is refused, a full one returns to the clerk', async () => {
    const submitted = await stack.submit(newbornRequest());
    const id = submitted.body.id;
    const premature = await stack.request('POST', `/v1/applications/${id}/supplements`, {
      answers: { x: 'y' },
    });
    expect(premature.status).toBe(409);
    expect(premature.body).toMatchObject({ code: 'SUPPLEMENT_REFUSED' });

    const first = await stack.waitForOpenTask(id, 'healthClerk');
    const missing = ['分娩记录 delivery record', '母亲身份证照片 mother ID photo'];
    expect(
      (await stack.decideTask(first.id, 'healthClerk', { decision: 'request-supplement', missing })).status,
    ).toBe(200);
    const waiting = await stack.waitForApplication(id, (v) => v.status === 'waiting');
    expect(stepOf(waiting, 'birthCertificate')).toMatchObject({
      status: 'waiting',
      waiting: { reason: 'applicant-supplement', missing },
    });

    const partial = await stack.request('POST', `/v1/applications/${id}/supplements`, {
      answers: { [missing[0] as string]: 'DR-2026-112001' },
    });
    expect(partial.status).toBe(409);
    expect(JSON.stringify(partial.body)).toContain('mother ID photo');
    expect((await stack.getApplication(id)).status).toBe('waiting');

    const answers = { [missing[0] as string]: 'DR-2026-112001', [missing[1] as string]: 'photo-ref-8843' };
    // Sent with an Idempotency-Key, a repeat (the portal got no answer) gets the first answer;
    // without one, the same answers again are refused: nothing waits for them any more.
    const keyed = { 'idempotency-key': `supplement-${id}` };
    const supplement = (headers = {}) =>
      stack.request('POST', `/v1/applications/${id}/supplements`, { answers }, headers);
    expect((await supplement(keyed)).status).toBe(202);
    expect((await supplement(keyed)).status).toBe(202);
    expect((await supplement()).status).toBe(409);
    const second = await stack.waitForOpenTask(id, 'healthClerk', 2);
    const detail = await stack.request<{ supplement: Record<string, string> }>(
      'GET',
      `/v1/tasks/${second.id}`,
      undefined,
      {},
      'healthClerk',
    );
    expect(detail.body.supplement).toEqual(answers);
    expect(
      (
        await stack.decideTask(second.id, 'healthClerk', {
          decision: 'approve',
          outputs: { certificateNumber: 'Y2026112000002' },
        })
      ).status,
    ).toBe(200);
    const done = await stack.waitForApplication(id, ended);
    expect(done.status).toBe('completed');
  });

  it('runs a cloud-window video verification for a vehicle item, recording what the officer verified', async () => {
    const submitted = await stack.submit(vehicleCertificateReissue.example);
    const task = await stack.waitForOpenTask(submitted.body.id, 'vehicleOfficer');
    expect(task.kind).toBe('video-verification');
    const detail = await stack.request<{
      video: { room: string; joinUrls: { citizen: string; officer: string } };
    }>('GET', `/v1/tasks/${task.id}`, undefined, {}, 'vehicleOfficer');
    expect(detail.body.video).toMatchObject({
      room: expect.any(String),
      joinUrls: { citizen: expect.any(String), officer: expect.any(String) },
    });
    // An approval without the session's record is refused.
    const bare = await stack.decideTask(task.id, 'vehicleOfficer', {
      decision: 'approve',
      outputs: { verificationNumber: 'VV-1', recordingReference: 'REC-1' },
    });
    expect(bare.status).toBe(400);
    const verification = {
      liveness: 'passed',
      officer: '张警官',
      recordingRef: 'REC-1',
      verified: ['identity', 'contact', 'address', 'vehicle'],
    };
    const approved = await stack.request(
      'POST',
      `/v1/tasks/${task.id}/complete`,
      {
        decision: 'approve',
        outputs: { verificationNumber: 'VV-1', recordingReference: 'REC-1' },
        verification,
      },
      {},
      'vehicleOfficer',
    );
    expect(approved.status).toBe(200);
    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    const stored = await stack.request<{ decision: { verification: unknown } }>(
      'GET',
      `/v1/tasks/${task.id}`,
      undefined,
      {},
      'vehicleOfficer',
    );
    expect(stored.body.decision.verification).toEqual(verification);
    // The office that reissues the certificate receives the officer's record, never the video.
    const [reissue] = await stack.simulator.ledger({
      keyPrefix: `${submitted.body.id}:`,
      service: 'certificate-reissue',
    });
    expect((reissue?.input as { verification?: unknown } | null)?.verification).toEqual({
      officer: '张警官',
      officerKey: expect.stringMatching(/^key_/),
      verifiedAt: expect.any(String),
      facts: ['identity', 'contact', 'address', 'vehicle'],
      liveness: 'passed',
      recordingRef: 'REC-1',
    });
  });
});
