import { appendFile } from 'node:fs/promises';

/** One scenario's outcome, as RELIABILITY.md shows it. */
export interface FaultResult {
  /** The scenario's id in issue 11's table (R1 … R10). */
  id: string;
  scenario: string;
  /** What was measured: applications, faults injected, time to recover, … */
  figures: Record<string, number | string>;
  /** Each invariant checked, and whether it held. */
  invariants: Record<string, boolean>;
}

/**
 * Appends the result as one JSON line to the file `FAULTS_RESULTS` names (set by `npm run
 * faults`, which writes RELIABILITY.md's table from it); does nothing when it is unset.
 */
export async function recordFaultResult(result: FaultResult): Promise<void> {
  const file = process.env.FAULTS_RESULTS;
  if (!file) return;
  await appendFile(file, `${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
}
