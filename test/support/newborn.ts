import { newborn } from '../../bundles/newborn.js';

type Example = typeof newborn.example;

/** The newborn bundle's own example request, with overrides: a valid application to start from. */
export function newbornRequest(
  overrides: { form?: Record<string, unknown>; applicant?: Record<string, unknown> } = {},
): Example {
  const example = structuredClone(newborn.example);
  return {
    bundleId: example.bundleId,
    applicant: { ...example.applicant, ...overrides.applicant },
    form: { ...example.form, ...overrides.form },
  };
}

/** True once the application can change no more. */
export const ended = (view: { status: string }) =>
  ['completed', 'partially_completed', 'rejected', 'withdrawn', 'failed'].includes(view.status);
