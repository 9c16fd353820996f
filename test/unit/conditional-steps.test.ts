import { describe, expect, it } from 'vitest';
import { afterDeath } from '../../bundles/after-death.js';
import { checkBundle } from '../../bundles/check.js';
import type { BundleDefinition } from '../../bundles/definition.js';
import type { StepDefinition } from '../../schemas/bundle.js';
import { stepErrorCodes } from '../../schemas/error-codes.js';
import { applicationOutcome } from '../../workflows/outcomes.js';
import type { StepResult } from '../../workflows/outcomes.js';
import { readSource } from '../../workflows/step-inputs.js';

/** The after-death bundle with one step changed. */
function withStep(id: string, change: (step: StepDefinition) => Partial<StepDefinition>): BundleDefinition {
  return { ...afterDeath, steps: afterDeath.steps.map((s) => (s.id === id ? { ...s, ...change(s) } : s)) };
}

const problem = (step: string, field: string, message: string) => ({
  bundle: 'after-death',
  step,
  field,
  message: expect.stringContaining(message),
});

describe('a step that applies to some applications only', () => {
  it('passes the check in the after-death bundle: the hospital or the police certify', () => {
    expect(checkBundle(afterDeath)).toEqual([]);
  });

  it('is refused as a plain source: the steps that apply otherwise must be given with ??', () => {
    const bundle = withStep('cremation', (s) => ({
      input: { ...s.input, deathCertificateNumber: 'steps.policeDeathCertificate.certificateNumber' },
    }));
    expect(checkBundle(bundle)).toEqual([
      problem('cremation', 'deathCertificateNumber', 'applies only sometimes'),
    ]);
  });

  it('is refused when the alternatives leave a value of the field without a step', () => {
    const bundle = withStep('policeDeathCertificate', () => ({
      appliesWhen: { field: 'form.death.manner', equals: 'natural' },
    }));
    const problems = checkBundle(bundle);
    expect(problems).toContainEqual(problem('cremation', 'deathCertificateNumber', 'exactly one of them'));
    expect(problems).toContainEqual(
      problem('householdDeregistration', 'deathCertificateNumber', 'exactly one'),
    );
  });

  it('is refused when it applies on a value the field cannot take', () => {
    const bundle = withStep('policeDeathCertificate', () => ({
      appliesWhen: { field: 'form.death.manner', equals: 'violent' },
    }));
    expect(checkBundle(bundle)).toContainEqual(problem('cremation', 'deathCertificateNumber', 'exactly one'));
  });

  it('is refused when it applies on a field the form does not have', () => {
    const bundle = withStep('policeDeathCertificate', () => ({
      appliesWhen: { field: 'form.death.cause', equals: 'abnormal' },
    }));
    expect(checkBundle(bundle)).toContainEqual(
      problem('policeDeathCertificate', 'appliesWhen', 'which the form does not have'),
    );
  });

  it('checks the examples of the other paths like the example', () => {
    const [abnormal] = afterDeath.otherExamples ?? [];
    if (!abnormal) throw new Error('after-death has its abnormal-death example');
    const request = { ...abnormal.request, form: { ...abnormal.request.form, death: { manner: 'violent' } } };
    const bundle = { ...afterDeath, otherExamples: [{ ...abnormal, id: 'Abnormal', request }] };
    expect(checkBundle(bundle).map((p) => p.message)).toEqual([
      'example Abnormal: the id is not kebab case',
      'example Abnormal: the form is invalid',
    ]);
  });

  it('reads the first alternative that has a value', () => {
    const context = (outputs: Record<string, Record<string, unknown>>) => ({
      form: {},
      applicant: {},
      outputs,
    });
    const source =
      'steps.deathCertificate.certificateNumber ?? steps.policeDeathCertificate.certificateNumber';
    expect(readSource(source, context({ policeDeathCertificate: { certificateNumber: 'P-1' } }))).toBe('P-1');
    expect(readSource(source, context({ deathCertificate: { certificateNumber: 'H-1' } }))).toBe('H-1');
    expect(readSource(source, context({}))).toBeUndefined();
  });

  it('leaves the application completed when it did not apply, and failed when a step that applied failed', () => {
    const plan = { bundleId: afterDeath.id, version: afterDeath.version, steps: afterDeath.steps };
    const completed: StepResult = { status: 'completed' };
    const notApplicable: StepResult = {
      status: 'skipped',
      error: { code: stepErrorCodes.notApplicable, message: 'not applicable' },
    };
    const all = Object.fromEntries(afterDeath.steps.map((s) => [s.id, completed]));
    expect(applicationOutcome(plan, { ...all, deathCertificate: notApplicable })).toBe('completed');
    const failed: StepResult = { status: 'failed', error: { code: 'StepFailed', message: 'down' } };
    expect(
      applicationOutcome(plan, { ...all, deathCertificate: notApplicable, policeDeathCertificate: failed }),
    ).toBe('failed');
  });
});
