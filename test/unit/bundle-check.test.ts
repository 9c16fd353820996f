import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { departments } from '../../departments/catalog/index.js';
import { defineDepartment } from '../../departments/definition.js';
import { checkBundle, formatProblems } from '../../bundles/check.js';
import type { DefinitionProblem } from '../../bundles/check.js';
import type { BundleDefinition } from '../../bundles/definition.js';
import { newborn } from '../../bundles/newborn.js';
import type { StepDefinition } from '../../schemas/bundle.js';

function stepOf(id: string): StepDefinition {
  const step = newborn.steps.find((s) => s.id === id);
  if (!step) throw new Error(`newborn has no step ${id}`);
  return step;
}

/** The newborn bundle with one step changed; the zod schemas are shared, the steps are copies. */
function withStep(id: string, change: (step: StepDefinition) => Partial<StepDefinition>): BundleDefinition {
  stepOf(id);
  return { ...newborn, steps: newborn.steps.map((s) => (s.id === id ? { ...s, ...change(s) } : s)) };
}

/** The input mapping of a step without one field. */
function inputWithout(id: string, field: string): Record<string, string> {
  return Object.fromEntries(Object.entries(stepOf(id).input).filter(([key]) => key !== field));
}

const problem = (step: string | undefined, field: string | undefined, message: string) => ({
  bundle: 'newborn',
  ...(step ? { step } : {}),
  ...(field ? { field } : {}),
  message: expect.stringContaining(message),
});

