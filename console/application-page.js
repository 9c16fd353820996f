import { api } from './api.js';
import { el, facts, safeHttpUrl, table } from './dom.js';
import { finalApplicationStatuses } from './contract.js';
import { dateTime, statusText, stuckLabel, timeAgo, titleText } from './format.js';
import { repairPanels, repairPanelsKey } from './repair-actions.js';
import { chartLegend, timelineChart } from './timeline-chart.js';

/** @typedef {import('./types').OpsApplication} OpsApplication */
/** @typedef {import('./types').PendingCall} PendingCall */
/** @typedef {import('./types').StepView} StepView */
/** @typedef {import('./app.js').PageContext} PageContext */

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
    ['Status', el('span', { 'data-testid': 'application-status' }, statusBadge(application.status))],
    ['Bundle', `${application.bundleId} (version ${application.bundleVersion})`],
    ['Submitted', `${dateTime(application.createdAt)} (${timeAgo(application.createdAt)})`],
    ['Due', dateTime(application.dueAt)],
    ['Last change', dateTime(application.updatedAt)],
    [
      'Workflow',
      temporalUi
        ? el(
            'a',
            { href: temporalUi, target: '_blank', rel: 'noopener noreferrer' },
            `${workflow.workflowId} in the Temporal UI`,
          )
        : workflow.workflowId,
    ],
  ]);
}

/** @param {OpsApplication} view */
function reasons({ reasons: found }) {
  if (found.length === 0) return el('p', { class: 'muted' }, 'Not stuck now.');
  return el(
    'ul',
    { class: 'reasons' },
    found.map((r) =>
      el('li', {}, el('strong', {}, stuckLabel(r.code)), `: ${r.message} (since ${dateTime(r.since)})`),
    ),
  );
}

/** @param {PendingCall} call */
const attemptsOf = (call) =>
  `${call.attempt} of ${call.maximumAttempts ? call.maximumAttempts : 'unlimited'}`;

/** @param {OpsApplication} view */
function pendingCalls({ pendingCalls: calls, pendingCallsNote }) {
  if (calls === null) return el('p', { class: 'muted' }, pendingCallsNote ?? 'Temporal could not tell.');
  if (calls.length === 0) return el('p', { class: 'muted' }, 'No department call is pending.');
  return table(
    ['Step', 'Call', 'State', 'Attempt', 'Last error (masked)', 'Next attempt', 'Gives up'],
    calls.map((c) => [
      c.stepId ?? '—',
      c.activityType,
      c.state,
      attemptsOf(c),
      c.lastFailure ?? '—',
      dateTime(c.nextAttemptAt),
      dateTime(c.givesUpAt),
    ]),
    { 'data-testid': 'pending-calls' },
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
    [
      'Step',
      'Department',
      'Status',
      'Attempts',
      'Started',
      'Ended',
      'Due',
      'Receipt',
      'Waiting or error',
      'Inputs (masked)',
      'Outputs (masked)',
    ],
    application.steps.map((s) => [
      titleText(s.title),
      s.department,
      statusBadge(s.status),
      String(s.attempts),
      dateTime(s.startedAt),
      dateTime(s.completedAt),
      dateTime(s.dueAt),
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
    ['#', 'At', 'Step', 'Status', 'Data (masked)'],
    timeline.map((e) => [
      String(e.seq),
      dateTime(e.at),
      e.stepId ?? 'application',
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
      el('li', {}, el('span', { class: `swatch status-${s}` }), statusText(s).replace('-', ' ')),
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
    steps: el('div', { class: 'scroll' }),
    transitions: el('div', { class: 'scroll' }),
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
    parts.summary.replaceChildren(summary(view));
    parts.reasons.replaceChildren(reasons(view));
    parts.chart.replaceChildren(timelineChart(view.application, view.timeline, ended, Date.now()), legend());
    parts.calls.replaceChildren(pendingCalls(view));
    parts.steps.replaceChildren(steps(view));
    parts.transitions.replaceChildren(transitions(view));
    const key = repairPanelsKey(view.application, view.tasks);
    if (key !== repairKey) {
      repairKey = key;
      const panels = repairPanels(view.application, view.tasks, report);
      parts.repairs.replaceChildren(
        ...(panels.length
          ? panels
          : [el('p', { class: 'muted' }, 'The application has ended: nothing to repair.')]),
      );
    }
    if (!ended) timer = setTimeout(() => void refresh().catch(fail), refreshEveryMs);
  }

  main.replaceChildren(
    el('p', {}, el('a', { href: '#/stuck' }, '← Stuck applications')),
    el('h1', {}, 'Application ', el('code', {}, id)),
    parts.summary,
    el('h2', {}, 'Why it is stuck'),
    parts.reasons,
    el('h2', {}, 'Step timeline'),
    parts.chart,
    el('h2', {}, 'Repair'),
    notice,
    parts.repairs,
    el('h2', {}, 'Pending department calls'),
    parts.calls,
    el('h2', {}, 'Steps'),
    parts.steps,
    el('details', {}, el('summary', {}, 'Recorded transitions'), parts.transitions),
    el(
      'p',
      {},
      el('a', { href: `#/audit?applicationId=${encodeURIComponent(id)}` }, 'Audit log of this application'),
    ),
  );
  await refresh();
}
