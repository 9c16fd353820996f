import { api, withQuery } from './api.js';
import { noticeBox, reasonForm } from './action-form.js';
import { bulkStateBadge } from './bulk-list.js';
import { progressBar, progressCounts } from './bulk-progress.js';
import { el, facts, redrawUnlessFocused, scrollRegion } from './dom.js';
import { bulkItemStates } from './contract.js';
import {
  beijingTimeNote,
  bulkActionLabel,
  bulkFilterText,
  dateTime,
  statusText,
  timeElement,
} from './format.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').BulkAction} BulkAction */
/** @typedef {import('./types').BulkItem} BulkItem */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    state: '状态',
    action: '操作',
    reason: '原因',
    filter: '筛选条件',
    rate: '速率',
    atMost: (/** @type {number} */ n) => `每秒最多 ${n} 个`,
    startedBy: '发起人',
    started: '发起时间',
    ended: '结束时间',
    cancel: '取消',
    cancelAsked: (/** @type {string} */ at, /** @type {string} */ by, /** @type {string} */ why) =>
      `${at} 由 ${by} 请求取消：${why}`,
    unknown: '未知',
    workflow: '工作流',
    showItems: '显示条目 ',
    show: '显示',
    all: '全部',
    cancelExplain: '当前条目处理完后停止；未处理的条目保持待处理。',
    cancelButton: '取消批量操作',
    cancelAskedFor: '已请求取消：当前条目处理完后停止。',
    noItem: '没有此状态的条目。',
    moreItems: '更多条目',
    back: '← 批量操作',
    heading: '批量操作 ',
    progress: '进度',
    items: '条目',
    application: '办件',
    step: '环节',
    department: '部门',
    result: '结果',
    sent: '发送时间',
    itemsLabel: '条目表',
  },
  en: {
    state: 'State',
    action: 'Action',
    reason: 'Reason',
    filter: 'Filter',
    rate: 'Rate',
    atMost: (n) => `at most ${n} a second`,
    startedBy: 'Started by',
    started: 'Started',
    ended: 'Ended',
    cancel: 'Cancel',
    cancelAsked: (at, by, why) => `asked ${at} by ${by}: ${why}`,
    unknown: 'unknown',
    workflow: 'Workflow',
    showItems: 'Show items ',
    show: 'Show',
    all: 'all',
    cancelExplain: 'The job stops after the item in progress; the items not reached stay pending.',
    cancelButton: 'Cancel the bulk action',
    cancelAskedFor: 'Cancel asked for: the job stops after the item in progress.',
    noItem: 'No item in this state.',
    moreItems: 'More items',
    back: '← Bulk actions',
    heading: 'Bulk action ',
    progress: 'Progress',
    items: 'Items',
    application: 'Application',
    step: 'Step',
    department: 'Department',
    result: 'Result',
    sent: 'Sent',
    itemsLabel: 'Items, the table',
  },
});

// Often enough to watch a throttled job move; it stops once the job has ended.
const refreshEveryMs = 2000;
const pageSize = 100;
// The most items one refresh reads again (the API's own limit for a page).
const maxRefreshed = 500;

/** @param {BulkAction} job */
function summary(job) {
  return facts([
    [
      words.t('state'),
      el(
        'span',
        { 'data-testid': 'bulk-state' },
        bulkStateBadge(job.state),
        job.stoppedReason ? ` ${job.stoppedReason}` : null,
      ),
    ],
    [words.t('action'), `${bulkActionLabel(job.action)} (${job.action})`],
    [words.t('reason'), job.reason],
    [words.t('filter'), bulkFilterText(job.filter)],
    [words.t('rate'), words.t('atMost', job.ratePerSecond)],
    [words.t('startedBy'), `${job.startedBy.name} (${job.startedBy.role}, ${job.startedBy.keyId})`],
    [words.t('started'), timeElement(job.startedAt)],
    [words.t('ended'), timeElement(job.finishedAt)],
    [
      words.t('cancel'),
      job.cancel
        ? words.t(
            'cancelAsked',
            dateTime(job.cancel.requestedAt),
            job.cancel.by ?? words.t('unknown'),
            job.cancel.reason ?? '—',
          )
        : '—',
    ],
    [words.t('workflow'), job.workflowId],
  ]);
}

/** @param {BulkItem} item */
function itemRow(item) {
  const cells = [
    String(item.seq),
    el('a', { href: `#/applications/${item.applicationId}` }, item.applicationId),
    item.stepId,
    item.department,
    el('span', { class: `item-${item.state}` }, statusText(item.state)),
    item.result ?? '—',
    timeElement(item.sentAt),
    timeElement(item.finishedAt),
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
  const select = el(
    'select',
    { name: 'itemState' },
    el('option', { value: '' }, words.t('all')),
    bulkItemStates.map((s) => el('option', { value: s, selected: s === chosen }, statusText(s))),
  );
  // Shown on the button, not on change: arrow keys in the list must not leave the page at each step.
  return el(
    'form',
    {
      class: 'inline item-filter',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = withQuery(`#/bulk/${id}`, { itemState: select.value });
      },
    },
    el('label', {}, words.t('showItems'), select),
    el('button', { type: 'submit' }, words.t('show')),
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
  const more = el('button', { type: 'button', hidden: true }, words.t('moreItems'));
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
      el('h3', {}, words.t('cancel')),
      el('p', { class: 'muted' }, words.t('cancelExplain')),
      reasonForm({
        report,
        buttons: [
          {
            label: words.t('cancelButton'),
            send: async (reason) => {
              await api('POST', `/v1/ops/bulk-actions/${encodeURIComponent(id)}/cancel`, { reason });
              return words.t('cancelAskedFor');
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
    redrawUnlessFocused(parts.summary, summary(job));
    parts.progress.replaceChildren(progressBar(job), progressCounts(job));
    redrawUnlessFocused(items, ...(job.items ?? []).map(itemRow));
    if (items.childElementCount === 0)
      items.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, words.t('noItem'))));
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
    el('p', {}, el('a', { href: '#/bulk' }, words.t('back'))),
    el('h1', {}, words.t('heading'), el('code', {}, id)),
    beijingTimeNote(),
    parts.summary,
    el('h2', {}, words.t('progress')),
    parts.progress,
    notice,
    parts.cancel,
    el('h2', {}, words.t('items')),
    itemFilter(id, itemState ?? ''),
    scrollRegion(
      words.t('itemsLabel'),
      el(
        'table',
        { class: 'list', 'data-testid': 'bulk-items' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            [
              '#',
              .../** @type {const} */ ([
                'application',
                'step',
                'department',
                'state',
                'result',
                'sent',
                'ended',
              ]).map((key) => words.t(key)),
            ].map((h) => el('th', {}, h)),
          ),
        ),
        items,
      ),
    ),
    more,
  );
  await refresh();
}
