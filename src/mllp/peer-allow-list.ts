import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { MllpPeerRuleError } from './errors.js';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address a limit or a rule applies to: the remote address without port, with an IPv4-mapped
 * IPv6 address (`::ffff:10.1.2.3`, what a dual-stack listener reports for an IPv4 peer) written as
 * the IPv4 address it is. Without this a partner would count as two peers, and an IPv4 rule would
 * not match it, depending on whether the listener is bound to `0.0.0.0` or `::`.
 */
export function normalizePeerAddress(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const mapped = MAPPED_IPV4.exec(remoteAddress);
  return mapped ? mapped[1]! : remoteAddress.toLowerCase();
}

/**
 * Peers allowed to open an MLLP connection: addresses and CIDR blocks, IPv4 and IPv6
 * (`10.0.0.0/8`, `192.168.1.20`, `2001:db8::/32`, `::1`, `::ffff:10.1.2.3`). Matching is done by
 * node's `net.BlockList`; an IPv4-mapped entry or peer is treated as its IPv4 address, so one rule
 * covers a partner whether it arrives over IPv4 or on a dual-stack socket.
 */
export class PeerAllowList {
  readonly entries: readonly string[];
  private readonly list = new BlockList();

  /** @throws MllpPeerRuleError (TLR_ERR_MLLP_PEER_RULE) naming the first entry that is not an address or CIDR block */
  constructor(entries: readonly string[]) {
    this.entries = [...entries];
    for (const entry of entries) addRule(this.list, entry);
  }

  /** Whether a peer with this remote address (as `socket.remoteAddress` gives it) may connect. */
  allows(remoteAddress: string | undefined): boolean {
    const address = normalizePeerAddress(remoteAddress);
    if (isIPv4(address)) return this.list.check(address, 'ipv4');
    if (isIPv6(address)) return this.list.check(address, 'ipv6');
    return false;
  }
}

function addRule(list: BlockList, raw: string): void {
  const entry = raw.trim();
  const slash = entry.indexOf('/');
  const address = normalizePeerAddress(slash === -1 ? entry : entry.slice(0, slash));
  const prefixText = slash === -1 ? undefined : entry.slice(slash + 1);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (family === undefined) throw new MllpPeerRuleError(raw, 'not an IPv4 or IPv6 address');
  if (prefixText === undefined) {
    list.addAddress(address, family);
    return;
  }
  if (!/^\d{1,3}$/.test(prefixText)) throw new MllpPeerRuleError(raw, 'the prefix length must be a number');
  let prefix = Number(prefixText);
  // `::ffff:10.0.0.0/104` is the IPv4 block 10.0.0.0/8 written in the mapped range.
  const wasMapped = family === 'ipv4' && MAPPED_IPV4.test(entry.slice(0, slash));
  if (wasMapped) {
    if (prefix < 96) throw new MllpPeerRuleError(raw, 'a prefix on an IPv4-mapped address must be at least 96');
    prefix -= 96;
  }
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  if (prefix > maxPrefix) throw new MllpPeerRuleError(raw, `the prefix length must be at most ${maxPrefix}`);
  list.addSubnet(address, prefix, family);
}
