/** @typedef {import('./types').TaskView} TaskView */

/**
 * Follows the work list's live view (`GET /v1/tasks/events`) until `signal` aborts. Resolves
 * once the stream is open (its `ready` frame), or could not open: the list is loaded after
 * that, so a change is either in it or comes through the stream. EventSource reconnects by
 * itself with the last id received (Last-Event-ID), and the API then sends what was missed.
 * @param {{
 *   department: string,
 *   signal: AbortSignal,
 *   onTask: (task: TaskView) => void,
 *   onState: (state: 'live' | 'reconnecting') => void,
 * }} options
 * @returns {Promise<void>}
 */
export function followTasks({ department, signal, onTask, onState }) {
  const url = department
    ? `/v1/tasks/events?department=${encodeURIComponent(department)}`
    : '/v1/tasks/events';
  const source = new EventSource(url);
  signal.addEventListener('abort', () => source.close(), { once: true });
  source.addEventListener('task', (event) => {
    onTask(/** @type {TaskView} */ (JSON.parse(/** @type {MessageEvent<string>} */ (event).data)));
  });
  return new Promise((resolve) => {
    source.addEventListener('ready', () => {
      onState('live');
      resolve();
    });
    source.addEventListener('error', () => {
      // Closed: the API refused (a signed-out session); the list's own request will say why.
      if (source.readyState === EventSource.CLOSED) source.close();
      onState('reconnecting');
      resolve();
    });
  });
}
