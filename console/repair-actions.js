import { ApiProblem, api } from './api.js';
import { el, field } from './dom.js';
import { finalApplicationStatuses, repairActions } from './contract.js';
import { titleText } from './format.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').ApplicationView} ApplicationView */
/** @typedef {import('./types').StepView} StepView */
/** @typedef {import('./types').TaskView} TaskView */
/** @typedef {{ reason: string, outputs?: Record<string, unknown>, to?: string }} RepairValues */
/** @typedef {{ application: ApplicationView, step: StepView }} StepTarget */
/** @typedef {{ application: ApplicationView, task: TaskView }} TaskTarget */

const words = wordsOf({
  zh: {
    retry: '立即重试',
    retryExplain: '立即再次调用部门，不等下一次计划的尝试。',
    retryDone: '已发送重试：正在再次调用部门。',
    resend: '重新提交给部门',
    resendExplain: '把办件再次提交给在故障中丢失它的部门。',
    resendDone: '已重新提交：部门已再次收到办件。',
    skip: '填写输出并跳过',
    skipExplain: '结束该环节，填写后续环节需要的输出（按服务的规则检查）。',
    skipDone: '已跳过：环节以填写的输出结束。',
    escalate: '上报主管',
    escalateExplain: '立即把任务移到部门主管队列，保留其经办人。',
    escalateDone: '已上报：任务在主管队列中。',
    reassign: '转派',
    reassignExplain: '把任务交给本部门的另一位经办人（其 API 密钥 id），或填 "queue" 交给任意经办人。',
    reassignDone: '已转派。',
    withdraw: '撤回办件',
    withdrawExplain: '代申请人撤回：未开始的环节不再开始，已完成的环节在部门能撤销处撤销。',
    withdrawDone: '已发送撤回：撤销完成后办件结束。',
    outputsNotObject: '输出必须是 JSON 对象，例如 {"field": "value"}。',
    assigneeMissing: '请填写经办人的 API 密钥 id，或 "queue"。',
    unreachable: '无法连接 API。',
    reason: '原因（记入审计日志）',
    outputs: '输出，用于跳过（JSON）',
    assignee: '转派给（经办人密钥 id，或 "queue"）',
    assigneePlaceholder: 'key_… 或 queue',
    task: (
      /** @type {string} */ kind,
      /** @type {string} */ step,
      /** @type {number} */ round,
      /** @type {string} */ queue,
      /** @type {string | null} */ assignee,
    ) => `任务 ${kind}（环节 ${step}，第 ${round} 轮，${queue} 队列，${assignee ?? '未认领'}）`,
    wholeApplication: '整个办件',
  },
  en: {
    retry: 'Retry now',
    retryExplain: 'Call the department again now, without waiting for the next scheduled attempt.',
    retryDone: 'Retry sent: the department is called again now.',
    resend: 'Resend to the department',
    resendExplain: 'Submit the case again to a department that lost it in an outage.',
    resendDone: 'Resent: the department has the case again.',
    skip: 'Skip with outputs',
    skipExplain: 'End the step, entering the outputs its dependants need (checked against the service).',
    skipDone: 'Skipped: the step ended with the outputs entered.',
    escalate: 'Escalate to the supervisor',
    escalateExplain: "Move the task to its department's supervisor queue now, keeping its assignee.",
    escalateDone: 'Escalated: the task is in the supervisor queue.',
    reassign: 'Reassign',
    reassignExplain:
      'Give the task to another clerk of its department (their API key id), or "queue" for any clerk.',
    reassignDone: 'Reassigned.',
    withdraw: 'Withdraw application',
    withdrawExplain:
      'Withdraw for the applicant: steps not started never start, completed steps are undone where the department can.',
    withdrawDone: 'Withdrawal sent: the application ends once the undoing is done.',
    outputsNotObject: 'The outputs must be a JSON object, e.g. {"field": "value"}.',
    assigneeMissing: 'Enter the clerk\'s API key id, or "queue".',
    unreachable: 'The API could not be reached.',
    reason: 'Reason (kept in the audit log)',
    outputs: 'Outputs, for a skip (JSON)',
    assignee: 'Reassign to (clerk key id, or "queue")',
    assigneePlaceholder: 'key_… or queue',
    task: (kind, step, round, queue, assignee) =>
      `Task ${kind} of ${step}, round ${round} (${queue} queue, ${assignee ?? 'unclaimed'})`,
    wholeApplication: 'The whole application',
  },
});

