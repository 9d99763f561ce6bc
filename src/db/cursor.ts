// Opaque keyset-pagination cursors: base64url of the last row's (created_at, id). Opaque so callers
// cannot build them, keyset so pages stay correct while releases are added.
import { OtashipError } from '../core/errors.js';

export interface CursorPosition {
  createdAt: string; // ISO 8601
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const invalid = () => new OtashipError('VALIDATION', `pagination cursor "${cursor.slice(0, 64)}" is not valid: pass back the nextCursor of a previous page`);
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) throw invalid();
  return { createdAt: new Date(createdAt).toISOString(), id };
}
