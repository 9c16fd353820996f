import { CancellationScope, setHandler } from '@temporalio/workflow';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import { withdraw } from './messages.js';
import type { WithdrawUpdate } from './messages.js';

/**
 * The applicant's (or an operator's) withdrawal (撤回): it cancels the scope the steps run in,
 * so calls in flight are abandoned, waits end and nothing new starts; the steps that completed
 * are then compensated (`compensate`). Refused a second time, and once the application ended.
 */
export class Withdrawal {
  /** The scope the steps run in; a withdrawal cancels it. */
  readonly steps = new CancellationScope();
  private request: WithdrawUpdate | undefined;
  private ended = false;

  constructor() {
    setHandler(
      withdraw,
      (request) => {
        this.request = request;
        this.steps.cancel();
        return 'withdrawing' as const;
      },
      {
        validator: (_request: WithdrawUpdate) => {
          if (this.ended) throw new Error('the application has already ended');
          if (this.request) throw new Error('the application is already being withdrawn');
        },
      },
    );
  }

  /** True once a withdrawal was accepted. */
  get requested(): boolean {
    return Boolean(this.request);
  }

  /** Why a step that had not started when the application was withdrawn never will. */
  notStartedError(): StepError {
    return this.error(`not started: the application was withdrawn by ${this.by()}`);
  }

  /** Why a step that was in progress when the application was withdrawn ended. */
  abandonedError(): StepError {
    return this.error(`withdrawn by ${this.by()} before the department decided`);
  }

  /** The application has ended: a withdrawal is refused from now on. */
  end(): void {
    this.ended = true;
  }

  private error(message: string): StepError {
    return { code: stepErrorCodes.withdrawn, message };
  }

  /** Who withdrew: the applicant, or an operator with the reason, as the steps it ends name them. */
  by(): string {
    return this.request?.by ? `${this.request.by} (${this.request.reason})` : 'the applicant';
  }
}
