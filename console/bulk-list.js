import { api, withQuery } from './api.js';
import { el, scrollRegion } from './dom.js';
import {
  beijingTimeNote,
  bulkActionLabel,
  bulkFilterText,
  statusText,
  timeAgo,
  timeElement,
} from './format.js';
import { progressText } from './bulk-progress.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').BulkAction} BulkAction */
/** @typedef {import('./types').BulkActionList} BulkActionList */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    more: '更多',
    none: '还没有批量操作。',
    heading: '批量操作',
    intro: '从卡住的办件列表发起（“全部重试”“全部重新提交”）。最新的在前。',
    bulkAction: '批量操作',
    action: '操作',
    filter: '筛选条件',
    progress: '进度',
    startedBy: '发起人及原因',
    started: '发起时间',
    tableLabel: '批量操作表',
  },
  en: {
    more: 'More',
    none: 'No bulk action yet.',
    heading: 'Bulk actions',
    intro: 'Started from the stuck list ("Retry all matching", "Re-send all matching"). Newest first.',
    bulkAction: 'Bulk action',
    action: 'Action',
    filter: 'Filter',
    progress: 'Progress',
    startedBy: 'Started by, and why',
    started: 'Started',
    tableLabel: 'Bulk actions, the table',
  },
});

/** @param {BulkAction['state']} state */
export const bulkStateBadge = (state) => el('span', { class: `status status-${state}` }, statusText(state));

/** @param {BulkAction} job */
function jobRow(job) {
  const cells = [
    el('a', { href: `#/bulk/${job.id}` }, job.id),
    bulkActionLabel(job.action),
    bulkFilterText(job.filter),
    [bulkStateBadge(job.state), el('div', { class: 'muted' }, progressText(job))],
    [`${job.startedBy.name} (${job.startedBy.role})`, el('div', { class: 'muted' }, job.reason)],
    [timeAgo(job.startedAt), el('div', { class: 'muted' }, timeElement(job.startedAt))],
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
  const more = el('button', { type: 'button', hidden: true }, words.t('more'));

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {BulkActionList} */
    const page = await api('GET', withQuery('/v1/ops/bulk-actions', { cursor }));
    if (signal.aborted) return;
    rows.append(...page.bulkActions.map(jobRow));
    if (rows.childElementCount === 0)
      rows.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, words.t('none'))));
    more.hidden = page.nextCursor === null;
    more.onclick = () => void load(page.nextCursor ?? undefined).catch(fail);
  }

  main.replaceChildren(
    el('h1', {}, words.t('heading')),
    el('p', { class: 'muted' }, words.t('intro')),
    beijingTimeNote(),
    scrollRegion(
      words.t('tableLabel'),
      el(
        'table',
        { class: 'list', 'data-testid': 'bulk-actions' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            /** @type {const} */ (['bulkAction', 'action', 'filter', 'progress', 'startedBy', 'started']).map(
              (key) => el('th', {}, words.t(key)),
            ),
          ),
        ),
        rows,
      ),
    ),
    more,
  );
  await load(undefined);
}
