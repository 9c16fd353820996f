import { api, ApiProblem, currentSession } from './api.js';
import { decisionForms } from './decision-form.js';
import { append, el, facts } from './dom.js';
import { timeElement, titleText } from './format.js';
import { currentLanguage, wordsOf } from './i18n.js';
import { videoVerificationSection } from './video-verification.js';

/** @typedef {import('./types').TaskDetail} TaskDetail */
/** @typedef {import('./types').Session} Session */
/** @typedef {import('./app.js').PageContext} PageContext */

const words = wordsOf({
  zh: {
    review: '审核',
    'video-verification': '视频核验',
    approval: '审批',
    open: '待领取',
    claimed: '办理中',
    completed: '已办结',
    whyHeading: '办理依据',
    bundle: '事项',
    step: '环节',
    application: '申请编号',
    kind: '任务类型',
    round: '轮次',
    status: '状态',
    assignee: '办理人',
    nobody: '尚未领取',
    due: '办结时限（北京时间）',
    overdue: '已超期',
    receivedHeading: '本部门收到的材料',
    nothingReceived: '没有收到字段。',
    supplementHeading: '申请人上一轮补正的答复',
    claim: '领取',
    release: '退回待领取',
    claimedNotice: '已领取，请办理。',
    releasedNotice: '已退回待领取队列。',
    decidedNotice: '已提交办理决定。',
    claimedByOther: (/** @type {string} */ who) => `此任务由 ${who} 办理中。`,
    decisionHeading: '办理决定',
    decided: (/** @type {string} */ decision) => `办理结果：${decision}`,
    approve: '批准',
    reject: '不予办理',
    'request-supplement': '要求补正',
    reply: '答复',
    refused: '操作未成功',
    unreachable: '无法连接到服务，请重试。',
  },
  en: {
    review: 'Review',
    'video-verification': 'Video verification',
    approval: 'Approval',
    open: 'Open',
    claimed: 'Claimed',
    completed: 'Completed',
    whyHeading: 'Why this task',
    bundle: 'Service',
    step: 'Step',
    application: 'Application',
    kind: 'Task kind',
    round: 'Round',
    status: 'Status',
    assignee: 'Assignee',
    nobody: 'Not claimed',
    due: 'Due (Beijing time)',
    overdue: 'overdue',
    receivedHeading: 'What the department received',
    nothingReceived: 'No fields were received.',
    supplementHeading: "The applicant's answers to the last request for supplements",
    claim: 'Claim',
    release: 'Release',
    claimedNotice: 'Claimed: the task is yours.',
    releasedNotice: 'Released to the queue.',
    decidedNotice: 'Decision sent.',
    claimedByOther: (/** @type {string} */ who) => `${who} is working on this task.`,
    decisionHeading: 'Decision',
    decided: (/** @type {string} */ decision) => `Decided: ${decision}`,
    approve: 'Approved',
    reject: 'Rejected',
    'request-supplement': 'Supplements requested',
    reply: 'Replied',
    refused: 'Not done',
    unreachable: 'The API could not be reached; try again.',
  },
});

/** A received value as text: departments' fields are texts and numbers, a record is shown as JSON. */
const valueText = (/** @type {unknown} */ value) =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);

/** @param {TaskDetail} task */
function why(task) {
  return el(
    'section',
    { 'aria-labelledby': 'why-heading' },
    el('h2', { id: 'why-heading' }, words.t('whyHeading')),
    facts([
      [words.t('bundle'), task.bundle ? titleText(task.bundle.title) : '—'],
      [words.t('step'), task.stepTitle ? titleText(task.stepTitle) : task.stepId],
      [words.t('application'), el('code', {}, task.applicationId)],
      [words.t('kind'), words.t(task.kind)],
      [words.t('round'), String(task.round)],
      [words.t('status'), el('span', { 'data-testid': 'task-status' }, words.t(task.status))],
      [words.t('assignee'), task.assignee ?? words.t('nobody')],
      [
        words.t('due'),
        el(
          'span',
          { 'data-testid': 'task-due' },
          timeElement(task.dueAt),
          task.overdue ? el('strong', { class: 'overdue' }, ` ${words.t('overdue')}`) : null,
        ),
      ],
    ]),
  );
}

/** @param {TaskDetail} task */
function received(task) {
  const fields = Object.entries(task.input);
  return el(
    'section',
    { 'aria-labelledby': 'received-heading' },
    el('h2', { id: 'received-heading' }, words.t('receivedHeading')),
    fields.length
      ? el(
          'dl',
          { class: 'facts', 'data-testid': 'task-input' },
          fields.map(([name, value]) => [
            el('dt', {}, task.inputTitles[name]?.[currentLanguage()] ?? name),
            el('dd', {}, valueText(value)),
          ]),
        )
      : el('p', { class: 'muted' }, words.t('nothingReceived')),
    task.supplement && Object.keys(task.supplement).length
      ? [el('h3', {}, words.t('supplementHeading')), facts(Object.entries(task.supplement))]
      : null,
  );
}

