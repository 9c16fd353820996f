import { findService } from '../departments/catalog/index.js';
import { problemCodes } from '../schemas/error-codes.js';
import { ProblemError } from './problem.js';

/**
 * Outputs entered for a step (by a department's callback, a clerk or an operator) as the step's
 * service declares them; anything else is a 400 naming each field under `at` (e.g. `body.outputs`).
 */
export function validServiceOutputs(
  step: { department: string; service: string },
  outputs: unknown,
  at: string,
): Record<string, unknown> {
  const parsed = findService(step.department, step.service)?.output.safeParse(outputs ?? {});
  if (parsed?.success) return parsed.data;
  const errors = (parsed?.error.issues ?? []).map((i) => ({
    path: [at, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new ProblemError(
    400,
    problemCodes.validationFailed,
    `The outputs are not what ${step.department}/${step.service} declares`,
    errors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'the service is not in the catalogue',
    errors,
  );
}
