import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepartmentRejection, DepartmentUnavailable } from '../../departments/adapter.js';
import type { DepartmentAdapter } from '../../departments/adapter.js';
import { DepartmentUnexpectedAnswer } from '../../departments/http-adapter.js';
import { departments } from '../../departments/catalog/index.js';
import { startCallbackInbox } from '../../departments/conformance/callback-inbox.js';
import type { CallbackInbox } from '../../departments/conformance/callback-inbox.js';
import {
  ConformanceFailure,
  runConformance,
  runConformanceCheck,
} from '../../departments/conformance/checks.js';
import { simulatorTarget } from '../../departments/conformance/simulator.js';
import type { SigningKey } from '../../departments/signing.js';
import { startSimulator } from '../../departments/simulator/server.js';
import type { RunningSimulator } from '../../departments/simulator/server.js';

// Each department signs its callbacks with its own key, and checks Onething's requests with it;
// the inbox checks the callbacks as Onething does.
const departmentKeys = new Map<string, SigningKey>(
  Object.keys(departments).map((id) => [
    id,
    { keyId: `conformance-${id}`, secret: randomBytes(32).toString('base64url') },
  ]),
);

let simulator: RunningSimulator;
let inbox: CallbackInbox;
beforeAll(async () => {
  inbox = await startCallbackInbox(
    new Map([...departmentKeys].map(([id, key]) => [id, new Map([[key.keyId, key.secret]])])),
  );
  simulator = await startSimulator({
    port: 0,
    callbacks: { baseUrl: inbox.url, keys: Object.fromEntries(departmentKeys), verifyRequests: true },
  });
});
afterAll(async () => {
  await simulator?.close();
  await inbox?.close();
});

/** The department's key; every catalogued department has one. */
function keyOf(department: string): SigningKey {
  const key = departmentKeys.get(department);
  if (key === undefined) throw new Error(`no key for ${department}`);
  return key;
}

// The kit, as a department team runs it, against every service of every catalogued department.
// Every check must pass, none skipped unseen: the simulator has a hook for each.
const mustPass = [
  'decides',
  'idempotent',
  'invalid-input',
  'rejection',
  'misrouted',
  'transient-failure',
  'timeout',
  'signature',
  'poll',
  'callback',
  'cancel',
  'supplements',
];
describe('the conformance kit on the simulator, every service of every department', () => {
  for (const department of Object.values(departments)) {
    for (const service of Object.values(department.services)) {
      it(`${department.id}/${service.id}`, async () => {
        const report = await runConformance(
          simulatorTarget({
            simulatorUrl: simulator.url,
            department: department.id,
            service: service.id,
            inbox,
            signingKey: keyOf(department.id),
          }),
        );
        const failed = report.filter((r) => r.status === 'failed');
        expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
        // A service that takes no input has no invalid input to send.
        const inputless = Object.keys(service.input.shape).length === 0;
        const status = Object.fromEntries(report.map((r) => [r.id, r.status]));
        expect(status).toEqual({
          ...Object.fromEntries(
            mustPass.map((id) => [id, inputless && id === 'invalid-input' ? 'skipped' : 'passed']),
          ),
          // Only a service that declares an undo is asked to undo.
          undo: service.undo ? 'passed' : 'skipped',
        });
      }, 60_000);
    }
  }
});

/** The bug the idempotency check exists for: a key made afresh per call, so every retry acts again. */
function freshKeyEachCall(adapter: DepartmentAdapter): DepartmentAdapter {
  return {
    submit: (call) => adapter.submit({ ...call, idempotencyKey: `${call.idempotencyKey}:${randomUUID()}` }),
  };
}

/** Takes "the department is down" for "the department said no": the applicant would be rejected. */
function outageAsRejection(adapter: DepartmentAdapter): DepartmentAdapter {
  return {
    async submit(call) {
      try {
        return await adapter.submit(call);
      } catch (err) {
        if (err instanceof DepartmentUnavailable) throw new DepartmentRejection('UNAVAILABLE', err.message);
        throw err;
      }
    },
  };
}

