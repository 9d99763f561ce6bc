// HTTP Range / If-Range / If-None-Match evaluation (RFC 9110 §13-14) for one representation of a
// known size. Hand-written because the blob may live in S3: @fastify/send only serves files on
// disk. Only single ranges are honoured; a multi-range request gets the whole body (allowed by the
// RFC, and install clients never ask for several ranges).

export interface Validators {
  /** Quoted strong entity tag, e.g. "\"3f2a…\"". */
  etag: string;
  lastModified: Date;
}

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' }
  | { kind: 'not-modified' };

export interface ConditionalHeaders {
  range?: string;
  ifRange?: string;
  ifNoneMatch?: string;
}

export function decideRange(headers: ConditionalHeaders, size: number, v: Validators): RangeDecision {
  if (headers.ifNoneMatch !== undefined && etagListMatches(headers.ifNoneMatch, v.etag, false)) {
    return { kind: 'not-modified' };
  }
  if (headers.range === undefined) return { kind: 'full' };
  if (headers.ifRange !== undefined && !ifRangeMatches(headers.ifRange, v)) return { kind: 'full' };
  const parsed = parseRange(headers.range, size);
  if (parsed === null) return { kind: 'full' };
  if (parsed === 'unsatisfiable') return { kind: 'unsatisfiable' };
  return { kind: 'partial', ...parsed };
}

/**
 * Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size. Returns null when the header is to be
 * ignored (other unit, bad syntax, several ranges), 'unsatisfiable' for a range beyond the end.
 */
export function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return null;
  const specs = m[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length !== 1) return null;
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]!);
  if (!r || (r[1] === '' && r[2] === '')) return null;
  if (r[1] === '') {
    // Suffix range: the last n bytes.
    const n = Number(r[2]);
    if (!Number.isSafeInteger(n)) return null;
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(r[1]);
  const end = r[2] === '' ? Infinity : Number(r[2]);
  if (!Number.isSafeInteger(start) || (end !== Infinity && !Number.isSafeInteger(end)) || end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/**
 * Whether the response to `range` is a suffix range (`bytes=-n`, "the last n bytes"): it peeks at
 * the end of a file and never continues a download.
 */
export function isSuffixRange(range: string | undefined, decision: RangeDecision): boolean {
  return decision.kind === 'partial' && range !== undefined && /^\s*bytes\s*=\s*-/i.test(range);
}

/** If-Range holds an entity tag (strong comparison) or an HTTP date (exact match). */
function ifRangeMatches(value: string, v: Validators): boolean {
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
    return !trimmed.startsWith('W/') && trimmed === v.etag;
  }
  const date = Date.parse(trimmed);
  return Number.isFinite(date) && Math.floor(date / 1000) === Math.floor(v.lastModified.getTime() / 1000);
}

/** If-None-Match uses weak comparison: W/"x" matches "x". */
function etagListMatches(list: string, etag: string, strong: boolean): boolean {
  if (list.trim() === '*') return true;
  const bare = (t: string) => (strong ? t : t.replace(/^W\//, ''));
  return list.split(',').some((t) => bare(t.trim()) === bare(etag));
}

/** Turns a backend validator into a quoted strong ETag. */
export function quoteEtag(raw: string): string {
  const inner = raw.replace(/^W\//, '').replace(/^"|"$/g, '');
  return `"${inner.replace(/[^\x21\x23-\x7e]/g, '')}"`;
}
