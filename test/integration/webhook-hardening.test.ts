import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import type { ClientRequestArgs } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../api/app.js';
import type { ApiDeps } from '../../api/deps.js';
import { sealStoredWebhookSecrets } from '../../notifications/webhook-secrets.js';
import type { HostLookup, WebhookTargetPolicy } from '../../notifications/webhook-targets.js';
import { verifyWebhookSignature } from '../../notifications/signature.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';

// What the stub resolver answers for every host name, in turn (one lookup, the next answer); a
// test changes it to play a DNS change.
const publicAddress = '93.184.215.14';
let answers = [publicAddress];
let lookups = 0;
const lookup: HostLookup = async () => [{ address: answers[lookups++ % answers.length] ?? publicAddress }];
/** The stub resolver answers `next` from now on, in turn. */
function resolveTo(...next: string[]) {
  answers = next;
  lookups = 0;
}
// Private targets refused, as in production; http allowed, as the receivers have no certificate.
const noPrivateTargets: WebhookTargetPolicy = { allowPrivate: false, requireHttps: false };

/**
 * The test's network: a connection to the public address reaches 127.0.0.1, where the receivers
 * listen. It translates what the dispatcher's guarded lookup handed the socket, after the guard
 * checked the resolver's answer, like a NAT on the way.
 */
class PublicAddressOnLoopback extends Agent {
  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, socket: Duplex) => void,
  ) {
    const checked = options.lookup;
    if (!checked) throw new Error('the dispatcher connected without its guarded lookup');
    const reach = (address: string) => (address === publicAddress ? '127.0.0.1' : address);
    const lookup: LookupFunction = (hostname, dnsOptions, done) =>
      checked(hostname, dnsOptions, (err, address, family) =>
        done(
          err,
          typeof address === 'string'
            ? reach(address)
            : address.map((a) => ({ ...a, address: reach(a.address) })),
          family,
        ),
      );
    return super.createConnection({ ...options, lookup }, callback);
  }
}

const network = new PublicAddressOnLoopback({ keepAlive: true });
let stack: TestStack;
beforeAll(async () => {
  // The API registers 127.0.0.1 receivers as in every test stack; the dispatcher checks like
  // production, through the stub resolver, at the check and at the connection, so `localhost`
  // passes while it "resolves" publicly, and the test's network takes the public address to the
  // receivers.
  stack = await startTestStack({
    webhookDispatch: { targets: noPrivateTargets, lookup, agents: { http: network } },
  });
});
afterAll(async () => {
  await stack?.close();
  network.destroy();
});

interface CreatedWebhook {
  id: string;
  url: string;
  secret: string;
}

/** A receiver and its URL by host name; closed when the test ends. */
async function receiverByName() {
  const receiver = await startWebhookReceiver();
  onTestFinished(() => receiver.close());
  return { receiver, url: receiver.url.replace('//127.0.0.1:', '//localhost:') };
}

async function register(url: string): Promise<CreatedWebhook> {
  const created = await stack.request<CreatedWebhook>('POST', '/v1/webhooks', { url });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  onTestFinished(async () => {
    await stack.request('DELETE', `/v1/webhooks/${created.body.id}`);
  });
  return created.body;
}

/** Polls `read` until `done` holds for its result, at most `timeoutMs`; fails with the last result. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

async function endedApplication() {
  const submitted = await stack.submit(newbornRequest());
  expect(submitted.status).toBe(201);
  const id = submitted.body.id;
  await eventually(() => stack.getApplication(id), ended);
  const { rows } = await stack.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM application_events WHERE application_id = $1',
    [id],
  );
  return { id, events: rows[0]?.n ?? 0 };
}

const allAcknowledged = (receiver: WebhookReceiver, applicationId: string, n: number) =>
  receiver.waitFor(() => {
    const acknowledged = receiver.of(applicationId).filter((d) => d.answered < 300);
    return new Set(acknowledged.map((d) => d.event.seq)).size === n;
  });

/** True if every delivery of the application was signed with `secret`. */
const allSignedWith = (receiver: WebhookReceiver, applicationId: string, secret: string) =>
  receiver
    .of(applicationId)
    .every((d) => verifyWebhookSignature(secret, d.body, d.headers['onething-signature'] as string));

/** The tables of the test database whose rows, as text, contain `text`: what a dump would show. */
async function tablesContaining(text: string): Promise<string[]> {
  const { rows: tables } = await stack.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await stack.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${name}" r WHERE strpos(r::text, $1) > 0`,
      [text],
    );
    if ((rows[0]?.n ?? 0) > 0) found.push(name);
  }
  return found;
}

