import { api, withQuery } from './api.js';
import { el } from './dom.js';
import { bulkActionLabels, bulkFilterText, dateTime, timeAgo } from './format.js';
import { progressText } from './bulk-progress.js';

/** @typedef {import('./types').BulkAction} BulkAction */
/** @typedef {import('./types').BulkActionList} BulkActionList */
/** @typedef {import('./app.js').PageContext} PageContext */

/** @param {BulkAction['state']} state */
export const bulkStateBadge = (state) => el('span', { class: `status status-${state}` }, state);

/** @param {BulkAction} job */
function jobRow(job) {
  const cells = [
    el('a', { href: `#/bulk/${job.id}` }, job.id),
    bulkActionLabels[job.action],
    bulkFilterText(job.filter),
    [bulkStateBadge(job.state), el('div', { class: 'muted' }, progressText(job))],
    [`${job.startedBy.name} (${job.startedBy.role})`, el('div', { class: 'muted' }, job.reason)],
    [timeAgo(job.startedAt), el('div', { class: 'muted' }, dateTime(job.startedAt))],
  ];
  return el(
    'tr',
    { 'data-bulk-id': job.id, 'data-state': job.state },
    cells.map((c) => el('td', {}, c)),
  );
}

/**
 * Bulk actions, newest first, with their progress; each links to its own page.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderBulkList(main, { signal, fail }) {
  const rows = el('tbody');
  const more = el('button', { type: 'button', hidden: true }, 'More');

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {BulkActionList} */
    const page = await api('GET', withQuery('/v1/ops/bulk-actions', { cursor }));
    if (signal.aborted) return;
    rows.append(...page.bulkActions.map(jobRow));
    if (rows.childElementCount === 0)
      rows.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No bulk action yet.')));
    more.hidden = page.nextCursor === null;
    more.onclick = () => void load(page.nextCursor ?? undefined).catch(fail);
  }

  main.replaceChildren(
    el('h1', {}, 'Bulk actions'),
    el(
      'p',
      { class: 'muted' },
      'Started from the stuck list ("Retry all matching", "Re-send all matching"). Newest first.',
    ),
    el(
      'table',
      { class: 'list', 'data-testid': 'bulk-actions' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Bulk action', 'Action', 'Filter', 'Progress', 'Started by, and why', 'Started'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      rows,
    ),
    more,
  );
  await load(undefined);
}
