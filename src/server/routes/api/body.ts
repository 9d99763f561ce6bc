import { OtashipError } from '../../../core/errors.js';

/** JSON request bodies must be one object; anything else is a clear VALIDATION error. */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OtashipError('VALIDATION', 'the request body must be a JSON object (Content-Type: application/json)');
  }
  return body as Record<string, unknown>;
}
