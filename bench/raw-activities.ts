import type { Transition } from '../schemas/workflow.js';

/** The raw workflows' activities: they do nothing and say what they stood for. */
export interface RawActivities {
  noopStep(stepId: string): Promise<{ stepId: string }>;
  /** Stands in for the read-model write, to price the engine's local activities alone. */
  noopProjection(input: { applicationId: string; transitions: Transition[] }): Promise<void>;
}

export function createRawActivities(): RawActivities {
  return {
    async noopStep(stepId) {
      return { stepId };
    },
    async noopProjection() {},
  };
}
