// PostgreSQL backups go through PostgreSQL's own tools: pg_dump (custom format) and pg_restore. The
// blob listing must describe exactly the state the dump holds, so both read ONE snapshot: a
// repeatable-read transaction exports its snapshot (pg_export_snapshot), the release listing is read
// inside it, and pg_dump is started with --snapshot so it sees the same committed state.
import { spawn } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { OtashipError } from '../core/errors.js';
import { LEGACY_SECRET_SETTING } from '../core/secret-locations.js';
import { redact } from '../db/index.js';
import { pgConnection, QUERY_TIMEOUTS } from '../db/open.js';
import type { BackupRelease } from './manifest.js';
import { RELEASE_BLOBS_SQL, toBackupRelease, type ReleaseRow } from './sqlite-snapshot.js';

/**
 * The URL without its password, and the password for PGPASSWORD: a password on the command line
 * would be visible to every user of the machine (ps).
 */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  // PGCONNECT_TIMEOUT: a server that takes the connection and never answers fails the tool in 10 s
  // instead of holding the backup for ever (unless the caller set one).
  return {
    dbname: u.toString(),
    env: { PGCONNECT_TIMEOUT: '10', ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

function run(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
  const { dbname, env } = connection(url);
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...args, `--dbname=${dbname}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4000) stderr += d;
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new OtashipError('CONFIG', `${tool} is not on PATH: a PostgreSQL database is backed up and restored with PostgreSQL's client tools; install them (e.g. apt install postgresql-client, the server's major version or newer)`)
          : new OtashipError('STORAGE', `cannot run ${tool}: ${err.message}`, { cause: err }),
      );
    });
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new OtashipError('STORAGE', `${tool} failed for ${redact(url)} (exit ${String(code)}): ${stderr.trim().split('\n').slice(-3).join(' ').replaceAll(dbname, redact(url))}`));
    });
  });
}

async function client(url: string) {
  const { default: pg } = await import('pg');
  // Bounded like the server's connections (db/open.ts): a paused server fails the backup, not hangs it.
  const c = new pg.Client({ ...pgConnection(url), query_timeout: QUERY_TIMEOUTS.query_timeout });
  c.on('error', () => {});
  try {
    await c.connect();
  } catch (err) {
    throw new OtashipError('STORAGE', `cannot connect to the PostgreSQL database ${redact(url)}: ${(err as Error).message}`, { cause: err });
  }
  return c;
}

/**
 * Dumps the database at `url` into `file` and returns the releases of the dumped state. With
 * `withSecrets` false, a database that still holds the signing key (versions before the key file) is
 * refused: a pg_dump cannot leave out one row, and the dump must not carry the key.
 */
export async function dumpPostgres(url: string, file: string, withSecrets: boolean): Promise<{ releases: BackupRelease[]; legacySecret: boolean }> {
  const c = await client(url);
  try {
    await c.query('begin isolation level repeatable read read only');
    const snapshot = (await c.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
    const releases = (await c.query<ReleaseRow>(RELEASE_BLOBS_SQL)).rows.map(toBackupRelease);
    const legacySecret = (await c.query('select 1 from settings where key = $1', [LEGACY_SECRET_SETTING])).rowCount! > 0;
    if (legacySecret && !withSecrets) {
      throw new OtashipError(
        'USAGE',
        'this database still holds the link-signing key (in its settings table) and a pg_dump cannot leave it out: back up without --without-secrets, or first start the server with a version that keeps the key in <data dir>/signing.key',
      );
    }
    await run('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, '--no-owner', '--no-privileges'], url);
    await chmod(file, 0o600);
    await c.query('commit');
    return { releases, legacySecret };
  } finally {
    await c.end().catch(() => {});
  }
}

/** The live database's releases (for `otaship verify` on a running server's data). */
export async function postgresReleases(url: string): Promise<BackupRelease[]> {
  const c = await client(url);
  try {
    return (await c.query<ReleaseRow>(RELEASE_BLOBS_SQL)).rows.map(toBackupRelease);
  } finally {
    await c.end().catch(() => {});
  }
}

/** True when the database has no otaship tables yet (a fresh database to restore into). */
export async function postgresIsEmpty(url: string): Promise<boolean> {
  const c = await client(url);
  try {
    const row = (await c.query<{ t: string | null }>("select to_regclass('releases')::text as t")).rows[0];
    return !row?.t;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Restores a dump; `replace` drops what the dump holds first (--clean). Then deletes `drop` releases. */
export async function restorePostgres(url: string, file: string, replace: boolean, drop: readonly string[]): Promise<void> {
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...(replace ? ['--clean', '--if-exists'] : []), file], url);
  if (drop.length === 0) return;
  const c = await client(url);
  try {
    await c.query('delete from releases where id = any($1)', [drop]);
  } finally {
    await c.end().catch(() => {});
  }
}
