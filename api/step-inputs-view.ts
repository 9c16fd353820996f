import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { maskDeep } from '../privacy/mask.js';
import type { BundleWorkflowInput } from '../schemas/workflow.js';
import { decodePayloadAt } from '../temporal/payloads.js';
import { buildStepInput } from '../workflows/step-inputs.js';

/**
 * What each step's department received or will receive, personal data masked, rebuilt from the
 * workflow's own input: the form lives only in Temporal (encrypted), never in the read model, so
 * this is the one place it is read back, for the operator who asked (access-logged by the route).
 * A step not started yet shows what its mapping gives so far.
 */
export async function stepInputsOf(
  client: Client,
  workflowId: string,
  outputs: Record<string, Record<string, unknown> | undefined>,
): Promise<{ inputs: Record<string, Record<string, unknown>> | null; note: string | null }> {
  try {
    const history = await client.withDeadline(Date.now() + 3000, () =>
      client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId },
        maximumPageSize: 1,
      }),
    );
    const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = await decodePayloadAt<BundleWorkflowInput>(
      client.options.loadedDataConverter,
      0,
      started?.input?.payloads,
    );
    const context = { form: input.form, applicant: input.applicant, outputs };
    return {
      inputs: Object.fromEntries(
        input.plan.steps.map((step) => [step.id, maskDeep(buildStepInput(step, context))]),
      ),
      note: null,
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (err as { code?: number }).code === 5) {
      return { inputs: null, note: 'Temporal no longer has this workflow, so the inputs cannot be shown.' };
    }
    return { inputs: null, note: 'Temporal could not be reached or read; the inputs cannot be shown now.' };
  }
}
