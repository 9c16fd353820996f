import { api } from './api.js';
import { el, facts, redrawUnlessFocused, safeHttpUrl, scrollRegion, table } from './dom.js';
import { finalApplicationStatuses } from './contract.js';
import {
  beijingTimeNote,
  dateTime,
  estimatedText,
  statusText,
  stuckLabel,
  timeAgo,
  timeElement,
  titleText,
  workingDays,
} from './format.js';
import { wordsOf } from './i18n.js';
import { repairPanels, repairPanelsKey } from './repair-actions.js';
import { chartLegend, timelineChart } from './timeline-chart.js';

/** @typedef {import('./types').OpsApplication} OpsApplication */
/** @typedef {import('./types').PendingCall} PendingCall */
/** @typedef {import('./types').StepView} StepView */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    status: '状态',
    bundle: '事项',
    bundleVersion: (/** @type {string} */ id, /** @type {number} */ v) => `${id}（第 ${v} 版）`,
    submitted: '提交时间',
    due: '办结期限',
    promised: (/** @type {string} */ days) => `承诺时限 ${days}`,
    lastChange: '最后变动',
    workflow: '工作流',
    inTemporal: (/** @type {string} */ id) => `${id}（在 Temporal UI 中打开）`,
    notStuck: '目前没有卡住。',
    sinceWhen: (/** @type {string} */ t) => `（自 ${t}）`,
    attemptsOf: (/** @type {number} */ n, /** @type {number | null} */ max) =>
      `第 ${n} 次，共 ${max ?? '不限'} 次`,
    temporalCouldNotTell: 'Temporal 无法提供。',
    noPendingCall: '没有待处理的部门调用。',
    step: '环节',
    call: '调用',
    state: '状态',
    attempt: '尝试',
    lastError: '最近错误（已脱敏）',
    nextAttempt: '下次尝试',
    givesUp: '放弃时间',
    department: '部门',
    attempts: '尝试次数',
    started: '开始',
    ended: '结束',
    receipt: '受理编号',
    waitingOrError: '等待或错误',
    inputs: '输入（已脱敏）',
    outputs: '输出（已脱敏）',
    at: '时间',
    data: '数据（已脱敏）',
    wholeApplication: '办件',
    heading: '办件 ',
    back: '← 卡住的办件',
    whyStuck: '卡住原因',
    stepTimeline: '环节时间线',
    repair: '处理',
    pendingCalls: '待处理的部门调用',
    steps: '环节',
    transitions: '状态变更记录',
    auditLog: '本办件的审计日志',
    ended_: '办件已结束，无需处理。',
    pendingCallsLabel: '待处理的部门调用表',
    stepsLabel: '环节表',
    transitionsLabel: '状态变更记录表',
  },
  en: {
    status: 'Status',
    bundle: 'Bundle',
    bundleVersion: (id, v) => `${id} (version ${v})`,
    submitted: 'Submitted',
    due: 'Due',
    promised: (days) => `promised limit ${days}`,
    lastChange: 'Last change',
    workflow: 'Workflow',
    inTemporal: (id) => `${id} in the Temporal UI`,
    notStuck: 'Not stuck now.',
    sinceWhen: (t) => ` (since ${t})`,
    attemptsOf: (n, max) => `${n} of ${max ?? 'unlimited'}`,
    temporalCouldNotTell: 'Temporal could not tell.',
    noPendingCall: 'No department call is pending.',
    step: 'Step',
    call: 'Call',
    state: 'State',
    attempt: 'Attempt',
    lastError: 'Last error (masked)',
    nextAttempt: 'Next attempt',
    givesUp: 'Gives up',
    department: 'Department',
    attempts: 'Attempts',
    started: 'Started',
    ended: 'Ended',
    receipt: 'Receipt',
    waitingOrError: 'Waiting or error',
    inputs: 'Inputs (masked)',
    outputs: 'Outputs (masked)',
    at: 'At',
    data: 'Data (masked)',
    wholeApplication: 'application',
    heading: 'Application ',
    back: '← Stuck applications',
    whyStuck: 'Why it is stuck',
    stepTimeline: 'Step timeline',
    repair: 'Repair',
    pendingCalls: 'Pending department calls',
    steps: 'Steps',
    transitions: 'Recorded transitions',
    auditLog: 'Audit log of this application',
    ended_: 'The application has ended: nothing to repair.',
    pendingCallsLabel: 'Pending department calls, the table',
    stepsLabel: 'Steps, the table',
    transitionsLabel: 'Recorded transitions, the table',
  },
});

