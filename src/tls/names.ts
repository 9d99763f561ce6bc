// Which names the server certificate must cover. A phone reaches a self-hosted server by whatever the
// tester typed or scanned: the machine's host name, its Bonjour `.local` name, or a LAN IP address —
// so the leaf carries all of them. Pure (inputs injected) so tests can feed any interface table.
import { isIP } from 'node:net';
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
