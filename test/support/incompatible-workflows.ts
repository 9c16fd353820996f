/**
 * A deliberately incompatible change of the newborn workflow, for the replay test: it sleeps
 * before running the bundle, so its first command differs from every recorded history's.
 */
import { sleep } from '@temporalio/workflow';
import { runBundle } from '../../workflows/run-bundle.js';
import type { BundleWorkflowInput } from '../../schemas/workflow.js';

export async function newborn(input: BundleWorkflowInput) {
  await sleep('1s');
  return runBundle(input);
}
