import type { BundleDefinition } from '../bundles/definition.js';
import { findApplication } from '../db/applications.js';
import type { Queryable } from '../db/pool.js';
import { listTasksOfApplication } from '../db/work-list.js';
import type { TaskRow } from '../db/work-list.js';
import { findService } from '../departments/catalog/index.js';
import { problemCodes } from '../schemas/error-codes.js';
import type { Principal } from '../schemas/principal.js';
import type { Verification, VerificationRecord } from '../schemas/work-list.js';
import { ProblemError } from './problem.js';

/**
 * What an officer must have established before approving a video verification: a passed
 * liveness check, every fact the service declares, and the recording's reference. Otherwise a
 * 409 naming each thing missing; the record that then travels with the step's outputs to the
 * department acting on it (never the video).
 */
export function approvedVerification(
  task: Pick<TaskRow, 'department' | 'service'>,
  verification: Verification,
  principal: Principal,
  now: Date,
): VerificationRecord {
  const missing: Array<{ path: string; message: string }> = [];
  if (verification.liveness !== 'passed')
    missing.push({ path: 'body.verification.liveness', message: 'the liveness check did not pass' });
  const declared = findService(task.department, task.service)?.verifies ?? [];
  for (const fact of declared.filter((f) => !verification.verified.includes(f)))
    missing.push({ path: 'body.verification.verified', message: `${fact} is not verified` });
  if (!verification.recordingRef)
    missing.push({ path: 'body.verification.recordingRef', message: 'no recording reference' });
  if (missing.length > 0)
    throw new ProblemError(
      409,
      problemCodes.verificationIncomplete,
      'The video verification is not complete enough to approve',
      missing.map((m) => `${m.path}: ${m.message}`).join('; '),
      missing,
    );
  return {
    officer: verification.officer,
    officerKey: principal.keyId,
    verifiedAt: now.toISOString(),
    facts: [...verification.verified],
    liveness: 'passed',
    recordingRef: verification.recordingRef ?? '',
  };
}

/**
 * Whether the task was decided by this officer: the key that claimed and completed it, or the key
 * a verification record names. Identities, never the free-text officer name a record carries:
 * two officers may share a name, and one can type any name.
 */
function decidedBy(task: TaskRow, principal: Principal): boolean {
  if (task.assignee_key === principal.keyId) return true;
  const outputs = task.decision?.outputs as { verification?: { officerKey?: unknown } } | undefined;
  return outputs?.verification?.officerKey === principal.keyId;
}

/**
 * Four eyes: refuses the approval of a step whose bundle wants it decided apart from other steps
 * (`separateFrom`) by the person who decided one of those (the officer who verified a spouse
 * does not also approve the change of owner).
 */
export async function checkFourEyes(
  db: Queryable,
  bundles: ReadonlyMap<string, BundleDefinition>,
  task: TaskRow,
  principal: Principal,
): Promise<void> {
  const found = await findApplication(db, task.application_id);
  const step = found && bundles.get(found.application.bundle_id)?.steps.find((s) => s.id === task.step_id);
  const apart = new Set(step?.separateFrom ?? []);
  if (apart.size === 0) return;
  const own = (await listTasksOfApplication(db, task.application_id)).filter(
    (t) => apart.has(t.step_id) && t.status === 'completed' && decidedBy(t, principal),
  );
  if (own.length > 0)
    throw new ProblemError(
      409,
      problemCodes.fourEyesRequired,
      'Another officer must decide this step',
      `You decided ${[...new Set(own.map((t) => t.step_id))].join(', ')} of this application; ${task.step_id} needs a second person.`,
    );
}
