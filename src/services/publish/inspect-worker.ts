// Runs in the inspect pool's worker threads (inspect-pool.ts): inspecting a package is mostly
// synchronous parsing (zip directory, plists, the profile's CMS and certificates, Android's binary
// XML and resource table), and a package can be built to make that parsing slow or large. In a
// worker it neither stops the event loop nor, past its heap limit or deadline, the process.
// The icon's bytes are read here too, from the archive already located, so the main thread does not
// open the package again. Errors cross the thread boundary as plain data: a thrown OtashipError
// would arrive without its code.
import { isOtashipError, type ErrorCode } from '../../core/errors.js';
import { inspect, readIconFile } from '../../core/inspect/index.js';
import type { InspectResult } from '../../core/types.js';

export interface InspectTask {
  path: string;
  /** The server's clock (ms): profile expiry is judged against it. */
  now: number;
}

export interface PlainError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** An operating-system error (EIO, EMFILE, ENOSPC…): its code must survive, so a disk fault stays 503/507. */
export interface SystemError {
  errno: string;
  syscall?: string;
  message: string;
}

export type InspectTaskResult =
  | { info: InspectResult; icon: { entry: string; bytes: Uint8Array } | { error: PlainError } | null }
  | { error: PlainError }
  | { systemError: SystemError };

function plain(err: unknown): PlainError {
  if (!isOtashipError(err)) throw err;
  return { code: err.code, message: err.message, ...(err.details ? { details: { ...err.details } } : {}) };
}

export function systemError(err: unknown): SystemError | null {
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown } | null;
  if (!(err instanceof Error) || typeof e?.code !== 'string') return null;
  return { errno: e.code, ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}), message: String(e.message) };
}

export default async function inspectPackage(task: InspectTask): Promise<InspectTaskResult> {
  let info: InspectResult;
  try {
    info = await inspect(task.path, { now: task.now });
  } catch (err) {
    if (isOtashipError(err)) return { error: plain(err) };
    const system = systemError(err);
    if (system) return { systemError: system };
    throw err; // a bug: the pool reports it as one
  }
  if (info.kind === 'profile') return { info, icon: null };
  try {
    const file = await readIconFile(task.path, info, { now: task.now });
    return { info, icon: file && { entry: file.entry, bytes: new Uint8Array(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength) } };
  } catch (err) {
    // An unreadable icon does not stop a release, whatever failed: the caller publishes without one
    // and says why.
    const reason: PlainError = isOtashipError(err) ? plain(err) : { code: 'BAD_ICON', message: `the icon could not be read (${err instanceof Error ? err.message : String(err)})` };
    return { info, icon: { error: reason } };
  }
}