/**
 * A due time with its working-day limit spelled out, and a warning when the calendar is a guess.
 * @param {string | null} dueAt
 * @param {number | null} limit working days
 * @param {boolean} estimated
 */
function dueText(dueAt, limit, estimated) {
  const notes = [
    limit === null ? null : words.t('promised', workingDays(limit)),
    estimated && dueAt ? estimatedText() : null,
  ].filter(Boolean);
  return [timeElement(dueAt), notes.length ? ` (${notes.join('; ')})` : ''];
}

// Often enough to watch a retry land; the list of stuck applications is not refreshed like this.
const refreshEveryMs = 2000;

/** @param {string} status */
const statusBadge = (status) => el('span', { class: `status status-${status}` }, statusText(status));

/** @param {unknown} value masked by the API */
const json = (value) => el('pre', { class: 'code' }, JSON.stringify(value, null, 2));

/** @param {OpsApplication} view */
function summary({ application, workflow }) {
  const temporalUi = safeHttpUrl(workflow.temporalUiUrl);
  return facts([
    [words.t('status'), el('span', { 'data-testid': 'application-status' }, statusBadge(application.status))],
    [words.t('bundle'), words.t('bundleVersion', application.bundleId, application.bundleVersion)],
    [words.t('submitted'), [timeElement(application.createdAt), ` (${timeAgo(application.createdAt)})`]],
    [words.t('due'), dueText(application.dueAt, application.promisedWorkingDays, application.dueAtEstimated)],
    [words.t('lastChange'), timeElement(application.updatedAt)],
    [
      words.t('workflow'),
      temporalUi
        ? el(
            'a',
            { href: temporalUi, target: '_blank', rel: 'noopener noreferrer' },
            words.t('inTemporal', workflow.workflowId),
          )
        : workflow.workflowId,
    ],
  ]);
}

/** @param {OpsApplication} view */
function reasons({ reasons: found }) {
  if (found.length === 0) return el('p', { class: 'muted' }, words.t('notStuck'));
  return el(
    'ul',
    { class: 'reasons' },
    found.map((r) =>
      el(
        'li',
        {},
        el('strong', {}, stuckLabel(r.code)),
        `: ${r.message}${words.t('sinceWhen', dateTime(r.since))}`,
      ),
    ),
  );
}

/** @param {PendingCall} call */
const attemptsOf = (call) => words.t('attemptsOf', call.attempt, call.maximumAttempts || null);

/** @param {OpsApplication} view */
function pendingCalls({ pendingCalls: calls, pendingCallsNote }) {
  if (calls === null) return el('p', { class: 'muted' }, pendingCallsNote ?? words.t('temporalCouldNotTell'));
  if (calls.length === 0) return el('p', { class: 'muted' }, words.t('noPendingCall'));
  return scrollRegion(
    words.t('pendingCallsLabel'),
    table(
      /** @type {const} */ (['step', 'call', 'state', 'attempt', 'lastError', 'nextAttempt', 'givesUp']).map(
        (key) => words.t(key),
      ),
      calls.map((c) => [
        c.stepId ?? '—',
        c.activityType,
        c.state,
        attemptsOf(c),
        c.lastFailure ?? '—',
        timeElement(c.nextAttemptAt),
        timeElement(c.givesUpAt),
      ]),
      { 'data-testid': 'pending-calls' },
    ),
  );
}

/** @param {StepView} step */
function stepProblem(step) {
  if (step.waiting) return step.waiting.message;
  if (step.error) return `${step.error.code}: ${step.error.message}`;
  return '—';
}

/** @param {OpsApplication} view */
function steps({ application, stepInputs, stepInputsNote }) {
  return table(
    /** @type {const} */ ([
      'step',
      'department',
      'status',
      'attempts',
      'started',
      'ended',
      'due',
      'receipt',
      'waitingOrError',
      'inputs',
      'outputs',
    ]).map((key) => words.t(key)),
    application.steps.map((s) => [
      titleText(s.title),
      s.department,
      statusBadge(s.status),
      String(s.attempts),
      timeElement(s.startedAt),
      timeElement(s.completedAt),
      dueText(s.dueAt, s.timeLimitWorkingDays, s.dueAtEstimated),
      s.receiptNumber ?? '—',
      stepProblem(s),
      stepInputs ? json(stepInputs[s.id] ?? {}) : (stepInputsNote ?? '—'),
      s.outputs ? json(s.outputs) : '—',
    ]),
    { 'data-testid': 'steps' },
  );
}

