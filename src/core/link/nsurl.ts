// Which characters NSURL (URLWithString:) rejects in the manifest URL iOS receives, and how to encode
// them. Hand-written because no library models NSURL's RFC 3986 check: the WHATWG URL parser used by
// Node accepts and silently rewrites strings that NSURL refuses outright.

// RFC 3986 unreserved + reserved characters; '%' is checked separately (must start an escape).
const ALLOWED = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/;
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}/;

/** The characters (deduplicated, in order) that make NSURL reject the string. */
export function nsurlRejectedCharacters(url: string): string[] {
  const bad = new Set<string>();
  for (let i = 0; i < url.length; i++) {
    const ch = url[i] ?? '';
    if (ch === '%') {
      if (!PERCENT_ESCAPE.test(url.slice(i, i + 3))) bad.add('%');
      continue;
    }
    if (!ALLOWED.test(ch)) bad.add(ch);
  }
  return [...bad];
}

/** Percent-encodes what NSURL rejects, leaving valid escapes and every allowed character alone. */
export function encodeRejectedCharacters(url: string): string {
  let out = '';
  for (const ch of url) {
    // iterate code points so astral characters encode as one UTF-8 sequence
    out += ch === '%' || ALLOWED.test(ch) ? ch : encodeURIComponent(ch);
  }
  // a '%' that does not start an escape becomes %25
  return out.replace(/%(?![0-9A-Fa-f]{2})/g, '%25');
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
