import type { Notification } from 'pg';
import { eventsChannel } from '../db/events.js';
import { taskChangesChannel } from '../db/task-changes.js';
import type { Pool, PoolClient } from '../db/pool.js';

/** Tells who waits for application events that some were written. */
export interface EventFeed {
  /**
   * Calls `onEvents` with the application id after each committed batch of its events, and with
   * undefined after the feed lost its connection and got it back (anything may have been missed).
   * Returns the function that unsubscribes.
   */
  subscribe(onEvents: (applicationId: string | undefined) => void): () => void;
  /**
   * Calls `onChange` with the department of each committed change of a work-list task (migration
   * 0031), and with undefined after the connection was lost and got back. Returns the unsubscriber.
   */
  subscribeTasks?(onChange: (department: string | undefined) => void): () => void;
}

export interface EventListener extends EventFeed {
  /** Connects and LISTENs; fails if the database cannot be reached. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventListenerOptions {
  pool: Pool;
  /** How long to wait before connecting again after the connection was lost. */
  reconnectMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * One LISTEN connection per process on `onething_events`, shared by the webhook dispatcher and
 * every event stream, so a thousand open streams cost one database connection, not a thousand.
 * It holds one client of the pool for as long as it runs.
 */
export function createEventListener(options: EventListenerOptions): EventListener {
  const reconnectMs = options.reconnectMs ?? 1000;
  const subscribers = new Set<(applicationId: string | undefined) => void>();
  const taskSubscribers = new Set<(department: string | undefined) => void>();
  let client: PoolClient | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const emit = (applicationId: string | undefined) => {
    for (const onEvents of subscribers) onEvents(applicationId);
  };
  const emitTasks = (department: string | undefined) => {
    for (const onChange of taskSubscribers) onChange(department);
  };
  const onNotification = (message: Notification) => {
    if (message.channel === eventsChannel) emit(message.payload || undefined);
    else if (message.channel === taskChangesChannel) emitTasks(message.payload || undefined);
  };

  async function connect(): Promise<void> {
    const connection = await options.pool.connect();
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      client = undefined;
      connection.removeListener('notification', onNotification);
      // Released with an error, the pool closes the connection instead of reusing it.
      connection.release(err instanceof Error ? err : true);
      if (stopped) return;
      options.onError?.(err ?? new Error('the LISTEN connection ended'));
      scheduleReconnect();
    };
    connection.on('notification', onNotification);
    connection.on('error', onLost);
    connection.on('end', () => onLost());
    try {
      await connection.query(`LISTEN ${eventsChannel}`);
      await connection.query(`LISTEN ${taskChangesChannel}`);
    } catch (err) {
      lost = true;
      connection.release(true);
      throw err;
    }
    if (stopped) {
      lost = true;
      connection.release(true);
      return;
    }
    client = connection;
  }

  function scheduleReconnect() {
    reconnectTimer = setTimeout(() => {
      connect().then(
        () => {
          emit(undefined);
          emitTasks(undefined);
        },
        (err: unknown) => {
          if (stopped) return;
          options.onError?.(err);
          scheduleReconnect();
        },
      );
    }, reconnectMs);
  }

  return {
    async start() {
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      const connection = client;
      client = undefined;
      if (connection) {
        connection.removeListener('notification', onNotification);
        connection.removeAllListeners('end');
        connection.removeAllListeners('error');
        // An 'error' after this point must not crash the process.
        connection.on('error', () => undefined);
        connection.release(true);
      }
    },
    subscribe(onEvents) {
      subscribers.add(onEvents);
      return () => subscribers.delete(onEvents);
    },
    subscribeTasks(onChange) {
      taskSubscribers.add(onChange);
      return () => taskSubscribers.delete(onChange);
    },
  };
}
