// Asset URLs: what iOS accepts (absolute https, characters NSURL takes) and what a phone can reach.
import { OtashipError } from '../errors.js';
import { classifyHost } from '../link/host.js';
import { problem } from './problems.js';
import type { ManifestProblem } from './types.js';

// RFC 3986 characters, which NSURL (before iOS 17) insists on; anything else makes it return nil
// and the install fails without a message.
const RFC3986_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2}/y;

/** Index of the first character NSURL would refuse, or -1. */
export function firstNonRfc3986(url: string): number {
  RFC3986_CHAR.lastIndex = 0;
  let i = 0;
  while (i < url.length) {
    RFC3986_CHAR.lastIndex = i;
    if (!RFC3986_CHAR.test(url)) return i;
    i = RFC3986_CHAR.lastIndex;
  }
  return -1;
}

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || cp === 0x7f ? `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
}


/**
 * Check a URL for the manifest builder and return the form to write: the WHATWG serialisation
 * (percent-encodes spaces and non-ASCII, punycodes hosts), with the few ASCII characters WHATWG
 * leaves alone but RFC 3986 forbids (`|`, `^`, a `%` without two hex digits…) percent-encoded too.
 * Throws BAD_URL naming the field.
 */
export function normaliseHttpsUrl(field: string, raw: string): string {
  if (typeof raw !== 'string' || raw.length === 0) throw new OtashipError('BAD_URL', `${field} URL is missing`);
  // WHATWG silently drops tabs and newlines and trims the ends: such a URL is a bug upstream, so
  // refuse it. Spaces inside are fine: they are percent-encoded below.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we look for
  const ctl = /[\u0000-\u001F\u007F]/.exec(raw);
  if (ctl) throw new OtashipError('BAD_URL', `${field} URL contains ${describeChar(ctl[0])} at index ${ctl.index}`);
  if (raw.trim() !== raw) throw new OtashipError('BAD_URL', `${field} URL "${raw}" starts or ends with whitespace`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OtashipError('BAD_URL', `${field} URL "${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:') {
    throw new OtashipError('BAD_URL', `${field} URL must use https (iOS refuses other schemes since iOS 7.1), got ${url.protocol}`);
  }
  if (url.hostname === '') throw new OtashipError('BAD_URL', `${field} URL "${raw}" has no host`);
  // After WHATWG serialisation the URL is ASCII: each leftover is one character to encode.
  return url.href.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, (ch) =>
    `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Problems with one asset URL as found in a manifest. */
export function checkAssetUrl(raw: string, path: string, kind: string): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [problem('URL_NOT_ABSOLUTE', `the ${kind} URL "${raw}" is not an absolute URL: iOS needs https://host/path`, path)];
  }
  if (url.protocol !== 'https:') {
    problems.push(problem('URL_NOT_HTTPS', `the ${kind} URL uses ${url.protocol.slice(0, -1)}: iOS requires https since iOS 7.1`, path));
  } else if (url.hostname === '') {
    problems.push(problem('URL_NOT_ABSOLUTE', `the ${kind} URL "${raw}" has no host`, path));
  }
  const bad = firstNonRfc3986(raw);
  if (bad !== -1) {
    const ch = String.fromCodePoint(raw.codePointAt(bad) ?? 0);
    problems.push(
      problem(
        'URL_INVALID_CHARACTERS',
        `the ${kind} URL contains ${describeChar(ch)} at index ${bad}: NSURL refuses it; percent-encode it`,
        path,
      ),
    );
  }
  // The same host classification as the link linter, so both say the same about one host.
  const reach = url.hostname === '' ? 'public' : classifyHost(url.hostname);
  if (reach === 'unreachable') {
    problems.push(problem('URL_LOOPBACK', `the ${kind} URL points at ${url.hostname}, this computer, which a phone cannot reach: use the server's public https:// origin`, path));
  } else if (reach === 'private') {
    problems.push(problem('URL_PRIVATE_NETWORK', `the ${kind} URL points at ${url.hostname}, reachable only on its own network (Wi-Fi/VPN)`, path));
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(
      problem(
        'URL_CREDENTIALS',
        `the ${kind} URL carries a user name or password: the install daemon re-prompts per asset; use signed tokens`,
        path,
      ),
    );
  }
  return problems;
}

/** The file extension of a URL's last path segment, lower-case without the dot, or null. */
export function urlExtension(raw: string): string | null {
  try {
    const last = new URL(raw).pathname.split('/').pop() ?? '';
    const dot = last.lastIndexOf('.');
    return dot > 0 ? last.slice(dot + 1).toLowerCase() : null;
  } catch {
    return null;
  }
}
