// The url parameter's value: what iOS fetches and which manifest URL a repaired link should carry.
// iOS decodes the value exactly once (split on & and =, decodeURIComponent, '+' stays '+'), so every
// verdict on installability is made on that decoded text. The text as written only helps to guess
// what the author meant, and a fix never changes what a working link makes iOS fetch.
import { formatInstallLink } from './build.js';
import { manifestUrlProblems } from './manifest-url.js';
import { describeCharacters, nsurlRejectedCharacters } from './nsurl.js';
import { problem, type LinkProblem } from './problems.js';
import { decodeOnce, type RawParam } from './split.js';

export interface UrlValueAnalysis {
  problems: LinkProblem[];
  /** What iOS fetches: the value decoded once (as written when it cannot be decoded). */
  fetched: string;
  /** The manifest URL a repaired link should carry; null when no rewrite can be offered. */
  intended: string | null;
}

/** Long enough to show a signed URL whole; the point of these messages is the exact URL. */
const SHOWN = 200;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The URL when the text is an absolute URL NSURL would also read as one. WHATWG URL repairs
 * "https:/host" and "https:host"; NSURL does not, so the two slashes are demanded.
 */
export function parseAbsolute(text: string): URL | null {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return null;
  if (/^https?:/i.test(text) && !/^https?:\/\/[^/]/i.test(text)) return null;
  return URL.canParse(text) ? new URL(text) : null;
}

/** The %XX escapes in `text` that decode to something other than an unreserved character. */
function meaningfulEscapes(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/%[0-9A-Fa-f]{2}/g)) {
    const ch = String.fromCharCode(parseInt(m[0].slice(1), 16));
    if (!/[A-Za-z0-9\-._~]/.test(ch)) out.add(m[0].toUpperCase());
  }
  return [...out];
}

/**
 * True when the author evidently meant the decoded form: the text as written is not itself an
 * absolute URL (https%3A//…, https:%2F%2F…), decoding creates the query or fragment (m.plist%3Ft%3D1),
 * or every escape decodes to an unreserved character (an equivalent URL).
 */
function isPartlyEncoded(written: string): boolean {
  return parseAbsolute(written) === null || /%(?:3F|23)/i.test(written) || meaningfulEscapes(written).length === 0;
}

function describeEscapes(escapes: readonly string[]): string {
  const shown = escapes.slice(0, 3).map((e) => `${e} becomes "${decodeURIComponent(e)}"`);
  return shown.join(', ') + (escapes.length > 3 ? ', …' : '');
}

/**
 * Analyses the url parameter. `strays` are the parameters that continue an unencoded manifest URL's
 * own query ("…plist?a=1&b=2": iOS cut the URL at the '&').
 */
export function analyseUrlValue(urlParam: RawParam, strays: readonly RawParam[]): UrlValueAnalysis & { fixable: boolean } {
  const problems: LinkProblem[] = [];
  const fetched = urlParam.value;
  const written = urlParam.rawValue;
  // Spaces around a URL are never meant (they are still reported below, on what iOS fetches).
  let judged = fetched.trim();
  let intended: string | null = judged;

  if (strays.length > 0) {
    const strayText = strays.map((p) => `&${p.raw}`).join('');
    problems.push(
      problem(
        'url-unencoded-query',
        `The manifest URL was not percent-encoded, so its own "${shorten(strayText, 40)}" became itms-services ` +
          `parameters and iOS fetches only "${shorten(fetched, SHOWN)}": encode the URL with encodeURIComponent`,
      ),
    );
    // The raw '&' shows the URL was pasted unencoded, so its %-escapes are its own: keep them, unless
    // the text only becomes a URL once decoded.
    const joined = (written + strayText).trim();
    const decoded = decodeOnce(joined);
    intended = parseAbsolute(joined) === null && decoded !== null && parseAbsolute(decoded) ? decoded : joined;
  }

  let doubleEncoded = false;
  for (let i = 0; i < 3 && /^[a-z][a-z0-9+.-]*%3a/i.test(judged); i++) {
    const once = decodeOnce(judged);
    if (once === null) break;
    judged = once;
    doubleEncoded = true;
  }
  let rejected: string[] = [];
  if (doubleEncoded) {
    intended = judged;
    problems.push(
      problem(
        'double-encoded',
        `The manifest URL was percent-encoded twice: iOS decodes once and gets "${shorten(fetched, SHOWN)}", ` +
          'which is not a URL. Encode it exactly once',
      ),
    );
  } else if (urlParam.decodable) {
    rejected = nsurlRejectedCharacters(fetched);
    if (rejected.length > 0) {
      problems.push(
        problem(
          'url-invalid-characters',
          `The manifest URL iOS receives holds characters NSURL rejects (${describeCharacters(rejected)}): ` +
            'percent-encode them in the manifest URL (a space is %20), then encode the whole URL once',
        ),
      );
    }
  }

  const parsed = parseAbsolute(judged);
  if (!parsed) {
    problems.push(
      problem(
        'url-not-absolute',
        `iOS receives the manifest URL "${shorten(judged, SHOWN)}", which is not an absolute URL: iOS needs the ` +
          'full https:// URL of the manifest, for example https://example.com/apps/manifest.plist',
      ),
    );
    return { problems, fetched, intended: null, fixable: false };
  }
  const urlChecks = manifestUrlProblems(parsed);
  problems.push(...urlChecks.problems);

  // Decoding changed a value that was not (fully) encoded: which URL did the author mean?
  const unencoded = /[:/?]/.test(written);
  if (strays.length === 0 && !doubleEncoded && urlParam.decodable && unencoded && fetched !== written) {
    const literal = written.trim();
    const literalUsable = parseAbsolute(literal) !== null && nsurlRejectedCharacters(literal).length === 0;
    if (rejected.length > 0) {
      // What iOS fetches is broken; the text as written is the repair when it is a clean URL.
      problems.push(
        problem(
          'url-not-encoded',
          `The manifest URL is not percent-encoded, so iOS decodes its escapes once and fetches ` +
            `"${shorten(fetched, SHOWN)}": encode the URL with encodeURIComponent`,
        ),
      );
      if (literalUsable) intended = literal;
    } else if (isPartlyEncoded(literal)) {
      problems.push(
        problem(
          'url-partly-encoded',
          `The manifest URL is only partly percent-encoded; iOS decodes it once and fetches ` +
            `"${shorten(fetched, SHOWN)}", a valid URL, so the link works. Encode the whole URL with ` +
            'encodeURIComponent for the canonical link (the fix: iOS fetches the same URL)',
        ),
      );
    } else {
      // Both readings are valid URLs that differ (a signed token's %2B becomes '+'): say exactly what
      // iOS fetches and give both links; guessing would change or keep the wrong one silently.
      const escapes = meaningfulEscapes(literal);
      problems.push(
        problem(
          'url-not-encoded',
          `The manifest URL is not percent-encoded, so iOS decodes it once and fetches "${shorten(fetched, SHOWN)}", ` +
            `not "${shorten(literal, SHOWN)}" as written (${describeEscapes(escapes)}). If the server expects ` +
            `the URL as written (a signed token, say), use ${formatInstallLink(literal)} ; if it expects the ` +
            `decoded one, use ${formatInstallLink(fetched)}`,
        ),
      );
      intended = null;
    }
  }
  return { problems, fetched, intended, fixable: urlChecks.fixable };
}
