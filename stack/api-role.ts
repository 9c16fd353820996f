import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../api/app.js';
import type { BuildAppOptions } from '../api/app.js';
import type { ApiDeps } from '../api/deps.js';
import { createWebhookDispatcher } from '../notifications/dispatcher.js';
import type { WebhookDispatcherOptions } from '../notifications/dispatcher.js';
import { createDutyDispatcher } from '../notifications/duty-dispatcher.js';
import type { DutyDispatcherOptions } from '../notifications/duty-dispatcher.js';
import { noDutyChannels } from '../notifications/duty-channels.js';
import { createEventListener } from '../notifications/listener.js';
import { ensureRetentionSchedule } from './retention-schedule.js';

/** What the API role is composed of; `startApiRole` wires and starts it. */
export interface ApiRoleOptions {
  /** The routes' dependencies; the event feed is made here, one per process. */
  deps: Omit<ApiDeps, 'events'>;
  app?: Omit<BuildAppOptions, 'logger'>;
  listen: { host: string; port: number };
  /** Settings of the webhook dispatcher beyond the pool, feed and keyring it shares with the API. */
  webhooks?: Omit<WebhookDispatcherOptions, 'pool' | 'events' | 'keyring' | 'log'>;
  /**
   * Where escalations, overdue tasks and outages are announced (DUTY_CHANNELS_FILE), and the
   * dispatcher's settings; without channels they are still recorded and audited.
   */
  duty?: Omit<DutyDispatcherOptions, 'pool' | 'metrics' | 'log'>;
  /** How often the retention schedule runs (`RETENTION_EVERY`); no schedule is made without it. */
  retentionEvery?: string;
  log: Logger;
  /** The API's request log; warnings and errors of the app's logger only, by default. */
  requestLog?: Logger;
}

/** A running API process part: its URL, the app for in-process callers, and an orderly stop. */
export interface ApiRole {
  app: FastifyInstance;
  /** How this machine reaches it, e.g. `http://127.0.0.1:3000`. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The API role: the HTTP API, one LISTEN connection that wakes its event streams and the webhook
 * dispatcher, the dispatcher, and the duty dispatcher (escalations and outages to people on duty). Any number of API processes run side by side: deliveries are
 * leased in PostgreSQL (each goes out once), and every process hears every event. `npm run api`,
 * `npm start` and the test stack all compose it here.
 */
export async function startApiRole(options: ApiRoleOptions): Promise<ApiRole> {
  const { deps, log } = options;
  const closers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse())
      await close().catch((err: unknown) => log.warn({ err }, 'API shutdown step failed'));
  };
  try {
    if (options.retentionEvery) {
      await ensureRetentionSchedule(deps.temporal, {
        taskQueue: deps.taskQueue,
        every: options.retentionEvery,
      });
    }
    const events = createEventListener({
      pool: deps.pool,
      onError: (err) => log.warn({ err }, 'event notifications interrupted; reconnecting'),
    });
    await events.start();
    closers.push(() => events.stop());
    const app = await buildApp(
      { ...deps, events },
      {
        ...options.app,
        // A line per request would bury what matters; errors are still logged by the error handler.
        logger: options.requestLog ?? log.child({ component: 'api' }, { level: 'warn' }),
      },
    );
    await app.listen(options.listen);
    closers.push(() => app.close());
    const dispatcher = createWebhookDispatcher({
      ...options.webhooks,
      pool: deps.pool,
      events,
      ...(deps.keyring ? { keyring: deps.keyring } : {}),
      ...(deps.webhookTargets && !options.webhooks?.targets ? { targets: deps.webhookTargets } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      log: log.child({ component: 'webhooks' }),
    });
    dispatcher.start();
    closers.push(() => dispatcher.stop());
    const duty = createDutyDispatcher({
      channels: noDutyChannels,
      ...options.duty,
      pool: deps.pool,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      log: log.child({ component: 'duty' }),
    });
    duty.start();
    closers.push(() => duty.stop());
    return { app, url: urlOf(app, options.listen.host), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** How a client on this machine reaches the app (a wildcard address is not one to connect to). */
function urlOf(app: FastifyInstance, host: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const reachable = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