/**
 * The task page (`#/tasks/{id}`): what the department received and why, claim and release, and
 * the decision forms once the task is the reader's own. Reading it is recorded in the
 * application's access log by the API, naming the person signed in.
 * @param {HTMLElement} main
 * @param {PageContext} context
 */
export async function renderTask(main, { match, signal, reload }) {
  const id = match[1] ?? '';
  /** @type {[TaskDetail, Session | null]} */
  const [task, session] = await Promise.all([api('GET', `/v1/tasks/${id}`), currentSession()]);
  if (signal.aborted) return;

  const notice = el('p', { class: 'notice', role: 'status', 'data-testid': 'notice', hidden: true });
  const say = (/** @type {string} */ message, failed = false) => {
    notice.textContent = message;
    notice.className = failed ? 'notice error' : 'notice';
    notice.setAttribute('role', failed ? 'alert' : 'status');
    notice.hidden = false;
  };
  /** Claims or releases, then draws the page again with the task as it now is. */
  const transition = (/** @type {'claim' | 'release'} */ action) => {
    api('POST', `/v1/tasks/${task.id}/${action}`)
      .then(() => {
        sessionStorage.setItem(noticeKey, action === 'claim' ? 'claimedNotice' : 'releasedNotice');
        reload();
      })
      .catch((/** @type {unknown} */ err) =>
        say(
          err instanceof ApiProblem ? `${words.t('refused')}: ${err.message}` : words.t('unreachable'),
          true,
        ),
      );
  };

  // The API names an assignee `<key id> <name>` and the session only by name; a decision of
  // anyone else is refused by the API all the same, and the page shows that refusal.
  const mine = task.status === 'claimed' && session !== null && (task.assignee ?? '').endsWith(session.name);
  /** @type {Array<HTMLElement | null>} */
  const actions = [];
  if (task.status === 'open')
    actions.push(el('button', { type: 'button', onclick: () => transition('claim') }, words.t('claim')));
  if (mine)
    actions.push(el('button', { type: 'button', onclick: () => transition('release') }, words.t('release')));
  if (task.status === 'claimed' && !mine)
    actions.push(el('p', { class: 'muted' }, words.t('claimedByOther', task.assignee ?? '')));

  /** @type {Array<HTMLElement | null>} */
  const deciding = [];
  if (mine && session) {
    /** @type {ReturnType<typeof decisionForms> | undefined} */
    let forms;
    const video =
      task.kind === 'video-verification'
        ? videoVerificationSection(task, session.name, () => forms?.refresh())
        : null;
    forms = decisionForms(task, {
      video,
      onDecided: () => {
        sessionStorage.setItem(noticeKey, 'decidedNotice');
        reload();
      },
    });
    deciding.push(
      video?.element ?? null,
      el(
        'section',
        { 'aria-labelledby': 'decision-heading' },
        el('h2', { id: 'decision-heading' }, words.t('decisionHeading')),
        forms?.element ?? null,
      ),
    );
  }
  const decision = task.decision?.['decision'];
  if (task.status === 'completed' && typeof decision === 'string' && isDecision(decision))
    deciding.push(el('p', { 'data-testid': 'task-decided' }, words.t('decided', words.t(decision))));

  const heading = el(
    'h1',
    { tabindex: -1 },
    `${task.stepTitle?.[currentLanguage()] ?? task.stepId} · ${words.t(task.kind)}`,
  );
  main.replaceChildren();
  append(main, [
    heading,
    notice,
    el('div', { class: 'buttons task-actions' }, actions),
    why(task),
    received(task),
    deciding,
  ]);
  // What the last action did, said once on the page it led to; the heading takes the focus so a
  // keyboard user goes on from the top of the redrawn page.
  const said = sessionStorage.getItem(noticeKey);
  sessionStorage.removeItem(noticeKey);
  if (said === 'claimedNotice' || said === 'releasedNotice' || said === 'decidedNotice') {
    say(words.t(said));
    heading.focus();
  }
}

// The notice of an action outlives the redraw it causes, for this tab only.
const noticeKey = 'onething.console.taskNotice';

/** @param {string} value @returns {value is 'approve' | 'reject' | 'request-supplement' | 'reply'} */
const isDecision = (value) => ['approve', 'reject', 'request-supplement', 'reply'].includes(value);
