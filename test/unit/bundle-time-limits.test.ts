import { describe, expect, it } from 'vitest';
import { bundleDetailOf } from '../../api/bundle-detail.js';
import { checkBundle } from '../../bundles/check.js';
import { planOf } from '../../bundles/definition.js';
import { newborn } from '../../bundles/newborn.js';

const stepOf = <T extends { id: string }>(steps: T[], id: string) => steps.find((s) => s.id === id);

describe("a bundle's statutory limits and what its clock leaves out", () => {
  it('are shown to portals per step, beside the promised limit', () => {
    const steps = bundleDetailOf(newborn).steps;
    expect(stepOf(steps, 'householdRegistration')).toMatchObject({
      timeLimitWorkingDays: 0,
      statutoryLimit: { amount: 1, unit: 'months', from: 'form.baby.birthDate' },
      clockExcludes: [],
    });
    expect(stepOf(steps, 'vaccination')?.statutoryLimit).toMatchObject({ amount: 1, unit: 'months' });
    expect(stepOf(steps, 'socialSecurityCard')).toMatchObject({
      statutoryLimit: null,
      clockExcludes: ['card-production', 'mailing'],
    });
  });

  it('stay out of the plan the workflow runs', () => {
    for (const step of planOf(newborn).steps) {
      expect(step, step.id).not.toHaveProperty('statutoryLimit');
      expect(step, step.id).not.toHaveProperty('clockExcludes');
    }
  });

  it('are counted from the submission or from a field the form has', () => {
    const countedFrom = (from: string) => ({
      ...newborn,
      steps: newborn.steps.map((s) =>
        s.id === 'vaccination' && s.statutoryLimit
          ? { ...s, statutoryLimit: { ...s.statutoryLimit, from } }
          : s,
      ),
    });
    expect(checkBundle(countedFrom('submission'))).toEqual([]);
    expect(checkBundle(countedFrom('form.baby.birthDay'))).toEqual([
      {
        bundle: 'newborn',
        step: 'vaccination',
        field: 'statutoryLimit',
        message: 'counts its statutory limit from form.baby.birthDay, which is no form field',
      },
    ]);
  });
});
