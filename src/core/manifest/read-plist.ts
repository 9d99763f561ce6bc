// Reading a manifest document into plain values, reporting every document-level problem on the way:
// bytes before `<?xml`, encodings, malformed XML, and plist structure.
// The XML is parsed by @xmldom/xmldom with an error handler that records instead of logging; the
// small walk from DOM to values is ours because plist.parse() is lenient where a validator must not
// be (unknown elements become undefined, "12abc" is integer 12, duplicate keys vanish, only the
// first text node of a <key> is read) and logs parser errors to the console.
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { isOtashipError } from '../errors.js';
import { parseBinaryPlist } from '../plist/binary.js';
import { problem } from './problems.js';
import { findXmlIllegal } from './xml-chars.js';
import type { ManifestProblem } from './types.js';

/** Real manifests are 1–3 KB; anything this large is the wrong file (an .ipa given by mistake). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;

/** A plist dict: null prototype, so keys like `__proto__` are plain data. */
export type PlistDictValue = { [key: string]: PlistData };
export type PlistData = string | number | boolean | Date | Uint8Array | PlistData[] | PlistDictValue;

export interface ReadResult {
  /** The root value, or undefined when the document could not be read as a plist. */
  value: PlistData | undefined;
  problems: ManifestProblem[];
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;
const CDATA_NODE = 4;
const COMMENT_NODE = 8;
const PI_NODE = 7;

class PlistShapeError extends Error {}

function where(node: Node): string {
  const line = (node as { lineNumber?: number }).lineNumber;
  return line === undefined ? '' : ` (line ${line})`;
}

function textOf(el: Element): string {
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === TEXT_NODE || c.nodeType === CDATA_NODE) s += c.nodeValue ?? '';
    else if (c.nodeType !== COMMENT_NODE && c.nodeType !== PI_NODE) {
      throw new PlistShapeError(`<${el.nodeName}>${where(el)} holds <${c.nodeName}>; it may hold only text`);
    }
  }
  return s;
}

/** Child elements, refusing stray text (whitespace between elements is fine). */
function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === ELEMENT_NODE) out.push(c as Element);
    else if ((c.nodeType === TEXT_NODE || c.nodeType === CDATA_NODE) && (c.nodeValue ?? '').trim() !== '') {
      throw new PlistShapeError(`<${el.nodeName}>${where(el)} holds stray text "${(c.nodeValue ?? '').trim().slice(0, 40)}"`);
    }
  }
  return out;
}

function toValue(el: Element, depth: number, problems: ManifestProblem[]): PlistData {
  if (depth > MAX_DEPTH) throw new PlistShapeError(`values are nested more than ${MAX_DEPTH} levels deep`);
  switch (el.nodeName) {
    case 'string': {
      const s = textOf(el);
      // xmldom accepts character references such as &#x1; that XML 1.0 forbids; strict parsers refuse them.
      const bad = findXmlIllegal(s);
      if (bad) problems.push(problem('MALFORMED_XML', `a <string>${where(el)} holds ${bad.codePoint}, which XML 1.0 forbids`));
      return s;
    }
    case 'integer': {
      const t = textOf(el).trim();
      if (!/^[+-]?\d+$/.test(t)) throw new PlistShapeError(`<integer>${where(el)} holds "${t.slice(0, 40)}", not a whole number`);
      return Number(t);
    }
    case 'real': {
      const t = textOf(el).trim();
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) throw new PlistShapeError(`<real>${where(el)} holds "${t.slice(0, 40)}", not a number`);
      return n;
    }
    case 'true':
    case 'false':
      if (childElements(el).length > 0 || textOf(el).trim() !== '') {
        throw new PlistShapeError(`<${el.nodeName}/>${where(el)} must be empty`);
      }
      return el.nodeName === 'true';
    case 'date': {
      const d = new Date(textOf(el).trim());
      if (Number.isNaN(d.getTime())) throw new PlistShapeError(`<date>${where(el)} is not an ISO 8601 date`);
      return d;
    }
    case 'data':
      return new Uint8Array(Buffer.from(textOf(el).replace(/\s+/g, ''), 'base64'));
    case 'array':
      return childElements(el).map((c) => toValue(c, depth + 1, problems));
    case 'dict': {
      const obj = Object.create(null) as PlistDictValue;
      const kids = childElements(el);
      for (let i = 0; i < kids.length; i += 2) {
        const k = kids[i] as Element;
        if (k.nodeName !== 'key') throw new PlistShapeError(`<dict>${where(el)} has <${k.nodeName}>${where(k)} where a <key> belongs`);
        const key = textOf(k);
        const v = kids[i + 1];
        if (!v) throw new PlistShapeError(`<key>${key}</key>${where(k)} has no value`);
        if (v.nodeName === 'key') throw new PlistShapeError(`<key>${key}</key>${where(k)} is followed by another <key>, not a value`);
        if (Object.hasOwn(obj, key)) {
          problems.push(problem('DUPLICATE_KEY', `the key "${key}" appears twice in one dict${where(k)}; iOS reads only one of them`));
        }
        obj[key] = toValue(v, depth + 1, problems);
      }
      return obj;
    }
    default:
      throw new PlistShapeError(`<${el.nodeName}>${where(el)} is not a property-list element`);
  }
}

