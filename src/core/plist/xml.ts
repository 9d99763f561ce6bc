// XML property lists, parsed by hand. Why not plist@5's parse(): it builds a full DOM through
// @xmldom/xmldom, whose loading alone cost ~100 ms per CLI run and whose DOM for a 30 KB profile
// (base64 certificates) is most of the inspection time. The plist grammar is tiny and fixed
// (Apple's PropertyList-1.0.dtd: plist, dict, array, key, string, data, date, integer, real, true,
// false), so a strict single-pass reader is short. It produces exactly the values plist.parse()
// produces (same types, same `<dict>` odd-key rule, same refusal of `__proto__` keys) and refuses
// what is not well-formed: mismatched or unclosed tags, unknown entities, unknown elements.
// There are no DTD entities to expand, so the output is never larger than the text; the work is
// budgeted all the same (src/core/budget.ts: values, text, depth), as for binary plists.
import type { PlistValue } from 'plist';
import { PLIST_LIMITS, ParseBudget } from '../budget.js';

export class XmlPlistError extends Error {}

const NAME_END = /[\s/>]/g;

/** Over budget: OtashipError PARSE_BUDGET; otherwise malformed input: XmlPlistError. */
export function parseXmlPlist(xml: string, budget = new ParseBudget('the XML property list', PLIST_LIMITS)): PlistValue {
  return new Reader(xml, budget).document();
}

