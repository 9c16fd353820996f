import { ApiProblem, api, withQuery } from './api.js';
import { el, field, scrollRegion } from './dom.js';
import { beijingTimeNote, timeElement } from './format.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').AuditList} AuditList */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    heading: '审计日志',
    applicationId: '办件 id',
    action: '操作',
    actionHint: '例如 step.retry',
    actor: '操作者密钥 id',
    from: '起（北京时间）',
    to: '止（北京时间）',
    applyFilters: '应用筛选',
    more: '更多',
    none: '没有符合条件的记录。',
    when: '时间',
    who: '操作者',
    application: '办件',
    target: '环节或对象',
    reason: '原因',
    result: '结果',
    ok: '成功',
    refused: '被拒绝',
    tableLabel: '审计日志表',
  },
  en: {
    heading: 'Audit log',
    applicationId: 'Application id',
    action: 'Action',
    actionHint: 'e.g. step.retry',
    actor: 'Actor key id',
    from: 'From (Beijing time)',
    to: 'To (Beijing time)',
    applyFilters: 'Apply filters',
    more: 'More',
    none: 'No entry matches.',
    when: 'When',
    who: 'Who',
    application: 'Application',
    target: 'Step or target',
    reason: 'Reason',
    result: 'Result',
    ok: 'ok',
    refused: 'refused',
    tableLabel: 'Audit log, the table',
  },
});

/** The filters of `GET /v1/ops/audit`; `from` and `to` are entered in Beijing time. */
const filters = /** @type {const} */ ([
  { name: 'applicationId', type: 'text' },
  { name: 'action', type: 'text', hint: 'actionHint' },
  { name: 'actor', type: 'text' },
  { name: 'from', type: 'datetime-local' },
  { name: 'to', type: 'datetime-local' },
]);
const timeFilters = ['from', 'to'];
// Beijing is UTC+8 all year (no daylight saving), whatever zone the browser is in.
const beijingOffsetMs = 8 * 3_600_000;

/**
 * A `datetime-local` value, read as Beijing time, as the ISO instant the API expects.
 * @param {string} local
 */
function isoOf(local) {
  const asUtc = Date.parse(`${local}Z`);
  return Number.isNaN(asUtc) ? '' : new Date(asUtc - beijingOffsetMs).toISOString();
}

/**
 * @param {string} iso
 * @returns {string} the same instant as a `datetime-local` value in Beijing time
 */
function localOf(iso) {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  return new Date(time + beijingOffsetMs).toISOString().slice(0, 19);
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
    inputs.map((f) => field(words.t(f.name), f.input, 'hint' in f ? words.t(f.hint) : undefined)),
    el('button', { type: 'submit' }, words.t('applyFilters')),
  );
}

/** @param {AuditList['entries'][number]} entry */
function auditRow(entry) {
  const cells = [
    timeElement(entry.at),
    el('span', { title: entry.actor.keyId }, `${entry.actor.name} (${entry.role})`),
    entry.action,
    entry.applicationId
      ? el('a', { href: `#/applications/${entry.applicationId}` }, entry.applicationId)
      : '—',
    entry.stepId ?? entry.target ?? '—',
    entry.reason ?? '—',
    el(
      'span',
      { class: entry.result === 'ok' ? 'result-ok' : 'result-refused' },
      entry.result === 'ok' ? words.t('ok') : entry.result === 'refused' ? words.t('refused') : entry.result,
    ),
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
  const more = el('button', { type: 'button', hidden: true }, words.t('more'));

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {AuditList} */
    const page = await api('GET', withQuery('/v1/ops/audit', { ...query, cursor }));
    if (signal.aborted) return;
    rows.append(...page.entries.map(auditRow));
    if (rows.childElementCount === 0)
      rows.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, words.t('none'))));
    more.hidden = page.nextCursor === null;
    more.onclick = () =>
      void load(page.nextCursor ?? undefined).catch((/** @type {unknown} */ err) => {
        error.textContent = err instanceof Error ? err.message : String(err);
        error.hidden = false;
      });
  }

  main.replaceChildren(
    el('h1', {}, words.t('heading')),
    filterForm(params, reload),
    error,
    beijingTimeNote(),
    scrollRegion(
      words.t('tableLabel'),
      el(
        'table',
        { class: 'list', 'data-testid': 'audit-log' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            /** @type {const} */ (['when', 'who', 'action', 'application', 'target', 'reason', 'result']).map(
              (key) => el('th', {}, words.t(key)),
            ),
          ),
        ),
        rows,
      ),
    ),
    more,
  );
  await load(undefined).catch((/** @type {unknown} */ err) => {
    if (!(err instanceof ApiProblem && err.status === 400)) throw err;
    error.textContent = err.message;
    error.hidden = false;
  });
}
