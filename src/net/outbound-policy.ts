import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { problem } from '../shared/errors';

/**
 * Where Mailroom may connect on a tenant's behalf (their SMTP and IMAP servers,
 * alert webhooks, OAuth token endpoints). A tenant's admin types host names:
 * without this, they could make the service scan or call the platform's own
 * network (databases, Temporal, cloud metadata at 169.254.169.254).
 *
 * The check is on the RESOLVED address, and the connection is then made to that
 * very address (the name is kept only for TLS SNI and certificate checks), so a
 * name that resolves to a public address for the check and a private one for
 * the connection (DNS rebinding) gets nowhere.
 */
export type LookupAll = (host: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundPolicy {
  /** MAILROOM_ALLOW_PRIVATE_NETWORKS: every address but the cloud metadata ones. */
  allowPrivate: boolean;
  /** MAILROOM_OUTBOUND_ALLOW: CIDR ranges admitted whatever their kind (e.g. 127.0.0.0/8). */
  allow: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  lookup: LookupAll;
}

/** Link-local metadata services of the clouds (AWS, GCP, Azure, OpenStack; AWS IPv6; Alibaba). */
const METADATA = ['169.254.169.254/32', '169.254.170.2/32', 'fd00:ec2::254/128', '100.100.100.200/32'].map((c) => ipaddr.parseCIDR(c));

const systemLookup: LookupAll = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

export function parseCidrList(list: string | undefined): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    // Addresses are normalised (IPv4-mapped IPv6 → IPv4) before matching, so a v4 range covers both forms.
    .map((c) => (c.includes('/') ? ipaddr.parseCIDR(c) : [ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128]));
}

/** MAILROOM_OUTBOUND_DNS=none: no query leaves the machine; `localhost` is loopback, every other name "does not exist". */
export const noDnsLookup: LookupAll = async (host) => {
  if (host.toLowerCase() === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

export function createOutboundPolicy(opts: { allowPrivate?: boolean; allow?: string; lookup?: LookupAll } = {}): OutboundPolicy {
  return { allowPrivate: opts.allowPrivate ?? false, allow: parseCidrList(opts.allow), lookup: opts.lookup ?? systemLookup };
}

let current: OutboundPolicy = createOutboundPolicy();

/** Set once at start from the configuration (src/runtime.ts); tests set a stubbed resolver. */
export function setOutboundPolicy(policy: OutboundPolicy): void {
  current = policy;
}

export function outboundPolicy(): OutboundPolicy {
  return current;
}

const inRanges = (addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][]) =>
  ranges.some(([net_, bits]) => net_.kind() === addr.kind() && addr.match(net_, bits));

/** True when a connection to this literal address is admitted. IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as its IPv4 address. */
export function isAddressAllowed(address: string, policy: OutboundPolicy = current): boolean {
  if (!ipaddr.isValid(address)) return false;
  const addr = ipaddr.process(address);
  if (inRanges(addr, policy.allow)) return true;
  if (inRanges(addr, METADATA)) return false;
  // 'unicast' is ipaddr.js's name for everything that is not special-purpose (public addresses).
  if (addr.range() === 'unicast') return true;
  return policy.allowPrivate;
}

export const notAllowed = (host: string) =>
  problem('DESTINATION_NOT_ALLOWED', 'NOT_PUBLIC_ADDRESS', { host }, { extra: { host } });

/**
 * Resolves `host` once and returns the address to connect to. Every address
 * the name resolves to must be admitted (a name mixing public and private
 * records is refused), so the answer does not depend on which one is tried.
 */
export async function resolveOutbound(host: string, policy: OutboundPolicy = current): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(bare)) {
    if (!isAddressAllowed(bare, policy)) throw notAllowed(host);
    return { address: bare, family: net.isIPv6(bare) ? 6 : 4 };
  }
  const addresses = await policy.lookup(bare);
  const first = addresses[0];
  if (!first) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  if (addresses.some((a) => !isAddressAllowed(a.address, policy))) throw notAllowed(host);
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A plain TCP connection to an admitted address of `host` (TLS, if any, is started by the caller with `host` as servername). */
export async function connectOutbound(host: string, port: number, timeoutMs: number, policy: OutboundPolicy = current): Promise<net.Socket> {
  const { address } = await resolveOutbound(host, policy);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`Connection timeout to ${host}:${port}`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
