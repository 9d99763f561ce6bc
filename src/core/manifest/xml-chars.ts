// Which characters an XML 1.0 document can carry at all. XML 1.0 `Char` excludes the C0 controls
// other than TAB, LF and CR, lone UTF-16 surrogates, and U+FFFE/U+FFFF: no escape can represent them
// (`&#x1;` is not well-formed either), so a string holding one must be cleaned or refused.

// Matches one illegal code unit: a C0 control other than \t \n \r, U+FFFE/U+FFFF, or a surrogate
// that is not part of a valid pair.
// eslint-disable-next-line no-control-regex -- control characters are exactly what we look for
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ILLEGAL_ALL = new RegExp(ILLEGAL.source, 'g');

export interface IllegalCharacter {
  /** Index in UTF-16 code units. */
  index: number;
  /** e.g. "U+0007". */
  codePoint: string;
}

export function findXmlIllegal(value: string): IllegalCharacter | null {
  const m = ILLEGAL.exec(value);
  if (!m) return null;
  return { index: m.index, codePoint: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}

/** The string with every character XML 1.0 cannot carry removed. */
export function stripXmlIllegal(value: string): string {
  return value.replace(ILLEGAL_ALL, '');
}
