// Recognises storage failures that are the machine's or the network's, not otaship's: a full disk
// or quota (→ 507 INSUFFICIENT_STORAGE) and a disk, mount or S3 endpoint that cannot be used right
// now (→ 503 UNAVAILABLE). The server's error edge and the CLI turn them into catalogue errors.
import { type FaultKind, NETWORK_UNAVAILABLE } from '../core/faults.js';

/** errno codes of a full file system or an exhausted quota. */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
/**
 * errno codes of a disk or mount that is failing or gone (EIO, a stale NFS handle, a read-only
 * remount after errors), or of a data folder the server's user may not write (EACCES, EPERM: files
 * left owned by root after a command run as root, an immutable flag); an S3 endpoint the socket
 * cannot reach gives one of NETWORK_UNAVAILABLE.
 */
const DISK_UNAVAILABLE = new Set(['EIO', 'ESTALE', 'EROFS', 'ENXIO', 'ENODEV', 'EACCES', 'EPERM']);
/** AWS SDK error names of a request that never got an answer, or one S3 asks to retry. */
const AWS_UNAVAILABLE = new Set(['TimeoutError', 'RequestTimeout', 'SlowDown', 'ServiceUnavailable', 'InternalError', 'NetworkingError']);

interface Shaped {
  code?: unknown;
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Classifies one error (not its causes): see the module comment. */
export function storageFault(err: unknown): FaultKind | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as Shaped;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && FULL.has(code)) return 'full';
  if (code && (DISK_UNAVAILABLE.has(code) || NETWORK_UNAVAILABLE.has(code))) return 'unavailable';
  if (typeof e.name === 'string' && AWS_UNAVAILABLE.has(e.name)) return 'unavailable';
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return 'unavailable';
  return null;
}
