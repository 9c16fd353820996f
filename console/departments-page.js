import { api } from './api.js';
import { field, el, scrollRegion } from './dom.js';
import { beijingTimeNote, statusText, timeAgo, timeElement, titleText } from './format.js';
import { noticeBox, numberInput, reasonForm } from './action-form.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').DepartmentState} DepartmentState */
/** @typedef {import('./action-form.js').Report} Report */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    since: '自',
    by: (/** @type {string} */ who) => `操作者 ${who}`,
    why: '原因：',
    pause: '暂停',
    pauseExplain: (/** @type {string} */ id) => `暂停对 ${id} 的所有调用：办件等待，不会失败。`,
    paused: (/** @type {string} */ id) => `${id} 已暂停：对它的调用等待恢复。`,
    rate: '速率（每秒调用数）',
    rateHint: '每秒唤醒的等待调用数，1 到 100',
    resume: '恢复',
    resumeExplain: (/** @type {string} */ id) => `再次调用 ${id}；等待的调用按给定速率发出。`,
    resumed: (/** @type {string} */ id, /** @type {number} */ rate) =>
      `${id} 已恢复：等待的调用以每秒 ${rate} 个发出。`,
    heading: '部门',
    intro1: '部门系统故障时可暂停该部门：对它的调用在办件中等待，不会失败。',
    intro2: '恢复后，等待的调用按给定速率发出，以免冲垮部门系统。',
    department: '部门',
    state: '状态',
    waiting: '等待的调用',
    action: '操作',
    tableLabel: '部门表',
  },
  en: {
    since: 'since',
    by: (who) => `by ${who}`,
    why: 'why: ',
    pause: 'Pause',
    pauseExplain: (id) => `Hold every call to ${id}: the applications wait and nothing fails.`,
    paused: (id) => `${id} paused: its calls wait until it is resumed.`,
    rate: 'Rate (calls per second)',
    rateHint: 'waiting calls woken a second, 1 to 100',
    resume: 'Resume',
    resumeExplain: (id) => `Call ${id} again; the waiting calls go out at the rate given.`,
    resumed: (id, rate) => `${id} resumed: the waiting calls go out at ${rate} a second.`,
    heading: 'Departments',
    intro1: 'Pause a department for an outage: calls to it wait in their applications and nothing fails. ',
    intro2: 'Resume it when it is back; the waiting calls go out at the rate given, so it is not flooded.',
    department: 'Department',
    state: 'State',
    waiting: 'Calls waiting',
    action: 'Action',
    tableLabel: 'Departments, the table',
  },
});

// Often enough to see calls pile up behind a pause; a row is drawn again only when its state changes.
const refreshEveryMs = 5000;

/** @param {string} department */
const departmentPath = (department, /** @type {string} */ action) =>
  `/v1/ops/departments/${encodeURIComponent(department)}/${action}`;

/** @param {DepartmentState} department */
function stateOf({ paused }) {
  if (!paused) return el('span', { class: 'status status-completed' }, statusText('open'));
  return [
    el('span', { class: 'status status-paused' }, statusText('paused')),
    el('div', {}, `${words.t('since')} `, timeElement(paused.pausedAt), ` (${timeAgo(paused.pausedAt)})`),
    el('div', {}, words.t('by', paused.pausedBy)),
    el('div', {}, words.t('why'), el('q', {}, paused.reason)),
  ];
}

/**
 * Pause for an open department; resume, at a rate, for a paused one.
 * @param {DepartmentState} department
 * @param {Report} report
 */
function actionsOf(department, report) {
  const { id } = department;
  if (!department.paused)
    return reasonForm({
      report,
      buttons: [
        {
          label: words.t('pause'),
          explain: words.t('pauseExplain', id),
          send: async (reason) => {
            await api('POST', departmentPath(id, 'pause'), { reason });
            return words.t('paused', id);
          },
        },
      ],
    });
  const rate = numberInput('ratePerSecond', 10, 1, 100);
  return reasonForm({
    report,
    fields: [field(words.t('rate'), rate, words.t('rateHint'))],
    buttons: [
      {
        label: words.t('resume'),
        explain: words.t('resumeExplain', id),
        send: async (reason) => {
          const ratePerSecond = Number(rate.value);
          await api('POST', departmentPath(id, 'resume'), { reason, ratePerSecond });
          return words.t('resumed', id, ratePerSecond);
        },
      },
    ],
  });
}

/**
 * Outage mode: every department, open or paused (since when, by whom, why), how many calls wait
 * for it, and the buttons to pause or resume it.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderDepartments(main, { signal, fail }) {
  const rows = el('tbody');
  /** @type {Map<string, { key: string, row: HTMLTableRowElement, waiting: HTMLElement }>} */
  const drawn = new Map();
  let generation = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));
  const { notice, report } = noticeBox(() => void refresh().catch(fail));

  /** @param {DepartmentState} department */
  function rowOf(department) {
    const waiting = el('td', { 'data-testid': 'waiting-steps' }, String(department.waitingSteps));
    const row = el(
      'tr',
      { 'data-department': department.id, 'data-state': department.paused ? 'paused' : 'open' },
      el(
        'td',
        {},
        el('strong', {}, department.id),
        el('div', { class: 'muted' }, titleText(department.title)),
      ),
      el('td', {}, stateOf(department)),
      waiting,
      el('td', {}, actionsOf(department, report)),
    );
    return { row, waiting };
  }

  async function refresh() {
    const mine = ++generation;
    clearTimeout(timer);
    /** @type {{ departments: DepartmentState[] }} */
    const body = await api('GET', '/v1/ops/departments');
    if (signal.aborted || mine !== generation) return;
    const list = body.departments.map((department) => {
      const key = department.paused ? `paused ${department.paused.pausedAt}` : 'open';
      let shown = drawn.get(department.id);
      // Redrawn only when paused or resumed: a reason being typed survives the refresh.
      if (shown?.key !== key) {
        shown = { key, ...rowOf(department) };
        drawn.set(department.id, shown);
      }
      shown.waiting.textContent = String(department.waitingSteps);
      return shown.row;
    });
    // Rows moved in the page lose the focus of a reason being typed: only a changed list is put back.
    if (list.length !== rows.children.length || list.some((row, i) => rows.children[i] !== row))
      rows.replaceChildren(...list);
    timer = setTimeout(() => void refresh().catch(fail), refreshEveryMs);
  }

  main.replaceChildren(
    el('h1', {}, words.t('heading')),
    el('p', { class: 'muted' }, words.t('intro1'), words.t('intro2')),
    beijingTimeNote(),
    notice,
    scrollRegion(
      words.t('tableLabel'),
      el(
        'table',
        { class: 'list', 'data-testid': 'departments' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            /** @type {const} */ (['department', 'state', 'waiting', 'action']).map((key) =>
              el('th', {}, words.t(key)),
            ),
          ),
        ),
        rows,
      ),
    ),
  );
  await refresh();
}
