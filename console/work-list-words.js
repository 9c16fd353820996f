import { wordsOf } from './i18n.js';

/** @typedef {import('./types').TaskView} TaskView */

/** The work list's words, Chinese and English side by side. */
export const words = wordsOf({
  zh: {
    title: '待办任务',
    intro: '本部门的任务，最早到期的排在最前。',
    queues: '队列',
    departmentQueue: '部门队列',
    supervisorQueue: '督办队列',
    anyQueue: '全部队列',
    filters: '筛选',
    status: '状态',
    toDo: '待办（待领取和已领取）',
    anyStatus: '全部状态',
    kind: '类型',
    anyKind: '全部类型',
    overdueOnly: '只看超期',
    department: '部门',
    departmentHint: '例如 police；留空为全部部门',
    apply: '筛选',
    step: '事项（步骤 · 服务）',
    application: '申请编号',
    round: '轮次',
    assignee: '办理人',
    due: '到期时间（北京时间）',
    actions: '操作',
    rectification: '差评整改',
    unclaimed: '未领取',
    supervisorTag: '督办',
    overdue: '已超期',
    /** @param {number} n */
    daysLeft: (n) => `还剩 ${n} 个工作日`,
    dueToday: '今天到期',
    /** @param {number} n */
    daysOverdue: (n) => `已超期 ${n} 个工作日`,
    overdueToday: '已超期，不足一个工作日',
    claim: '领取',
    release: '退回队列',
    /** @param {string} step */
    claimTask: (step) => `领取任务 ${step}`,
    /** @param {string} step */
    releaseTask: (step) => `退回任务 ${step}`,
    /** @param {string} step */
    claimed: (step) => `已领取 ${step}`,
    /** @param {string} step */
    released: (step) => `已将 ${step} 退回队列`,
    /** @param {string} step */
    arrived: (step) => `新任务：${step}`,
    more: '加载更多',
    /** @param {number} n */
    shown: (n) => `已显示 ${n} 项`,
    none: '没有符合条件的任务。',
    live: '实时更新：任务到达或变化时，列表自动刷新。',
    reconnecting: '实时更新已中断，正在重新连接…',
    unreachable: '无法连接 API，请稍后重试。',
  },
  en: {
    title: 'Work list',
    intro: "Your department's tasks, earliest due first.",
    queues: 'Queues',
    departmentQueue: 'Department queue',
    supervisorQueue: 'Supervisor queue',
    anyQueue: 'All queues',
    filters: 'Filters',
    status: 'Status',
    toDo: 'To do (open and claimed)',
    anyStatus: 'All statuses',
    kind: 'Kind',
    anyKind: 'All kinds',
    overdueOnly: 'Overdue only',
    department: 'Department',
    departmentHint: 'e.g. police; empty: every department',
    apply: 'Apply filters',
    step: 'Step · service',
    application: 'Application',
    round: 'Round',
    assignee: 'Assignee',
    due: 'Due (Beijing time)',
    actions: 'Actions',
    rectification: 'Rectification of a poor rating',
    unclaimed: 'Unclaimed',
    supervisorTag: 'Supervisor',
    overdue: 'Overdue',
    daysLeft: (n) => (n === 1 ? '1 working day left' : `${n} working days left`),
    dueToday: 'Due today',
    daysOverdue: (n) => (n === 1 ? '1 working day overdue' : `${n} working days overdue`),
    overdueToday: 'Overdue, less than a working day',
    claim: 'Claim',
    release: 'Release',
    claimTask: (step) => `Claim task ${step}`,
    releaseTask: (step) => `Release task ${step}`,
    claimed: (step) => `Claimed ${step}`,
    released: (step) => `Released ${step} to the queue`,
    arrived: (step) => `New task: ${step}`,
    more: 'More',
    shown: (n) => `${n} shown`,
    none: 'No task matches.',
    live: 'Live: the list updates as tasks arrive and change.',
    reconnecting: 'Live updates interrupted; reconnecting…',
    unreachable: 'The API could not be reached; try again.',
  },
});

/**
 * Status and kind names in the chosen language; one for each value the API has (contract.js).
 * @type {{ zh: Record<TaskView['status'] | TaskView['kind'], string>, en: Record<TaskView['status'] | TaskView['kind'], string> }}
 */
const valueNames = {
  zh: {
    open: '待领取',
    claimed: '已领取',
    completed: '已办结',
    review: '审核',
    'video-verification': '视频核验',
    approval: '审批',
  },
  en: {
    open: 'Open',
    claimed: 'Claimed',
    completed: 'Completed',
    review: 'Review',
    'video-verification': 'Video verification',
    approval: 'Approval',
  },
};

/**
 * @param {'zh' | 'en'} language
 * @param {TaskView['status'] | TaskView['kind']} value
 */
export const valueName = (language, value) => valueNames[language][value];

/**
 * The working days left, spelled out: from the server's business calendar, never counted here.
 * @param {TaskView} task
 */
export function daysText(task) {
  const n = task.workingDaysLeft;
  if (n > 0) return words.t('daysLeft', n);
  if (n < 0) return words.t('daysOverdue', -n);
  return new Date(task.dueAt).getTime() < Date.now() ? words.t('overdueToday') : words.t('dueToday');
}
