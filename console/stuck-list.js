import { ApiProblem, api, withQuery } from './api.js';
import { bulkStartPanel } from './bulk-start.js';
import { el, field } from './dom.js';
import { applicationStatuses, stuckCodes } from './contract.js';
import { dateTime, statusText, stuckLabel, stuckLabels, timeAgo, titleText } from './format.js';

/** @typedef {import('./types').OpsList} OpsList */
/** @typedef {import('./types').BundleSummary} BundleSummary */
/** @typedef {import('./app.js').PageContext} PageContext */

/** The list's filters: named as `GET /v1/ops/applications` names its query parameters. */
const textFilters = [
  { name: 'department', label: 'Department', hint: 'e.g. police' },
  { name: 'retryingLongerThan', label: 'Retrying longer than', hint: 'e.g. 10m, 2h' },
  { name: 'attemptsAtLeast', label: 'Attempts at least', hint: '2 when neither is given' },
  { name: 'waitingLongerThan', label: 'Waiting longer than', hint: 'e.g. 1d' },
];
const filterNames = ['stuck', 'status', 'bundle', ...textFilters.map((f) => f.name)];

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
    el('option', { value: '' }, 'All bundles'),
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
      'Why stuck (all when none)',
      stuckCodes.map((code) => [code, stuckLabels[code]]),
      listOf('stuck'),
    ),
    checkboxes(
      'status',
      'Application status (all when none)',
      applicationStatuses.map((s) => [s, statusText(s)]),
      listOf('status'),
    ),
    el(
      'div',
      { class: 'inline' },
      field('Bundle', bundle),
      textFilters.map((f) =>
        field(f.label, el('input', { name: f.name, value: params.get(f.name) ?? '' }), f.hint),
      ),
    ),
    el('button', { type: 'submit' }, 'Apply filters'),
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
    el('td', {}, timeAgo(row.since), el('div', { class: 'muted' }, dateTime(row.since))),
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
  const summary = el('p', { class: 'muted', 'data-testid': 'stuck-count' });
  const more = el('button', { type: 'button', hidden: true }, 'More');
  let shown = 0;

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {OpsList} */
    const page = await api('GET', withQuery('/v1/ops/applications', { ...query, cursor }));
    if (signal.aborted) return;
    rows.append(...page.applications.map(listRow));
    shown += page.applications.length;
    summary.textContent = shown === 0 ? 'No stuck application matches.' : `${shown} shown, oldest first.`;
    more.hidden = page.nextCursor === null;
    more.onclick = () => void load(page.nextCursor ?? undefined).catch(showError);
  }
  function showError(/** @type {unknown} */ err) {
    error.textContent = err instanceof Error ? err.message : String(err);
    error.hidden = false;
  }

  main.replaceChildren(
    el('h1', {}, 'Stuck applications'),
    filterForm(params, bundles, reload),
    error,
    summary,
    el(
      'table',
      { class: 'list', 'data-testid': 'stuck-list' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'Application'),
          el('th', {}, 'Status'),
          el('th', {}, 'Why'),
          el('th', {}, 'Since'),
        ),
      ),
      rows,
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
