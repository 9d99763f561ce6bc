// The key every per-client limit counts under (sign-in failures, anonymous device registrations).
import ipaddr from 'ipaddr.js';

/**
 * One key per client: an IPv4 address (IPv4-mapped IPv6 unwrapped), or an IPv6 /64 — one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would not limit anyone.
 */
export function clientKey(address: string): string {
  const bare = address.replace(/%.*$/, ''); // a link-local zone (fe80::1%eth0) names the interface, not the client
  if (!ipaddr.isValid(bare)) return bare;
  const ip = ipaddr.process(bare);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
