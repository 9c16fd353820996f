import { ApiProblem, api, withQuery } from './api.js';
import { taskKinds } from './contract.js';
import { el, field } from './dom.js';
import { currentLanguage } from './i18n.js';
import { followTasks } from './work-list-live.js';
import { daysText, valueName, words } from './work-list-words.js';

/** @typedef {import('./types').TaskView} TaskView */
/** @typedef {import('./types').TaskList} TaskList */
/** @typedef {import('./types').Session} Session */
/** @typedef {import('./app.js').PageContext} PageContext */

/**
 * The list's filters as the address keeps them (a reload keeps them too). `status` is one of the
 * API's, `all` for none, or unset: the work still to do (`active=true`).
 * @typedef {{ status: string, kind: string, overdue: boolean, queue: string, department: string }} Filters
 */

const toDo = 'active';
const statusChoices = [toDo, 'open', 'claimed', 'completed', 'all'];

/**
 * What the list shows: a clerk who supervises sees the two queues as tabs; other clerks their
 * department's queue (an escalated task is their supervisor's); operators any, by filter.
 * @param {URLSearchParams} params
 * @param {Session} session
 * @returns {Filters}
 */
function filtersOf(params, session) {
  const clerk = session.role.startsWith('clerk');
  const asked = params.get('queue') ?? '';
  const queue = clerk
    ? session.supervisor && asked === 'supervisor'
      ? 'supervisor'
      : 'department'
    : ['department', 'supervisor'].includes(asked)
      ? asked
      : '';
  const status = params.get('status') ?? toDo;
  return {
    status: statusChoices.includes(status) ? status : toDo,
    kind: /** @type {readonly string[]} */ (taskKinds).includes(params.get('kind') ?? '')
      ? (params.get('kind') ?? '')
      : '',
    overdue: params.get('overdue') === 'true',
    queue,
    department: params.get('department') ?? '',
  };
}

/**
 * The address of the list with these filters.
 * @param {Filters} filters
 */
const addressOf = (filters) =>
  withQuery('#/tasks', {
    status: filters.status === toDo ? undefined : filters.status,
    kind: filters.kind,
    overdue: filters.overdue ? 'true' : undefined,
    queue: filters.queue,
    department: filters.department,
  });

/**
 * Whether a task belongs in the list as filtered: what the API filters by, asked of one task.
 * @param {TaskView} task
 * @param {Filters} filters
 */
function matches(task, filters) {
  return (
    (filters.status === 'all' ||
      (filters.status === toDo ? task.status !== 'completed' : task.status === filters.status)) &&
    (filters.kind === '' || task.kind === filters.kind) &&
    (!filters.overdue || task.overdue) &&
    (filters.queue === '' || task.queue === filters.queue) &&
    (filters.department === '' || task.department === filters.department)
  );
}

/** Earliest due first, then by id: the API's order. */
const before = (/** @type {TaskView} */ a, /** @type {TaskView} */ b) =>
  a.dueAt === b.dueAt ? a.id < b.id : Date.parse(a.dueAt) < Date.parse(b.dueAt);

