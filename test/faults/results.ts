import { appendFileSync } from 'node:fs';

/** One scenario of the fault suite as the report (RELIABILITY.md) shows it. */
export interface FaultResult {
  /** The scenario's id in the suite, e.g. `R7`. */
  id: string;
  /** What was done, in a few words. */
  scenario: string;
  /** What was measured: counts, sizes, durations. */
  figures: Record<string, number | string>;
  /** Each invariant checked, and whether it held. */
  invariants: Record<string, boolean>;
}

/**
 * Appends one JSON line for the scenario to the file named by `FAULTS_RESULTS`, when it is set, so
 * a run's figures can be gathered into the report; without it, nothing is written. Call it before
 * asserting the invariants, so a scenario that fails is reported with the ones that did not hold.
 */
export function recordFaultResult(result: FaultResult): void {
  const file = process.env.FAULTS_RESULTS;
  if (!file) return;
  const { id, scenario, figures, invariants } = result;
  appendFileSync(file, `${JSON.stringify({ id, scenario, figures, invariants })}\n`);
}
