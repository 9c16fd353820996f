import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DepartmentRejection, DepartmentUnavailable } from '../../departments/adapter.js';
import type { DepartmentAdapter } from '../../departments/adapter.js';
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

// Each department signs its callbacks with its own key; the inbox checks them as Onething does.
const callbackKeys = new Map<string, SigningKey>(
  Object.keys(departments).map((id) => [
    id,
    { keyId: `conformance-${id}`, secret: randomBytes(32).toString('base64url') },
  ]),
);

let simulator: RunningSimulator;
let inbox: CallbackInbox;
beforeAll(async () => {
  inbox = await startCallbackInbox(
    new Map([...callbackKeys].map(([id, key]) => [id, new Map([[key.keyId, key.secret]])])),
  );
  simulator = await startSimulator({
    port: 0,
    callbacks: { baseUrl: inbox.url, keys: Object.fromEntries(callbackKeys) },
  });
});
afterAll(async () => {
  await simulator?.close();
  await inbox?.close();
});

// The kit, as a department team runs it, against every service of every catalogued department.
// Every check the simulator has hooks for must pass; the one it cannot take part in (it does not
// verify Onething's request signatures) must say so, rather than pass unseen.
const mustPass = [
  'decides',
  'idempotent',
  'invalid-input',
  'rejection',
  'transient-failure',
  'timeout',
  'poll',
  'callback',
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
          }),
        );
        const failed = report.filter((r) => r.status === 'failed');
        expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
        const passed = report.filter((r) => r.status === 'passed').map((r) => r.id);
        const inputless = Object.keys(service.input.shape).length === 0;
        expect(passed).toEqual(
          expect.arrayContaining(mustPass.filter((id) => !(inputless && id === 'invalid-input'))),
        );
        expect(report.find((r) => r.id === 'signature')).toMatchObject({ status: 'skipped' });
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

describe('the conformance kit on broken adapters', () => {
  const police = () =>
    simulatorTarget({ simulatorUrl: simulator.url, department: 'police', service: 'birth-registration' });

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

  it('reports every check of a whole run, failing only the broken promises', async () => {
    const target = police();
    const report = await runConformance({ ...target, adapter: freshKeyEachCall(target.adapter) });

    const status = Object.fromEntries(report.map((r) => [r.id, r.status]));
    expect(status).toMatchObject({ decides: 'passed', idempotent: 'failed', 'invalid-input': 'passed' });
    expect(report.find((r) => r.id === 'idempotent')?.detail).toContain('same key got another answer');
  });
});