/** A due time in Beijing time, whatever the browser's own time zone. */
function beijingTime(/** @type {string} */ iso) {
  return new Intl.DateTimeFormat(currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** The assignee's name: the API says "<key id> <name>". */
const assigneeName = (/** @type {string} */ assignee) => assignee.slice(assignee.indexOf(' ') + 1);

/**
 * @param {URLSearchParams} params
 * @param {Session} session
 * @param {Filters} filters
 */
function queueTabs(params, session, filters) {
  if (!session.supervisor) return null;
  const tab = (/** @type {string} */ queue, /** @type {string} */ label) =>
    el(
      'a',
      {
        href: addressOf({ ...filtersOf(params, session), queue }),
        'aria-current': filters.queue === queue ? 'page' : null,
        class: 'tab',
      },
      label,
    );
  return el(
    'nav',
    { class: 'tabs', 'aria-label': words.t('queues') },
    tab('department', words.t('departmentQueue')),
    tab('supervisor', words.t('supervisorQueue')),
  );
}

/**
 * @param {Filters} filters
 * @param {Session} session
 * @param {() => void} reload
 */
function filterForm(filters, session, reload) {
  const language = currentLanguage();
  /** @type {Record<string, string>} */
  const statusNames = {
    [toDo]: words.t('toDo'),
    all: words.t('anyStatus'),
  };
  const status = el(
    'select',
    { name: 'status' },
    statusChoices.map((value) =>
      el(
        'option',
        { value, selected: filters.status === value },
        statusNames[value] ?? valueName(language, /** @type {TaskView['status']} */ (value)),
      ),
    ),
  );
  const kind = el(
    'select',
    { name: 'kind' },
    el('option', { value: '' }, words.t('anyKind')),
    taskKinds.map((value) =>
      el('option', { value, selected: filters.kind === value }, valueName(language, value)),
    ),
  );
  const overdue = el('input', { type: 'checkbox', name: 'overdue', checked: filters.overdue });
  // Every operator chooses a queue; one of every department (not `operator:<department>`) a department.
  const anyOperator = session.role.startsWith('operator');
  const operator = session.role === 'operator';
  const queue = el(
    'select',
    { name: 'queue' },
    el('option', { value: '' }, words.t('anyQueue')),
    el(
      'option',
      { value: 'department', selected: filters.queue === 'department' },
      words.t('departmentQueue'),
    ),
    el(
      'option',
      { value: 'supervisor', selected: filters.queue === 'supervisor' },
      words.t('supervisorQueue'),
    ),
  );
  const department = el('input', { name: 'department', value: filters.department });
  const form = el(
    'form',
    {
      class: 'filters inline',
      'aria-label': words.t('filters'),
      onsubmit: (event) => {
        event.preventDefault();
        const target = addressOf({
          status: status.value,
          kind: kind.value,
          overdue: overdue.checked,
          // A clerk's queue is the tab's; an operator's the filter's.
          queue: anyOperator ? queue.value : filters.queue,
          department: operator ? department.value.trim() : '',
        });
        if (location.hash === target) reload();
        else location.hash = target;
      },
    },
    field(words.t('status'), status),
    field(words.t('kind'), kind),
    anyOperator ? field(words.t('queues'), queue) : null,
    operator ? field(words.t('department'), department, words.t('departmentHint')) : null,
    el('label', { class: 'check' }, overdue, ` ${words.t('overdueOnly')}`),
    el('button', { type: 'submit' }, words.t('apply')),
  );
  return form;
}

/**
 * The clerks' work list: their department's tasks earliest due first, filtered as the address
 * says, claimed and released row by row, kept up to date by the live view (GET /v1/tasks/events).
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderWorkList(main, { params, signal, session, reload, fail }) {
  const filters = filtersOf(params, session);
  const clerk = session.role.startsWith('clerk');
  const rows = el('tbody');
  /** @type {Map<string, { task: TaskView, row: HTMLTableRowElement }>} */
  const shown = new Map();
  /** @type {TaskView[]} */
  let order = [];
  /** The last task of the pages loaded; tasks due after it come with "more". */
  let lastLoaded = /** @type {TaskView | undefined} */ (undefined);
  let complete = false;
  const error = el('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'work-list-error' });
  const notice = el('p', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'work-list-notice' });
  const count = el('p', { class: 'muted', 'data-testid': 'work-list-count' });
  const liveState = el('p', { class: 'muted', 'data-testid': 'work-list-live' });
  const more = el('button', { type: 'button', hidden: true }, words.t('more'));

  function showError(/** @type {unknown} */ err) {
    if (err instanceof ApiProblem && err.status === 401) return fail(err);
    error.textContent = err instanceof ApiProblem ? err.message : words.t('unreachable');
    error.hidden = false;
  }

  /**
   * A claim or release from the row's button; the row is drawn again with the task's new state.
   * @param {TaskView} task
   * @param {'claim' | 'release'} action
   */
  async function act(task, action) {
    error.hidden = true;
    try {
      /** @type {TaskView} */
      const changed = await api('POST', `/v1/tasks/${task.id}/${action}`);
      place(changed, true);
      notice.textContent =
        action === 'claim' ? words.t('claimed', changed.stepId) : words.t('released', changed.stepId);
    } catch (err) {
      showError(err);
    }
  }

  /** @param {TaskView} task */
  function rowOf(task) {
    const mine = task.assignee !== null && assigneeName(task.assignee) === session.name;
    const button = (/** @type {'claim' | 'release'} */ action) =>
      el(
        'button',
        {
          type: 'button',
          'data-action': action,
          'aria-label':
            action === 'claim' ? words.t('claimTask', task.stepId) : words.t('releaseTask', task.stepId),
          onclick: () => void act(task, action),
        },
        action === 'claim' ? words.t('claim') : words.t('release'),
      );
    const language = currentLanguage();
    return el(
      'tr',
      { 'data-task-id': task.id, class: task.overdue ? 'overdue' : null },
      el(
        'td',
        {},
        el('a', { href: `#/tasks/${task.id}` }, task.stepId),
        el('div', { class: 'muted' }, `${task.department} · ${task.service}`),
        task.rectification ? el('div', { class: 'tag' }, words.t('rectification')) : null,
      ),
      el('td', { class: 'id' }, task.applicationId),
      el('td', {}, valueName(language, task.kind)),
      el('td', {}, String(task.round)),
      el(
        'td',
        {},
        valueName(language, task.status),
        task.queue === 'supervisor' ? el('div', { class: 'tag' }, words.t('supervisorTag')) : null,
      ),
      el('td', {}, task.assignee === null ? words.t('unclaimed') : assigneeName(task.assignee)),
      el(
        'td',
        { 'data-testid': 'due' },
        el('time', { datetime: task.dueAt }, beijingTime(task.dueAt)),
        task.overdue ? el('strong', { class: 'overdue-mark' }, ` ${words.t('overdue')}`) : null,
        task.status === 'completed' ? null : el('div', { class: 'days' }, daysText(task)),
      ),
      el(
        'td',
        {},
        // Claims are the clerks' (operators reassign from the application page); a release is the assignee's.
        clerk && task.status === 'open' ? button('claim') : null,
        clerk && task.status === 'claimed' && mine ? button('release') : null,
      ),
    );
  }

  /**
   * Puts a task where it belongs in the list: drawn again in its place, moved, added, or taken
   * out once it no longer matches the filters. A task due after the pages loaded so far waits
   * for "more". `focus`: the row was acted on from the keyboard; focus stays on it.
   * @param {TaskView} task
   * @param {boolean} [focus]
   */
  function place(task, focus = false) {
    const current = shown.get(task.id);
    // An older state (a frame read before the answer to one's own claim) changes nothing.
    if (current && Date.parse(current.task.updatedAt) > Date.parse(task.updatedAt)) return;
    if (current && !focus && current.task.updatedAt === task.updatedAt) return;
    // A row redrawn while focus is in it keeps focus, on its action (or its link).
    focus ||= current?.row.contains(document.activeElement) === true;
    const keep = matches(task, filters) && (complete || !lastLoaded || !before(lastLoaded, task));
    current?.row.remove();
    order = order.filter((t) => t.id !== task.id);
    shown.delete(task.id);
    if (keep) {
      const row = rowOf(task);
      const at = order.findIndex((t) => before(task, t));
      const next = at < 0 ? undefined : shown.get(order[at]?.id ?? '')?.row;
      rows.insertBefore(row, next ?? null);
      order.splice(at < 0 ? order.length : at, 0, task);
      shown.set(task.id, { task, row });
      if (focus) (row.querySelector('button') ?? row.querySelector('a'))?.focus();
    } else if (focus) count.focus();
    counted();
  }

  function counted() {
    count.textContent = shown.size === 0 ? words.t('none') : words.t('shown', shown.size);
  }

  async function load(/** @type {string | undefined} */ cursor) {
    /** @type {TaskList} */
    const page = await api(
      'GET',
      withQuery('/v1/tasks', {
        status: filters.status === 'all' || filters.status === toDo ? undefined : filters.status,
        active: filters.status === toDo ? 'true' : undefined,
        kind: filters.kind,
        overdue: filters.overdue ? 'true' : undefined,
        queue: filters.queue,
        department: filters.department,
        cursor,
      }),
    );
    if (signal.aborted) return;
    complete = page.nextCursor === null;
    lastLoaded = page.tasks.at(-1) ?? lastLoaded;
    for (const task of page.tasks) place(task);
    counted();
    more.hidden = complete;
    more.onclick = () => void load(page.nextCursor ?? undefined).catch(showError);
  }

  count.setAttribute('tabindex', '-1');
  main.replaceChildren(
    el('h1', {}, words.t('title')),
    el('p', {}, words.t('intro')),
    queueTabs(params, session, filters) ?? '',
    filterForm(filters, session, reload),
    liveState,
    error,
    notice,
    count,
    el(
      'table',
      { class: 'list work-list', 'data-testid': 'work-list' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          [
            words.t('step'),
            words.t('application'),
            words.t('kind'),
            words.t('round'),
            words.t('status'),
            words.t('assignee'),
            words.t('due'),
            words.t('actions'),
          ].map((heading) => el('th', { scope: 'col' }, heading)),
        ),
      ),
      rows,
    ),
    more,
  );

  // Following first, then loading: a change after the stream opened comes through it, one
  // before is in the list.
  await followTasks({
    department: filters.department,
    signal,
    onTask: (task) => {
      const arrived = !shown.has(task.id);
      place(task);
      if (arrived && shown.has(task.id)) notice.textContent = words.t('arrived', task.stepId);
    },
    onState: (state) => {
      liveState.textContent = state === 'live' ? words.t('live') : words.t('reconnecting');
    },
  });
  await load(undefined).catch((/** @type {unknown} */ err) => {
    if (err instanceof ApiProblem && (err.status === 400 || err.status === 403)) showError(err);
    else throw err;
  });
}
