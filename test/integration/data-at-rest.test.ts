import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBundles } from '../../bundles/index.js';
import { newborn } from '../../bundles/newborn.js';
import { findApplication, findApplicationsOfApplicant } from '../../db/applications.js';
import { createPool } from '../../db/pool.js';
import { findTaskOfRound } from '../../db/work-list.js';
import { resealStoredData } from '../../privacy/reseal.js';
import { attachDataKeys } from '../../privacy/sealer.js';
import { applicantHashes } from '../../privacy/lookup-hash.js';
import type { ApplicationView } from '../../schemas/api.js';
import { finishWithOfficer } from '../support/officer.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { personalValuesOf, scanTablesForClearText } from '../support/table-scan.js';

// Birth certificates go through a clerk here, so work-list inputs, a supplement request and the
// applicant's answers reach the database too.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]) });
});
afterAll(async () => {
  await stack?.close();
});

const example = newborn.example as unknown as {
  applicant: { idNumber: string; phone: string };
  form: { mother: { idNumber: string } };
};

/** The applicant's answers to the clerk: personal data of their own (a phone number, an ID number). */
const supplementAnswers = () => ({
  '联系电话 contact phone': example.applicant.phone,
  '母亲身份证照片 mother ID photo': `photo of ${example.form.mother.idNumber}`,
});

/** A clerk asks for more material, the applicant answers, the clerk approves. */
async function clerkWithSupplement(applicationId: string): Promise<void> {
  const first = await stack.waitForOpenTask(applicationId, 'healthClerk');
  const answers = supplementAnswers();
  const asked = await stack.decideTask(first.id, 'healthClerk', {
    decision: 'request-supplement',
    missing: Object.keys(answers),
  });
  expect(asked.status).toBe(200);
  await stack.waitForApplication(applicationId, (v) => v.status === 'waiting');
  const answered = await stack.request('POST', `/v1/applications/${applicationId}/supplements`, { answers });
  expect(answered.status).toBe(202);
  const second = await stack.waitForOpenTask(applicationId, 'healthClerk', 2);
  // The clerk reads the answers decrypted.
  const detail = await stack.request<{ supplement: Record<string, string>; input: Record<string, unknown> }>(
    'GET',
    `/v1/tasks/${second.id}`,
    undefined,
    {},
    'healthClerk',
  );
  expect(detail.body.supplement).toEqual(answers);
  expect(Object.keys(detail.body.input).length).toBeGreaterThan(0);
  const approved = await stack.decideTask(second.id, 'healthClerk', {
    decision: 'approve',
    outputs: { certificateNumber: 'Y2026112000009' },
  });
  expect(approved.status).toBe(200);
}