/**
 * A repair an operator can make. Adding a button is one entry in `stepActions` (for a step in
 * progress), `taskActions` (for an open work-list task) or `applicationActions` (for the whole
 * application): what it is called, when it applies, whether it needs outputs or an assignee
 * besides the reason, and the request it sends.
 * @template Target
 * @typedef {{
 *   id: string,
 *   label: () => string,
 *   explain: () => string,
 *   appliesTo: (target: Target) => boolean,
 *   needsOutputs?: boolean,
 *   needsAssignee?: boolean,
 *   path: (target: Target) => string,
 *   body: (values: RepairValues) => unknown,
 *   done: () => string,
 * }} RepairAction
 */

const inProgress = (/** @type {StepTarget} */ { step }) =>
  step.status === 'running' || step.status === 'waiting';
const stepPath = (/** @type {StepTarget} */ { application, step }, /** @type {string} */ action) =>
  `/v1/ops/applications/${encodeURIComponent(application.id)}/steps/${encodeURIComponent(step.id)}/${action}`;

/**
 * The buttons of a step's repairs, one for each repair the API has (contract.js): the console's
 * type check fails on a repair without its button.
 * @type {{ [A in import('./types').RepairAction]: Omit<RepairAction<StepTarget>, 'id'> }}
 */
const stepButtons = {
  retry: {
    label: () => words.t('retry'),
    explain: () => words.t('retryExplain'),
    appliesTo: inProgress,
    path: (target) => stepPath(target, 'retry'),
    body: ({ reason }) => ({ reason }),
    done: () => words.t('retryDone'),
  },
  resend: {
    label: () => words.t('resend'),
    explain: () => words.t('resendExplain'),
    appliesTo: ({ step }) => step.status === 'waiting' && step.waiting?.reason === 'department-decision',
    path: (target) => stepPath(target, 'resend'),
    body: ({ reason }) => ({ reason }),
    done: () => words.t('resendDone'),
  },
  skip: {
    label: () => words.t('skip'),
    explain: () => words.t('skipExplain'),
    appliesTo: inProgress,
    needsOutputs: true,
    path: (target) => stepPath(target, 'skip'),
    body: ({ reason, outputs }) => ({ reason, outputs }),
    done: () => words.t('skipDone'),
  },
};

/** @type {Array<RepairAction<StepTarget>>} */
export const stepActions = repairActions.map((id) => ({ id, ...stepButtons[id] }));

const unfinished = (/** @type {TaskTarget} */ { application, task }) =>
  task.status !== 'completed' && !finalApplicationStatuses.includes(application.status);
const taskPath = (/** @type {TaskTarget} */ { task }, /** @type {string} */ action) =>
  `/v1/ops/tasks/${encodeURIComponent(task.id)}/${action}`;

/** @type {Array<RepairAction<TaskTarget>>} */
export const taskActions = [
  {
    id: 'escalate',
    label: () => words.t('escalate'),
    explain: () => words.t('escalateExplain'),
    appliesTo: (target) => unfinished(target) && target.task.escalatedAt === null,
    path: (target) => taskPath(target, 'escalate'),
    body: ({ reason }) => ({ reason }),
    done: () => words.t('escalateDone'),
  },
  {
    id: 'reassign',
    label: () => words.t('reassign'),
    explain: () => words.t('reassignExplain'),
    appliesTo: unfinished,
    needsAssignee: true,
    path: (target) => taskPath(target, 'reassign'),
    body: ({ reason, to }) => ({ reason, to }),
    done: () => words.t('reassignDone'),
  },
];

/** @type {Array<RepairAction<ApplicationView>>} */
export const applicationActions = [
  {
    id: 'withdraw',
    label: () => words.t('withdraw'),
    explain: () => words.t('withdrawExplain'),
    appliesTo: (application) => !finalApplicationStatuses.includes(application.status),
    path: (application) => `/v1/ops/applications/${encodeURIComponent(application.id)}/withdraw`,
    body: ({ reason }) => ({ reason }),
    done: () => words.t('withdrawDone'),
  },
];

/**
 * The outputs box's content, or why it is not an object.
 * @param {string} text
 * @returns {{ outputs: Record<string, unknown> } | { error: string }}
 */
function parseOutputs(text) {
  try {
    /** @type {unknown} */
    const value = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return { outputs: /** @type {Record<string, unknown>} */ (value) };
  } catch {
    // Reported below, like any other non-object.
  }
  return { error: words.t('outputsNotObject') };
}

/**
 * A repair panel: a reason box (required: it goes to the audit log), an outputs box when an
 * action needs one, and a button per action.
 * @template Target
 * @param {string} heading
 * @param {Target} target
 * @param {Array<RepairAction<Target>>} actions those that apply to the target
 * @param {(message: string, failed: boolean) => void} report
 * @param {Record<string, string>} props
 */