describe('webhook registration', () => {
  /** An API like the stack's, with another webhook target policy. */
  async function appWith(webhookTargets: WebhookTargetPolicy | undefined) {
    const deps: ApiDeps = { ...stack.apiDeps, webhookTargets };
    const app = await buildApp(deps, { authCacheTtlMs: 0, rateLimitPerMinute: 100_000 });
    onTestFinished(() => app.close());
    return (url: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: { authorization: `Bearer ${stack.keys.portal}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ url }),
      });
  }

  it('refuses internal targets with WEBHOOK_TARGET_REFUSED, saying why, and stores nothing', async () => {
    const register = await appWith(noPrivateTargets);
    const refused = [
      ['http://169.254.169.254/latest/meta-data/iam/', 'link-local'],
      ['http://10.0.0.1/hook', 'private'],
      ['http://127.0.0.1:8080/hook', 'loopback'],
      ['http://[::ffff:169.254.169.254]/hook', 'IPv4-mapped'],
      ['http://[fd00::1]/hook', 'unique-local'],
      ['https://portal:secret@93.184.215.14/hook', 'credentials'],
    ] as const;
    for (const [url, why] of refused) {
      const response = await register(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json(), url).toMatchObject({
        status: 400,
        code: 'WEBHOOK_TARGET_REFUSED',
        detail: expect.stringContaining(why),
      });
    }
    const { rows } = await stack.pool.query('SELECT id FROM webhooks WHERE url = ANY ($1)', [
      refused.map(([url]) => url),
    ]);
    expect(rows).toEqual([]);
  });

  it('refuses plain http by default (a deployment that says nothing is strict), and takes public https', async () => {
    const register = await appWith(undefined);
    const http = await register('http://93.184.215.14/hook');
    expect(http.statusCode).toBe(400);
    expect(http.json()).toMatchObject({
      code: 'WEBHOOK_TARGET_REFUSED',
      detail: 'The URL is refused: this deployment delivers over https only.',
    });
    const https = await register('https://93.184.215.14/hook');
    expect(https.statusCode).toBe(201);
    const created = https.json<CreatedWebhook>();
    expect((await stack.request('DELETE', `/v1/webhooks/${created.id}`)).status).toBe(204);
  });
});

describe('webhook secrets', () => {
  it('are stored encrypted with the keyring, and deliveries are still signed with the secret the portal got', async () => {
    const { receiver, url } = await receiverByName();
    const webhook = await register(url);

    const { rows } = await stack.pool.query<{ secret: string; secret_key_id: string | null }>(
      'SELECT secret, secret_key_id FROM webhooks WHERE id = $1',
      [webhook.id],
    );
    expect(rows[0]?.secret_key_id).toBe(stack.apiDeps.keyring?.currentKeyId);
    expect(rows[0]?.secret).not.toBe(webhook.secret);
    expect(Buffer.from(rows[0]?.secret ?? '', 'base64').toString('latin1')).not.toContain(webhook.secret);
    expect(await tablesContaining(webhook.secret)).toEqual([]);

    const application = await endedApplication();
    await allAcknowledged(receiver, application.id, application.events);
    expect(receiver.of(application.id).length).toBeGreaterThanOrEqual(application.events);
    expect(allSignedWith(receiver, application.id, webhook.secret)).toBe(true);
  });

  it('stored in clear text before encryption still sign, and are sealed by the start-up step', async () => {
    const { receiver, url } = await receiverByName();
    const id = `wh_legacy${randomBytes(4).toString('hex')}`;
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    await stack.pool.query('INSERT INTO webhooks (id, client_id, url, secret) VALUES ($1, $2, $3, $4)', [
      id,
      'test-portal',
      url,
      secret,
    ]);
    onTestFinished(async () => {
      await stack.request('DELETE', `/v1/webhooks/${id}`);
    });
    expect(await tablesContaining(secret)).toEqual(['webhooks']);

    const application = await endedApplication();
    await allAcknowledged(receiver, application.id, application.events);
    expect(allSignedWith(receiver, application.id, secret)).toBe(true);

    const keyring = stack.apiDeps.keyring;
    if (!keyring) throw new Error('the test stack has no keyring');
    expect(await sealStoredWebhookSecrets(stack.pool, keyring)).toMatchObject({ sealed: 1, unreadable: 0 });
    expect(await tablesContaining(secret)).toEqual([]);
    const { rows } = await stack.pool.query<{ secret_key_id: string | null }>(
      'SELECT secret_key_id FROM webhooks WHERE id = $1',
      [id],
    );
    expect(rows).toEqual([{ secret_key_id: keyring.currentKeyId }]);
    // Nothing is left to seal: the step is idempotent.
    expect(await sealStoredWebhookSecrets(stack.pool, keyring)).toEqual({ sealed: 0, unreadable: 0 });
  });
});

describe('webhook deliveries', () => {
  /** The delivery cursor of a webhook and an application. */
  const cursor = async (webhookId: string, applicationId: string) =>
    (
      await stack.pool.query<{ attempts: number; last_status: number | null; last_error: string | null }>(
        `SELECT attempts, last_status, last_error FROM webhook_deliveries
         WHERE webhook_id = $1 AND application_id = $2`,
        [webhookId, applicationId],
      )
    ).rows[0];

  // After registration the host name points at the metadata service, either for every lookup or,
  // like a rebinding name server, only for the connection after a public answer to the check.
  it.each([
    {
      when: 'while the host resolves to an internal address',
      resolve: () => resolveTo('169.254.169.254'),
      lastError:
        'target refused: localhost resolves to a link-local address (cloud metadata lives there) (169.254.169.254)',
    },
    {
      when: 'when DNS rebinds between the check and the connection',
      resolve: () => resolveTo(publicAddress, '169.254.169.254'),
      lastError:
        'target refused when connecting: localhost resolves to a link-local address (cloud metadata lives there) (169.254.169.254)',
    },
  ])('are not sent $when, recorded as failures and retried', async ({ resolve, lastError }) => {
    onTestFinished(() => resolveTo(publicAddress));
    const { receiver, url } = await receiverByName();
    const webhook = await register(url);
    resolve();

    const application = await endedApplication();
    const refused = await eventually(
      () => cursor(webhook.id, application.id),
      (row) => (row?.attempts ?? 0) >= 2,
    );
    expect(refused).toMatchObject({ last_status: null, last_error: lastError });
    expect(receiver.of(application.id)).toEqual([]);

    // DNS points back at a public address: the retries go through, in order, signed.
    resolveTo(publicAddress);
    await allAcknowledged(receiver, application.id, application.events);
    expect(receiver.of(application.id)[0]?.event.seq).toBe(1);
    expect(allSignedWith(receiver, application.id, webhook.secret)).toBe(true);
  });
});