/** @param {OpsApplication} view */
function transitions({ timeline }) {
  return table(
    ['#', words.t('at'), words.t('step'), words.t('status'), words.t('data')],
    timeline.map((e) => [
      String(e.seq),
      timeElement(e.at),
      e.stepId ?? words.t('wholeApplication'),
      statusText(e.status),
      Object.keys(e.data).length ? json(e.data) : '',
    ]),
  );
}

const legend = () =>
  el(
    'ul',
    { class: 'legend' },
    [...chartLegend, 'not-started'].map((s) =>
      el('li', {}, el('span', { class: `swatch status-${s}` }), statusText(s)),
    ),
  );

/**
 * One application as an operator sees it, refreshed while it runs: summary, why it is stuck,
 * the step timeline as a chart, repair panels, pending department calls, steps and transitions.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderApplication(main, { match, signal, fail }) {
  const id = match[1] ?? '';
  const notice = el('p', { class: 'notice', role: 'status', hidden: true, 'data-testid': 'notice' });
  const parts = {
    summary: el('div'),
    reasons: el('div'),
    chart: el('div', { class: 'chart' }),
    repairs: el('div', { class: 'repairs', 'data-testid': 'repairs' }),
    calls: el('div'),
    steps: scrollRegion(words.t('stepsLabel')),
    transitions: scrollRegion(words.t('transitionsLabel')),
  };
  let repairKey = '';
  // Only the newest refresh draws and schedules the next: a repair's refresh may overtake the timer's.
  let generation = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));

  const report = (/** @type {string} */ message, /** @type {boolean} */ failed) => {
    notice.textContent = message;
    notice.className = failed ? 'notice error' : 'notice';
    notice.setAttribute('role', failed ? 'alert' : 'status');
    notice.hidden = false;
    if (!failed) void refresh().catch(fail);
  };

  async function refresh() {
    const mine = ++generation;
    clearTimeout(timer);
    /** @type {OpsApplication} */
    const view = await api('GET', `/v1/ops/applications/${encodeURIComponent(id)}`);
    if (signal.aborted || mine !== generation) return;
    const ended = finalApplicationStatuses.includes(view.application.status);
    redrawUnlessFocused(parts.summary, summary(view));
    redrawUnlessFocused(parts.reasons, reasons(view));
    parts.chart.replaceChildren(timelineChart(view.application, view.timeline, ended, Date.now()), legend());
    redrawUnlessFocused(parts.calls, pendingCalls(view));
    redrawUnlessFocused(parts.steps, steps(view));
    redrawUnlessFocused(parts.transitions, transitions(view));
    const key = repairPanelsKey(view.application, view.tasks);
    if (key !== repairKey) {
      repairKey = key;
      const panels = repairPanels(view.application, view.tasks, report);
      parts.repairs.replaceChildren(
        ...(panels.length ? panels : [el('p', { class: 'muted' }, words.t('ended_'))]),
      );
    }
    if (!ended) timer = setTimeout(() => void refresh().catch(fail), refreshEveryMs);
  }

  main.replaceChildren(
    el('p', {}, el('a', { href: '#/stuck' }, words.t('back'))),
    el('h1', {}, words.t('heading'), el('code', {}, id)),
    beijingTimeNote(),
    parts.summary,
    el('h2', {}, words.t('whyStuck')),
    parts.reasons,
    el('h2', {}, words.t('stepTimeline')),
    parts.chart,
    el('h2', {}, words.t('repair')),
    notice,
    parts.repairs,
    el('h2', {}, words.t('pendingCalls')),
    parts.calls,
    el('h2', {}, words.t('steps')),
    parts.steps,
    el('details', {}, el('summary', {}, words.t('transitions')), parts.transitions),
    el('p', {}, el('a', { href: `#/audit?applicationId=${encodeURIComponent(id)}` }, words.t('auditLog'))),
  );
  await refresh();
}