function panel(heading, target, actions, report, props) {
  const reason = el('textarea', { name: 'reason', rows: 2, maxlength: 500, required: true });
  const outputs = actions.some((a) => a.needsOutputs)
    ? el('textarea', { name: 'outputs', rows: 4, class: 'code', spellcheck: 'false' }, '{}')
    : null;
  const assignee = actions.some((a) => a.needsAssignee)
    ? el('input', { name: 'to', placeholder: words.t('assigneePlaceholder'), maxlength: 64 })
    : null;
  const buttons = actions.map((action) => {
    const button = el(
      'button',
      { type: 'button', 'data-action': action.id, title: action.explain(), disabled: true },
      action.label(),
    );
    button.addEventListener('click', () => {
      /** @type {RepairValues} */
      const values = { reason: reason.value.trim() };
      if (action.needsOutputs && outputs) {
        const parsed = parseOutputs(outputs.value);
        if ('error' in parsed) return report(parsed.error, true);
        values.outputs = parsed.outputs;
      }
      if (action.needsAssignee && assignee) {
        values.to = assignee.value.trim();
        if (!values.to) return report(words.t('assigneeMissing'), true);
      }
      for (const b of buttons) b.disabled = true;
      api('POST', action.path(target), action.body(values))
        .then(() => {
          reason.value = '';
          report(`${heading}: ${action.done()}`, false);
        })
        .catch((/** @type {unknown} */ err) =>
          report(err instanceof ApiProblem ? err.message : words.t('unreachable'), true),
        )
        .finally(enable);
    });
    return button;
  });
  // A repair without a reason is refused by the API; the buttons say so before it is tried.
  const enable = () => {
    for (const b of buttons) b.disabled = reason.value.trim() === '';
  };
  reason.addEventListener('input', enable);
  return el(
    'section',
    { class: 'repair', ...props },
    el('h3', {}, heading),
    field(words.t('reason'), reason),
    outputs ? field(words.t('outputs'), outputs) : null,
    assignee ? field(words.t('assignee'), assignee) : null,
    el('div', { class: 'buttons' }, buttons),
  );
}

/**
 * The repairs that apply now: a panel for the application, one per step in progress, and one
 * per unfinished work-list task.
 * @param {ApplicationView} application
 * @param {TaskView[]} tasks
 */
function applicable(application, tasks) {
  return {
    forApplication: applicationActions.filter((a) => a.appliesTo(application)),
    forSteps: application.steps
      .map((step) => ({ step, actions: stepActions.filter((a) => a.appliesTo({ application, step })) }))
      .filter(({ actions }) => actions.length > 0),
    forTasks: tasks
      .map((task) => ({ task, actions: taskActions.filter((a) => a.appliesTo({ application, task })) }))
      .filter(({ actions }) => actions.length > 0),
  };
}

/**
 * A panel per step and task an operator can act on now, and one for the application; none when
 * nothing applies.
 * @param {ApplicationView} application
 * @param {TaskView[]} tasks
 * @param {(message: string, failed: boolean) => void} report
 */
export function repairPanels(application, tasks, report) {
  const { forApplication, forSteps, forTasks } = applicable(application, tasks);
  return [
    ...forSteps.map(({ step, actions }) =>
      panel(`${titleText(step.title)} (${step.department})`, { application, step }, actions, report, {
        'data-step-id': step.id,
      }),
    ),
    ...forTasks.map(({ task, actions }) =>
      panel(
        words.t('task', task.kind, task.stepId, task.round, task.queue, task.assignee),
        { application, task },
        actions,
        report,
        { 'data-task-id': task.id },
      ),
    ),
    ...(forApplication.length > 0
      ? [
          panel(words.t('wholeApplication'), application, forApplication, report, {
            'data-application': '',
          }),
        ]
      : []),
  ];
}

/**
 * What decides whether the panels must be drawn again: which actions apply where (and who holds
 * each task). While it stays the same, a reason being typed is kept across refreshes.
 * @param {ApplicationView} application
 * @param {TaskView[]} tasks
 */
export function repairPanelsKey(application, tasks) {
  const { forApplication, forSteps, forTasks } = applicable(application, tasks);
  const ids = (/** @type {Array<{ id: string }>} */ actions) => actions.map((a) => a.id).join(',');
  return [
    ids(forApplication),
    ...forSteps.map(({ step, actions }) => `${step.id}:${ids(actions)}`),
    ...forTasks.map(({ task, actions }) => `${task.id}:${task.queue}:${task.assignee}:${ids(actions)}`),
  ].join('|');
}