/** Leading-bytes and encoding checks on raw bytes; returns the decoded text or undefined. */
function decodeBytes(bytes: Uint8Array, problems: ManifestProblem[]): string | undefined {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    problems.push(problem('ENCODING', 'the manifest is UTF-16 (big-endian byte-order mark): write it as UTF-8'));
    return undefined;
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    problems.push(problem('ENCODING', 'the manifest is UTF-16 (little-endian byte-order mark): write it as UTF-8'));
    return undefined;
  }
  try {
    // ignoreBOM: keep a UTF-8 BOM in the text so the text checks report it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    problems.push(problem('ENCODING', 'the manifest is not valid UTF-8: write it as UTF-8'));
    return undefined;
  }
}

/** Checks on what comes before `<?xml`; returns the text from the first `<` on. */
function checkStart(text: string, problems: ManifestProblem[]): string {
  let t = text;
  if (t.startsWith('\uFEFF')) {
    problems.push(problem('BOM', 'the manifest starts with a byte-order mark (EF BB BF) before <?xml: remove it; iOS does not read the manifest'));
    t = t.slice(1);
  }
  const lead = /^[^<]*/.exec(t)?.[0] ?? '';
  if (lead.length > 0) {
    const what = lead.trim() === '' ? `${lead.length} whitespace character${lead.length === 1 ? '' : 's'}` : `the text "${lead.trim().slice(0, 30)}"`;
    problems.push(problem('LEADING_BYTES', `the manifest starts with ${what} before <?xml: the XML declaration must be the very first bytes`));
    t = t.slice(lead.length);
  }
  if (t.length > 0 && !t.startsWith('<?xml')) {
    problems.push(problem('NO_XML_DECLARATION', 'the manifest does not start with <?xml version="1.0" encoding="UTF-8"?> as Xcode writes it'));
  }
  const decl = /^<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(t);
  if (decl && !/^utf-?8$/i.test(decl[1] ?? '')) {
    problems.push(problem('ENCODING', `the XML declaration names encoding "${decl[1]}": use UTF-8`));
  }
  return t;
}

function fromBinary(bytes: Uint8Array, problems: ManifestProblem[]): ReadResult {
  problems.push(problem('BINARY_PLIST', 'the manifest is a binary property list: iOS is served an XML manifest (plutil -convert xml1)'));
  try {
    // Our budgeted reader, not plist@5's parseBinary: a ~400-byte manifest of shared references
    // would otherwise expand as 2^depth and exhaust the heap of `otaship manifest --check`.
    return { value: parseBinaryPlist(bytes) as PlistData, problems };
  } catch (err) {
    if (isOtashipError(err)) {
      problems.push(problem('TOO_LARGE', err.message));
      return { value: undefined, problems };
    }
    problems.push(problem('NOT_A_PLIST', `the binary property list cannot be read: ${(err as Error).message}`));
    return { value: undefined, problems };
  }
}

export function readManifestPlist(input: string | Uint8Array): ReadResult {
  const problems: ManifestProblem[] = [];
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > MAX_MANIFEST_BYTES) {
    problems.push(problem('TOO_LARGE', `the document is ${size} bytes; a manifest is a few kilobytes (is this the package itself?)`));
    return { value: undefined, problems };
  }
  let text: string | undefined;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (Buffer.from(input.subarray(0, 6)).toString('latin1') === 'bplist') return fromBinary(input, problems);
    text = decodeBytes(input, problems);
    if (text === undefined) return { value: undefined, problems };
  }
  if (text.trim() === '') {
    problems.push(problem('NOT_A_PLIST', 'the manifest is empty'));
    return { value: undefined, problems };
  }
  const xml = checkStart(text, problems);

  // Record every report; fatal errors also throw (ParseError), which ends the parse.
  const xmlErrors: string[] = [];
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        // U+FFFD is a legal character; invalid UTF-8 bytes were already caught by the decoder.
        if (level === 'warning' && String(message).startsWith('Unicode replacement character')) return;
        xmlErrors.push(`${String(message).split('\n')[0] ?? ''}${level === 'warning' ? ' (warning)' : ''}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    if (xmlErrors.length === 0) xmlErrors.push(err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err));
  }
  if (!doc || xmlErrors.length > 0) {
    problems.push(problem('MALFORMED_XML', `the manifest is not well-formed XML: ${xmlErrors[0] ?? 'unreadable'}`));
    return { value: undefined, problems };
  }
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'plist') {
    problems.push(problem('NOT_A_PLIST', `the root element is <${root?.nodeName ?? 'none'}>, not <plist>`));
    return { value: undefined, problems };
  }
  try {
    const kids = childElements(root);
    if (kids.length !== 1) throw new PlistShapeError(`<plist> holds ${kids.length} values; it must hold exactly one`);
    return { value: toValue(kids[0] as Element, 0, problems), problems };
  } catch (err) {
    if (!(err instanceof PlistShapeError)) throw err;
    problems.push(problem('NOT_A_PLIST', `the property list is broken: ${err.message}`));
    return { value: undefined, problems };
  }
}
