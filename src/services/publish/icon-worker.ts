// Runs in the icon pool's worker threads (icon-pool.ts): CgBI decoding and PNG re-encoding are
// seconds of synchronous CPU for a large icon, which on the main thread would stop every request.
// Errors cross the thread boundary as plain data: a thrown OtashipError would arrive without its code.
import { isOtashipError } from '../../core/errors.js';
import { PngConversionError, toStandardPng } from '../../core/png/index.js';

export interface IconTask {
  bytes: Uint8Array;
}

export type IconTaskResult = { png: Uint8Array } | { error: { code: 'BAD_ICON' | 'ICON_TOO_LARGE'; message: string } };

export default function convert(task: IconTask): IconTaskResult {
  const input = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  try {
    return { png: toStandardPng(input) };
  } catch (err) {
    if (err instanceof PngConversionError) return { error: { code: 'BAD_ICON', message: err.message } };
    if (isOtashipError(err) && err.code === 'ICON_TOO_LARGE') return { error: { code: 'ICON_TOO_LARGE', message: err.message } };
    throw err;
  }
}
