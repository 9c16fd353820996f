import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleDefinition, ExampleRequest } from '../../bundles/definition.js';
import { allBundles } from '../../bundles/index.js';
import type { z } from 'zod';
import { departments, findService } from '../../departments/catalog/index.js';
import { fieldKind } from '../../schemas/materials.js';
import { readSource } from '../../workflows/step-inputs.js';
import { finishWithOfficer } from '../support/officer.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Whether a step runs for this request: when the form says it applies and, if optional, the applicant opted in. */
function runs(bundle: BundleDefinition, request: ExampleRequest, stepId: string): boolean {
  const step = bundle.steps.find((s) => s.id === stepId);
  const context = { form: bundle.form.parse(request.form), applicant: request.applicant, outputs: {} };
  const when = step?.appliesWhen;
  if (when && readSource(when.field, context) !== when.equals) return false;
  return step?.optInField === undefined || readSource(step.optInField, context) === true;
}

/** Every bundle's example, and the examples of its other paths (an abnormal death). */
const examples = allBundles.flatMap((bundle) => [
  [bundle.id, bundle, bundle.example] as const,
  ...(bundle.otherExamples ?? []).map(
    (other) => [`${bundle.id} (${other.id})`, bundle, other.request] as const,
  ),
]);

describe('every bundle of the catalogue', () => {
  // Concurrent: assertions go through the test's own `expect`, so a failure names the right bundle.
  it.concurrent.for(examples)(
    '%s completes its own example against the simulator, each department receiving exactly its mapped fields',
    async ([, bundle, request], { expect }) => {
      const submitted = await stack.submit(request);
      expect(submitted.status).toBe(201);
      // Work-list steps (the cloud window's video verification) wait for an officer: act as one.
      const { view, officerOutputs } = await finishWithOfficer(stack, submitted.body.id);

      expect(view.status).toBe('completed');
      expect(view.steps.map((s) => [s.id, s.status])).toEqual(
        bundle.steps.map((s) => [s.id, runs(bundle, request, s.id) ? 'completed' : 'skipped']),
      );

      const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:` });
      const byPeople = bundle.steps.filter((s) => s.decidedBy === 'worklist');
      for (const step of byPeople) {
        // What the officer entered, and the record of their verification that later steps receive.
        expect(view.steps.find((s) => s.id === step.id)?.outputs).toEqual({
          ...officerOutputs.get(step.id),
          verification: expect.objectContaining({ liveness: 'passed', officer: '张警官 officer Zhang' }),
        });
      }
      const executed = bundle.steps.filter((s) => runs(bundle, request, s.id) && s.decidedBy !== 'worklist');
      expect(ledger.map((e) => e.idempotencyKey).sort()).toEqual(
        executed.map((s) => `${view.id}:${s.id}`).sort(),
      );
      for (const step of executed) {
        const entry = ledger.find((e) => e.idempotencyKey === `${view.id}:${step.id}`);
        expect(entry).toMatchObject({ department: step.department, service: step.service, outcome: 'done' });
        // Data minimisation: exactly the fields the step maps, no more. A material exists only
        // once uploaded, so no example names one (test/integration/materials.test.ts does).
        const service = findService(step.department, step.service);
        const mapped = Object.keys(step.input).filter(
          (field) => !service || fieldKind(service.input.shape[field] as z.ZodType) !== 'material-link',
        );
        expect(Object.keys(entry?.input ?? {}).sort()).toEqual(mapped.sort());
        const outputs = view.steps.find((s) => s.id === step.id)?.outputs;
        expect(outputs).toEqual(entry?.outputs);
      }
    },
  );
});

describe('the catalogue API', () => {
  it('lists every bundle and serves each one with its steps, departments and time limits', async () => {
    type Summary = { id: string; version: number; promisedWorkingDays: number };
    const list = await stack.request<{ bundles: Summary[] }>('GET', '/v1/bundles');
    expect(list.status).toBe(200);
    expect(
      list.body.bundles.map(({ id, version, promisedWorkingDays }) => ({ id, version, promisedWorkingDays })),
    ).toEqual(
      allBundles.map(({ id, version, promisedWorkingDays }) => ({ id, version, promisedWorkingDays })),
    );
    type StepView = {
      id: string;
      department: string;
      departmentTitle: unknown;
      timeLimitWorkingDays: number;
    };
    for (const bundle of allBundles) {
      const detail = await stack.request<{ steps: StepView[]; example: unknown; otherExamples: unknown }>(
        'GET',
        `/v1/bundles/${bundle.id}`,
      );
      expect(detail.status).toBe(200);
      expect(detail.body.example).toEqual(bundle.example);
      expect(detail.body.otherExamples).toEqual(bundle.otherExamples ?? []);
      expect(
        detail.body.steps.map(({ id, department, departmentTitle, timeLimitWorkingDays }) => ({
          id,
          department,
          departmentTitle,
          timeLimitWorkingDays,
        })),
      ).toEqual(
        bundle.steps.map((s) => ({
          id: s.id,
          department: s.department,
          departmentTitle: departments[s.department]?.title,
          timeLimitWorkingDays: s.timeLimitWorkingDays,
        })),
      );
    }
  });
});