describe('checkBundle', () => {
  it('finds nothing wrong with the newborn bundle', () => {
    expect(checkBundle(newborn)).toEqual([]);
  });

  it('reports every step of a dependency cycle', () => {
    const bundle = withStep('birthCertificate', () => ({ after: ['maternityBenefit'] }));

    expect(checkBundle(bundle)).toEqual([
      problem('birthCertificate', undefined, 'dependency cycle'),
      problem('maternityBenefit', undefined, 'dependency cycle'),
    ]);
  });

  it('takes a retry budget as long as the call timeout, and reports a shorter one', () => {
    const budget = (value: string) =>
      withStep('vaccination', (s) => ({ callTimeout: '30s', retry: { ...s.retry, budget: value } }));

    expect(checkBundle(budget('30s'))).toEqual([]);
    expect(checkBundle(budget('2d'))).toEqual([]);
    expect(checkBundle(budget('10s'))).toEqual([
      problem('vaccination', 'retry.budget', 'retry.budget 10s is shorter than callTimeout 30s'),
    ]);
  });

  it('reports a retry budget that is not a duration', () => {
    const bundle = withStep('vaccination', (s) => ({ retry: { ...s.retry, budget: 'a week' } }));

    expect(formatProblems(checkBundle(bundle))).toContain('a duration like 500ms, 30s, 5m');
  });

  it('reports a step that runs after a step the bundle does not have', () => {
    const bundle = withStep('vaccination', () => ({ after: ['nursery'] }));

    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', undefined, 'runs after nursery, which is not a step of the bundle'),
    ]);
  });

  it('reports a department the catalogue does not have', () => {
    const bundle = withStep('vaccination', () => ({ department: 'nowhere' }));

    expect(checkBundle(bundle)).toEqual([
      problem(
        'vaccination',
        undefined,
        'names nowhere/vaccination-certificate, which the department catalogue',
      ),
    ]);
  });

  it('reports a service the department does not offer', () => {
    const bundle = withStep('vaccination', () => ({ service: 'school-enrolment' }));

    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', undefined, 'names cdc/school-enrolment, which the department catalogue'),
    ]);
  });

  it('reports a field the department did not declare (data minimisation)', () => {
    const bundle = withStep('vaccination', (s) => ({
      input: { ...s.input, motherName: 'form.mother.name' },
    }));

    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', 'motherName', 'maps motherName, which cdc did not declare (data minimisation)'),
    ]);
  });

  it('does not take names every object inherits (toString, constructor) for declared fields', () => {
    const bundle = withStep('vaccination', (s) => ({ input: { ...s.input, toString: 'form.baby.name' } }));
    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', 'toString', 'maps toString, which cdc did not declare (data minimisation)'),
    ]);
    const output = withStep('medicalInsurance', (s) => ({
      input: { ...s.input, address: 'steps.householdRegistration.constructor' },
    }));
    expect(checkBundle(output)).toContainEqual(
      problem('medicalInsurance', 'address', 'police/birth-registration does not produce'),
    );
  });

  it('reports an output of a step that does not run before (a parallel sibling)', () => {
    // socialSecurityCard and medicalInsurance both run after householdRegistration, in parallel.
    const bundle = withStep('socialSecurityCard', (s) => ({
      input: { ...s.input, citizenIdNumber: 'steps.medicalInsurance.enrolmentNumber' },
    }));

    expect(checkBundle(bundle)).toEqual([
      problem(
        'socialSecurityCard',
        'citizenIdNumber',
        'maps steps.medicalInsurance.enrolmentNumber, but medicalInsurance is not a step that runs before it',
      ),
    ]);
  });

  it('reports every step that loses a predecessor when an `after` is changed', () => {
    const bundle = withStep('medicalInsurance', () => ({ after: ['birthCertificate'] }));

    expect(checkBundle(bundle)).toEqual([
      problem(
        'medicalInsurance',
        'citizenIdNumber',
        'but householdRegistration is not a step that runs before',
      ),
      problem(
        'medicalInsurance',
        'householdPageCertificate',
        'but householdRegistration is not a step that runs before',
      ),
      problem(
        'insurancePayment',
        'citizenIdNumber',
        'but householdRegistration is not a step that runs before',
      ),
    ]);
  });

  it('reports an output of a step the bundle does not have', () => {
    const bundle = withStep('medicalInsurance', (s) => ({
      input: { ...s.input, citizenIdNumber: 'steps.nursery.citizenIdNumber' },
    }));

    expect(checkBundle(bundle)).toEqual([
      problem('medicalInsurance', 'citizenIdNumber', 'but nursery is not a step that runs before it'),
    ]);
  });

  it('reports an output the earlier service does not produce', () => {
    const bundle = withStep('medicalInsurance', (s) => ({
      input: { ...s.input, citizenIdNumber: 'steps.householdRegistration.registrationNumber' },
    }));

    expect(checkBundle(bundle)).toEqual([
      problem(
        'medicalInsurance',
        'citizenIdNumber',
        'maps steps.householdRegistration.registrationNumber, which police/birth-registration does not produce',
      ),
    ]);
  });

  it('reports a form path the form does not have', () => {
    const bundle = withStep('vaccination', (s) => ({
      input: { ...s.input, babyName: 'form.baby.nickname' },
    }));

    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', 'babyName', 'maps form.baby.nickname, which the form does not have'),
    ]);
  });

  it('reports a form path that names an object rather than a value', () => {
    const bundle = withStep('vaccination', (s) => ({ input: { ...s.input, babyName: 'form.baby' } }));

    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', 'babyName', 'maps form.baby, which the form does not have'),
    ]);
  });

  it('reports an applicant path the applicant does not have', () => {
    const bundle = withStep('vaccination', (s) => ({
      input: { ...s.input, guardianPhone: 'applicant.email' },
    }));

    expect(checkBundle(bundle)).toEqual([
      problem('vaccination', 'guardianPhone', 'maps applicant.email, which the applicant does not have'),
    ]);
  });

  it('reports an opt-in field the form does not have', () => {
    const bundle = withStep('maternityBenefit', () => ({ optInField: 'form.optIns.paternityLeave' }));

    expect(checkBundle(bundle)).toEqual([
      problem(
        'maternityBenefit',
        'optInField',
        'maps form.optIns.paternityLeave, which the form does not have',
      ),
      problem(undefined, 'optIns.maternityBenefit', 'form field optIns.maternityBenefit is used by no step'),
    ]);
  });

  it('reports a required service field left unmapped', () => {
    const bundle = withStep('vaccination', () => ({ input: inputWithout('vaccination', 'guardianPhone') }));

    expect(checkBundle(bundle)).toEqual([
      problem(
        'vaccination',
        'guardianPhone',
        'does not map guardianPhone, which cdc/vaccination-certificate requires',
      ),
    ]);
  });

  it('accepts an optional service field left unmapped', () => {
    // No catalogue service has an optional input yet: register one for this test only.
    departments['test-registry'] = defineDepartment('test-registry', { zh: '测试', en: 'Test registry' }, [
      {
        id: 'notify',
        title: { zh: '通知', en: 'Notify' },
        input: z.object({ guardianName: z.string(), guardianPhone: z.string().optional() }),
        output: z.object({}),
      },
    ]);
    try {
      const bundle = withStep('vaccination', () => ({
        department: 'test-registry',
        service: 'notify',
        input: { guardianName: 'applicant.name' },
      }));

      expect(checkBundle(bundle)).toEqual([]);
    } finally {
      delete departments['test-registry'];
    }
  });

  it('reports a form field that no step uses', () => {
    const bundle = withStep('householdRegistration', () => ({
      input: inputWithout('householdRegistration', 'marriageCertificateNumber'),
    }));

    expect(checkBundle(bundle)).toEqual([
      problem('householdRegistration', 'marriageCertificateNumber', 'does not map marriageCertificateNumber'),
      problem(
        undefined,
        'marriageCertificateNumber',
        'form field marriageCertificateNumber is used by no step',
      ),
    ]);
  });

  it('counts an opt-in field as a use of the form field', () => {
    const bundle = withStep('maternityBenefit', () => ({ optInField: undefined }));

    expect(checkBundle(bundle)).toEqual([
      problem(undefined, 'optIns.maternityBenefit', 'form field optIns.maternityBenefit is used by no step'),
    ]);
  });

  it('reports steps with the same id', () => {
    const bundle = { ...newborn, steps: [...newborn.steps, stepOf('vaccination')] };

    expect(checkBundle(bundle)).toEqual([problem(undefined, undefined, 'step ids are not unique')]);
  });

  it('reports a plan that does not match the bundle schema, by path', () => {
    const bundle = withStep('vaccination', (s) => ({ input: { ...s.input, babyName: 'database.babies' } }));

    expect(checkBundle(bundle)).toEqual([
      problem(undefined, undefined, 'steps.1.input.babyName: a source is form.<path>'),
    ]);
  });

  it('reports an invalid example form', () => {
    // Opting in to the maternity allowance needs a bank account.
    const form = { ...newborn.example.form, bankAccount: undefined };
    const bundle = { ...newborn, example: { ...newborn.example, form } };

    expect(checkBundle(bundle)).toEqual([problem(undefined, undefined, 'example form is invalid')]);
  });

  it('reports an invalid example applicant', () => {
    const applicant = { ...newborn.example.applicant, idNumber: '330106199203150028' };
    const bundle = { ...newborn, example: { ...newborn.example, applicant } };

    expect(checkBundle(bundle)).toEqual([problem(undefined, undefined, 'example applicant is invalid')]);
  });

  it('reports an example that names another bundle', () => {
    const bundle = { ...newborn, example: { ...newborn.example, bundleId: 'after-death' } };

    expect(checkBundle(bundle)).toEqual([problem(undefined, undefined, 'example names another bundle')]);
  });
});

describe('formatProblems', () => {
  it('writes one line per problem, naming the step and field when known', () => {
    const problems: DefinitionProblem[] = [
      { bundle: 'newborn', step: 'vaccination', field: 'motherName', message: 'maps motherName' },
      { bundle: 'newborn', step: 'birthCertificate', message: 'is part of a dependency cycle' },
      {
        bundle: 'newborn',
        field: 'insuranceAddress',
        message: 'form field insuranceAddress is used by no step',
      },
      { bundle: 'newborn', message: 'example form is invalid' },
    ];

    expect(formatProblems(problems)).toBe(
      [
        'newborn step vaccination field motherName: maps motherName',
        'newborn step birthCertificate: is part of a dependency cycle',
        'newborn field insuranceAddress: form field insuranceAddress is used by no step',
        'newborn: example form is invalid',
      ].join('\n'),
    );
  });

  it('is empty for no problems', () => {
    expect(formatProblems([])).toBe('');
  });
});
