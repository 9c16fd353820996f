import { currentLanguage, wordsOf } from './i18n.js';
import { el } from './dom.js';
import { stuckCodes } from './contract.js';

/** @typedef {import('./types').Title} Title */
/** @typedef {import('./types').StuckCode} StuckCode */
/** @typedef {import('./types').BulkActionKind} BulkActionKind */
/** @typedef {import('./types').AppliedBulkFilter} AppliedBulkFilter */

/**
 * Every status the console shows in words: applications, steps, bulk actions and their items,
 * departments. A status not listed here is shown as the API names it.
 */
const statusWords = {
  zh: {
    running: '进行中',
    waiting: '等待中',
    completed: '已完成',
    partially_completed: '部分完成',
    rejected: '已驳回',
    withdrawn: '已撤回',
    failed: '失败',
    pending: '待处理',
    skipped: '已跳过',
    compensated: '已撤销',
    'not-started': '未开始',
    cancelled: '已取消',
    stopped: '已中止',
    done: '已完成',
    refused: '被拒绝',
    open: '正常',
    paused: '已暂停',
    submitted: '已提交',
  },
  en: {
    running: 'running',
    waiting: 'waiting',
    completed: 'completed',
    partially_completed: 'partially completed',
    rejected: 'rejected',
    withdrawn: 'withdrawn',
    failed: 'failed',
    pending: 'pending',
    skipped: 'skipped',
    compensated: 'compensated',
    'not-started': 'not started',
    cancelled: 'cancelled',
    stopped: 'stopped',
    done: 'done',
    refused: 'refused',
    open: 'open',
    paused: 'paused',
    submitted: 'submitted',
  },
};

const words = wordsOf({
  zh: {
    units: '天 小时 分 秒',
    unitSeparator: '',
    ago: (/** @type {string} */ d) => `${d}前`,
    beijingTime: '北京时间',
    timesInBeijing: '本页时间均为北京时间。',
    workingDays: (/** @type {number} */ n) => (n === 0 ? '当日办结' : `${n}个工作日`),
    estimated: '按日历推算，可能变动',
    retrying: '部门调用重试中',
    overdue: '环节已超时',
    'waiting-department': '等待部门决定',
    'task-overdue': '待办任务已超时',
    'compensation-failed': '撤销失败',
    'department-paused': '部门因故障暂停',
    'step-failed': '环节失败，等待处理',
    retry: '重试',
    resend: '重新提交',
    whyStuck: (/** @type {string} */ list) => `卡住原因：${list}`,
    department: (/** @type {string} */ d) => `部门 ${d}`,
    bundle: (/** @type {string} */ b) => `事项 ${b}`,
    step: (/** @type {string} */ s) => `环节 ${s}`,
    status: (/** @type {string} */ s) => `状态 ${s}`,
    retryingLongerThan: (/** @type {string} */ d) => `重试超过 ${d}`,
    attemptsAtLeast: (/** @type {number} */ n) => `至少 ${n} 次尝试`,
    waitingLongerThan: (/** @type {string} */ d) => `等待超过 ${d}`,
    stuckSince: (/** @type {string} */ t) => `${t} 起卡住`,
    stuckBefore: (/** @type {string} */ t) => `${t} 前卡住`,
    listSeparator: '、',
    partSeparator: '；',
  },
  en: {
    units: 'd h m s',
    unitSeparator: ' ',
    ago: (d) => `${d} ago`,
    beijingTime: 'Beijing time',
    timesInBeijing: 'Times on this page are Beijing time.',
    workingDays: (n) => (n === 0 ? 'the same day' : n === 1 ? '1 working day' : `${n} working days`),
    estimated: 'counted on the fallback calendar, may move',
    retrying: 'Department call retrying',
    overdue: 'Step past its due time',
    'waiting-department': 'Waiting for a department decision',
    'task-overdue': 'Work-list task overdue',
    'compensation-failed': 'Undo failed',
    'department-paused': 'Department paused for an outage',
    'step-failed': 'Step failed, held for an operator',
    retry: 'Retry',
    resend: 'Re-send',
    whyStuck: (list) => `why stuck: ${list}`,
    department: (d) => `department ${d}`,
    bundle: (b) => `bundle ${b}`,
    step: (s) => `step ${s}`,
    status: (s) => `status ${s}`,
    retryingLongerThan: (d) => `retrying longer than ${d}`,
    attemptsAtLeast: (n) => `at least ${n} attempts`,
    waitingLongerThan: (d) => `waiting longer than ${d}`,
    stuckSince: (t) => `stuck since ${t} or later`,
    stuckBefore: (t) => `stuck before ${t}`,
    listSeparator: ', ',
    partSeparator: '; ',
  },
});

/**
 * Both languages, the chosen one first: data carries official Chinese titles that operators
 * search by, and English ones for those who read English.
 * @param {Title} title
 */
export function titleText(title) {
  if (title.en === title.zh) return title.zh;
  return currentLanguage() === 'zh' ? `${title.zh} · ${title.en}` : `${title.en} · ${title.zh}`;
}

/**
 * A title in the chosen language only, where the other is shown beside it.
 * @param {Title} title
 */
export const titleIn = (title) => (currentLanguage() === 'zh' ? title.zh : title.en);

