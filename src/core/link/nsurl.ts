// Which characters NSURL (URLWithString:, RFC 3986 rules) rejects in the manifest URL iOS receives,
// and how to encode them. Hand-written because no library models NSURL's check: the WHATWG URL parser
// in Node accepts, and leaves in place, characters NSURL refuses ('|', '^', '{', '[' in a query…).

// RFC 3986 unreserved + sub-delims + ':' '@' '/' '?' (and '#' once); '%' must start an escape;
// '[' ']' only inside the authority (IPv6 literal).
const ALLOWED = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}/;

/** Index where the authority ends (after "scheme://host:port"), or 0 when there is none. */
function authorityEnd(url: string): number {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  return m ? m[0].length : 0;
}

interface Scan {
  /** Characters (code points) that NSURL rejects at their position. */
  readonly bad: readonly { index: number; char: string }[];
}

function scan(url: string): Scan {
  const bad: { index: number; char: string }[] = [];
  const authEnd = authorityEnd(url);
  let seenHash = false;
  let i = 0;
  for (const ch of url) {
    let ok: boolean;
    if (ch === '%') ok = PERCENT_ESCAPE.test(url.slice(i, i + 3));
    else if (ch === '#') {
      ok = !seenHash;
      seenHash = true;
    } else if (ch === '[' || ch === ']') ok = i < authEnd;
    else ok = ALLOWED.test(ch);
    if (!ok) bad.push({ index: i, char: ch });
    i += ch.length;
  }
  return { bad };
}

/** The characters (deduplicated, in order) that make NSURL reject the string. */
export function nsurlRejectedCharacters(url: string): string[] {
  return [...new Set(scan(url).bad.map((b) => b.char))];
}

function encodeCodePoint(ch: string): string {
  // A lone surrogate has no UTF-8 form (encodeURIComponent throws): encode U+FFFD as WHATWG URL does.
  return /^[\uD800-\uDFFF]$/.test(ch) ? '%EF%BF%BD' : encodeURIComponent(ch);
}

/** Percent-encodes (UTF-8) what NSURL rejects, leaving valid escapes and allowed characters alone. */
export function encodeRejectedCharacters(url: string): string {
  const badAt = new Set(scan(url).bad.map((b) => b.index));
  let out = '';
  let i = 0;
  for (const ch of url) {
    out += badAt.has(i) ? encodeCodePoint(ch) : ch;
    i += ch.length;
  }
  return out;
}

/** A readable list for messages: spaces and control characters are named. */
export function describeCharacters(chars: readonly string[]): string {
  return chars
    .map((c) => {
      if (c === ' ') return 'space';
      const cp = c.codePointAt(0) ?? 0;
      if (cp < 0x20 || cp === 0x7f) return `control U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      return `"${c}"`;
    })
    .join(', ');
}
