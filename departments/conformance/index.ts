/**
 * The department conformance kit. A department team runs it against its adapter and its system
 * (or sandbox) with `describeAdapterConformance` from `./describe.js` in a vitest file; see
 * docs/departments.md.
 */
export { conformanceChecks, ConformanceFailure, runConformance, runConformanceCheck } from './checks.js';
export type {
  CheckId,
  CheckReport,
  CheckResult,
  ConformanceCheck,
  ConformanceTarget,
  LaterHooks,
} from './checks.js';
export { startCallbackInbox } from './callback-inbox.js';
export type { CallbackInbox, ReceivedCallback } from './callback-inbox.js';
export { sampleInput } from './sample-input.js';
export { simulatorTarget } from './simulator.js';
export type { SimulatorTargetOptions } from './simulator.js';
