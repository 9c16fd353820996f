import { svg } from './dom.js';
import { finalStepStatuses } from './contract.js';
import { dateTime, duration, statusText, titleIn, titleText } from './format.js';
import { currentLanguage, wordsOf } from './i18n.js';

/** @typedef {import('./types').ApplicationView} ApplicationView */
/** @typedef {import('./types').StepView} StepView */
/** @typedef {import('./types').TimelineEvent} TimelineEvent */
/** @typedef {{ status: string, from: number, to: number }} Segment */

const words = wordsOf({
  zh: {
    seconds: (/** @type {string} */ s) => `${s}秒`,
    now: (/** @type {string} */ offset) => `现在（${offset}）`,
    notStarted: '未开始',
    bar: (/** @type {string} */ step, /** @type {string} */ status, /** @type {string} */ from) =>
      `${step}：${status}，${from}`,
    until: (/** @type {string} */ to) => ` 至 ${to}`,
    chart: (/** @type {string} */ start) => `环节时间线，自 ${start}（北京时间）起，每个环节一条`,
  },
  en: {
    seconds: (s) => `${s}s`,
    now: (offset) => `now (${offset})`,
    notStarted: 'not started',
    bar: (step, status, from) => `${step}: ${status} ${from}`,
    until: (to) => ` to ${to}`,
    chart: (start) => `Step timeline from ${start} (Beijing time), one bar per step`,
  },
});

/**
 * An offset from the start as a tick says it; tenths of a second on a short axis, where whole
 * seconds would label several ticks alike.
 * @param {number} ms
 * @param {number} span the whole axis
 */
const offsetText = (ms, span) =>
  span < 10_000 ? `+${words.t('seconds', (ms / 1000).toFixed(1))}` : `+${duration(ms)}`;

const layout = { width: 960, labelWidth: 280, rowHeight: 34, barHeight: 16, top: 28, right: 16, bottom: 8 };

/**
 * What the step was doing when, from its recorded transitions: each status lasts until the next
 * one, an ended status is an instant, and the last status of a step in progress lasts until `end`.
 * @param {StepView} step
 * @param {TimelineEvent[]} events
 * @param {number} end
 * @returns {Segment[]}
 */
function segmentsOf(step, events, end) {
  const own = events.filter((e) => e.stepId === step.id);
  if (own.length === 0) {
    if (step.startedAt === null) return [];
    const from = Date.parse(step.startedAt);
    return [{ status: step.status, from, to: step.completedAt ? Date.parse(step.completedAt) : end }];
  }
  return own.map((event, i) => {
    const from = Date.parse(event.at);
    const next = own[i + 1];
    const to = next ? Date.parse(next.at) : finalStepStatuses.some((s) => s === event.status) ? from : end;
    return { status: event.status, from, to };
  });
}

/**
 * The step timeline as a Gantt chart: one row per step, its bar coloured by what the step was
 * doing, on a time axis from the application's start to its end (or now).
 * @param {ApplicationView} application
 * @param {TimelineEvent[]} events
 * @param {boolean} ended
 * @param {number} now
 */
export function timelineChart(application, events, ended, now) {
  const start = Date.parse(application.createdAt);
  const lastEvent = events.reduce((latest, e) => Math.max(latest, Date.parse(e.at)), start);
  const end = Math.max(ended ? lastEvent : now, start + 1000);
  const { width, labelWidth, rowHeight, barHeight, top, right, bottom } = layout;
  const track = width - labelWidth - right;
  const x = (/** @type {number} */ t) =>
    labelWidth + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * track;
  const height = top + application.steps.length * rowHeight + bottom;

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = labelWidth + f * track;
    return svg(
      'g',
      { class: 'tick' },
      svg('line', { x1: tx, x2: tx, y1: top - 6, y2: height - bottom }),
      svg(
        'text',
        { x: tx, y: top - 10, 'text-anchor': f === 1 ? 'end' : f === 0 ? 'start' : 'middle' },
        f === 1 && !ended
          ? words.t('now', offsetText(end - start, end - start))
          : offsetText(f * (end - start), end - start),
      ),
    );
  });

  const rows = application.steps.map((step, i) => {
    const y = top + i * rowHeight;
    const barY = y + (rowHeight - barHeight) / 2;
    const segments = segmentsOf(step, events, end);
    const label = svg(
      'text',
      { class: 'step-label', x: 8, y: y + rowHeight / 2 - 2 },
      svg('tspan', { class: 'step-title' }, titleIn(step.title)),
      svg(
        'tspan',
        { class: 'step-department', x: 8, dy: 13 },
        `${step.department} · ${currentLanguage() === 'zh' ? step.title.en : step.title.zh}`,
      ),
    );
    const bars =
      segments.length === 0
        ? [
            svg(
              'rect',
              { class: 'bar not-started', x: labelWidth, y: barY, width: track, height: barHeight, rx: 3 },
              svg('title', {}, `${titleText(step.title)} (${step.department}): ${words.t('notStarted')}`),
            ),
            svg(
              'text',
              { class: 'not-started-label', x: labelWidth + 6, y: barY + barHeight - 4 },
              words.t('notStarted'),
            ),
          ]
        : segments.map((s) =>
            svg(
              'rect',
              {
                class: `bar status-${s.status}`,
                'data-status': s.status,
                x: x(s.from),
                y: barY,
                // An instant (a step that ended as it started) still shows as a thin mark.
                width: Math.max(3, x(s.to) - x(s.from)),
                height: barHeight,
                rx: 3,
              },
              svg(
                'title',
                {},
                words.t(
                  'bar',
                  `${titleText(step.title)} (${step.department})`,
                  statusText(s.status),
                  dateTime(new Date(s.from).toISOString()),
                ) + (s.to > s.from ? words.t('until', dateTime(new Date(s.to).toISOString())) : ''),
              ),
            ),
          );
    return svg(
      'g',
      { class: 'step-row', 'data-step-id': step.id, 'data-status': step.status },
      svg('rect', { class: i % 2 ? 'row-band odd' : 'row-band', x: 0, y, width, height: rowHeight }),
      label,
      bars,
    );
  });

  return svg(
    'svg',
    {
      class: 'timeline-chart',
      'data-testid': 'timeline-chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': words.t('chart', dateTime(application.createdAt)),
    },
    rows,
    ticks,
  );
}

/**
 * The colours of the chart, in words, for the legend under it.
 * @type {import('./types').StepStatus[]}
 */
export const chartLegend = [
  'running',
  'waiting',
  'completed',
  'skipped',
  'rejected',
  'failed',
  'compensated',
];
