// Which names the server certificate must cover. A phone reaches a self-hosted server by whatever the
// tester typed or scanned: the machine's host name, its Bonjour `.local` name, or a LAN IP address —
// so the leaf carries all of them. Pure (inputs injected) so tests can feed any interface table.
import { BlockList, isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

export interface ServerNames {
  /** DNS names, lower-case, sorted, unique. */
  dns: string[];
  /** IP addresses in canonical text form, sorted, unique. */
  ips: string[];
}

export interface CollectNamesInput {
  hostname: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** Extra host names or IPs (e.g. the public URL's host); a full URL is accepted too. */
  extra?: readonly string[];
}

// RFC 1123 labels; underscores are tolerated in practice (some host names carry them) but a name with
// spaces or other punctuation cannot go into a dNSName SAN, so it is skipped rather than failing start-up.
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;

export function collectServerNames(input: CollectNamesInput): ServerNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);

  const addHost = (raw: string): void => {
    const host = hostOf(raw);
    if (!host) return;
    if (isIP(host)) {
      ips.add(canonicalIp(host));
      return;
    }
    const name = host.toLowerCase().replace(/\.$/, '');
    if (DNS_NAME.test(name)) dns.add(name);
  };

  const hostname = input.hostname.trim().toLowerCase();
  if (hostname) {
    addHost(hostname);
    const short = hostname.split('.')[0] ?? '';
    if (short) {
      addHost(short);
      addHost(`${short}.local`);
    }
  }
  for (const list of Object.values(input.interfaces)) {
    for (const nic of list ?? []) {
      if (nic.internal) continue;
      addHost(nic.address);
    }
  }
  for (const extra of input.extra ?? []) addHost(extra);

  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/** Host part of `name`, which may be a bare host, `host:port`, `[v6]:port` or a URL. */
function hostOf(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (isIP(value)) return value;
  if (value.includes('://')) {
    try {
      return new URL(value).hostname.replace(/^\[|\]$/g, '') || null;
    } catch {
      return null;
    }
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) return bracketed[1];
  return value.replace(/:\d+$/, '');
}

/** One spelling per address so the "did the names change?" comparison is stable (drops IPv6 zone ids). */
export function canonicalIp(ip: string): string {
  const noZone = ip.replace(/%.*$/, '');
  if (isIP(noZone) === 6) {
    try {
      return new URL(`http://[${noZone}]/`).hostname.slice(1, -1);
    } catch {
      return noZone.toLowerCase();
    }
  }
  return noZone;
}

export function sameNames(a: ServerNames, b: ServerNames): boolean {
  const key = (n: ServerNames): string => JSON.stringify([[...n.dns].sort(), [...n.ips].map(canonicalIp).sort()]);
  return key(a) === key(b);
}

/**
 * What the local CA may sign for: its name constraints (RFC 5280 §4.2.1.10, permitted subtrees).
 * Testers install the CA as a trusted root, so without constraints whoever obtained its key could
 * impersonate any website to them. With them it can vouch only for this server's own DNS names
 * (and names under them) and for loopback and private network addresses, where a LAN server's
 * address moves with DHCP and Wi-Fi networks, plus any public address the server had when the CA
 * was made.
 */
export interface CaScope {
  dns: string[];
  ipRanges: IpRange[];
}

export interface IpRange {
  address: string;
  prefix: number;
}

/** Loopback, RFC 1918, shared (CGNAT, e.g. VPN overlays), link-local and unique-local ranges. */
const LOCAL_RANGES: readonly IpRange[] = [
  { address: '127.0.0.0', prefix: 8 },
  { address: '10.0.0.0', prefix: 8 },
  { address: '172.16.0.0', prefix: 12 },
  { address: '192.168.0.0', prefix: 16 },
  { address: '100.64.0.0', prefix: 10 },
  { address: '169.254.0.0', prefix: 16 },
  { address: '::1', prefix: 128 },
  { address: 'fc00::', prefix: 7 },
  { address: 'fe80::', prefix: 10 },
];

export function caScopeFor(names: ServerNames): CaScope {
  const ipRanges = [...LOCAL_RANGES];
  for (const ip of names.ips) {
    if (!inRanges(ip, ipRanges)) ipRanges.push({ address: ip, prefix: isIP(ip) === 4 ? 32 : 128 });
  }
  return { dns: [...names.dns], ipRanges };
}

/** Splits names into those the CA's constraints permit and those they do not. */
export function withinScope(names: ServerNames, scope: CaScope): { inside: ServerNames; outside: string[] } {
  const dnsOk = (name: string) => scope.dns.some((c) => name === c || name.endsWith(`.${c}`));
  const inside: ServerNames = { dns: names.dns.filter(dnsOk), ips: names.ips.filter((ip) => inRanges(ip, scope.ipRanges)) };
  const outside = [...names.dns.filter((n) => !dnsOk(n)), ...names.ips.filter((ip) => !inRanges(ip, scope.ipRanges))];
  return { inside, outside };
}

function inRanges(ip: string, ranges: readonly IpRange[]): boolean {
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  for (const r of ranges) {
    if ((isIP(r.address) === 4 ? 'ipv4' : 'ipv6') === family) list.addSubnet(r.address, r.prefix, family);
  }
  return list.check(ip, family);
}

/** The 4 or 16 bytes of an IP address (IPv6 '::' expanded, a dotted IPv4 tail included). */
export function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipBytes(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** Text form of 4 or 16 address bytes. */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return canonicalIp(groups.join(':'));
}
