// Property lists as they occur in packages and profiles: binary (bplist00) or XML. Both are read
// by our own small parsers (binary.ts, xml.ts; see there why not plist@5), which return the same
// values plist@5 does. One tolerance: hand-made profiles carry <data> blocks whose base64 is not a
// multiple of four characters (or has stray characters); only those blocks are repaired, everything
// else must parse strictly.
import type { PlistValue } from 'plist';
import { PLIST_LIMITS, ParseBudget, isParseBudgetError } from '../budget.js';
import { OtashipError } from '../errors.js';
import { parseBinaryPlist } from './binary.js';
import { parseXmlPlist } from './xml.js';

export type { PlistValue };
export type PlistDict = { [key: string]: PlistValue };

export interface ParsedPlist {
  value: PlistDict;
  format: 'xml' | 'binary';
}

const BPLIST = Buffer.from('bplist00', 'latin1');

export function isBinaryPlist(data: Uint8Array): boolean {
  return data.length >= 8 && Buffer.from(data.buffer, data.byteOffset, 8).equals(BPLIST);
}

/** Parses a plist whose root must be a dictionary; `what` names it in errors (e.g. the zip entry). */
export function readPlistDict(data: Uint8Array, what: string): ParsedPlist {
  let value: PlistValue;
  let format: ParsedPlist['format'];
  const budget = new ParseBudget(what, PLIST_LIMITS);
  try {
    if (isBinaryPlist(data)) {
      format = 'binary';
      value = parseBinaryPlist(data, budget);
    } else {
      format = 'xml';
      value = parseXmlPlist(decodeText(data), budget);
    }
  } catch (err) {
    // A refusal to do more work is not "unreadable": it keeps its own code (and HTTP 422).
    if (isParseBudgetError(err)) throw err;
    throw new OtashipError('BAD_PLIST', `${what} is not a readable property list (${shortReason(err)})`, { cause: err });
  }
  if (!isDict(value)) throw new OtashipError('BAD_PLIST', `${what} is a property list but its root is not a dictionary`);
  return { value, format };
}

export function isDict(v: PlistValue | undefined): v is PlistDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function decodeText(data: Uint8Array): string {
  // XML plists are UTF-8 in practice; honour a UTF-16 byte-order mark when present.
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  // Buffer's UTF-8 decoder (same replacement of bad bytes) rather than a TextDecoder, whose creation
  // costs a one-shot CLI run ~3 ms of start-up.
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? msg).slice(0, 160);
}

// Typed accessors: plist values are untyped, and a wrong type in a hand-edited Info.plist must read
// as "absent" rather than crash or leak a non-string into the result.
export function str(d: PlistDict, key: string): string | null {
  const v = d[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

export function bool(d: PlistDict, key: string): boolean | null {
  const v = d[key];
  return typeof v === 'boolean' ? v : null;
}

export function strList(d: PlistDict, key: string): string[] {
  const v = d[key];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string');
}

export function dict(d: PlistDict, key: string): PlistDict | null {
  const v = d[key];
  return isDict(v) ? v : null;
}

export function date(d: PlistDict, key: string): Date | null {
  const v = d[key];
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
  if (typeof v === 'string') {
    const parsed = new Date(v);
    return Number.isNaN(parsed.getTime()) ? null : parsed;
  }
  return null;
}
