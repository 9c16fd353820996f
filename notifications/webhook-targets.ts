import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config.js';

/**
 * Where this deployment delivers webhooks. Onething POSTs from inside the government network, so
 * a portal's URL must not make it reach that network (server-side request forgery).
 */
export interface WebhookTargetPolicy {
  /** Private, loopback, link-local and other internal addresses are allowed too. */
  allowPrivate: boolean;
  /** Plain http is refused; only https is delivered. */
  requireHttps: boolean;
}

/** The policy of a deployment that says nothing: public https targets only. */
export const strictWebhookTargets: WebhookTargetPolicy = { allowPrivate: false, requireHttps: true };

/**
 * The policy `WEBHOOK_ALLOW_PRIVATE_TARGETS` and `WEBHOOK_REQUIRE_HTTPS` set. Unset, production is
 * strict; development and test allow private http targets, as their receivers run on 127.0.0.1.
 */
export function webhookTargetPolicyOf(
  config: Pick<Config, 'NODE_ENV' | 'WEBHOOK_ALLOW_PRIVATE_TARGETS' | 'WEBHOOK_REQUIRE_HTTPS'>,
): WebhookTargetPolicy {
  const production = config.NODE_ENV === 'production';
  return {
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? !production,
    requireHttps: config.WEBHOOK_REQUIRE_HTTPS ?? production,
  };
}

/** Every address a host name resolves to, like `lookup(host, { all: true })` of `node:dns/promises`. */
export type HostLookup = (hostname: string) => Promise<ReadonlyArray<{ address: string }>>;

/** The system resolver, as the delivery's own connection resolves the host. */
export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true });

/** Whether a webhook URL may be delivered to; if not, why, in words a portal can act on. */
export type WebhookTargetCheck =
  | { allowed: true }
  | {
      allowed: false;
      reason: string;
      /** The refused address a host name resolved to; kept out of `reason`, which portals read. */
      address?: string;
    };

/**
 * Checks a webhook URL against the policy: http(s) only (https only if required), no credentials,
 * and unless private targets are allowed, no internal address, whether the URL names it or its host
 * name resolves to it. A host name is refused if ANY of its addresses is, or if it does not resolve.
 */
