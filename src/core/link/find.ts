// Finds itms-services links (and near misses worth linting) in a bare link, plain text, Markdown,
// JSON or an HTML page. HTML attributes and text are entity-decoded once, as a browser does; in plain
// text, Markdown and JSON nothing decodes entities, so "&amp;url=" stays as written — and that is the
// breakage the linter must see.
import { Parser, QuoteType, type Handler } from 'htmlparser2';
import { DecodedText, LineIndex } from './source-map.js';
import { isSchemeTypo, isStoreScheme } from './scheme.js';

export type FoundLinkSource = 'attribute' | 'html-text' | 'script' | 'text' | 'json';

export interface FoundInstallLink {
  /** The link as a browser (or any reader) sees it: what is linted. */
  readonly link: string;
  /**
   * The link as written in the source: HTML entities left as they are ("&amp;url="). For JSON, the
   * string value (JSON escapes decoded).
   */
  readonly raw: string;
  /** 1-based line of the source where the link starts; null when unknown (HTML inside a JSON string). */
  readonly line: number | null;
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

const ANGLE_PLACEHOLDER = /^<[A-Za-z_][\w.:-]*>/;

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
interface TextHit {
  readonly link: string;
  /** Offsets of the link in the scanned text. */
  readonly start: number;
  readonly end: number;
}

function scanText(text: string): TextHit[] {
  const links: TextHit[] = [];
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
      // "url=https://<your-server>/app.plist" in plain text: the angle brackets are a template
      // placeholder inside the link (linted as such), not its end.
      const placeholder = ch === '<' && closer !== '>' && /[/=.@:]$/.test(text.slice(start, end)) ? ANGLE_PLACEHOLDER.exec(text.slice(end, end + 80)) : null;
      if (placeholder) {
        end += placeholder[0].length;
        continue;
      }
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
    if (isCandidate(link, m[1] ?? '')) links.push({ link, start, end: start + link.length });
    // Resume after this link: a doubled prefix inside it is part of it, and rescanning from every
    // inner "itms" would make hostile input quadratic.
    starts.lastIndex = Math.max(end, start + 1);
  }
  return links;
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

/** Finds each JSON string's links in the document text (in order) for a line number, when written plainly. */
class JsonLocator {
  readonly #lines: LineIndex;
  #cursor = 0;

  constructor(readonly source: string) {
    this.#lines = new LineIndex(source);
  }

  lineOf(link: string): number | null {
    const at = this.source.indexOf(link, this.#cursor);
    if (at < 0) return null; // written with JSON escapes (\u0026, \/): no exact place to point at
    this.#cursor = at + 1;
    return this.#lines.lineOf(at);
  }
}

function scanJson(value: unknown, out: FoundInstallLink[], locate: JsonLocator): void {
  if (typeof value === 'string') {
    // An API may return rendered HTML inside a JSON string: that HTML is decoded like a page. Its
    // lines are the string's, not the document's, so no line is given.
    if (HTML_HINT.test(value)) out.push(...scanHtml(value).map((f) => ({ ...f, line: null })));
    else for (const { link } of scanText(value)) out.push({ link, raw: link, line: locate.lineOf(link), source: 'json' });
  } else if (Array.isArray(value)) for (const v of value) scanJson(v, out, locate);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) scanJson(v, out, locate);
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

/**
 * htmlparser2's Parser, also recording where each decoded piece of an attribute value came from.
 * The tokenizer hands attribute values over in verbatim runs and single entities; the public
 * onattribute callback only sees the joined, decoded value.
 */
class LocatingParser extends Parser {
  attribute = new DecodedText();
  #valueEnd = -1;

  constructor(
    private readonly html: string,
    handler: Partial<Handler>,
  ) {
    super(handler, { decodeEntities: true });
  }

  /** Where the current attribute's value ends in the source (for onattribute). */
  get valueEnd(): number {
    return this.#valueEnd;
  }

