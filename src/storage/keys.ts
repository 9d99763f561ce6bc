// Blob keys come from our own services, but they become file paths and object names, so they are
// checked here once for every adapter: relative, '/'-separated segments of a safe character set.
// No segment may start with '.', which rules out '.', '..' and hidden names — the fs adapter keeps
// its temporary files and metadata sidecars under dot-names, so they can never collide with a key.
import { OtashipError } from '../core/errors.js';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;
const PREFIX_CHARS = /^[A-Za-z0-9._/-]*$/;
export const MAX_KEY_LENGTH = 1024;

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new OtashipError('VALIDATION', 'blob key is empty');
  if (key.length > MAX_KEY_LENGTH) throw new OtashipError('VALIDATION', `blob key ${show(key)} is longer than ${MAX_KEY_LENGTH} characters`);
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) {
      throw new OtashipError(
        'VALIDATION',
        `blob key ${show(key)} is not allowed: use relative '/'-separated names of letters, digits, '.', '_' and '-', no segment starting with '.'`,
      );
    }
  }
}

/** A list() prefix: '' or the start of a key (may end inside a segment or with '/'). */
export function assertValidPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new OtashipError('VALIDATION', 'blob key prefix must be a string');
  if (prefix === '') return;
  const segments = prefix.split('/');
  const complete = segments.slice(0, -1);
  const partial = segments[segments.length - 1] ?? '';
  if (
    prefix.length > MAX_KEY_LENGTH ||
    !PREFIX_CHARS.test(prefix) ||
    complete.some((s) => !SEGMENT.test(s)) ||
    partial.startsWith('.')
  ) {
    throw new OtashipError('VALIDATION', `blob key prefix ${show(prefix)} is not allowed`);
  }
}
