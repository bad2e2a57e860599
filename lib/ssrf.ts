import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard for URLs that admins type (webhook bots): only public unicast addresses may be
 * reached unless the operator names the host in an allowlist. ipaddr.js classifies the ranges: loopback, private
 * (RFC 1918), carrier-grade NAT (100.64/10, where some clouds put metadata), link-local (169.254/16: the cloud
 * metadata service), unique-local IPv6 (fc00::/7, including fd00:ec2::254), IPv4-mapped/NAT64/6to4 forms that embed
 * an IPv4 address, multicast, reserved and unspecified addresses are all refused.
 */

/** True only for ordinary public unicast addresses. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to ${address}, a loopback, private, link-local or otherwise non-public address`);
    this.name = 'BlockedAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request / net.connect: resolves as usual, then refuses the connection when any resolved
 * address is not public. It runs for every new connection, on the address actually connected to, so a DNS answer that
 * changes after a check (rebinding) cannot slip through.
 */
export function guardedLookup(
  hostname: string,
  options: LookupOneOptions | LookupAllOptions | number,
  callback: LookupCallback,
): void {
  const opts = typeof options === 'number' ? { family: options } : options;
  dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const blocked = list.find((a) => !isPublicAddress(a.address));
    if (blocked) return callback(new BlockedAddressError(hostname, blocked.address) as never, '');
    if ((opts as LookupAllOptions).all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
    callback(null, first.address, first.family);
  });
}

/** An IP literal in a URL's hostname (brackets stripped), or null for a name. */
export function literalAddress(hostname: string): string | null {
  const h = hostname.replace(/^\[|\]$/g, '');
  return isIP(h) ? h : null;
}
