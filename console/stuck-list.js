import { ApiProblem, api, withQuery } from './api.js';
import { bulkStartPanel } from './bulk-start.js';
import { el, field, scrollRegion } from './dom.js';
import { applicationStatuses, stuckCodes } from './contract.js';
import {
  beijingTimeNote,
  statusText,
  stuckLabel,
  stuckLabelOf,
  timeAgo,
  timeElement,
  titleText,
} from './format.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').OpsList} OpsList */
/** @typedef {import('./types').BundleSummary} BundleSummary */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    heading: '卡住的办件',
    department: '部门',
    departmentHint: '例如 police',
    retryingLongerThan: '重试超过',
    retryingLongerThanHint: '例如 10m、2h',
    attemptsAtLeast: '尝试次数至少',
    attemptsAtLeastHint: '两者都未填时为 2',
    waitingLongerThan: '等待超过',
    waitingLongerThanHint: '例如 1d',
    allBundles: '全部事项',
    whyStuck: '卡住原因（不选即全部）',
    applicationStatus: '办件状态（不选即全部）',
    bundle: '事项',
    applyFilters: '应用筛选',
    none: '没有符合条件的卡住办件。',
    shown: (/** @type {number} */ n) => `已显示 ${n} 件，最早的在前。`,
    more: '更多',
    application: '办件',
    status: '状态',
    why: '原因',
    since: '开始于',
    listLabel: '卡住的办件列表',
  },
  en: {
    heading: 'Stuck applications',
    department: 'Department',
    departmentHint: 'e.g. police',
    retryingLongerThan: 'Retrying longer than',
    retryingLongerThanHint: 'e.g. 10m, 2h',
    attemptsAtLeast: 'Attempts at least',
    attemptsAtLeastHint: '2 when neither is given',
    waitingLongerThan: 'Waiting longer than',
    waitingLongerThanHint: 'e.g. 1d',
    allBundles: 'All bundles',
    whyStuck: 'Why stuck (all when none)',
    applicationStatus: 'Application status (all when none)',
    bundle: 'Bundle',
    applyFilters: 'Apply filters',
    none: 'No stuck application matches.',
    shown: (n) => `${n} shown, oldest first.`,
    more: 'More',
    application: 'Application',
    status: 'Status',
    why: 'Why',
    since: 'Since',
    listLabel: 'Stuck applications, the list',
  },
});

/** The list's filters: named as `GET /v1/ops/applications` names its query parameters. */
const textFilters = /** @type {const} */ ([
  'department',
  'retryingLongerThan',
  'attemptsAtLeast',
  'waitingLongerThan',
]);
const filterNames = ['stuck', 'status', 'bundle', ...textFilters];

/**
 * Checkboxes for a comma-list parameter.
 * @param {string} name
 * @param {string} legend
 * @param {Array<[string, string]>} options value and label
 * @param {string[]} checked
 */
function checkboxes(name, legend, options, checked) {
  return el(
    'fieldset',
    { class: 'choices' },
    el('legend', {}, legend),
    options.map(([value, label]) =>
      el(
        'label',
        {},
        el('input', { type: 'checkbox', name, value, checked: checked.includes(value) }),
        ` ${label}`,
      ),
    ),
  );
}

/**
 * @param {URLSearchParams} params
 * @param {BundleSummary[]} bundles
 * @param {() => void} reload
 */
