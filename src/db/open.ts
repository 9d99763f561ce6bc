// openRepositories(url): the one entry point to the database. `postgres://…` / `postgresql://…`
// opens PostgreSQL through pg; `sqlite:<path>` or a plain path opens SQLite through better-sqlite3.
// Drivers are imported lazily so commands that never touch a database do not load them.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely } from 'kysely';
import { OtashipError, isOtashipError } from '../core/errors.js';
import type { Repositories } from '../ports/repositories.js';
import { MIGRATION_LOCK_KEY, migrateToLatest } from './migrate.js';
import { PostgresDialectKeepingErrors, SqliteDialectKeepingErrors } from './dialects.js';
import { createRepositories } from './repositories.js';
import { withFileGuard } from './file-guard.js';
import { withStatementCache } from './statement-cache.js';
import type { Database } from './schema.js';

export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/** Parses a database URL (see module comment). ':memory:' is accepted for tests. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new OtashipError('CONFIG', 'database URL is empty (OTASHIP_DATABASE_URL)');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', url: trimmed };
  if (/^sqlite:/i.test(trimmed)) {
    let path = trimmed.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2); // sqlite:///abs/path or sqlite://rel
    if (path === '') throw new OtashipError('CONFIG', `database URL ${url} names no file (OTASHIP_DATABASE_URL)`);
    return { dialect: 'sqlite', path };
  }
  // A scheme we do not speak (mysql://, file://…): refuse rather than create a file named after it.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new OtashipError('CONFIG', `database URL scheme of ${redact(trimmed)} is not supported: use sqlite:<path> or postgres://… (OTASHIP_DATABASE_URL)`);
  }
  return { dialect: 'sqlite', path: trimmed };
}

/** The URL with any password replaced, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

export async function openRepositories(url: string): Promise<Repositories> {
  const target = parseDatabaseUrl(url);
  return target.dialect === 'postgres' ? openPostgres(target.url) : openSqlite(target.path);
}

const queues = new Map<string | symbol, Promise<unknown>>();

/** Runs fn after every earlier fn queued under the same key has settled. */
async function serialized<T>(key: string | symbol, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(fn);
  const tail = run.catch(() => {});
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/**
 * Sets WAL mode, retrying while another process holds the file. Switching a fresh file to WAL needs
 * an exclusive lock, and SQLite answers SQLITE_BUSY at once instead of waiting through busy_timeout
 * when other connections are opening it at the same moment (several instances or CLI runs starting
 * together on one data dir: the four-process test in test/db/sqlite.test.ts failed 3 runs in 16 so).
 */
async function switchToWal(database: { pragma(source: string): unknown }): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * The database file is created (or made) private, 0600, before SQLite opens it: SQLite would create
 * it 0644, and gives its -wal and -shm files the main file's mode. Files this user does not own
 * are left alone (chmod would fail; the folder's own mode protects them).
 */
function makePrivateFile(path: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw err;
    }
  }
}

