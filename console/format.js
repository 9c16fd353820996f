/** @typedef {import('./types').Title} Title */
/** @typedef {import('./types').StuckCode} StuckCode */
/** @typedef {import('./types').BulkActionKind} BulkActionKind */

/**
 * Both languages, English first: data carries official Chinese titles that operators search by.
 * @param {Title} title
 */
export const titleText = (title) => (title.en === title.zh ? title.en : `${title.en} · ${title.zh}`);

/** @type {Array<[string, number]>} */
const units = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/**
 * A duration as the API's reasons say it: largest unit and the next, `3d 4h`, `12m`, `45s`.
 * @param {number} ms
 */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms));
  const i = units.findIndex(([, size]) => total >= size);
  const first = units[i];
  if (!first) return '0s';
  const count = Math.floor(total / first[1]);
  const next = units[i + 1];
  const more = next ? Math.floor((total - count * first[1]) / next[1]) : 0;
  return next && more > 0 ? `${count}${first[0]} ${more}${next[0]}` : `${count}${first[0]}`;
}

/**
 * @param {string} iso
 * @param {number} [now]
 */
export const timeAgo = (iso, now = Date.now()) => `${duration(now - Date.parse(iso))} ago`;

/** @param {string | null | undefined} iso */
export const dateTime = (iso) =>
  iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }) : '—';

/**
 * The kinds of stuck, in words; the API's `reasons[].message` says the particulars. One for each
 * code the API has (contract.js): the console's type check fails on a code without its label.
 * @type {Record<StuckCode, string>}
 */
export const stuckLabels = {
  retrying: 'Department call retrying',
  overdue: 'Step past its due time',
  'waiting-department': 'Waiting for a department decision',
  'task-overdue': 'Work-list task overdue',
  'compensation-failed': 'Undo failed',
  'department-paused': 'Department paused for an outage',
  'step-failed': 'Step failed, held for an operator',
};

/**
 * @param {string} code
 * @returns {string}
 */
export const stuckLabel = (code) => stuckLabels[/** @type {StuckCode} */ (code)] ?? code;

/** @param {string} status */
export const statusText = (status) => status.replace(/_/g, ' ');

/** @typedef {import('./types').AppliedBulkFilter} AppliedBulkFilter */

/**
 * What a bulk action does, in words: one for each the API has.
 * @type {Record<BulkActionKind, string>}
 */
export const bulkActionLabels = { retry: 'Retry', resend: 'Re-send' };

/**
 * A bulk action's filter in one line, as the job applied it.
 * @param {AppliedBulkFilter} filter
 */
export function bulkFilterText(filter) {
  /** @type {Array<string | false | undefined>} */
  const parts = [
    `why stuck: ${filter.stuck.map(stuckLabel).join(', ')}`,
    filter.department && `department ${filter.department}`,
    filter.bundle && `bundle ${filter.bundle}`,
    filter.stepId && `step ${filter.stepId}`,
    filter.status && `status ${filter.status.map(statusText).join(', ')}`,
    filter.retryingLongerThanMs !== undefined &&
      `retrying longer than ${duration(filter.retryingLongerThanMs)}`,
    filter.attemptsAtLeast !== undefined && `at least ${filter.attemptsAtLeast} attempts`,
    filter.waitingLongerThanMs !== undefined && `waiting longer than ${duration(filter.waitingLongerThanMs)}`,
    filter.stuckSince && `stuck since ${dateTime(filter.stuckSince)} or later`,
    filter.stuckBefore && `stuck before ${dateTime(filter.stuckBefore)}`,
  ];
  return parts.filter(Boolean).join('; ');
}
