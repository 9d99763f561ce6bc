// Request input the API accepts, checked strictly: a misspelt field or a value that means nothing is
// a 400 VALIDATION naming it, never silently ignored (a PATCH {"nottes": …} that answers 200 would
// make the caller believe the notes were saved).
import { OtashipError } from '../../../core/errors.js';

/**
 * JSON request bodies must be one object; with `allowed`, every field must be one of those.
 */
export function jsonObject(body: unknown, allowed?: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OtashipError('VALIDATION', 'the request body must be a JSON object (Content-Type: application/json)');
  }
  if (allowed) {
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) {
      const names = unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ');
      throw new OtashipError(
        'VALIDATION',
        `unknown field${unknown.length > 1 ? 's' : ''} ${names} in the request body (allowed: ${allowed.join(', ')})`,
      );
    }
  }
  return body as Record<string, unknown>;
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

/** A yes/no query or form field: absent is false; anything but the usual spellings is refused. */
export function flag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new OtashipError('VALIDATION', `${name} must be true or false (or 1/0, yes/no), not ${JSON.stringify(value.slice(0, 40))}`);
}

/** A page size: absent is the default; otherwise a whole number from 1 to max. */
export function pageLimit(value: string | undefined, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new OtashipError('VALIDATION', `limit must be a whole number from 1 to ${max}, not ${JSON.stringify(value.slice(0, 40))}`);
  }
  return n;
}
