import { api } from './api.js';
import { el, field } from './dom.js';
import { bulkRepairActions } from './contract.js';
import { statusText, stuckLabel } from './format.js';
import { noticeBox, numberInput, reasonForm } from './action-form.js';

/** @typedef {import('./types').BulkAction} BulkAction */
/** @typedef {import('./types').BulkActionKind} BulkActionKind */
/**
 * What the console sends as a bulk action's filter: the list's filters as they stand, under the
 * names the API's filter has (checked against it); the API validates the values and says what it
 * refuses.
 * @typedef {{ [K in keyof import('./types').BulkFilter]?: K extends 'stuck' | 'status' ? string[] : string | number }} BulkFilter
 */

const listFilters = /** @type {const} */ (['stuck', 'status']);
const textFilters = /** @type {const} */ ([
  'bundle',
  'department',
  'retryingLongerThan',
  'waitingLongerThan',
]);

/**
 * The stuck list's filters as `POST /v1/ops/bulk-actions` takes them: the same names (the bulk
 * filter is the list's query), comma lists as arrays. What the API refuses, it says why.
 * @param {URLSearchParams} params the list's address
 * @returns {BulkFilter}
 */
function bulkFilterOf(params) {
  /** @type {BulkFilter} */
  const filter = {};
  for (const name of listFilters) {
    const values = (params.get(name) ?? '').split(',').filter(Boolean);
    if (values.length > 0) filter[name] = values;
  }
  for (const name of textFilters) {
    const value = params.get(name);
    if (value) filter[name] = value;
  }
  const attempts = params.get('attemptsAtLeast');
  if (attempts) filter.attemptsAtLeast = /^\d+$/.test(attempts) ? Number(attempts) : attempts;
  return filter;
}

/**
 * The filter in words, as the operator applied it to the list.
 * @param {BulkFilter} filter
 */
function filterText({ stuck, status, ...others }) {
  const parts = [
    stuck && `why stuck: ${stuck.map(stuckLabel).join(', ')}`,
    status && `status ${status.map(statusText).join(', ')}`,
    ...Object.entries(others).map(([name, value]) => `${name} ${String(value)}`),
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'none: every stuck application';
}

/**
 * A button for each bulk action the API has (contract.js): the console's type check fails on one
 * without its button.
 * @type {{ [A in BulkActionKind]: { label: string, explain: string } }}
 */
const buttons = {
  retry: {
    label: 'Retry all matching',
    explain:
      'Call the department again now for every matching step in progress (without a "why stuck" filter: those retrying or waiting for a decision).',
  },
  resend: {
    label: 'Re-send all matching',
    explain:
      'Submit again every matching case waiting for a department decision, e.g. cases a department lost in an outage.',
  },
};
const kinds = bulkRepairActions.map((action) => ({ action, ...buttons[action] }));

/**
 * Starts a bulk action over what the list shows: every step the list's applied filters match,
 * worked through by a throttled job whose page the console then opens.
 * @param {URLSearchParams} params the list's address
 */
export function bulkStartPanel(params) {
  const filter = bulkFilterOf(params);
  const rate = numberInput('ratePerSecond', 5, 1, 50);
  const { notice, report } = noticeBox();
  return el(
    'section',
    { class: 'repair bulk-start', 'data-testid': 'bulk-start' },
    el('h2', {}, 'Act on all matching'),
    el(
      'p',
      {},
      'A job works through every step the applied filters match, not only those shown, each repair audited. ',
      'Filters: ',
      el('strong', { 'data-testid': 'bulk-filter' }, filterText(filter)),
      '. Apply changed filters to the list first.',
    ),
    notice,
    reasonForm({
      report,
      fields: [field('Rate (repairs per second)', rate, '1 to 50')],
      buttons: kinds.map((kind) => ({
        label: kind.label,
        explain: kind.explain,
        props: { 'data-action': kind.action },
        send: async (reason) => {
          /** @type {BulkAction} */
          const job = await api('POST', '/v1/ops/bulk-actions', {
            action: kind.action,
            reason,
            filter,
            ratePerSecond: Number(rate.value),
          });
          location.hash = `#/bulk/${job.id}`;
          return `Started a bulk action over ${job.total} steps.`;
        },
      })),
    }),
  );
}
