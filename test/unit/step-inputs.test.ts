import { describe, expect, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import type { StepDefinition } from '../../schemas/bundle.js';
import { buildStepInput, readSource, stepIdempotencyKey } from '../../workflows/step-inputs.js';
import type { InputContext } from '../../workflows/step-inputs.js';

function stepOf(id: string): StepDefinition {
  const step = newborn.steps.find((s) => s.id === id);
  if (!step) throw new Error(`newborn has no step ${id}`);
  return step;
}

const context = (outputs: InputContext['outputs'] = {}): InputContext => ({
  form: structuredClone(newborn.example.form),
  applicant: structuredClone(newborn.example.applicant),
  outputs,
});

describe('readSource', () => {
  it('reads a nested form field', () => {
    expect(readSource('form.baby.name', context())).toBe('王小明');
    expect(readSource('form.optIns.maternityBenefit', context())).toBe(true);
    expect(readSource('form.marriageCertificateNumber', context())).toBe('J330106-2019-004512');
  });

  it('reads an applicant field', () => {
    expect(readSource('applicant.phone', context())).toBe('13800138000');
  });

  it('reads an output of an earlier step', () => {
    const outputs = { birthCertificate: { certificateNumber: 'Y12345678901' } };

    expect(readSource('steps.birthCertificate.certificateNumber', context(outputs))).toBe('Y12345678901');
  });

  it('is undefined for a value that is absent', () => {
    const outputs = { birthCertificate: undefined, householdRegistration: { householdPage: 'H-1' } };

    expect(readSource('form.baby.nickname', context(outputs))).toBeUndefined();
    expect(readSource('form.grandmother.name', context(outputs))).toBeUndefined();
    expect(readSource('applicant.email', context(outputs))).toBeUndefined();
    expect(readSource('steps.birthCertificate.certificateNumber', context(outputs))).toBeUndefined();
    expect(readSource('steps.vaccination.vaccinationRecordId', context(outputs))).toBeUndefined();
    expect(readSource('steps.householdRegistration.citizenIdNumber', context(outputs))).toBeUndefined();
  });

  it('is undefined below a value that is not an object', () => {
    expect(readSource('form.baby.name.first', context())).toBeUndefined();
    const withNull = { ...context(), form: { baby: null } };
    expect(readSource('form.baby.name', withNull)).toBeUndefined();
  });
});

describe('buildStepInput', () => {
  it('gives a department exactly the mapped fields and nothing else of the form', () => {
    const input = buildStepInput(stepOf('vaccination'), context());

    expect(input).toEqual({
      babyName: '王小明',
      babySex: 'male',
      birthDate: '2026-11-20',
      guardianName: '李娜',
      guardianPhone: '13800138000',
    });
  });

  it('takes outputs of earlier steps', () => {
    const outputs = {
      householdRegistration: { citizenIdNumber: '330106202611200011', householdPage: 'H-1' },
      medicalInsurance: { enrolmentNumber: 'MI-7' },
    };

    expect(buildStepInput(stepOf('insurancePayment'), context(outputs))).toEqual({
      citizenIdNumber: '330106202611200011',
      enrolmentNumber: 'MI-7',
    });
  });

  it('leaves out absent values instead of sending them as undefined', () => {
    const form = { ...newborn.example.form, bankAccount: undefined };
    const input = buildStepInput(stepOf('maternityBenefit'), {
      ...context({ birthCertificate: { certificateNumber: 'Y12345678901' } }),
      form,
    });

    expect(input).toEqual({ certificateNumber: 'Y12345678901', motherIdNumber: '330106199203150027' });
    expect(Object.keys(input)).not.toContain('bankAccount');
  });

  it('keeps falsy values that are present', () => {
    const step: StepDefinition = {
      ...stepOf('vaccination'),
      input: { optedIn: 'form.optIns.maternityBenefit', count: 'form.count', note: 'form.note' },
    };
    const input = buildStepInput(step, {
      ...context(),
      form: { optIns: { maternityBenefit: false }, count: 0, note: '' },
    });

    expect(input).toEqual({ optedIn: false, count: 0, note: '' });
  });
});

describe('stepIdempotencyKey', () => {
  it('is the same for every retry of a step and differs between steps and applications', () => {
    const key = stepIdempotencyKey('app-1', 'birthCertificate');

    expect(stepIdempotencyKey('app-1', 'birthCertificate')).toBe(key);
    expect(stepIdempotencyKey('app-1', 'vaccination')).not.toBe(key);
    expect(stepIdempotencyKey('app-2', 'birthCertificate')).not.toBe(key);
  });
});
