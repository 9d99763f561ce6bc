// Recognises constraint violations from either driver so repositories can turn them into catalogue
// errors (CONFLICT, NOT_FOUND) instead of leaking driver messages.
import { type FaultKind, NETWORK_UNAVAILABLE } from '../core/faults.js';

function codeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; pg: SQLSTATE 23505. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** better-sqlite3: SQLITE_CONSTRAINT_FOREIGNKEY; pg: SQLSTATE 23503. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * PostgreSQL SQLSTATEs that mean "the server is not there or not taking work now", not "your query
 * is wrong": class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, starting up),
 * 53300 (too many connections), 53200 (out of memory), 58000/58030 (system / I/O error).
 */
const PG_UNAVAILABLE = new Set([
  '57P01', '57P02', '57P03', '53300', '53200', '58000', '58030',
  // statement_timeout and lock_timeout (db/open.ts QUERY_TIMEOUTS): the database is too busy or
  // blocked right now; nothing in otaship cancels queries otherwise.
  '57014', '55P03',
  // idle_in_transaction_session_timeout ended the session under a transaction.
  '25P03',
]);
/**
 * pg raises these without a code when a connection dies under a query or the pool cannot hand one
 * out in time; matched by message because the driver gives nothing else to match on.
 */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
  // query_timeout: the server took the query and never answered.
  /^Query read timeout/,
];

/**
 * Classifies a database driver error: 'full' for a full disk (SQLITE_FULL, pg 53100 disk_full),
 * 'unavailable' for a database that cannot be reached or used right now (see the lists above; for
 * SQLite: I/O errors, a file it cannot open, a lock held past busy_timeout, a read-only file), null
 * for everything else (a bug, or a constraint the repositories handle).
 */
export function databaseFault(err: unknown): FaultKind | null {
  const code = codeOf(err);
  if (code === 'SQLITE_FULL' || code === '53100') return 'full';
  if (code !== undefined) {
    // CORRUPT / NOTADB: the file was damaged (or replaced) under the server: not a bug of the request.
    if (/^SQLITE_(IOERR|CANTOPEN|BUSY|LOCKED|READONLY|PROTOCOL|NOLFS|CORRUPT|NOTADB)/.test(code)) return 'unavailable';
    if (code.startsWith('08') && code.length === 5) return 'unavailable';
    if (PG_UNAVAILABLE.has(code) || NETWORK_UNAVAILABLE.has(code)) return 'unavailable';
  }
  const message = err instanceof Error ? err.message : '';
  if (PG_MESSAGES.some((re) => re.test(message))) return 'unavailable';
  // pg's connect() over a refused socket rejects with an AggregateError of per-address errors.
  if (err instanceof AggregateError && err.errors.some((e) => databaseFault(e) === 'unavailable')) return 'unavailable';
  return null;
}
