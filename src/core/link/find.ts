// Finds itms-services links (and near misses worth linting) in a bare link, plain text, Markdown,
// JSON or an HTML page. HTML attributes and text are entity-decoded once, as a browser does; in plain
// text, Markdown and JSON nothing decodes entities, so "&amp;url=" stays as written — and that is the
// breakage the linter must see.
import { Parser } from 'htmlparser2';
import { isSchemeTypo, isStoreScheme } from './scheme.js';

export type FoundLinkSource = 'attribute' | 'html-text' | 'script' | 'text' | 'json';

export interface FoundInstallLink {
  readonly link: string;
  /**
   * 'attribute' / 'html-text': an HTML attribute or HTML text (entities decoded once, as a browser does);
   * 'script': the text of a <script> or <style> element (browsers decode no entities there);
   * 'text': plain text or Markdown (nothing decoded); 'json': a string value in a JSON document.
   */
  readonly source: FoundLinkSource;
}

// The start of a candidate: an itms-ish scheme (or a missing colon) directly followed by '/' or '?'.
const START = /(?<![\w+.-])(itms[\w+.-]*):?(?=[/?])/gi;
const CLOSERS: Readonly<Record<string, string>> = { '"': '"', "'": "'", '`': '`', '(': ')', '<': '>', '[': ']' };
// eslint-disable-next-line no-control-regex -- control characters end a link in text
const ALWAYS_STOP = /[\s"<>`\u0000-\u001f\u007f]/;

// Common HTML elements: their presence marks the input as HTML (entities in text then decode).
const HTML_HINT =
  /<(?:!doctype\s+html|(?:html|head|body|a|p|div|span|br|li|ul|ol|table|td|tr|meta|button|img|h[1-6]|section|article|main|footer|header|nav|form|iframe|pre|code|strong|em|script)(?=[\s/>]))/i;

function isCandidate(link: string, scheme: string): boolean {
  const lower = scheme.toLowerCase();
  if (lower === 'itms-services' || isSchemeTypo(lower)) return true;
  // A store link (itms-apps://apps.apple.com/app/id…) is fine as such; only flag install attempts.
  return isStoreScheme(lower) && /download-manifest|[?&;]url=/i.test(link);
}

/**
 * Scans free text for links. A link ends at whitespace, a quote or an angle bracket; when it is
 * wrapped in a pair ("…", (…), […]) it ends at the closing character — for brackets only at an
 * unbalanced one, because encodeURIComponent leaves '(' and ')' unencoded.
 */
function scanText(text: string): string[] {
  const links: string[] = [];
  const starts = new RegExp(START.source, START.flags);
  for (let m = starts.exec(text); m !== null; m = starts.exec(text)) {
    const start = m.index;
    const before = start > 0 ? text[start - 1] ?? '' : '';
    const closer = CLOSERS[before];
    const opener = closer === ')' || closer === ']' ? before : undefined;
    let depth = 0;
    let end = start;
    while (end < text.length) {
      const ch = text[end] ?? '';
      if (ALWAYS_STOP.test(ch)) break;
      if (opener !== undefined && ch === opener) depth++;
      else if (closer !== undefined && ch === closer) {
        if (opener === undefined || depth === 0) break;
        depth--;
      }
      end++;
    }
    let link = text.slice(start, end);
    // Trailing sentence punctuation and unbalanced closing brackets are not part of the link.
    for (;;) {
      const last = link.at(-1) ?? '';
      if ('.,;:!?*_~\''.includes(last) && last !== '') link = link.slice(0, -1);
      else if (last === ')' && count(link, '(') < count(link, ')')) link = link.slice(0, -1);
      else if (last === ']' && count(link, '[') < count(link, ']')) link = link.slice(0, -1);
      else break;
    }
    if (isCandidate(link, m[1] ?? '')) links.push(link);
    // Resume after this link: a doubled prefix inside it is part of it, and rescanning from every
    // inner "itms" would make hostile input quadratic.
    starts.lastIndex = Math.max(end, start + 1);
  }
  return links;
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function scanJson(value: unknown, out: FoundInstallLink[]): void {
  if (typeof value === 'string') {
    // An API may return rendered HTML inside a JSON string: that HTML is decoded like a page.
    if (HTML_HINT.test(value)) out.push(...scanHtml(value));
    else out.push(...scanText(value).map((link) => ({ link, source: 'json' as const })));
  } else if (Array.isArray(value)) for (const v of value) scanJson(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) scanJson(v, out);
}

function tryJson(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

function scanHtml(html: string): FoundInstallLink[] {
  const found: FoundInstallLink[] = [];
  let text = '';
  // Inside <script>/<style> browsers decode no entities (and htmlparser2 decodes none either).
  let rawTextElement = false;
  const flushText = (): void => {
    for (const link of scanText(text)) found.push({ link, source: rawTextElement ? 'script' : 'html-text' });
    text = '';
  };
  const parser = new Parser(
    {
      onattribute(_name, value) {
        // Browsers drop leading/trailing spaces and any tab or newline inside a URL attribute.
        const cleaned = value.replace(/[\t\n\r]/g, '').trim();
        const whole = /^(itms[\w+.-]*):?(?=[/?])/i.exec(cleaned);
        if (whole && isCandidate(cleaned, whole[1] ?? '')) found.push({ link: cleaned, source: 'attribute' });
        else for (const link of scanText(value)) found.push({ link, source: 'attribute' });
      },
      ontext(chunk) {
        text += chunk; // text arrives in pieces (split at entities): join before scanning
      },
      onopentagname(name) {
        flushText();
        rawTextElement = name === 'script' || name === 'style';
      },
      onclosetag() {
        flushText();
        rawTextElement = false;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flushText();
  return found;
}

export function findInstallLinks(textOrHtml: string): FoundInstallLink[] {
  let found: FoundInstallLink[];
  const json = tryJson(textOrHtml);
  if (json !== undefined) {
    found = [];
    scanJson(json, found);
  } else if (HTML_HINT.test(textOrHtml)) {
    found = scanHtml(textOrHtml);
  } else {
    found = scanText(textOrHtml).map((link) => ({ link, source: 'text' }));
  }
  const seen = new Set<string>();
  return found.filter((f) => (seen.has(f.link) ? false : (seen.add(f.link), true)));
}
