import { ApiProblem, api } from './api.js';
import { el, field } from './dom.js';
import { finalApplicationStatuses, repairActions } from './contract.js';
import { titleText } from './format.js';

/** @typedef {import('./types').ApplicationView} ApplicationView */
/** @typedef {import('./types').StepView} StepView */
/** @typedef {import('./types').TaskView} TaskView */
/** @typedef {{ reason: string, outputs?: Record<string, unknown>, to?: string }} RepairValues */
/** @typedef {{ application: ApplicationView, step: StepView }} StepTarget */
/** @typedef {{ application: ApplicationView, task: TaskView }} TaskTarget */

/**
 * A repair an operator can make. Adding a button is one entry in `stepActions` (for a step in
 * progress), `taskActions` (for an open work-list task) or `applicationActions` (for the whole
 * application): what it is called, when it applies, whether it needs outputs or an assignee
 * besides the reason, and the request it sends.
 * @template Target
 * @typedef {{
 *   id: string,
 *   label: string,
 *   explain: string,
 *   appliesTo: (target: Target) => boolean,
 *   needsOutputs?: boolean,
 *   needsAssignee?: boolean,
 *   path: (target: Target) => string,
 *   body: (values: RepairValues) => unknown,
 *   done: string,
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
    label: 'Retry now',
    explain: 'Call the department again now, without waiting for the next scheduled attempt.',
    appliesTo: inProgress,
    path: (target) => stepPath(target, 'retry'),
    body: ({ reason }) => ({ reason }),
    done: 'Retry sent: the department is called again now.',
  },
  resend: {
    label: 'Resend to the department',
    explain: 'Submit the case again to a department that lost it in an outage.',
    appliesTo: ({ step }) => step.status === 'waiting' && step.waiting?.reason === 'department-decision',
    path: (target) => stepPath(target, 'resend'),
    body: ({ reason }) => ({ reason }),
    done: 'Resent: the department has the case again.',
  },
  skip: {
    label: 'Skip with outputs',
    explain: 'End the step, entering the outputs its dependants need (checked against the service).',
    appliesTo: inProgress,
    needsOutputs: true,
    path: (target) => stepPath(target, 'skip'),
    body: ({ reason, outputs }) => ({ reason, outputs }),
    done: 'Skipped: the step ended with the outputs entered.',
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
    label: 'Escalate to the supervisor',
    explain: "Move the task to its department's supervisor queue now, keeping its assignee.",
    appliesTo: (target) => unfinished(target) && target.task.escalatedAt === null,
    path: (target) => taskPath(target, 'escalate'),
    body: ({ reason }) => ({ reason }),
    done: 'Escalated: the task is in the supervisor queue.',
  },
  {
    id: 'reassign',
    label: 'Reassign',
    explain: 'Give the task to another clerk of its department (their API key id), or "queue" for any clerk.',
    appliesTo: unfinished,
    needsAssignee: true,
    path: (target) => taskPath(target, 'reassign'),
    body: ({ reason, to }) => ({ reason, to }),
    done: 'Reassigned.',
  },
];

/** @type {Array<RepairAction<ApplicationView>>} */
export const applicationActions = [
  {
    id: 'withdraw',
    label: 'Withdraw application',
    explain:
      'Withdraw for the applicant: steps not started never start, completed steps are undone where the department can.',
    appliesTo: (application) => !finalApplicationStatuses.includes(application.status),
    path: (application) => `/v1/ops/applications/${encodeURIComponent(application.id)}/withdraw`,
    body: ({ reason }) => ({ reason }),
    done: 'Withdrawal sent: the application ends once the undoing is done.',
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
  return { error: 'The outputs must be a JSON object, e.g. {"field": "value"}.' };
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
    ? el('input', { name: 'to', placeholder: 'key_… or queue', maxlength: 64 })
    : null;
  const buttons = actions.map((action) => {
    const button = el(
      'button',
      { type: 'button', 'data-action': action.id, title: action.explain, disabled: true },
      action.label,
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
        if (!values.to) return report('Enter the clerk\'s API key id, or "queue".', true);
      }
      for (const b of buttons) b.disabled = true;
      api('POST', action.path(target), action.body(values))
        .then(() => {
          reason.value = '';
          report(`${heading}: ${action.done}`, false);
        })
        .catch((/** @type {unknown} */ err) =>
          report(err instanceof ApiProblem ? err.message : 'The API could not be reached.', true),
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
    field('Reason (kept in the audit log)', reason),
    outputs ? field('Outputs, for a skip (JSON)', outputs) : null,
    assignee ? field('Reassign to (clerk key id, or "queue")', assignee) : null,
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
        `Task ${task.kind} of ${task.stepId}, round ${task.round} (${task.queue} queue, ${task.assignee ?? 'unclaimed'})`,
        { application, task },
        actions,
        report,
        { 'data-task-id': task.id },
      ),
    ),
    ...(forApplication.length > 0
      ? [panel('The whole application', application, forApplication, report, { 'data-application': '' })]
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
