// Whether a phone can reach the manifest host. Works on WHATWG-normalised hostnames (new URL().hostname),
// which already turn 127.1, 0x7f.0.0.1 and friends into dotted quads and brackets IPv6.

export type HostReach = 'public' | 'unreachable' | 'private';

function ipv4(host: string): [number, number, number, number] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number) as [number, number, number, number];
  return parts.every((p) => p <= 255) ? parts : null;
}

function classifyIpv4([a, b]: [number, number, number, number]): HostReach {
  if (a === 127 || a === 0) return 'unreachable';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'private'; // link-local
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT, Tailscale
  return 'public';
}

// Names that only resolve inside a network: mDNS, RFC 8375, and common intranet suffixes.
const PRIVATE_SUFFIXES = ['.local', '.lan', '.home', '.home.arpa', '.internal', '.intranet', '.corp', '.localdomain'];

export function classifyHost(hostname: string): HostReach {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === 'ip6-localhost' || host === 'ip6-loopback') {
    return 'unreachable';
  }
  if (host.startsWith('[')) {
    const v6 = host.slice(1, -1);
    if (v6 === '::1' || v6 === '::') return 'unreachable';
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
    if (mapped) {
      const hi = parseInt(mapped[1] ?? '0', 16);
      const lo = parseInt(mapped[2] ?? '0', 16);
      return classifyIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
    }
    if (/^f[cd][0-9a-f]{0,2}:/.test(v6) || /^fe[89ab][0-9a-f]?:/.test(v6)) return 'private';
    return 'public';
  }
  const v4 = ipv4(host);
  if (v4) return classifyIpv4(v4);
  if (!host.includes('.')) return 'private'; // single-label intranet name (http://buildserver/)
  if (PRIVATE_SUFFIXES.some((s) => host.endsWith(s))) return 'private';
  return 'public';
}