  override onattribname(start: number, endIndex: number): void {
    // The value starts after optional spaces, "=", optional spaces and an optional quote.
    const after = /\s*=\s*["']?/y;
    after.lastIndex = endIndex;
    this.attribute = new DecodedText(after.exec(this.html) ? after.lastIndex : endIndex);
    super.onattribname(start, endIndex);
  }

  override onattribdata(start: number, endIndex: number): void {
    this.attribute.addVerbatim(this.html.slice(start, endIndex), start);
    super.onattribdata(start, endIndex);
  }

  override onattribentity(cp: number): void {
    this.attribute.addEntity(String.fromCodePoint(cp));
    super.onattribentity(cp);
  }

  override onattribend(quote: QuoteType, endIndex: number): void {
    // Quoted values end before the closing quote (endIndex is just past it).
    this.#valueEnd = quote === QuoteType.Double || quote === QuoteType.Single ? endIndex - 1 : endIndex;
    this.attribute.end(this.#valueEnd);
    super.onattribend(quote, endIndex);
  }
}

function scanHtml(html: string): FoundInstallLink[] {
  const found: FoundInstallLink[] = [];
  const lines = new LineIndex(html);
  const located = (link: string, source: FoundLinkSource, decoded: DecodedText, start: number, end: number): FoundInstallLink => {
    const span = decoded.rawSpan(start, end);
    return span
      ? { link, raw: html.slice(span.start, span.end), line: lines.lineOf(span.start), source }
      : { link, raw: link, line: null, source };
  };
  let text = new DecodedText();
  // Inside <script>/<style> browsers decode no entities (and htmlparser2 decodes none either).
  let rawTextElement = false;
  const flushText = (): void => {
    const source = rawTextElement ? 'script' : 'html-text';
    for (const hit of scanText(text.text)) found.push(located(hit.link, source, text, hit.start, hit.end));
    text = new DecodedText();
  };
  const parser: LocatingParser = new LocatingParser(html, {
    onattribute(_name, value) {
      const decoded = parser.attribute;
      // Browsers drop leading/trailing spaces and any tab or newline inside a URL attribute.
      const cleaned = value.replace(/[\t\n\r]/g, '').trim();
      const whole = /^(itms[\w+.-]*):?(?=[/?])/i.exec(cleaned);
      if (whole && isCandidate(cleaned, whole[1] ?? '')) {
        const lead = value.length - value.trimStart().length;
        const trail = value.length - value.trimEnd().length;
        const at = located(cleaned, 'attribute', decoded, lead, value.length - trail);
        found.push(at);
      } else {
        for (const hit of scanText(value)) found.push(located(hit.link, 'attribute', decoded, hit.start, hit.end));
      }
    },
    ontext(chunk) {
      // Text arrives in pieces (split at entities): join before scanning. The parser's indices give
      // each piece's place in the source (endIndex inclusive).
      const rawStart = parser.startIndex;
      const rawEnd = parser.endIndex + 1;
      if (html.slice(rawStart, rawEnd) === chunk) text.addVerbatim(chunk, rawStart);
      else text.addEntity(chunk, rawStart, rawEnd);
    },
    onopentagname(name) {
      flushText();
      rawTextElement = name === 'script' || name === 'style';
    },
    onclosetag() {
      flushText();
      rawTextElement = false;
    },
  });
  parser.write(html);
  parser.end();
  flushText();
  return found;
}

/**
 * Every occurrence, in document order: the same link written twice (an href and the anchor text, or
 * "&amp;" in one place and "&" in another) is reported at each place, with its own raw form and line.
 */
export function findInstallLinks(textOrHtml: string): FoundInstallLink[] {
  const json = tryJson(textOrHtml);
  if (json !== undefined) {
    const found: FoundInstallLink[] = [];
    scanJson(json, found, new JsonLocator(textOrHtml));
    return found;
  }
  if (HTML_HINT.test(textOrHtml)) return scanHtml(textOrHtml);
  const lines = new LineIndex(textOrHtml);
  return scanText(textOrHtml).map((hit) => ({ link: hit.link, raw: hit.link, line: lines.lineOf(hit.start), source: 'text' }));
}
