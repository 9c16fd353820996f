import { api, withQuery } from './api.js';
import { noticeBox, reasonForm } from './action-form.js';
import { bulkStateBadge } from './bulk-list.js';
import { progressBar, progressCounts } from './bulk-progress.js';
import { el, facts } from './dom.js';
import { bulkItemStates } from './contract.js';
import { bulkActionLabels, bulkFilterText, dateTime } from './format.js';

/** @typedef {import('./types').BulkAction} BulkAction */
/** @typedef {import('./types').BulkItem} BulkItem */
/** @typedef {import('./app.js').PageContext} PageContext */

// Often enough to watch a throttled job move; it stops once the job has ended.
const refreshEveryMs = 2000;
const pageSize = 100;
// The most items one refresh reads again (the API's own limit for a page).
const maxRefreshed = 500;

/** @param {BulkAction} job */
function summary(job) {
  return facts([
    [
      'State',
      el(
        'span',
        { 'data-testid': 'bulk-state' },
        bulkStateBadge(job.state),
        job.stoppedReason ? ` ${job.stoppedReason}` : null,
      ),
    ],
    ['Action', `${bulkActionLabels[job.action]} (${job.action})`],
    ['Reason', job.reason],
    ['Filter', bulkFilterText(job.filter)],
    ['Rate', `at most ${job.ratePerSecond} a second`],
    ['Started by', `${job.startedBy.name} (${job.startedBy.role}, ${job.startedBy.keyId})`],
    ['Started', dateTime(job.startedAt)],
    ['Ended', dateTime(job.finishedAt)],
    [
      'Cancel',
      job.cancel
        ? `asked ${dateTime(job.cancel.requestedAt)} by ${job.cancel.by ?? 'unknown'}: ${job.cancel.reason ?? '—'}`
        : '—',
    ],
    ['Workflow', job.workflowId],
  ]);
}

/** @param {BulkItem} item */
function itemRow(item) {
  const cells = [
    String(item.seq),
    el('a', { href: `#/applications/${item.applicationId}` }, item.applicationId),
    item.stepId,
    item.department,
    el('span', { class: `item-${item.state}` }, item.state),
    item.result ?? '—',
    dateTime(item.sentAt),
    dateTime(item.finishedAt),
  ];
  return el(
    'tr',
    { 'data-application-id': item.applicationId, 'data-state': item.state },
    cells.map((c) => el('td', {}, c)),
  );
}

/**
 * @param {string} id
 * @param {string} chosen
 */
function itemFilter(id, chosen) {
  return el(
    'label',
    {},
    'Show items ',
    el(
      'select',
      {
        name: 'itemState',
        onchange: (event) => {
          const value = /** @type {HTMLSelectElement} */ (event.target).value;
          location.hash = withQuery(`#/bulk/${id}`, { itemState: value });
        },
      },
      el('option', { value: '' }, 'all'),
      bulkItemStates.map((s) => el('option', { value: s, selected: s === chosen }, s)),
    ),
  );
}

/**
 * One bulk action: what it does to which steps, its progress as a bar, its items with their
 * results and a Cancel button while it runs; refreshed until it ends.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderBulkJob(main, { match, params, signal, fail }) {
  const id = match[1] ?? '';
  const asked = params.get('itemState');
  const itemState = bulkItemStates.find((s) => s === asked) ?? null;
  const parts = { summary: el('div'), progress: el('div', { class: 'progress' }), cancel: el('div') };
  const items = el('tbody');
  const more = el('button', { type: 'button', hidden: true }, 'More items');
  let cancelShown = false;
  let generation = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));
  const { notice, report } = noticeBox(() => void refresh().catch(fail));

  const itemsPath = (/** @type {number} */ limit, /** @type {string | undefined} */ cursor) =>
    withQuery(`/v1/ops/bulk-actions/${encodeURIComponent(id)}`, {
      itemsLimit: String(limit),
      itemsCursor: cursor,
      itemState: itemState ?? undefined,
    });

  /** @param {BulkAction} job */
  function showMore(job) {
    const cursor = job.nextItemsCursor ?? null;
    more.hidden = cursor === null;
    more.onclick = () =>
      void api('GET', itemsPath(pageSize, cursor ?? undefined))
        .then((/** @type {BulkAction} */ next) => {
          if (signal.aborted) return;
          items.append(...(next.items ?? []).map(itemRow));
          showMore(next);
        })
        .catch(fail);
  }

  const cancelForm = () =>
    el(
      'section',
      { class: 'repair', 'data-testid': 'bulk-cancel' },
      el('h3', {}, 'Cancel'),
      el(
        'p',
        { class: 'muted' },
        'The job stops after the item in progress; the items not reached stay pending.',
      ),
      reasonForm({
        report,
        buttons: [
          {
            label: 'Cancel the bulk action',
            send: async (reason) => {
              await api('POST', `/v1/ops/bulk-actions/${encodeURIComponent(id)}/cancel`, { reason });
              return 'Cancel asked for: the job stops after the item in progress.';
            },
          },
        ],
      }),
    );

  async function refresh() {
    const mine = ++generation;
    clearTimeout(timer);
    // As many items as are shown now, so a refresh does not take back what "More items" added.
    const limit = Math.min(maxRefreshed, Math.max(pageSize, items.childElementCount));
    /** @type {BulkAction} */
    const job = await api('GET', itemsPath(limit, undefined));
    if (signal.aborted || mine !== generation) return;
    parts.summary.replaceChildren(summary(job));
    parts.progress.replaceChildren(progressBar(job), progressCounts(job));
    items.replaceChildren(...(job.items ?? []).map(itemRow));
    if (items.childElementCount === 0)
      items.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No item in this state.')));
    showMore(job);
    const cancellable = job.state === 'running' && job.cancel === null;
    // Drawn again only when that changes: a reason being typed survives the refresh.
    if (cancellable !== cancelShown) {
      cancelShown = cancellable;
      parts.cancel.replaceChildren(...(cancellable ? [cancelForm()] : []));
    }
    if (job.state === 'running') timer = setTimeout(() => void refresh().catch(fail), refreshEveryMs);
  }

  main.replaceChildren(
    el('p', {}, el('a', { href: '#/bulk' }, '← Bulk actions')),
    el('h1', {}, 'Bulk action ', el('code', {}, id)),
    parts.summary,
    el('h2', {}, 'Progress'),
    parts.progress,
    notice,
    parts.cancel,
    el('h2', {}, 'Items'),
    itemFilter(id, itemState ?? ''),
    el(
      'table',
      { class: 'list', 'data-testid': 'bulk-items' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['#', 'Application', 'Step', 'Department', 'State', 'Result', 'Sent', 'Ended'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      items,
    ),
    more,
  );
  await refresh();
}