class Reader {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly budget: ParseBudget,
  ) {}

  private fail(why: string): never {
    const line = this.s.slice(0, this.pos).split('\n').length;
    throw new XmlPlistError(`${why} (line ${line})`);
  }

  document(): PlistValue {
    this.misc(true);
    if (!this.s.startsWith('<plist', this.pos)) this.fail('malformed document. First element should be <plist>');
    const { name, selfClosing } = this.openTag();
    if (name !== 'plist') this.fail('malformed document. First element should be <plist>');
    const items: PlistValue[] = [];
    if (!selfClosing) {
      for (;;) {
        this.misc(false);
        if (this.s.startsWith('</', this.pos)) break;
        items.push(this.value(1));
      }
      this.closeTag('plist');
    }
    this.misc(false);
    if (this.pos < this.s.length) this.fail('content after the closing </plist>');
    // As plist.parse(): the root <plist> is read as a list, and a single value is unwrapped.
    return items.length === 1 ? (items[0] as PlistValue) : items;
  }

  /** Skips whitespace, comments, processing instructions and (in the prolog) a DOCTYPE; other text too when inside containers. */
  private misc(prolog: boolean): void {
    const s = this.s;
    for (;;) {
      const lt = s.indexOf('<', this.pos);
      if (lt < 0) {
        // Blank tail: consumed. Text: left for the caller to report (after the root, or a missing close tag).
        if (s.slice(this.pos).trim() === '') this.pos = s.length;
        else if (prolog) this.fail('text outside the root element');
        return;
      }
      // Stray text between elements is ignored by plist.parse(); outside the root it is an error.
      if (prolog && s.slice(this.pos, lt).trim() !== '') this.fail('text before the root element');
      this.pos = lt;
      if (s.startsWith('<!--', lt)) this.skipPast('-->');
      else if (s.startsWith('<?', lt)) this.skipPast('?>');
      else if (prolog && s.startsWith('<!DOCTYPE', lt)) this.skipDoctype();
      else return;
    }
  }

  private skipPast(end: string): void {
    const at = this.s.indexOf(end, this.pos);
    if (at < 0) this.fail(`unterminated ${this.s.slice(this.pos, this.pos + 4)}`);
    this.pos = at + end.length;
  }

  private skipDoctype(): void {
    const s = this.s;
    let quote = '';
    for (let i = this.pos + 9; i < s.length; i++) {
      const c = s[i];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[') this.fail('a DOCTYPE with an internal subset is not supported in property lists');
      else if (c === '>') {
        this.pos = i + 1;
        return;
      }
    }
    this.fail('unterminated DOCTYPE');
  }

  /** Reads `<name attr="v" ...>` or `<name .../>` at pos. */
  private openTag(): { name: string; selfClosing: boolean } {
    const s = this.s;
    if (s[this.pos] !== '<' || s[this.pos + 1] === '/') this.fail('expected an element');
    NAME_END.lastIndex = this.pos + 1;
    const m = NAME_END.exec(s);
    if (!m) this.fail('unterminated tag');
    const name = s.slice(this.pos + 1, m.index);
    if (!name) this.fail('an element without a name');
    let i = m.index;
    for (;;) {
      while (i < s.length && isSpace(s.charCodeAt(i))) i++;
      const c = s[i];
      if (c === '>') {
        this.pos = i + 1;
        return { name, selfClosing: false };
      }
      if (c === '/' && s[i + 1] === '>') {
        this.pos = i + 2;
        return { name, selfClosing: true };
      }
      // An attribute: name = "value" (plist's version="1.0"); the values are not used.
      const eq = s.indexOf('=', i);
      if (eq < 0 || /[\s<>/]/.test(s.slice(i, eq).trim()) || eq === i) this.fail(`malformed attribute in <${name}>`);
      let q = eq + 1;
      while (q < s.length && isSpace(s.charCodeAt(q))) q++;
      const quote = s[q];
      if (quote !== '"' && quote !== "'") this.fail(`unquoted attribute value in <${name}>`);
      const close = s.indexOf(quote, q + 1);
      if (close < 0 || s.slice(q + 1, close).includes('<')) this.fail(`unterminated attribute value in <${name}>`);
      i = close + 1;
      if (i < s.length && !isSpace(s.charCodeAt(i)) && s[i] !== '>' && s[i] !== '/') this.fail(`malformed attributes in <${name}>`);
    }
  }

  private closeTag(name: string): void {
    const s = this.s;
    if (!s.startsWith('</', this.pos)) this.fail(`<${name}> is not closed`);
    const gt = s.indexOf('>', this.pos);
    if (gt < 0) this.fail(`<${name}> is not closed`);
    const got = s.slice(this.pos + 2, gt).trimEnd();
    if (got !== name) this.fail(`<${name}> is closed by </${got}>`);
    this.pos = gt + 1;
  }

  /** Text content up to `</name>`: entities decoded, CDATA kept, comments dropped. */
  private text(name: string): string {
    const s = this.s;
    let out = '';
    for (;;) {
      const lt = s.indexOf('<', this.pos);
      if (lt < 0) this.fail(`<${name}> is not closed`);
      out += decodeEntities(s.slice(this.pos, lt), this);
      this.pos = lt;
      if (s.startsWith('<!--', lt)) this.skipPast('-->');
      else if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('unterminated CDATA section');
        out += s.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (s.startsWith('<?', lt)) this.skipPast('?>');
      else break;
    }
    this.closeTag(name);
    this.budget.bytes(out.length);
    return out.includes('\r') ? out.replace(/\r\n?/g, '\n') : out;
  }

  failAt(why: string): never {
    return this.fail(why);
  }

  private value(depth: number): PlistValue {
    this.budget.depth(depth);
    this.budget.objects();
    const { name, selfClosing } = this.openTag();
    switch (name) {
      case 'dict':
        return selfClosing ? {} : this.dict(depth);
      case 'array':
        return selfClosing ? [] : this.array(depth);
      case 'key':
      case 'string':
        return selfClosing ? '' : this.text(name);
      case 'integer':
      case 'real':
      case 'date': {
        const t = selfClosing ? '' : this.text(name);
        if (t === '') this.fail(`Cannot parse "" as ${name === 'date' ? 'Date' : name}.`);
        return name === 'integer' ? parseInt(t, 10) : name === 'real' ? parseFloat(t) : new Date(t);
      }
      case 'data': {
        const bytes = Buffer.from(repairBase64(selfClosing ? '' : this.text(name)), 'base64');
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
      }
      case 'true':
      case 'false':
      case 'null':
        if (!selfClosing) {
          if (this.text(name).trim() !== '') this.fail(`<${name}> must be empty`);
        }
        return name === 'true' ? true : name === 'false' ? false : (null as unknown as PlistValue);
      default:
        return this.fail(`Invalid PLIST tag ${name}`);
    }
  }

  private dict(depth: number): PlistValue {
    const out: { [key: string]: PlistValue } = {};
    let key: string | null = null;
    for (;;) {
      this.misc(false);
      if (this.s.startsWith('</', this.pos)) break;
      if (key === null) {
        if (!this.s.startsWith('<key', this.pos)) this.fail('Missing key while parsing <dict/>.');
        const k = this.value(depth + 1);
        if (typeof k !== 'string') this.fail('Missing key while parsing <dict/>.');
        if (k === '__proto__') this.fail('__proto__ keys can lead to prototype pollution. More details on CVE-2022-22912');
        key = k;
      } else {
        if (/^<key[\s/>]/.test(this.s.slice(this.pos, this.pos + 5))) this.fail('Unexpected <key> while parsing <dict/>. Keys and values must alternate.');
        out[key] = this.value(depth + 1);
        key = null;
      }
    }
    if (key !== null) out[key] = ''; // a trailing key without a value reads as "" (as plist.parse)
    this.closeTag('dict');
    return out;
  }

  private array(depth: number): PlistValue {
    const out: PlistValue[] = [];
    for (;;) {
      this.misc(false);
      if (this.s.startsWith('</', this.pos)) break;
      const v = this.value(depth + 1);
      if (v !== null) out.push(v); // plist.parse() drops <null/> from arrays
    }
    this.closeTag('array');
    return out;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(t: string, r: Reader): string {
  if (!t.includes('&')) return t;
  return t.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named] as string;
    const code = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : -1;
    if (code < 0 || code > 0x10ffff) return r.failAt('an unknown or malformed entity (a bare & must be written &amp;)');
    return String.fromCodePoint(code);
  });
}

/**
 * Hand-made profiles carry <data> blocks whose base64 is not a multiple of four characters (or has
 * stray characters); only those blocks are repaired, as before with plist.parse().
 */
export function repairBase64(body: string): string {
  let b64 = body.replace(/[^A-Za-z0-9+/]/g, '');
  if (b64.length % 4 === 1) b64 = b64.slice(0, -1); // a lone trailing sextet encodes no byte
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}
