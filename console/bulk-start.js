import { api } from './api.js';
import { el, field } from './dom.js';
import { bulkRepairActions } from './contract.js';
import { listText, statusText, stuckLabel } from './format.js';
import { noticeBox, numberInput, reasonForm } from './action-form.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').BulkAction} BulkAction */
/** @typedef {import('./types').BulkActionKind} BulkActionKind */
/**
 * What the console sends as a bulk action's filter: the list's filters as they stand, under the
 * names the API's filter has (checked against it); the API validates the values and says what it
 * refuses.
 * @typedef {{ [K in keyof import('./types').BulkFilter]?: K extends 'stuck' | 'status' ? string[] : string | number }} BulkFilter
 */

const words = wordsOf({
  zh: {
    whyStuck: (/** @type {string} */ list) => `卡住原因：${list}`,
    status: (/** @type {string} */ list) => `状态 ${list}`,
    department: '部门',
    bundle: '事项',
    retryingLongerThan: '重试超过',
    waitingLongerThan: '等待超过',
    attemptsAtLeast: '尝试次数至少',
    separator: '；',
    none: '无：全部卡住的办件',
    retry: '全部重试',
    retryExplain:
      '对每个符合条件、仍在进行的环节立即再次调用部门（未按卡住原因筛选时：重试中或等待部门决定的环节）。',
    resend: '全部重新提交',
    resendExplain: '把每个符合条件、等待部门决定的办件再次提交，例如部门在故障中丢失的办件。',
    heading: '对全部符合条件的办件操作',
    intro: '一个任务处理已应用的筛选条件所匹配的每个环节（不只是显示的），每次处理都记入审计日志。',
    filters: '筛选条件：',
    applyFirst: '。筛选条件有改动时，请先应用到列表。',
    rate: '速率（每秒处理数）',
    rateHint: '1 到 50',
    started: (/** @type {number} */ n) => `已发起批量操作，共 ${n} 个环节。`,
  },
  en: {
    whyStuck: (list) => `why stuck: ${list}`,
    status: (list) => `status ${list}`,
    department: 'department',
    bundle: 'bundle',
    retryingLongerThan: 'retryingLongerThan',
    waitingLongerThan: 'waitingLongerThan',
    attemptsAtLeast: 'attemptsAtLeast',
    separator: '; ',
    none: 'none: every stuck application',
    retry: 'Retry all matching',
    retryExplain:
      'Call the department again now for every matching step in progress (without a "why stuck" filter: those retrying or waiting for a decision).',
    resend: 'Re-send all matching',
    resendExplain:
      'Submit again every matching case waiting for a department decision, e.g. cases a department lost in an outage.',
    heading: 'Act on all matching',
    intro:
      'A job works through every step the applied filters match, not only those shown, each repair audited. ',
    filters: 'Filters: ',
    applyFirst: '. Apply changed filters to the list first.',
    rate: 'Rate (repairs per second)',
    rateHint: '1 to 50',
    started: (n) => `Started a bulk action over ${n} steps.`,
  },
});

const listFilters = /** @type {const} */ (['stuck', 'status']);
const textFilters = /** @type {const} */ ([
  'bundle',
  'department',
  'retryingLongerThan',
  'waitingLongerThan',
]);

/**
 * The stuck list's filters as `POST /v1/ops/bulk-actions` takes them: the same names (the bulk
 * filter is the list's query), comma lists as arrays. What the API refuses, it says why.
 * @param {URLSearchParams} params the list's address
 * @returns {BulkFilter}
 */
function bulkFilterOf(params) {
  /** @type {BulkFilter} */
  const filter = {};
  for (const name of listFilters) {
    const values = (params.get(name) ?? '').split(',').filter(Boolean);
    if (values.length > 0) filter[name] = values;
  }
  for (const name of textFilters) {
    const value = params.get(name);
    if (value) filter[name] = value;
  }
  const attempts = params.get('attemptsAtLeast');
  if (attempts) filter.attemptsAtLeast = /^\d+$/.test(attempts) ? Number(attempts) : attempts;
  return filter;
}

/**
 * The filter in words, as the operator applied it to the list.
 * @param {BulkFilter} filter
 */
function filterText({ stuck, status, ...others }) {
  const parts = [
    stuck && words.t('whyStuck', listText(stuck.map(stuckLabel))),
    status && words.t('status', listText(status.map(statusText))),
    ...[...textFilters, /** @type {const} */ ('attemptsAtLeast')].map((name) => {
      const value = others[name];
      return value === undefined ? null : `${words.t(name)} ${String(value)}`;
    }),
  ].filter(Boolean);
  return parts.length ? parts.join(words.t('separator')) : words.t('none');
}

/**
 * A button for each bulk action the API has (contract.js): the catalogue's type fails on one
 * without its label and explanation.
 * @type {{ [A in BulkActionKind]: { label: () => string, explain: () => string } }}
 */
const buttons = {
  retry: { label: () => words.t('retry'), explain: () => words.t('retryExplain') },
  resend: { label: () => words.t('resend'), explain: () => words.t('resendExplain') },
};

/**
 * Starts a bulk action over what the list shows: every step the list's applied filters match,
 * worked through by a throttled job whose page the console then opens.
 * @param {URLSearchParams} params the list's address
 */
export function bulkStartPanel(params) {
  const filter = bulkFilterOf(params);
  const rate = numberInput('ratePerSecond', 5, 1, 50);
  const { notice, report } = noticeBox();
  return el(
    'section',
    { class: 'repair bulk-start', 'data-testid': 'bulk-start' },
    el('h2', {}, words.t('heading')),
    el(
      'p',
      {},
      words.t('intro'),
      words.t('filters'),
      el('strong', { 'data-testid': 'bulk-filter' }, filterText(filter)),
      words.t('applyFirst'),
    ),
    notice,
    reasonForm({
      report,
      fields: [field(words.t('rate'), rate, words.t('rateHint'))],
      buttons: bulkRepairActions.map((action) => ({
        label: buttons[action].label(),
        explain: buttons[action].explain(),
        props: { 'data-action': action },
        send: async (reason) => {
          /** @type {BulkAction} */
          const job = await api('POST', '/v1/ops/bulk-actions', {
            action,
            reason,
            filter,
            ratePerSecond: Number(rate.value),
          });
          location.hash = `#/bulk/${job.id}`;
          return words.t('started', job.total);
        },
      })),
    }),
  );
}
