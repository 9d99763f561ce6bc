// The key every per-client limit counts under (sign-in failures, anonymous device registrations).
import ipaddr from 'ipaddr.js';

/**
 * One key per client: an IPv4 address (IPv4-mapped IPv6 unwrapped), or an IPv6 /64 — one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would not limit anyone.
 */
export function clientKey(address: string | undefined): string {
  // Node forgets a request's address once its socket is gone (a client that sent junk after its
  // request is cut while that request is still handled): such requests share one key.
  if (address === undefined || address === '') return 'unknown';
  const bare = address.replace(/%.*$/, ''); // a link-local zone (fe80::1%eth0) names the interface, not the client
  if (!ipaddr.isValid(bare)) return bare;
  const ip = ipaddr.process(bare);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
