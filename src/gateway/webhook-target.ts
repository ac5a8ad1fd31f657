import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be delivered. The gateway POSTs patient events to configured URLs; a URL that
 * reaches the cloud's instance metadata service (169.254.169.254 and its IPv6 and vendor variants),
 * a link-local or a multicast address is either a mistake or a server-side request forgery, and is
 * refused unless the entry sets `allowPrivateTargets`. Loopback and private (RFC 1918, ULA) networks
 * stay allowed: the host RIS or platform software usually runs beside the gateway or on the LAN.
 *
 * The check runs on the address actually connected to (a DNS lookup hook), not only on the URL, so
 * a name that resolves, or later re-resolves, to a forbidden address is refused as well.
 */
const FORBIDDEN = new BlockList();
const REASONS: Array<{ reason: string; net: string; prefix: number; type: 'ipv4' | 'ipv6' }> = [
  { reason: 'a cloud metadata address', net: '100.100.100.200', prefix: 32, type: 'ipv4' },
  { reason: 'a cloud metadata address', net: 'fd00:ec2::254', prefix: 128, type: 'ipv6' },
  { reason: 'a link-local address (cloud metadata services live there)', net: '169.254.0.0', prefix: 16, type: 'ipv4' },
  { reason: 'a link-local address', net: 'fe80::', prefix: 10, type: 'ipv6' },
  { reason: 'a multicast address', net: '224.0.0.0', prefix: 4, type: 'ipv4' },
  { reason: 'a multicast address', net: 'ff00::', prefix: 8, type: 'ipv6' },
  { reason: 'a reserved or broadcast address', net: '240.0.0.0', prefix: 4, type: 'ipv4' },
  { reason: 'the unspecified address', net: '0.0.0.0', prefix: 8, type: 'ipv4' },
  { reason: 'the unspecified address', net: '::', prefix: 128, type: 'ipv6' },
];
for (const r of REASONS) FORBIDDEN.addSubnet(r.net, r.prefix, r.type);

/** Why `address` may not receive webhooks, or `undefined` when it may. IPv4-mapped IPv6 is read as IPv4. */
export function forbiddenWebhookAddress(address: string): string | undefined {
  let ip = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (mapped) {
    ip =
      mapped.length === 2
        ? mapped[1]!
        : [
            parseInt(mapped[1]!, 16) >> 8,
            parseInt(mapped[1]!, 16) & 255,
            parseInt(mapped[2]!, 16) >> 8,
            parseInt(mapped[2]!, 16) & 255,
          ].join('.');
  }
  const family = isIP(ip);
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (!FORBIDDEN.check(ip, type)) return undefined;
  const single = new BlockList();
  for (const r of REASONS) {
    if (r.type !== type) continue;
    single.addSubnet(r.net, r.prefix, r.type);
    if (single.check(ip, type)) return r.reason;
  }
  return 'a forbidden address';
}

/** Error of a delivery refused because of its target address (not retried: the address is the problem). */
export class ForbiddenWebhookTargetError extends Error {
  readonly code = 'TLR_ERR_GATEWAY_WEBHOOK_TARGET_FORBIDDEN';
  constructor(host: string, address: string, reason: string) {
    super(`webhook target ${host} resolves to ${address}, ${reason}; set allowPrivateTargets on this webhook to allow it`);
    this.name = 'ForbiddenWebhookTargetError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for `http.request` that refuses forbidden addresses (every address when `all` is asked). */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const a of addresses) {
      const reason = forbiddenWebhookAddress(a.address);
      if (reason) return callback(new ForbiddenWebhookTargetError(hostname, a.address, reason) as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