export async function checkWebhookTarget(
  url: string | URL,
  policy: WebhookTargetPolicy,
  lookup: HostLookup = systemLookup,
): Promise<WebhookTargetCheck> {
  let target: URL;
  try {
    target = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { allowed: false, reason: 'it is not an absolute URL' };
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    return { allowed: false, reason: `${target.protocol} URLs are not delivered to; use https` };
  if (target.username || target.password)
    return {
      allowed: false,
      reason: 'it carries credentials (user:password@); deliveries are authenticated by their signature',
    };
  if (policy.requireHttps && target.protocol === 'http:')
    return { allowed: false, reason: 'this deployment delivers over https only' };
  if (policy.allowPrivate) return { allowed: true };

  // The WHATWG parser already turned decimal, hex and short IPv4 forms into dotted quads.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    const why = forbiddenAddressReason(host);
    return why ? { allowed: false, reason: `${host} is ${why}` } : { allowed: true };
  }
  let addresses: ReadonlyArray<{ address: string }>;
  try {
    addresses = await lookup(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { allowed: false, reason: `${host} could not be resolved${code ? ` (${code})` : ''}` };
  }
  return checkAddresses(host, addresses);
}

/** Refuses a host name that resolved to no address or to any internal one. */
function checkAddresses(host: string, addresses: ReadonlyArray<{ address: string }>): WebhookTargetCheck {
  if (addresses.length === 0) return { allowed: false, reason: `${host} resolves to no address` };
  for (const { address } of addresses) {
    const why = forbiddenAddressReason(address);
    if (why) return { allowed: false, reason: `${host} resolves to ${why}`, address };
  }
  return { allowed: true };
}

/** A connection the target rule refused when it resolved the host; its message says why. */
export class WebhookTargetRefusedError extends Error {
  override name = 'WebhookTargetRefusedError';
}

/**
 * The `lookup` of a delivery's connection (`http.request`, `net.connect`): resolves with `lookup`
 * and hands the socket those addresses only if none is internal, so the connection reaches an
 * address the rule passed, not a second DNS answer given after the check (DNS rebinding).
 */
export function guardedLookup(lookup: HostLookup = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    void lookup(hostname).then(
      (resolved) => {
        const check = checkAddresses(hostname, resolved);
        if (!check.allowed) {
          const address = check.address ? ` (${check.address})` : '';
          const why = `target refused when connecting: ${check.reason}${address}`;
          callback(new WebhookTargetRefusedError(why), '');
          return;
        }
        const addresses = resolved.map(({ address }) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

type Range = { family: 4 | 6; prefix: bigint; bits: number; what: string };

const ipv4Ranges: Range[] = (
  [
    ['0.0.0.0', 8, 'an unspecified address'],
    ['10.0.0.0', 8, 'a private address'],
    ['100.64.0.0', 10, 'a shared (carrier-grade NAT) address'],
    ['127.0.0.0', 8, 'a loopback address'],
    ['169.254.0.0', 16, 'a link-local address (cloud metadata lives there)'],
    ['172.16.0.0', 12, 'a private address'],
    ['192.0.0.0', 24, 'a reserved address'],
    ['192.0.2.0', 24, 'a documentation address'],
    ['192.168.0.0', 16, 'a private address'],
    ['198.18.0.0', 15, 'a reserved (benchmarking) address'],
    ['198.51.100.0', 24, 'a documentation address'],
    ['203.0.113.0', 24, 'a documentation address'],
    ['224.0.0.0', 4, 'a multicast address'],
    ['240.0.0.0', 4, 'a reserved or broadcast address'],
  ] as const
).map(([address, bits, what]) => ({ family: 4, prefix: ipv4Value(address), bits, what }));

const ipv6Ranges: Range[] = (
  [
    ['::', 128, 'an unspecified address'],
    ['::1', 128, 'a loopback address'],
    ['64:ff9b:1::', 48, 'a local NAT64 address'],
    ['100::', 64, 'a discard address'],
    ['2001:db8::', 32, 'a documentation address'],
    ['fc00::', 7, 'a unique-local address'],
    ['fe80::', 10, 'a link-local address'],
    ['fec0::', 10, 'a site-local address'],
    ['ff00::', 8, 'a multicast address'],
  ] as const
).map(([address, bits, what]) => ({ family: 6, prefix: ipv6Value(address), bits, what }));

/** IPv6 forms that carry an IPv4 address in their low 32 bits, which is what is reached. */
const embeddingIpv4: Range[] = (
  [
    ['::ffff:0:0', 96, 'IPv4-mapped'],
    ['::ffff:0:0:0', 96, 'IPv4-translated'],
    ['64:ff9b::', 96, 'NAT64'],
    ['::', 96, 'IPv4-compatible'],
  ] as const
).map(([address, bits, what]) => ({ family: 6, prefix: ipv6Value(address), bits, what }));

const within = (value: bigint, range: Range) => {
  const shift = BigInt((range.family === 4 ? 32 : 128) - range.bits);
  return value >> shift === range.prefix >> shift;
};

/**
 * Why an IP address may not be a webhook target ("a private address", …), or undefined if it
 * may. Not allowed: private, shared, loopback, link-local, unique-local, site-local, multicast,
 * unspecified, reserved and documentation ranges, and IPv6 forms that embed such an IPv4 address.
 */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return ipv4Ranges.find((range) => within(ipv4Value(address), range))?.what;
  if (family !== 6) return 'not an IP address';
  const value = ipv6Value(address);
  const exact = ipv6Ranges.find((range) => range.bits === 128 && within(value, range));
  if (exact) return exact.what;
  const embedding = embeddingIpv4.find((range) => within(value, range));
  if (embedding) return embeddedIpv4Reason(value & 0xffff_ffffn, embedding.what);
  // 6to4 (2002::/16) reaches the IPv4 address in bits 16 to 47 through a relay.
  if (value >> 112n === 0x2002n) return embeddedIpv4Reason((value >> 80n) & 0xffff_ffffn, '6to4');
  return ipv6Ranges.find((range) => within(value, range))?.what;
}

function embeddedIpv4Reason(ipv4: bigint, form: string): string | undefined {
  const dotted = [24n, 16n, 8n, 0n].map((shift) => (ipv4 >> shift) & 0xffn).join('.');
  const why = forbiddenAddressReason(dotted);
  return why && `${why} (${form} ${dotted})`;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of an IPv6 address (`isIP` checked it), with or without a zone or an IPv4 tail. */
function ipv6Value(address: string): bigint {
  let text = address.split('%')[0] ?? '';
  if (text.includes('.')) {
    const cut = text.lastIndexOf(':') + 1;
    const tail = ipv4Value(text.slice(cut));
    text = `${text.slice(0, cut)}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const high = groups(head);
  const low = rest === undefined ? [] : groups(rest);
  const zeros = rest === undefined ? [] : Array<string>(8 - high.length - low.length).fill('0');
  return [...high, ...zeros, ...low].reduce(
    (value, group) => (value << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}
