// Lenient tokeniser shared by the parser and the linter. It splits a link the way iOS reads it:
// scheme, slashes, host, query (up to '#'), then the query on '&' and each part on its first '=',
// each key and value percent-decoded once. '+' stays '+': iOS does not read it as a space, which is
// why URLSearchParams (form decoding) must not be used here.

export interface RawParam {
  /** The whole part between two '&', as written. */
  readonly raw: string;
  /** The key and value exactly as written. */
  readonly rawKey: string;
  readonly rawValue: string;
  /** Decoded once with decodeURIComponent; the raw text when it cannot be decoded. */
  readonly key: string;
  readonly value: string;
  /** False when the key or value holds a '%' not followed by two hex digits. */
  readonly decodable: boolean;
}

export interface SplitLink {
  readonly scheme: string;
  readonly slashes: string;
  readonly host: string;
  /** False when the text after the scheme has no '?' (the parameters then sit in the host). */
  readonly hasQuestionMark: boolean;
  readonly query: string;
  readonly fragment: string | null;
  readonly params: readonly RawParam[];
}

// '_' is not legal in a scheme, but it is a typo worth recognising (itms_services://).
const SCHEME = /^([A-Za-z][A-Za-z0-9+._-]*):(\/*)(.*)$/s;

export function decodeOnce(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

export function splitParams(query: string): RawParam[] {
  const params: RawParam[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue; // '&&' or a trailing '&': iOS skips empty parts
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = decodeOnce(rawKey);
    const value = decodeOnce(rawValue);
    params.push({
      raw: part,
      rawKey,
      rawValue,
      key: key ?? rawKey,
      value: value ?? rawValue,
      decodable: key !== null && value !== null,
    });
  }
  return params;
}

/** Returns null when the text does not start with `scheme:`. */
export function splitLink(link: string): SplitLink | null {
  const m = SCHEME.exec(link);
  if (!m) return null;
  const scheme = m[1] ?? '';
  const slashes = m[2] ?? '';
  let rest = m[3] ?? '';
  let fragment: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  const host = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  return { scheme, slashes, host, hasQuestionMark: q >= 0, query, fragment, params: splitParams(query) };
}
