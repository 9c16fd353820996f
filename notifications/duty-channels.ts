import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import type { DutyEventKind } from '../db/duty-notifications.js';
import { eventIdHeader, signatureHeader, signWebhookBody } from './signature.js';

/** What a duty channel is told: an event about one department, with ids and a line for people. */
export interface DutyEvent {
  /** The same on every attempt: receivers deduplicate on it. */
  id: string;
  kind: DutyEventKind;
  department: string;
  applicationId?: string;
  /** When it happened (ISO). */
  at: string;
  /** One line a person reads in a chat: what happened and what to do. */
  text: string;
  details: Record<string, unknown>;
}

/** Somewhere people on duty are told of an event: a chat bot, a pager gateway, … */
export interface NotificationChannel {
  /** How the audit log and the errors name it (never its secret). */
  name: string;
  /** Resolves once the channel took the event; rejects to be retried. */
  send(event: DutyEvent, signal: AbortSignal): Promise<void>;
}

/**
 * A duty chat bot's or pager's webhook: the event POSTed as JSON, signed like the portals'
 * webhooks (`onething-signature: t=…,v1=<HMAC-SHA256 of "t.body">` with the channel's secret,
 * `onething-event-id`), acknowledged by any 2xx. Its URL is the deployment's own configuration,
 * not a portal's, so it may be on the internal network.
 */
export function createWebhookChannel(options: {
  name: string;
  url: string;
  secret: string;
  now?: () => Date;
}): NotificationChannel {
  return {
    name: options.name,
    async send(event, signal) {
      const body = JSON.stringify(event);
      const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Onething-Duty/1',
          [eventIdHeader]: event.id,
          [signatureHeader]: signWebhookBody(options.secret, body, timestamp),
        },
        body,
        redirect: 'manual',
        signal,
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300)
        throw new Error(`${options.name} answered HTTP ${response.status}`);
    },
  };
}

/** The channels of each department; `*` lists those told of every department's events. */
export type DutyChannels = (department: string) => NotificationChannel[];

const channelSchema = z
  .object({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(16),
    name: z.string().min(1).max(100).optional(),
  })
  .strict();
const fileSchema = z.record(z.string().min(1), z.array(channelSchema));

/** No channel anywhere: events are recorded, audited and counted, and reach nobody. */
export const noDutyChannels: DutyChannels = () => [];

/** The channels `DUTY_CHANNELS_FILE` names, per department and for all (`*`). */
export function dutyChannelsFrom(config: unknown, where = 'DUTY_CHANNELS_FILE'): DutyChannels {
  const parsed = fileSchema.safeParse(config);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`${where} is not valid:\n${lines.join('\n')}`);
  }
  const channels = new Map(
    Object.entries(parsed.data).map(([department, list]) => [
      department,
      list.map((c, i) =>
        createWebhookChannel({ name: c.name ?? `${department}#${i + 1}`, url: c.url, secret: c.secret }),
      ),
    ]),
  );
  return (department) => [...(channels.get(department) ?? []), ...(channels.get('*') ?? [])];
}

/** Reads `DUTY_CHANNELS_FILE`; none configured when unset. */
export async function loadDutyChannels(file: string | undefined): Promise<DutyChannels> {
  if (!file) return noDutyChannels;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`DUTY_CHANNELS_FILE (${file}) cannot be read: ${(err as Error).message}`);
  }
  try {
    return dutyChannelsFrom(JSON.parse(text) as unknown, `DUTY_CHANNELS_FILE (${file})`);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`DUTY_CHANNELS_FILE (${file}) is not JSON: ${(err as Error).message}`);
  }
}