function filterForm(params, bundles, reload) {
  const listOf = (/** @type {string} */ name) => (params.get(name) ?? '').split(',').filter(Boolean);
  const bundle = el(
    'select',
    { name: 'bundle' },
    el('option', { value: '' }, words.t('allBundles')),
    bundles.map((b) =>
      el(
        'option',
        { value: b.id, selected: params.get('bundle') === b.id },
        `${b.id}: ${titleText(b.title)}`,
      ),
    ),
  );
  const form = el(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(form);
        /** @type {Record<string, string>} */
        const query = {};
        for (const name of filterNames) {
          const values = data.getAll(name).map(String).filter(Boolean);
          if (values.length > 0) query[name] = values.join(',');
        }
        const target = withQuery('#/stuck', query);
        // The same filters again: the address does not change, so reload the list by hand.
        if (location.hash === target) reload();
        else location.hash = target;
      },
    },
    checkboxes(
      'stuck',
      words.t('whyStuck'),
      stuckCodes.map((code) => [code, stuckLabelOf(code)]),
      listOf('stuck'),
    ),
    checkboxes(
      'status',
      words.t('applicationStatus'),
      applicationStatuses.map((s) => [s, statusText(s)]),
      listOf('status'),
    ),
    el(
      'div',
      { class: 'inline' },
      field(words.t('bundle'), bundle),
      textFilters.map((name) =>
        field(words.t(name), el('input', { name, value: params.get(name) ?? '' }), words.t(`${name}Hint`)),
      ),
    ),
    el('button', { type: 'submit' }, words.t('applyFilters')),
  );
  return form;
}

/** @param {OpsList['applications'][number]} row */
function listRow(row) {
  return el(
    'tr',
    { 'data-application-id': row.id },
    el(
      'td',
      {},
      el('a', { href: `#/applications/${row.id}` }, row.id),
      el('div', { class: 'muted' }, row.bundleId),
    ),
    el('td', {}, el('span', { class: `status status-${row.status}` }, statusText(row.status))),
    el(
      'td',
      {},
      el(
        'ul',
        { class: 'reasons' },
        row.reasons.map((r) => el('li', {}, el('strong', {}, stuckLabel(r.code)), ': ', r.message)),
      ),
    ),
    el('td', {}, timeAgo(row.since), el('div', { class: 'muted' }, timeElement(row.since))),
  );
}

/**
 * Stuck applications, oldest reason first, with the filters of `GET /v1/ops/applications`, and
 * a panel that retries or re-sends everything they match.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderStuckList(main, { params, signal, reload }) {
  /** @type {Record<string, string | undefined>} */
  const query = Object.fromEntries(filterNames.map((name) => [name, params.get(name) ?? undefined]));
  const bundles = await api('GET', '/v1/bundles')
    .then((/** @type {{ bundles: BundleSummary[] }} */ body) => body.bundles)
    .catch(() => []);
  const rows = el('tbody');
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const summary = el('p', { class: 'muted', role: 'status', 'data-testid': 'stuck-count' });
  const more = el('button', { type: 'button', hidden: true }, words.t('more'));
  let shown = 0;

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {OpsList} */
    const page = await api('GET', withQuery('/v1/ops/applications', { ...query, cursor }));
    if (signal.aborted) return;
    rows.append(...page.applications.map(listRow));
    shown += page.applications.length;
    summary.textContent = shown === 0 ? words.t('none') : words.t('shown', shown);
    more.hidden = page.nextCursor === null;
    more.onclick = () => void load(page.nextCursor ?? undefined).catch(showError);
  }
  function showError(/** @type {unknown} */ err) {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
  }

  main.replaceChildren(
    el('h1', {}, words.t('heading')),
    filterForm(params, bundles, reload),
    error,
    summary,
    beijingTimeNote(),
    scrollRegion(
      words.t('listLabel'),
      el(
        'table',
        { class: 'list', 'data-testid': 'stuck-list' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            /** @type {const} */ (['application', 'status', 'why', 'since']).map((key) =>
              el('th', {}, words.t(key)),
            ),
          ),
        ),
        rows,
      ),
    ),
    more,
    bulkStartPanel(params),
  );
  await load(undefined).catch((/** @type {unknown} */ err) => {
    // Filters the API refuses are shown beside the form; an expired session goes to sign-in.
    if (err instanceof ApiProblem && err.status === 400) showError(err);
    else throw err;
  });
}