async function openSqlite(path: string): Promise<Repositories> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  let database: InstanceType<typeof BetterSqlite3>;
  try {
    if (path !== ':memory:') makePrivateFile(path);
    database = new BetterSqlite3(path);
    // busy_timeout makes a second process (a CLI next to the server) wait for the lock instead of
    // failing with SQLITE_BUSY; WAL lets readers run beside the writer; foreign keys are off by default.
    database.pragma('busy_timeout = 10000');
    await switchToWal(database);
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
  } catch (err) {
    throw new OtashipError('STORAGE', `cannot open SQLite database ${path}: ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialectKeepingErrors(
      { database: path === ':memory:' ? withStatementCache(database) : withFileGuard(withStatementCache(database), path) },
      () => database.inTransaction,
    ),
  });
  // Kysely's migration lock is a no-op on SQLite and its migrations run outside a transaction, so two
  // processes opening a fresh file would both run CREATE TABLE. Hold SQLite's write lock (BEGIN
  // IMMEDIATE; other processes wait through busy_timeout) for the whole run on this connection.
  // Within one process better-sqlite3 would block the thread in that wait, so opens of the same file
  // queue on an in-process mutex first.
  const withLock = <T>(fn: () => Promise<T>): Promise<T> =>
    serialized(path === ':memory:' ? Symbol('memory') : resolve(path), async () => {
      database.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        database.exec('COMMIT');
        return result;
      } catch (err) {
        if (database.inTransaction) database.exec('ROLLBACK');
        throw err;
      }
    });
  try {
    await migrateToLatest(db, 'sqlite', withLock);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return createRepositories(db);
}

/**
 * Every connection otaship opens to PostgreSQL: a server that takes the TCP connection but never
 * completes the handshake fails it after 10 s, and keepalive notices a peer that vanished.
 */
export function pgConnection(url: string): { connectionString: string; connectionTimeoutMillis: number; keepAlive: true } {
  return { connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true };
}

/**
 * Per-query bounds of the server's connections, in ms. Far above what any query of ours takes
 * (milliseconds; a migration's index build seconds) and far below a client's patience.
 */
export const QUERY_TIMEOUTS = {
  /** Waiting for a row or table lock another session holds. */
  lock_timeout: 20_000,
  /** One statement, run by the server. */
  statement_timeout: 60_000,
  /** The reply to a query, measured by the driver: what bounds a server that stopped answering. */
  query_timeout: 65_000,
  /** A session left inside a transaction (a crashed request) releases its locks after this. */
  idle_in_transaction_session_timeout: 60_000,
} as const;

/**
 * The SET statement for QUERY_TIMEOUTS' server-side bounds the URL does not set itself, or null
 * when it sets them all.
 */
export function sessionTimeouts(url: string): string | null {
  let given: URLSearchParams;
  try {
    given = new URL(url).searchParams;
  } catch {
    given = new URLSearchParams();
  }
  const sets = (['lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout'] as const)
    .filter((key) => !given.has(key))
    .map((key) => `set ${key} = ${QUERY_TIMEOUTS[key]}`);
  return sets.length > 0 ? sets.join('; ') : null;
}

async function openPostgres(url: string): Promise<Repositories> {
  const { default: pg } = await import('pg');
  // A database host that drops packets would otherwise hold every request until the kernel gives
  // up on the socket (minutes): after 10 s the request answers 503 and the client may retry. A
  // server that accepts connections but no longer answers (paused, swapping, a half-dead proxy)
  // would hold a query on an open connection for ever: each query has QUERY_TIMEOUTS (a lock
  // held by someone else, a statement the server runs too long, a reply that never comes) and is
  // then answered 503. Parameters in the database URL (…?statement_timeout=5000) take precedence.
  // The server-side ones are SET on each new connection rather than sent as startup parameters,
  // which PgBouncer and pooled endpoints refuse ("unsupported startup parameter").
  const pool = new pg.Pool({ ...pgConnection(url), max: 10, query_timeout: QUERY_TIMEOUTS.query_timeout });
  const settings = sessionTimeouts(url);
  // An idle client losing its connection emits 'error' on the pool; without a listener that would
  // crash the process. The next query gets a fresh connection.
  pool.on('error', () => {});
  // The pool listens only to idle clients: a client checked out (inside a transaction, between two
  // of its queries) whose backend goes away emits 'error' with nobody listening, which would crash
  // the process. Its pending or next query fails on its own and is answered 503.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // Queued before the query the client was taken for, so it runs first. A pooler that refuses
    // SET leaves the server's own defaults (the client-side reply timeout still holds).
    if (settings) client.query(settings).catch(() => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialectKeepingErrors({ pool }) });
  const withLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    // Waiting for another instance's migration is fine (no lock or statement timeout here), but a
    // server that never answers the connection must not hold the start for ever.
    const client = new pg.Client(pgConnection(url));
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      try {
        return await fn();
      } finally {
        await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => {});
      }
    } finally {
      await client.end().catch(() => {});
    }
  };
  // Migrations run on a connection of their own, without the per-query bounds: an index built or a
  // table rewritten on a large database may take minutes.
  const migrations = new Kysely<Database>({
    dialect: new PostgresDialectKeepingErrors({ pool: new pg.Pool({ ...pgConnection(url), max: 1 }) }),
  });
  try {
    await migrateToLatest(migrations, 'postgres', withLock);
    await migrations.destroy();
  } catch (err) {
    await migrations.destroy().catch(() => {});
    await db.destroy().catch(() => {});
    if (isOtashipError(err)) throw err;
    throw new OtashipError('STORAGE', `cannot open PostgreSQL database ${redact(url)}: ${(err as Error).message}`, { cause: err });
  }
  return createRepositories(db);
}
