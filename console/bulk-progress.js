import { el, svg } from './dom.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').BulkAction} BulkAction */

const words = wordsOf({
  zh: {
    progress: (
      /** @type {number} */ worked,
      /** @type {number} */ total,
      /** @type {number} */ done,
      /** @type {number} */ refused,
      /** @type {number} */ failed,
      /** @type {number} */ pending,
    ) => `已处理 ${worked}/${total}：完成 ${done}，被拒绝 ${refused}，失败 ${failed}，待处理 ${pending}`,
    total: '总数',
    done: '完成',
    refused: '被拒绝',
    failed: '失败',
    pending: '待处理',
  },
  en: {
    progress: (worked, total, done, refused, failed, pending) =>
      `${worked} of ${total} worked through: ${done} done, ${refused} refused, ${failed} failed, ${pending} pending`,
    total: 'Total',
    done: 'Done',
    refused: 'Refused',
    failed: 'Failed',
    pending: 'Pending',
  },
});

/** The item states in the order the bar draws them; what is left of the bar is pending. */
const drawn = /** @type {const} */ (['done', 'refused', 'failed']);
const width = 1000;
const height = 20;

/**
 * How far a bulk action got, as one line.
 * @param {BulkAction} job
 */
export const progressText = (job) =>
  words.t('progress', job.total - job.pending, job.total, job.done, job.refused, job.failed, job.pending);

/**
 * A bulk action's progress as a stacked bar: done, refused and failed items from the left, the
 * pending ones as the track. SVG attributes, not inline styles, size it (the CSP allows no style).
 * @param {BulkAction} job
 */
export function progressBar(job) {
  let x = 0;
  const segments = drawn.map((state) => {
    const w = job.total > 0 ? (job[state] / job.total) * width : 0;
    const rect = svg('rect', { class: `bar-${state}`, x, y: 0, width: w, height });
    x += w;
    return rect;
  });
  return svg(
    'svg',
    {
      class: 'progress-bar',
      'data-testid': 'bulk-progress',
      viewBox: `0 0 ${width} ${height}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': progressText(job),
    },
    svg('rect', { class: 'bar-pending', x: 0, y: 0, width, height }),
    segments,
    svg('title', {}, progressText(job)),
  );
}

/**
 * The counts beside the bar, each findable by its state.
 * @param {BulkAction} job
 */
export function progressCounts(job) {
  /** @type {Array<['total' | 'done' | 'refused' | 'failed' | 'pending', number]>} */
  const counts = [
    ['total', job.total],
    ['done', job.done],
    ['refused', job.refused],
    ['failed', job.failed],
    ['pending', job.pending],
  ];
  return el(
    'ul',
    { class: 'legend counts' },
    counts.map(([name, count]) =>
      el(
        'li',
        { 'data-count': name },
        el('span', { class: `swatch bar-${name}` }),
        `${words.t(name)}: `,
        el('strong', {}, String(count)),
      ),
    ),
  );
}
