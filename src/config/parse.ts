// Small, strict parsers for setting values. Every failure names the setting (env variable or config
// file field) so the user knows exactly what to fix.
import { OtashipError } from '../core/errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "3600", "90s", "15m", "24h", "7d", "2w" → seconds. */
export function parseDuration(value: string | number, name: string): number {
  if (typeof value === 'number') return positiveInteger(value, name);
  const m = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(value);
  if (!m) throw bad(name, value, 'a duration like 3600, 30m, 24h or 7d');
  const seconds = Number(m[1]) * (UNIT_SECONDS[(m[2] || 's').toLowerCase()] ?? 1);
  return positiveInteger(seconds, name);
}

const UNIT_BYTES: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** "8589934592", "8GiB", "500MB", "8g" → bytes. */
export function parseByteSize(value: string | number, name: string): number {
  if (typeof value === 'number') return positiveInteger(value, name);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = m ? UNIT_BYTES[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || factor === undefined) throw bad(name, value, 'a size like 8GiB, 500MB or a number of bytes');
  return positiveInteger(Math.floor(Number(m[1]) * factor), name);
}

/** A whole number of things, at least 1: "20" or 20. */
export function parseCount(value: string | number, name: string): number {
  const n = wholeNumber(value);
  if (n < 1) throw bad(name, value, 'a whole number of at least 1');
  return n;
}

/** A limit that 0 turns off: "20" or 20, or 0. */
export function parseLimit(value: string | number, name: string): number {
  const n = wholeNumber(value);
  if (n < 0) throw bad(name, String(value), 'a whole number (0 turns it off)');
  return n;
}

/** The number written, or -1 when it is not a whole number of at most nine digits. */
function wholeNumber(value: string | number): number {
  const n = typeof value === 'number' ? value : /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

export function parsePort(value: string | number, name: string): number {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad(name, value, 'a port number 0-65535');
  return n;
}

export function parseBoolean(value: string | boolean, name: string): boolean {
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw bad(name, value, 'true or false');
}

export function parseEnum<T extends string>(value: string, allowed: readonly T[], name: string): T {
  const v = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw bad(name, value, `one of ${allowed.join(', ')}`);
}

/**
 * An absolute http(s) URL used as a base for links: normalised to origin + path without a trailing
 * slash. Query strings and fragments make no sense in a base and are refused.
 */
export function parseBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw bad(name, value, 'an absolute URL such as https://apps.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(name, value, 'an http:// or https:// URL');
  if (url.search || url.hash || url.username || url.password) {
    throw bad(name, value, 'a URL without query, fragment or credentials');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw bad(name, String(n), 'a positive whole number');
  return n;
}

export function bad(name: string, value: unknown, expected: string): OtashipError {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : String(value);
  return new OtashipError('CONFIG', `${name} is ${shown}, expected ${expected}`);
}