/** @type {number[]} */
const unitSizes = [86_400_000, 3_600_000, 60_000, 1000];

/**
 * A duration as the API's reasons say it: largest unit and the next, `3天4小时` / `3d 4h`, `12m`.
 * @param {number} ms
 */
export function duration(ms) {
  const names = words.t('units').split(' ');
  const total = Math.max(0, Math.floor(ms));
  const i = unitSizes.findIndex((size) => total >= size);
  const size = unitSizes[i];
  if (size === undefined) return `0${names[3]}`;
  const count = Math.floor(total / size);
  const nextSize = unitSizes[i + 1];
  const more = nextSize ? Math.floor((total - count * size) / nextSize) : 0;
  const first = `${count}${names[i]}`;
  return nextSize && more > 0 ? `${first}${words.t('unitSeparator')}${more}${names[i + 1]}` : first;
}

/**
 * @param {string} iso
 * @param {number} [now]
 */
export const timeAgo = (iso, now = Date.now()) => words.t('ago', duration(now - Date.parse(iso)));

/** China keeps one zone and no daylight saving: every time the console shows is Beijing time. */
export const timeZone = 'Asia/Shanghai';

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An instant's date and time in Beijing, read from Intl and put together here, so every browser
 * says it the same way (`2026年12月3日 18:05`, `3 Dec 2026, 18:05`).
 * @param {Date} date
 */
function beijingParts(date) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (/** @type {Intl.DateTimeFormatPartTypes} */ type) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: part('year'),
    month: Number(part('month')),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
  };
}

/**
 * An instant as the console shows it: Beijing time, in the chosen language; '—' for none. The
 * page says once that its times are Beijing time (`beijingTimeNote`).
 * @param {string | null | undefined} iso
 */
export function dateTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const { year, month, day, hour, minute } = beijingParts(date);
  return currentLanguage() === 'zh'
    ? `${year}年${month}月${day}日 ${hour}:${minute}`
    : `${day} ${monthsEn[month - 1] ?? month} ${year}, ${hour}:${minute}`;
}

/**
 * An instant as an element: Beijing time as text, the exact instant in `datetime`, and "Beijing
 * time" as its title for whoever hovers it.
 * @param {string | null | undefined} iso
 */
export const timeElement = (iso) =>
  iso ? el('time', { datetime: iso, title: words.t('beijingTime') }, dateTime(iso)) : '—';

/** The line a page with times shows once: they are all Beijing time. */
export const beijingTimeNote = () =>
  el('p', { class: 'muted time-note', 'data-testid': 'time-note' }, words.t('timesInBeijing'));

/**
 * A deadline counted in working days, spelled out: `10个工作日` / `10 working days`.
 * @param {number} days
 */
export const workingDays = (days) => words.t('workingDays', days);

/** What an estimated due time adds: it may move once the calendar is published. */
export const estimatedText = () => words.t('estimated');

/**
 * The kinds of stuck, in words; the API's `reasons[].message` says the particulars. One for each
 * code the API has (contract.js): the catalogue's type fails on a code without its label.
 * @param {StuckCode} code
 */
export const stuckLabelOf = (code) => words.t(code);

/**
 * @param {string} code
 * @returns {string}
 */
export const stuckLabel = (code) =>
  /** @type {readonly string[]} */ (stuckCodes).includes(code)
    ? words.t(/** @type {StuckCode} */ (code))
    : code;

/**
 * A status in words, in the chosen language; one the console does not know as the API names it.
 * @param {string} status
 */
export function statusText(status) {
  /** @type {Record<string, string>} */
  const known = statusWords[currentLanguage()];
  return known[status] ?? status.replace(/_/g, ' ');
}

/**
 * What a bulk action does, in words: one for each the API has.
 * @param {BulkActionKind} kind
 */
export const bulkActionLabel = (kind) => words.t(kind);

/** How the chosen language joins a list's items. */
export const listText = (/** @type {string[]} */ items) => items.join(words.t('listSeparator'));

/**
 * A bulk action's filter in one line, as the job applied it.
 * @param {AppliedBulkFilter} filter
 */
export function bulkFilterText(filter) {
  /** @type {Array<string | false | undefined>} */
  const parts = [
    words.t('whyStuck', listText(filter.stuck.map(stuckLabel))),
    filter.department && words.t('department', filter.department),
    filter.bundle && words.t('bundle', filter.bundle),
    filter.stepId && words.t('step', filter.stepId),
    filter.status && words.t('status', listText(filter.status.map(statusText))),
    filter.retryingLongerThanMs !== undefined &&
      words.t('retryingLongerThan', duration(filter.retryingLongerThanMs)),
    filter.attemptsAtLeast !== undefined && words.t('attemptsAtLeast', filter.attemptsAtLeast),
    filter.waitingLongerThanMs !== undefined &&
      words.t('waitingLongerThan', duration(filter.waitingLongerThanMs)),
    filter.stuckSince && words.t('stuckSince', dateTime(filter.stuckSince)),
    filter.stuckBefore && words.t('stuckBefore', dateTime(filter.stuckBefore)),
  ];
  return parts.filter(Boolean).join(words.t('partSeparator'));
}
