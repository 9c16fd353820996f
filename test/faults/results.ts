import { appendFile } from 'node:fs/promises';

/** One fault scenario's outcome: what was measured and which guarantees held. */
export interface FaultResult {
  /** The requirement it checks, e.g. `R9`. */
  id: string;
  scenario: string;
  figures: Record<string, number | string>;
  invariants: Record<string, boolean>;
}

/**
 * Appends the scenario's result as one JSON line to the file named by `FAULTS_RESULTS`, when it
 * is set (a report collects them); nothing otherwise. The test's own assertions decide pass or fail.
 */
export async function recordFaultResult(result: FaultResult): Promise<void> {
  const file = process.env.FAULTS_RESULTS;
  if (!file) return;
  await appendFile(file, `${JSON.stringify(result)}\n`);
}
