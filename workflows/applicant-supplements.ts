import { setHandler } from '@temporalio/workflow';
import { submitSupplement } from './messages.js';
import type { SupplementUpdate } from './messages.js';

/**
 * The applicant's side of the supplement loop (补正), shared by the work list (a clerk asks) and
 * department steps (a department's system asks): which steps wait for which items, and the
 * answers the applicant sent (`submitSupplement`). A submission answers the step asked first that
 * has no answers yet; the validator refuses, before anything reaches the history, one that comes
 * when nothing is asked or that does not answer exactly the items listed.
 */
export class ApplicantSupplements {
  /** Steps waiting for supplementary materials: step id → the items missing, in the order asked. */
  private readonly asked = new Map<string, string[]>();
  private readonly answers = new Map<string, Record<string, string>>();

  constructor() {
    setHandler(
      submitSupplement,
      ({ answers }) => {
        const [stepId] = this.pendingRequest() ?? [];
        if (stepId !== undefined) this.answers.set(stepId, answers);
        return 'accepted' as const;
      },
      {
        validator: ({ answers }: SupplementUpdate) => {
          const pending = this.pendingRequest();
          if (!pending) throw new Error('no supplementary materials are pending');
          const [, missing] = pending;
          const unanswered = missing.filter((item) => !answers[item]?.trim());
          if (unanswered.length > 0) throw new Error(`the answers do not cover: ${unanswered.join(', ')}`);
          const extra = Object.keys(answers).filter((item) => !missing.includes(item));
          if (extra.length > 0) throw new Error(`not asked for: ${extra.join(', ')}`);
        },
      },
    );
  }

  /** The step asks the applicant for `missing`; answerable from now on. */
  ask(stepId: string, missing: string[]): void {
    this.asked.set(stepId, missing);
  }

  /** The applicant answered the step's request. */
  answered(stepId: string): boolean {
    return this.answers.has(stepId);
  }

  /** The answers to the step's request, once given. */
  answersOf(stepId: string): Record<string, string> | undefined {
    return this.answers.get(stepId);
  }

  /** The step no longer waits (answered, past its deadline, or withdrawn). */
  close(stepId: string): void {
    this.asked.delete(stepId);
    this.answers.delete(stepId);
  }

  private pendingRequest(): [string, string[]] | undefined {
    for (const [stepId, missing] of this.asked) if (!this.answers.has(stepId)) return [stepId, missing];
    return undefined;
  }
}
