import type { StepDefinition } from '../schemas/bundle.js';

/** What a step's input sources can read from. */
export interface InputContext {
  form: Record<string, unknown>;
  applicant: Record<string, unknown>;
  outputs: Record<string, Record<string, unknown> | undefined>;
}

/**
 * Reads one `form.a.b`, `applicant.x` or `steps.<id>.<output>` source, or the first of several
 * joined by ` ?? ` that has a value; undefined when absent.
 */
export function readSource(source: string, context: InputContext): unknown {
  for (const alternative of source.split(' ?? ')) {
    const value = readOne(alternative, context);
    if (value !== undefined) return value;
  }
  return undefined;
}

function readOne(source: string, context: InputContext): unknown {
  const [root, ...path] = source.split('.');
  let value: unknown =
    root === 'form' ? context.form : root === 'applicant' ? context.applicant : context.outputs;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The input a department receives: exactly the fields mapped to it, nothing else of the form.
 * Absent optional values are left out rather than sent as null.
 */
export function buildStepInput(step: StepDefinition, context: InputContext): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [field, source] of Object.entries(step.input)) {
    const value = readSource(source, context);
    if (value !== undefined) input[field] = value;
  }
  return input;
}

/** The idempotency key of a step's department call: the same for every retry of that step. */
export function stepIdempotencyKey(applicationId: string, stepId: string): string {
  return `${applicationId}:${stepId}`;
}
