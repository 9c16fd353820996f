import { eventsAfter } from '../db/events.js';
import type { Pool } from '../db/pool.js';
import {
  claimDueReplay,
  recordReplayDelivered,
  recordReplayFailure,
} from '../db/webhook-failed-deliveries.js';
import type { ApplicationEvent } from '../schemas/events.js';
import type { Keyring } from '../temporal/codec.js';
import { openWebhookSecret } from './webhook-secrets.js';

/** What one POST of an event came to. */
export type DeliveryOutcome =
  { ok: true; status: number } | { ok: false; status: number | null; error: string };

export interface ReplayerOptions {
  pool: Pool;
  keyring?: Keyring;
  /** POSTs one event, signed with `secret`, as every delivery is. */
  send(target: { url: string }, secret: string, event: ApplicationEvent): Promise<DeliveryOutcome>;
  /** The delay before the next attempt after `attempts` failures. */
  delayAfter(attempts: number): number;
  /** How long after the replay was asked for it is given up on again. */
  retryForMs: number;
  leaseMs: number;
  now: () => Date;
  signal: AbortSignal;
  log?: { warn(obj: object, message: string): void };
}

// Replays sent per dispatcher round: they share the round with the live cursors.
const replaysPerRound = 50;

/**
 * Sends the failed deliveries a portal asked to replay, each leased like a cursor (so no two
 * dispatchers send one at once) and sent until acknowledged, then marked delivered and never
 * sent again; or failed again once `retryForMs` has passed since the replay was asked for.
 */
export function createReplayer(options: ReplayerOptions) {
  const { pool } = options;

  async function replayOne(): Promise<boolean> {
    const replay = await claimDueReplay(pool, options.leaseMs);
    if (!replay) return false;
    const attempts = replay.attempts + 1;
    const fail = async (status: number | null, error: string) => {
      const giveUp = options.now().getTime() - replay.replay_requested_at.getTime() >= options.retryForMs;
      await recordReplayFailure(pool, replay.id, {
        attempts,
        delayMs: options.delayAfter(attempts),
        status,
        error,
        giveUp,
      });
      options.log?.warn(
        {
          webhookId: replay.webhook_id,
          eventId: `${replay.application_id}:${replay.seq}`,
          attempts,
          giveUp,
          error,
        },
        'webhook replay failed',
      );
    };
    let secret: string;
    try {
      secret = await openWebhookSecret(options.keyring, replay.webhook_id, {
        secret: replay.secret,
        keyId: replay.secret_key_id,
      });
    } catch (err) {
      await fail(null, err instanceof Error ? err.message : String(err));
      return true;
    }
    const [event] = await eventsAfter(pool, replay.application_id, replay.seq - 1, 1);
    if (!event || event.seq !== replay.seq) {
      await fail(null, `event ${replay.application_id}:${replay.seq} no longer exists`);
      return true;
    }
    const outcome = await options.send(replay, secret, event);
    if (options.signal.aborted) return false;
    if (outcome.ok) await recordReplayDelivered(pool, replay.id, outcome.status);
    else await fail(outcome.status, outcome.error);
    return true;
  }

  return {
    /** Sends the due replays, at most a round's share. */
    async runDue(): Promise<void> {
      for (let n = 0; n < replaysPerRound && !options.signal.aborted; n += 1) {
        if (!(await replayOne())) return;
      }
    },
  };
}
