// Template placeholders left in a manifest URL: documentation, CI templates and snippets write
// "https://{domain}/app.plist" or "https://<your-server>/app.plist" for the reader to fill in. Such a
// link is a template, not a broken link: it gets its own verdict, and no "fixed" link is offered,
// because percent-encoding the braces would present a link that can never install as a repair.
//
// Not included: example.com (RFC 2606) and look-alikes such as your-server.com. They are well-formed,
// resolvable names (your-server.com is registered), so the link as such is not broken; whether a
// server answers there is a reachability question lint cannot settle offline.
//
// Braces, angle brackets and printf formats are never valid in a URL, so they count anywhere in it;
// the other forms are only read in the host, where "[name]" or "$NAME" cannot be meant literally
// (a query may well hold "filter[name]=").
const ANYWHERE: readonly RegExp[] = [
  /\$\{[^{}]*\}/, // ${HOST}
  /\{\{[^{}]*\}\}/, // {{ host }}
  /\{[^{}/?#]*\}/, // {domain}
  /<[A-Za-z_][\w .:-]*>/, // <your-server>
  /%[s@](?![0-9A-Fa-f]{2})/, // %s, %@ (printf / NSString format)
];
const IN_HOST: readonly RegExp[] = [
  /\$[A-Za-z_]\w*/, // $HOST
  /\[[^\]]*[G-Zg-z_ ][^\]]*\]/, // [your-server] (an IPv6 literal holds only hex digits, ':' and '.')
];

/** The first placeholder in a URL (or URL-like text), as written; null when there is none. */
export function findPlaceholder(url: string): string | null {
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  return earliest(url, ANYWHERE) ?? earliest(host, IN_HOST);
}

function earliest(text: string, patterns: readonly RegExp[]): string | null {
  let first: { at: number; text: string } | null = null;
  for (const re of patterns) {
    const m = re.exec(text);
    if (m && (first === null || m.index < first.at)) first = { at: m.index, text: m[0] };
  }
  return first?.text ?? null;
}
