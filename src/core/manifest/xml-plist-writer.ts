// A small XML property-list writer for the manifest's value types (dict, array, string, integer,
// boolean).
// Hand-written rather than plist.build() because plist@5 (xmlbuilder) writes U+0085, U+2028 and U+2029
// raw, and XML parsers that apply XML 1.1 line-end handling (xmldom, which plist.parse uses) read
// them back as "\n": plist's own build→parse round trip changes such titles. Here every character
// that a parser may rewrite (CR, NEL, LS, PS) goes out as a character reference, and the markup
// characters as entities, so any XML 1.0 parser returns exactly the string we were given.
import { findXmlIllegal } from './xml-chars.js';

export type PlistWritable = string | number | boolean | PlistWritable[] | PlistDict;
/** Entries in output order; undefined values are left out. */
export interface PlistDict {
  readonly [key: string]: PlistWritable | undefined;
}

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;', // also keeps "]]>" out of the text
  '\r': '&#xD;',
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
  '\u2029': '&#x2029;',
};

export function escapeXmlText(value: string): string {
  const bad = findXmlIllegal(value);
  // Callers clean or refuse illegal characters first; reaching here with one is a bug.
  if (bad) throw new Error(`XML cannot carry ${bad.codePoint} (index ${bad.index})`);
  return value.replace(/[&<>\r\u0085\u2028\u2029]/g, (ch) => ESCAPES[ch] ?? ch);
}

function writeValue(value: PlistWritable, indent: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(`${indent}<string>${escapeXmlText(value)}</string>`);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`plist integer expected, got ${value}`);
    out.push(`${indent}<integer>${value}</integer>`);
  } else if (typeof value === 'boolean') {
    out.push(`${indent}<${value ? 'true' : 'false'}/>`);
  } else if (Array.isArray(value)) {
    out.push(`${indent}<array>`);
    for (const v of value) writeValue(v, `${indent}\t`, out);
    out.push(`${indent}</array>`);
  } else {
    out.push(`${indent}<dict>`);
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out.push(`${indent}\t<key>${escapeXmlText(key)}</key>`);
      writeValue(v, `${indent}\t`, out);
    }
    out.push(`${indent}</dict>`);
  }
}

/** An XML plist document: starts exactly with `<?xml`, UTF-8, tab-indented like Xcode's output. */
export function writeXmlPlist(root: PlistWritable): string {
  const out: string[] = [];
  writeValue(root, '', out);
  return `${HEADER}${out.join('\n')}\n</plist>\n`;
}
