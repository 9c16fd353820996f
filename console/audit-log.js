import { ApiProblem, api, withQuery } from './api.js';
import { el, field } from './dom.js';
import { dateTime } from './format.js';

/** @typedef {import('./types').AuditList} AuditList */
/** @typedef {import('./app.js').PageContext} PageContext */

/** The filters of `GET /v1/ops/audit`; `from` and `to` are entered as local times. */
const filters = [
  { name: 'applicationId', label: 'Application id', type: 'text' },
  { name: 'action', label: 'Action', type: 'text', hint: 'e.g. step.retry' },
  { name: 'actor', label: 'Actor key id', type: 'text' },
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'To', type: 'datetime-local' },
];
const timeFilters = ['from', 'to'];

/**
 * A `datetime-local` value (local time, no zone) as the ISO instant the API expects.
 * @param {string} local
 */
const isoOf = (local) => (local ? new Date(local).toISOString() : '');

/**
 * @param {string} iso
 * @returns {string} the same instant as a `datetime-local` value
 */
function localOf(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/**
 * @param {URLSearchParams} params
 * @param {() => void} reload
 */
function filterForm(params, reload) {
  const inputs = filters.map((f) => {
    const value = params.get(f.name) ?? '';
    return {
      ...f,
      input: el('input', {
        name: f.name,
        type: f.type,
        step: f.type === 'datetime-local' ? 1 : null,
        value: timeFilters.includes(f.name) ? localOf(value) : value,
      }),
    };
  });
  return el(
    'form',
    {
      class: 'filters inline',
      onsubmit: (event) => {
        event.preventDefault();
        /** @type {Record<string, string>} */
        const query = {};
        for (const { name, input } of inputs) {
          const value = input.value.trim();
          if (value) query[name] = timeFilters.includes(name) ? isoOf(value) : value;
        }
        const target = withQuery('#/audit', query);
        if (location.hash === target) reload();
        else location.hash = target;
      },
    },
    inputs.map((f) => field(f.label, f.input, f.hint)),
    el('button', { type: 'submit' }, 'Apply filters'),
  );
}

/** @param {AuditList['entries'][number]} entry */
function auditRow(entry) {
  const cells = [
    dateTime(entry.at),
    el('span', { title: entry.actor.keyId }, `${entry.actor.name} (${entry.role})`),
    entry.action,
    entry.applicationId
      ? el('a', { href: `#/applications/${entry.applicationId}` }, entry.applicationId)
      : '—',
    entry.stepId ?? entry.target ?? '—',
    entry.reason ?? '—',
    el('span', { class: entry.result === 'ok' ? 'result-ok' : 'result-refused' }, entry.result),
  ];
  return el(
    'tr',
    { 'data-action': entry.action },
    cells.map((c) => el('td', {}, c)),
  );
}

/**
 * The audit log, newest first: who did what to which application, why, and with what result.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderAuditLog(main, { params, signal, reload }) {
  /** @type {Record<string, string | undefined>} */
  const query = Object.fromEntries(filters.map((f) => [f.name, params.get(f.name) ?? undefined]));
  const rows = el('tbody');
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const more = el('button', { type: 'button', hidden: true }, 'More');

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {AuditList} */
    const page = await api('GET', withQuery('/v1/ops/audit', { ...query, cursor }));
    if (signal.aborted) return;
    rows.append(...page.entries.map(auditRow));
    if (rows.childElementCount === 0)
      rows.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No entry matches.')));
    more.hidden = page.nextCursor === null;
    more.onclick = () =>
      void load(page.nextCursor ?? undefined).catch((/** @type {unknown} */ err) => {
        error.textContent = err instanceof Error ? err.message : String(err);
        error.hidden = false;
      });
  }

  main.replaceChildren(
    el('h1', {}, 'Audit log'),
    filterForm(params, reload),
    error,
    el(
      'table',
      { class: 'list', 'data-testid': 'audit-log' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['When', 'Who', 'Action', 'Application', 'Step or target', 'Reason', 'Result'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      rows,
    ),
    more,
  );
  await load(undefined).catch((/** @type {unknown} */ err) => {
    if (!(err instanceof ApiProblem && err.status === 400)) throw err;
    error.textContent = err.message;
    error.hidden = false;
  });
}
