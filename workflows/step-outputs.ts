import type { StepDefinition } from '../schemas/bundle.js';
import type { CompletedStep } from './compensation.js';
import { buildStepInput, readSource } from './step-inputs.js';
import type { InputContext } from './step-inputs.js';

/**
 * What the application has so far: the form and the outputs of the steps that ended, which
 * later steps' inputs read; and the steps that completed, in the order they did, which a
 * withdrawal or a rejection compensates latest first.
 */
export class StepOutputs {
  /** Completed steps, in the order they completed. */
  readonly completed: CompletedStep[] = [];
  private readonly context: InputContext;

  constructor(form: Record<string, unknown>, applicant: Record<string, unknown>) {
    this.context = { form, applicant, outputs: {} };
  }

  /** What the step's department (or clerk) receives now: the fields mapped to it. */
  inputOf(step: StepDefinition): Record<string, unknown> {
    return buildStepInput(step, this.context);
  }

  /** An optional step runs only if the applicant opted in on the form. */
  optedIn(step: StepDefinition): boolean {
    return step.optInField === undefined || readSource(step.optInField, this.context) === true;
  }

  /** A step that applies to some applications only runs when the form says it does. */
  applies(step: StepDefinition): boolean {
    const when = step.appliesWhen;
    return when === undefined || readSource(when.field, this.context) === when.equals;
  }

  /** A step completed: its dependants read its outputs, and it is undone if the application is. */
  complete(done: CompletedStep): void {
    this.context.outputs[done.step.id] = done.outputs;
    this.completed.push(done);
  }

  /** An operator entered the outputs of a step they skipped; nothing to undo. */
  enter(stepId: string, outputs: Record<string, unknown>): void {
    this.context.outputs[stepId] = outputs;
  }
}
