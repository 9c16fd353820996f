import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import {
  WebhookTargetRefusedError,
  checkWebhookTarget,
  forbiddenAddressReason,
  guardedLookup,
  strictWebhookTargets,
  webhookTargetPolicyOf,
} from '../../notifications/webhook-targets.js';
import type { HostLookup, WebhookTargetPolicy } from '../../notifications/webhook-targets.js';

/** A resolver that knows only `records`; anything else does not exist. Records every name asked. */
function stubLookup(records: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup: HostLookup = async (hostname) => {
    asked.push(hostname);
    const addresses = records[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, asked };
}

const noDns: HostLookup = async () => {
  throw new Error('no DNS lookup expected');
};
const httpAllowed: WebhookTargetPolicy = { allowPrivate: false, requireHttps: false };

describe('forbiddenAddressReason', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'shared'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback address (IPv4-mapped 127.0.0.1)'],
    ['::ffff:a9fe:a9fe', 'link-local address (cloud metadata lives there) (IPv4-mapped 169.254.169.254)'],
    ['::ffff:10.0.0.1', 'private address (IPv4-mapped 10.0.0.1)'],
    ['::10.0.0.1', 'private address (IPv4-compatible 10.0.0.1)'],
    ['64:ff9b::a00:1', 'private address (NAT64 10.0.0.1)'],
    ['2002:a9fe:a9fe::1', 'link-local address (cloud metadata lives there) (6to4 169.254.169.254)'],
  ])('refuses %s (%s)', (address, why) => {
    expect(forbiddenAddressReason(address)).toContain(why);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });
});

describe('checkWebhookTarget', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/hook',
    'http://127.0.0.1:8080/hook',
    'http://0x7f.1/hook',
    'http://2130706433/hook',
    'http://0/hook',
    'http://[::1]/hook',
    'http://[::ffff:169.254.169.254]/hook',
    'http://[::ffff:a00:1]/hook',
    'http://[fd12:3456::1]/hook',
    'http://[fe80::1]/hook',
  ])('refuses the internal literal of %s without a DNS lookup', async (url) => {
    const check = await checkWebhookTarget(url, httpAllowed, noDns);
    expect(check.allowed).toBe(false);
  });

  it('says why, naming the address the portal gave', async () => {
    expect(await checkWebhookTarget('http://169.254.169.254/x', httpAllowed, noDns)).toEqual({
      allowed: false,
      reason: '169.254.169.254 is a link-local address (cloud metadata lives there)',
    });
  });

  it('allows public literals', async () => {
    expect(await checkWebhookTarget('https://93.184.215.14/hook', strictWebhookTargets, noDns)).toEqual({
      allowed: true,
    });
    expect(await checkWebhookTarget('https://[2606:4700::1]/hook', strictWebhookTargets, noDns)).toEqual({
      allowed: true,
    });
  });

  it('refuses a host name if any of its addresses is internal, keeping the address out of the reason', async () => {
    const { lookup, asked } = stubLookup({
      'portal.example.org': ['93.184.215.14'],
      'metadata.example.org': ['169.254.169.254'],
      'mixed.example.org': ['93.184.215.14', '10.1.2.3'],
      'six.example.org': ['2606:4700::1', 'fd00::5'],
      'mapped.example.org': ['::ffff:192.168.0.10'],
    });
    expect(await checkWebhookTarget('https://portal.example.org/hook', strictWebhookTargets, lookup)).toEqual(
      {
        allowed: true,
      },
    );
    expect(await checkWebhookTarget('https://mixed.example.org/hook', strictWebhookTargets, lookup)).toEqual({
      allowed: false,
      reason: 'mixed.example.org resolves to a private address',
      address: '10.1.2.3',
    });
    for (const host of ['metadata', 'six', 'mapped']) {
      const check = await checkWebhookTarget(`https://${host}.example.org/`, strictWebhookTargets, lookup);
      expect(check, host).toMatchObject({ allowed: false, reason: expect.stringContaining('resolves to') });
    }
    expect(asked).toContain('mixed.example.org');
  });

  it('refuses a host name that does not resolve, or resolves to nothing', async () => {
    const { lookup } = stubLookup({ 'empty.example.org': [] });
    expect(await checkWebhookTarget('https://nowhere.example.org/', strictWebhookTargets, lookup)).toEqual({
      allowed: false,
      reason: 'nowhere.example.org could not be resolved (ENOTFOUND)',
    });
    expect(
      await checkWebhookTarget('https://empty.example.org/', strictWebhookTargets, lookup),
    ).toMatchObject({
      allowed: false,
    });
  });

  it('refuses schemes other than http and https', async () => {
    for (const url of [
      'ftp://example.org/x',
      'file:///etc/passwd',
      'gopher://example.org/',
      'javascript:alert(1)',
    ]) {
      const check = await checkWebhookTarget(url, httpAllowed, noDns);
      expect(check, url).toMatchObject({ allowed: false, reason: expect.stringContaining('use https') });
    }
    expect(await checkWebhookTarget('not a url', httpAllowed, noDns)).toMatchObject({ allowed: false });
  });

  it('refuses credentials in the URL, even where private targets are allowed', async () => {
    for (const url of [
      'https://user:pass@example.org/',
      'https://user@example.org/',
      'https://:pass@example.org/',
    ]) {
      const check = await checkWebhookTarget(url, { allowPrivate: true, requireHttps: false }, noDns);
      expect(check, url).toMatchObject({ allowed: false, reason: expect.stringContaining('credentials') });
    }
  });

  it('refuses plain http where https is required, before any lookup', async () => {
    expect(await checkWebhookTarget('http://portal.example.org/', strictWebhookTargets, noDns)).toEqual({
      allowed: false,
      reason: 'this deployment delivers over https only',
    });
    const { lookup } = stubLookup({ 'portal.example.org': ['93.184.215.14'] });
    expect(await checkWebhookTarget('http://portal.example.org/', httpAllowed, lookup)).toEqual({
      allowed: true,
    });
  });

  it('allows internal targets without a lookup where private targets are allowed', async () => {
    const open = { allowPrivate: true, requireHttps: false };
    for (const url of ['http://127.0.0.1:4000/hook', 'http://10.0.0.1/', 'http://receiver.internal/']) {
      expect(await checkWebhookTarget(url, open, noDns), url).toEqual({ allowed: true });
    }
  });
});

