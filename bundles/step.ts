import type { StepDefinition } from '../schemas/bundle.js';
import { defaultCallTimeout, defaultRetry } from './definition.js';

/** A step with the default call timeout and retry policy, running first unless `after` says otherwise. */
export function step(
  s: Omit<StepDefinition, 'callTimeout' | 'retry' | 'after'> & Partial<StepDefinition>,
): StepDefinition {
  return { callTimeout: defaultCallTimeout, retry: defaultRetry, after: [], ...s };
}
