// Turns an infrastructure fault met anywhere below (database driver, file system, S3 SDK), however
// deeply it was wrapped as a `cause`, into the catalogue error a client should see: 507
// INSUFFICIENT_STORAGE for a full disk, 503 UNAVAILABLE for a database or storage that cannot be
// reached now. Used by the server's error edge and the CLI's, so neither calls such a fault a bug.
import { OtashipError, isOtashipError } from '../core/errors.js';
import type { FaultKind } from '../core/faults.js';
import { databaseFault } from '../db/sql-errors.js';
import { storageFault } from '../storage/faults.js';

/** Seconds a client is told to wait (Retry-After) before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** Causes are followed this deep at most (a cycle of causes must not hang the edge). */
const MAX_DEPTH = 8;

interface Found {
  kind: FaultKind;
  part: 'database' | 'storage';
  detail: string;
}

function find(err: unknown): Found | null {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined && current !== null; depth++) {
    const db = databaseFault(current);
    const st = storageFault(current);
    const kind = db ?? st;
    if (kind) {
      // Socket errors (ECONNREFUSED…) are known to both: the AWS SDK marks its own with $metadata,
      // so an unmarked one came from the database driver.
      const fromSdk = typeof current === 'object' && '$metadata' in current;
      return { kind, part: db && !fromSdk ? 'database' : 'storage', detail: describe(current) };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The fault's code only: driver messages name server paths and hosts, which the log keeps. */
function describe(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' ? `HTTP ${status}` : 'connection lost';
}

/**
 * The catalogue error for an infrastructure fault in `err` or its causes, or null when there is
 * none. OtashipErrors that already say UNAVAILABLE or INSUFFICIENT_STORAGE come back as they are;
 * other catalogue errors (a validation, a not-found) are never reclassified.
 */
export function infrastructureError(err: unknown): OtashipError | null {
  if (isOtashipError(err)) {
    if (err.code === 'UNAVAILABLE' || err.code === 'INSUFFICIENT_STORAGE') return err;
    if (err.code !== 'STORAGE' && err.code !== 'INTERNAL') return null;
  }
  const found = find(err);
  if (!found) return null;
  if (found.kind === 'full') {
    const where = found.part === 'database' ? "the database's disk" : "the server's disk or storage quota";
    return new OtashipError('INSUFFICIENT_STORAGE', `${where} is full (${found.detail})`, { cause: err });
  }
  const what = found.part === 'database' ? 'the database cannot be reached or used' : 'the blob storage cannot be reached or used';
  return new OtashipError('UNAVAILABLE', `${what} right now (${found.detail})`, { cause: err });
}