describe('citizen data at rest', () => {
  it('keeps no ID number, phone, bank account or name of the whole catalogue in clear in any table', async () => {
    const views: ApplicationView[] = await Promise.all(
      allBundles.map(async (bundle) => {
        const submitted = await stack.submit(bundle.example);
        expect(submitted.status, bundle.id).toBe(201);
        if (bundle.id === newborn.id) await clerkWithSupplement(submitted.body.id);
        const { view } = await finishWithOfficer(stack, submitted.body.id);
        expect(view.status, bundle.id).toBe('completed');
        return view;
      }),
    );

    // Authorised reads still get the values: the departments' outputs, as the simulator issued them.
    for (const view of views) {
      const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:` });
      for (const entry of ledger) {
        const step = view.steps.find((s) => `${view.id}:${s.id}` === entry.idempotencyKey);
        expect(step?.outputs, entry.idempotencyKey).toEqual(entry.outputs);
      }
    }
    const outputs = views
      .flatMap((v) => v.steps.flatMap((s) => Object.values(s.outputs ?? {})))
      .filter((v): v is string => typeof v === 'string' && v.length >= 6);
    const personal = [
      ...allBundles.flatMap((b) =>
        personalValuesOf({ applicant: b.example.applicant, form: b.example.form }),
      ),
      ...Object.values(supplementAnswers()),
      ...outputs,
    ];
    expect(personal.length).toBeGreaterThan(allBundles.length * 3);

    // The scan reads what it should: a clear, non-personal value is found where it stands.
    const control = await scanTablesForClearText(stack.pool, ['birthCertificate']);
    expect(control.findings).toEqual(
      expect.arrayContaining([
        'application_steps.step_id: birthCertificate',
        'human_tasks.step_id: birthCertificate',
        'access_log.step_id: birthCertificate',
      ]),
    );

    const scan = await scanTablesForClearText(stack.pool, [...new Set(personal)]);
    expect(scan.tables).toBeGreaterThan(10);
    expect(scan.cells).toBeGreaterThan(100);
    expect(scan.findings).toEqual([]);
  });

  it("finds an applicant's applications by a keyed hash of the ID number, never the number itself", async () => {
    const submitted = await stack.submit(newborn.example);
    const idNumber = example.applicant.idNumber;
    const { rows } = await stack.pool.query<{ applicant_hash: string }>(
      'SELECT applicant_hash FROM applications WHERE id = $1',
      [submitted.body.id],
    );
    expect(rows[0]?.applicant_hash).toMatch(/^[\w.-]+:[\w-]{43}$/);
    expect(rows[0]?.applicant_hash).not.toContain(idNumber);
    const found = await findApplicationsOfApplicant(
      stack.pool,
      'test-portal',
      applicantHashes(stack.keyring, idNumber),
      100,
    );
    expect(found.map((a) => a.id)).toContain(submitted.body.id);
  });

  it('seals rows stored in clear before, and re-wraps every data key when the keyring rotates', async () => {
    const id = randomUUID();
    const idNumber = example.form.mother.idNumber;
    // An application as the previous version stored it: outputs, error, event and task in clear.
    await stack.pool.query(
      `INSERT INTO applications (id, bundle_id, bundle_version, client_id, idempotency_key, request_hash, status)
       VALUES ($1, 'newborn', 1, 'test-portal', $2, 'legacy', 'rejected')`,
      [id, `legacy-${id}`],
    );
    const outputs = { citizenIdNumber: idNumber };
    const error = { code: 'DepartmentRejected', message: `no household for ${idNumber}` };
    await stack.pool.query(
      `INSERT INTO application_steps
         (application_id, step_id, position, department, service, title_zh, title_en, status, outputs, error)
       VALUES ($1, 'householdRegistration', 0, 'police', 'birth-registration', '户口', 'Household', 'rejected', $2, $3)`,
      [id, outputs, error],
    );
    await stack.pool.query(
      `INSERT INTO application_events (application_id, seq, at, step_id, status, data)
       VALUES ($1, 1, now(), 'householdRegistration', 'rejected', $2)`,
      [id, { outputs, error }],
    );
    await stack.pool.query(
      `INSERT INTO human_tasks (id, application_id, step_id, round, department, service, kind, input, due_at)
       VALUES ($1, $2, 'birthCertificate', 1, 'health', 'birth-certificate', 'review', $3, now())`,
      [randomUUID(), id, { motherIdNumber: idNumber }],
    );
    expect((await scanTablesForClearText(stack.pool, [idNumber])).findings.length).toBeGreaterThanOrEqual(4);

    // The deployment rotates: a new key becomes current, the former one is still listed.
    const rotatedKeyring = {
      currentKeyId: 'rotated',
      keys: new Map([...stack.keyring.keys, ['rotated', randomBytes(32)]]),
    };
    const rotated = createPool(stack.databaseUrl, 2);
    try {
      const result = await resealStoredData(rotated, attachDataKeys(rotated, rotatedKeyring), { batch: 3 });
      expect(result.sealed).toBe(4);
      expect(result.rewrapped).toBeGreaterThan(allBundles.length);
      expect(result.unreadable).toBe(0);
      expect((await scanTablesForClearText(stack.pool, [idNumber])).findings).toEqual([]);
      const { rows } = await rotated.query<{ kek_id: string; n: number }>(
        'SELECT kek_id, count(*)::int AS n FROM application_keys GROUP BY kek_id',
      );
      expect(rows.map((r) => r.kek_id)).toEqual(['rotated']);

      // The former key can go: the new one alone opens old and new rows alike.
      const newOnly = {
        currentKeyId: 'rotated',
        keys: new Map([['rotated', rotatedKeyring.keys.get('rotated') as Buffer]]),
      };
      attachDataKeys(rotated, newOnly);
      const found = await findApplication(rotated, id);
      expect(found?.steps[0]).toMatchObject({ outputs, error });
      const task = await findTaskOfRound(rotated, {
        applicationId: id,
        stepId: 'birthCertificate',
        round: 1,
      });
      expect(task?.input).toEqual({ motherIdNumber: idNumber });
      const again = await resealStoredData(rotated, attachDataKeys(rotated, newOnly));
      expect(again).toEqual({ rewrapped: 0, unreadable: 0, sealed: 0 });
    } finally {
      await rotated.end();
    }
  });
});