/** The bug issue 11 fixed: any 4xx taken for the department's "no", so a gateway's 404 rejected the applicant. */
function anyClientErrorAsRejection(adapter: DepartmentAdapter): DepartmentAdapter {
  return {
    async submit(call) {
      try {
        return await adapter.submit(call);
      } catch (err) {
        if (err instanceof DepartmentUnexpectedAnswer) throw new DepartmentRejection('HTTP_404', err.message);
        throw err;
      }
    },
  };
}

describe('the conformance kit on broken adapters', () => {
  const police = () =>
    simulatorTarget({
      simulatorUrl: simulator.url,
      department: 'police',
      service: 'birth-registration',
      signingKey: keyOf('police'),
    });

  it('fails an adapter that sends a fresh idempotency key on every call', async () => {
    const target = police();
    const broken = { ...target, adapter: freshKeyEachCall(target.adapter) };

    const failure = await runConformanceCheck('idempotent', broken).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect(failure).toMatchObject({ check: 'idempotent' });
    // The same adapter still decides a single call: only the idempotency promise is broken.
    await expect(runConformanceCheck('decides', broken)).resolves.toEqual({ status: 'passed' });
  });

  it('fails an adapter that turns an outage into a rejection', async () => {
    const target = police();
    const broken = { ...target, adapter: outageAsRejection(target.adapter) };

    const failure = await runConformanceCheck('transient-failure', broken).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect(failure).toMatchObject({ check: 'transient-failure' });
  });

  it("fails an adapter that takes a 404 for the department's rejection", async () => {
    const target = police();
    const broken = { ...target, adapter: anyClientErrorAsRejection(target.adapter) };

    const failure = await runConformanceCheck('misrouted', broken).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ConformanceFailure);
    expect(failure).toMatchObject({ check: 'misrouted' });
    // Its real rejections still pass: only the misrouted promise is broken.
    await expect(runConformanceCheck('rejection', broken)).resolves.toEqual({ status: 'passed' });
  });

  it('fails an adapter that cannot undo a service that declares an undo', async () => {
    const target = simulatorTarget({
      simulatorUrl: simulator.url,
      department: 'medical-insurance',
      service: 'resident-enrolment',
      signingKey: keyOf('medical-insurance'),
    });
    const submitOnly: DepartmentAdapter = { submit: (call) => target.adapter.submit(call) };

    const failure = await runConformanceCheck('undo', { ...target, adapter: submitOnly }).catch(
      (err: unknown) => err,
    );

    expect(failure).toMatchObject({ check: 'undo', message: expect.stringContaining('no compensate()') });
    await expect(runConformanceCheck('undo', target)).resolves.toEqual({ status: 'passed' });
  });

  it('fails an adapter whose cancellation does not reach the department', async () => {
    const target = police();
    // Answers "cancelled" without telling anyone: the department decides the case anyway.
    const silent: DepartmentAdapter = {
      ...target.adapter,
      submit: (call) => target.adapter.submit(call),
      poll: (query) => target.adapter.poll?.(query) ?? Promise.resolve({ pending: true }),
      cancel: async (query) => {
        const answer = await target.adapter.poll?.(query);
        return answer && !answer.pending && 'outputs' in answer
          ? { status: 'decided', ...answer }
          : { status: 'cancelled' };
      },
    };

    const failure = await runConformanceCheck('cancel', { ...target, adapter: silent }).catch(
      (err: unknown) => err,
    );

    expect(failure).toMatchObject({ check: 'cancel', message: expect.stringContaining('cancelled" again') });
  });

  it('fails an adapter that cannot send the applicant’s supplements to a department that asks for them', async () => {
    const target = police();
    const withoutSupplements: DepartmentAdapter = { ...target.adapter, supplement: undefined };

    const failure = await runConformanceCheck('supplements', {
      ...target,
      adapter: withoutSupplements,
    }).catch((err: unknown) => err);

    expect(failure).toMatchObject({
      check: 'supplements',
      message: expect.stringContaining('no supplement()'),
    });
  });

  it('reports every check of a whole run, failing only the broken promises', async () => {
    const target = police();
    const report = await runConformance({ ...target, adapter: freshKeyEachCall(target.adapter) });

    const status = Object.fromEntries(report.map((r) => [r.id, r.status]));
    expect(status).toMatchObject({ decides: 'passed', idempotent: 'failed', 'invalid-input': 'passed' });
    expect(report.find((r) => r.id === 'idempotent')?.detail).toContain('same key got another answer');
  });
});
