// Where webhook deliveries may go. A webhook URL is chosen by an admin, but the server makes the
// request from inside the network: without a guard, a webhook reaches the cloud metadata service
// (169.254.169.254), the database port on localhost or a router on 192.168.x.x, and the delivery log
// tells which ports answered. So by default only public unicast addresses are targets, checked on
// every address the name RESOLVES to at delivery time (a name's DNS answer can change after
// registration), and the connection goes to the address that was checked (no second lookup to race,
// i.e. no DNS-rebinding gap). OTASHIP_WEBHOOK_ALLOW_PRIVATE=true lifts the private-network refusal
// for receivers on one's own network.
//
// The classification is ipaddr.js's table of special ranges (maintained against the IANA registries);
// anything it does not call plain "unicast" is refused, which also covers the IPv6 forms that embed an
// IPv4 address (IPv4-mapped ::ffff:a.b.c.d is unwrapped first; 6to4, NAT64 and Teredo are refused).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { OtashipError } from '../core/errors.js';

/** Never a receiver, even on a private network. */
const NEVER: ReadonlySet<string> = new Set(['unspecified', 'multicast', 'broadcast']);

/**
 * Whether a connection to this IP literal is refused. Unparseable text is refused: it is not an
 * address we could have checked.
 */
export function isRefusedAddress(address: string, allowPrivate: boolean): boolean {
  const text = address.replace(/^\[|\]$/g, '');
  // node:net's strict parser decides what is an address (ipaddr.js also takes classful forms like 1.2.3).
  if (isIP(text) === 0) return true;
  // process(): an IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
  const range = ipaddr.process(text).range();
  if (NEVER.has(range)) return true;
  return !allowPrivate && range !== 'unicast';
}

/** The error a refused target ends in; the delivery log shows only its coarse message. */
export class RefusedTargetError extends Error {
  constructor() {
    super(REFUSED_PRIVATE);
    this.name = 'RefusedTargetError';
  }
}

export const REFUSED_PRIVATE = 'refused: private address';

/**
 * At registration: a URL whose host is an IP literal in a refused range is answered
 * 400 WEBHOOK_TARGET at once. Names are judged at delivery (their addresses can change).
 */
export function checkTargetUrl(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isRefusedAddress(host, allowPrivate)) {
    throw new OtashipError(
      'WEBHOOK_TARGET',
      `url ${url.host} is a loopback, link-local, private or otherwise non-public address: webhooks are sent only to ` +
        'public addresses (a server administrator can allow private ones with OTASHIP_WEBHOOK_ALLOW_PRIVATE=true)',
    );
  }
}

/**
 * A `lookup` for http(s).request: resolves every address of the name, refuses them all if any one
 * is refused, and hands the socket exactly the addresses it checked. (A literal IP host never reaches
 * a lookup function: the dispatcher checks those with isRefusedAddress before connecting.)
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '');
      if (addresses.length === 0 || addresses.some((a) => isRefusedAddress(a.address, allowPrivate))) {
        return callback(new RefusedTargetError(), '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}