describe('webhookTargetPolicyOf', () => {
  it('is strict in production and open elsewhere unless set', () => {
    expect(webhookTargetPolicyOf({ NODE_ENV: 'production' })).toEqual(strictWebhookTargets);
    expect(webhookTargetPolicyOf({ NODE_ENV: 'development' })).toEqual({
      allowPrivate: true,
      requireHttps: false,
    });
    expect(
      webhookTargetPolicyOf({
        NODE_ENV: 'development',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: false,
        WEBHOOK_REQUIRE_HTTPS: true,
      }),
    ).toEqual(strictWebhookTargets);
    expect(webhookTargetPolicyOf({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_TARGETS: true })).toEqual({
      allowPrivate: true,
      requireHttps: true,
    });
  });

  it('reads both settings from the environment as booleans', () => {
    const env = {
      NODE_ENV: 'development',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
      WEBHOOK_REQUIRE_HTTPS: 'true',
    };
    expect(webhookTargetPolicyOf(loadConfig(env))).toEqual(strictWebhookTargets);
    const blank = { NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_TARGETS: '', WEBHOOK_REQUIRE_HTTPS: '' };
    expect(webhookTargetPolicyOf(loadConfig(blank))).toEqual(strictWebhookTargets);
    expect(() => loadConfig({ WEBHOOK_REQUIRE_HTTPS: 'maybe' })).toThrow(/WEBHOOK_REQUIRE_HTTPS/);
  });
});

describe('guardedLookup', () => {
  /** What a connection's lookup hands back, asked as `net.connect` asks (all addresses) or one. */
  const resolveWith = (lookup: LookupFunction, all: boolean) =>
    new Promise<{ address: string | LookupAddress[]; family?: number }>((resolve, reject) =>
      lookup('portal.example.org', { all }, (err, address, family) =>
        err ? reject(err) : resolve({ address, family }),
      ),
    );

  /** A POST with Node's client through `lookup`: its answer, or the error of its connection. */
  const post = (url: string, lookup: LookupFunction) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      request(url, { method: 'POST', lookup, agent: false }, resolve).on('error', reject).end('{}');
    });

  it('hands the connection the addresses the resolver gave, all of them public', async () => {
    const { lookup } = stubLookup({ 'portal.example.org': ['93.184.215.14', '2606:4700::1'] });
    expect(await resolveWith(guardedLookup(lookup), true)).toEqual({
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
    });
    expect(await resolveWith(guardedLookup(lookup), false)).toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('refuses the connection when the answer after the check is internal (DNS rebinding), saying why', async () => {
    // A rebinding name server: public for the check, the metadata service for the connection.
    const answers = ['93.184.215.14', '169.254.169.254'];
    const asked: string[] = [];
    const rebinding: HostLookup = async (hostname) => {
      asked.push(hostname);
      return [{ address: answers[asked.length - 1] ?? '169.254.169.254' }];
    };
    const url = 'http://portal.example.org:8080/hook';
    expect(await checkWebhookTarget(url, httpAllowed, rebinding)).toEqual({ allowed: true });

    const refused = post(url, guardedLookup(rebinding));
    await expect(refused).rejects.toBeInstanceOf(WebhookTargetRefusedError);
    await expect(refused).rejects.toThrow(
      'target refused when connecting: portal.example.org resolves to a link-local address (cloud metadata lives there) (169.254.169.254)',
    );
    expect(asked).toEqual(['portal.example.org', 'portal.example.org']);
  });

  it('refuses a host name that resolves to any internal address or to none', async () => {
    const { lookup } = stubLookup({ 'portal.example.org': ['93.184.215.14', 'fd00::5'] });
    await expect(resolveWith(guardedLookup(lookup), true)).rejects.toThrow(
      'portal.example.org resolves to a unique-local address (fd00::5)',
    );
    const empty = stubLookup({ 'portal.example.org': [] });
    await expect(resolveWith(guardedLookup(empty.lookup), false)).rejects.toThrow(
      'portal.example.org resolves to no address',
    );
  });

  it("passes the resolver's own failure on to the connection", async () => {
    const { lookup } = stubLookup({});
    await expect(post('http://portal.example.org/hook', guardedLookup(lookup))).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });
});
