/**
 * The workflow types the worker registers: one per bundle, all run by the same step-graph
 * runner, the operators' two jobs (bulk repairs, waking calls after an outage) and the retention
 * schedule's run. Export nothing else from here: every export becomes a workflow type.
 */
import { runBundle } from './run-bundle.js';

/** Wakes the applications waiting for a department an operator resumed after an outage. */
export { resumeDepartment } from './resume-department.js';

/** Applies an operator's retry or re-send to every step a bulk action matched, throttled. */
export { bulkRepair } from './bulk-repair.js';

/** The retention schedule's run: erases personal data due for erasure, purges expired log entries. */
export { retentionRun } from './retention.js';

/** 新生儿出生一件事 — Newborn birth. */
export const newborn = runBundle;

/** 身后一件事 — After-death matters. */
export const afterDeath = runBundle;

/** 企业开办一件事 — Business start-up. */
export const businessStartup = runBundle;

/** 退休一件事 — Retirement. */
export const retirement = runBundle;

/** 补领机动车登记证书 — Vehicle registration certificate reissue. */
export const vehicleCertificateReissue = runBundle;

/** 网约车变更为非营运 — Ride-hailing car to private use. */
export const rideHailingToPrivate = runBundle;

/** 夫妻共有机动车变更登记 — Spouses' co-owned vehicle owner change. */
export const coOwnedVehicleChange = runBundle;

/** 居民身份证补领 — Resident ID card reissue. */
export const idCardReissue = runBundle;
