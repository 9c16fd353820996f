import { z } from 'zod';
import type { BundleDefinition } from '../bundles/definition.js';
import { departments } from '../departments/catalog/index.js';
import { withPortalPatterns } from '../schemas/fields.js';

/** A bundle as `GET /v1/bundles` lists it. */
export const bundleSummaryOf = (b: BundleDefinition) => ({
  id: b.id,
  version: b.version,
  title: b.title,
  description: b.description,
  leadDepartment: b.leadDepartment,
  promisedWorkingDays: b.promisedWorkingDays,
});

/**
 * What a portal needs to draw the form and "what will happen" (`GET /v1/bundles/:id`): the
 * applicant and the form as JSON Schema, with each field's labels (`schemas/fields.ts`).
 */
export function bundleDetailOf(b: BundleDefinition) {
  return {
    ...bundleSummaryOf(b),
    applicant: z.toJSONSchema(b.applicant, { io: 'input', override: withPortalPatterns }) as Record<
      string,
      unknown
    >,
    form: z.toJSONSchema(b.form, {
      io: 'input',
      unrepresentable: 'any',
      override: withPortalPatterns,
    }) as Record<string, unknown>,
    steps: b.steps.map((s) => ({
      id: s.id,
      title: s.title,
      department: s.department,
      departmentTitle: departments[s.department]?.title ?? { zh: s.department, en: s.department },
      service: s.service,
      after: s.after,
      optional: s.optInField !== undefined,
      optInField: s.optInField ?? null,
      appliesWhen: s.appliesWhen ?? null,
      timeLimitWorkingDays: s.timeLimitWorkingDays,
      statutoryLimit: s.statutoryLimit ?? null,
      clockExcludes: s.clockExcludes ?? [],
    })),
    example: b.example,
    otherExamples: b.otherExamples ?? [],
  };
}
