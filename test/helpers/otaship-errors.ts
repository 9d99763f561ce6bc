// Assertions on catalogue errors (src/core/errors.ts) shared by the tests: what a call was refused
// as, checked by code and message.
import assert from 'node:assert/strict';
import { OtashipError } from '../../src/core/errors.js';

/** For assert.throws: the error is an OtashipError with this code and, if given, a matching message. */
export function refusedAs(code: string, pattern?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof OtashipError, `an OtashipError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

/** The code and message an awaited call was refused with; { code: 'OK' } when it succeeded. Other errors are rethrown. */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OtashipError) return { code: err.code, message: err.message };
    throw err;
  }
  return { code: 'OK', message: '' };
}
