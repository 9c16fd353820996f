import { api } from './api.js';
import { field, el } from './dom.js';
import { dateTime, timeAgo, titleText } from './format.js';
import { noticeBox, numberInput, reasonForm } from './action-form.js';

/** @typedef {import('./types').DepartmentState} DepartmentState */
/** @typedef {import('./action-form.js').Report} Report */
/** @typedef {import('./app.js').PageContext} PageContext */

// Often enough to see calls pile up behind a pause; a row is drawn again only when its state changes.
const refreshEveryMs = 5000;

/** @param {string} department */
const departmentPath = (department, /** @type {string} */ action) =>
  `/v1/ops/departments/${encodeURIComponent(department)}/${action}`;

/** @param {DepartmentState} department */
function stateOf({ paused }) {
  if (!paused) return el('span', { class: 'status status-completed' }, 'open');
  return [
    el('span', { class: 'status status-paused' }, 'paused'),
    el('div', {}, `since ${dateTime(paused.pausedAt)} (${timeAgo(paused.pausedAt)})`),
    el('div', {}, `by ${paused.pausedBy}`),
    el('div', {}, 'why: ', el('q', {}, paused.reason)),
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
          label: 'Pause',
          explain: `Hold every call to ${id}: the applications wait and nothing fails.`,
          send: async (reason) => {
            await api('POST', departmentPath(id, 'pause'), { reason });
            return `${id} paused: its calls wait until it is resumed.`;
          },
        },
      ],
    });
  const rate = numberInput('ratePerSecond', 10, 1, 100);
  return reasonForm({
    report,
    fields: [field('Rate (calls per second)', rate, 'waiting calls woken a second, 1 to 100')],
    buttons: [
      {
        label: 'Resume',
        explain: `Call ${id} again; the waiting calls go out at the rate given.`,
        send: async (reason) => {
          const ratePerSecond = Number(rate.value);
          await api('POST', departmentPath(id, 'resume'), { reason, ratePerSecond });
          return `${id} resumed: the waiting calls go out at ${ratePerSecond} a second.`;
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
    el('h1', {}, 'Departments'),
    el(
      'p',
      { class: 'muted' },
      'Pause a department for an outage: calls to it wait in their applications and nothing fails. ',
      'Resume it when it is back; the waiting calls go out at the rate given, so it is not flooded.',
    ),
    notice,
    el(
      'table',
      { class: 'list', 'data-testid': 'departments' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Department', 'State', 'Calls waiting', 'Action'].map((h) => el('th', {}, h)),
        ),
      ),
      rows,
    ),
  );
  await refresh();
}
