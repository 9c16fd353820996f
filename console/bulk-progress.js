import { el, svg } from './dom.js';

/** @typedef {import('./types').BulkAction} BulkAction */

/** The item states in the order the bar draws them; what is left of the bar is pending. */
const drawn = /** @type {const} */ (['done', 'refused', 'failed']);
const width = 1000;
const height = 20;

/**
 * How far a bulk action got, as one line.
 * @param {BulkAction} job
 */
export const progressText = (job) =>
  `${job.total - job.pending} of ${job.total} worked through: ${job.done} done, ${job.refused} refused, ${job.failed} failed, ${job.pending} pending`;

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
  /** @type {Array<[string, number]>} */
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
        `${name[0]?.toUpperCase()}${name.slice(1)}: `,
        el('strong', {}, String(count)),
      ),
    ),
  );
}
