// A consistent copy of a live SQLite database. Copying the file while the server runs loses whatever
// still sits in the WAL (committed releases not yet checkpointed into the main file), so the copy is
// made with SQLite's online backup API (better-sqlite3's db.backup()), which reads through the WAL
// and restarts if another connection writes meanwhile: the result is one committed state.
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import type { Database as SqliteDb } from 'better-sqlite3';
import { OtashipError } from '../core/errors.js';
import { LEGACY_SECRET_SETTING } from '../core/secret-locations.js';
import type { BackupRelease } from './manifest.js';

async function open(path: string, readonly: boolean): Promise<SqliteDb> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const db = new BetterSqlite3(path, { readonly, fileMustExist: true });
  // The server may hold the write lock for a moment: wait for it, as other CLI commands do.
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Writes a snapshot of the database at `livePath` to `destPath` (a new file, mode 0600). */
export async function snapshotSqlite(livePath: string, destPath: string): Promise<void> {
  if (!existsSync(livePath)) {
    throw new OtashipError('USAGE', `there is no otaship database at ${livePath}: give the server's --config, --data-dir or --database-url (or its OTASHIP_* settings)`);
  }
  let live: SqliteDb | undefined;
  try {
    // Not read-only: a reader of a WAL database must be able to create the -shm file it shares.
    live = await open(livePath, false);
    await live.backup(destPath);
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('STORAGE', `cannot take a snapshot of the SQLite database ${livePath}: ${(err as Error).message}`, { cause: err });
  } finally {
    live?.close();
  }
  await chmod(destPath, 0o600);
  // The copy is a standalone file: fold its journal back in so the backup is this one file.
  const copy = await open(destPath, false);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

export interface ReleaseRow {
  id: string;
  package_key: string;
  sha256: string;
  icon_key: string | null;
  icon57_key: string | null;
  icon512_key: string | null;
}

export const RELEASE_BLOBS_SQL = 'select id, package_key, sha256, icon_key, icon57_key, icon512_key from releases order by id';

export function toBackupRelease(row: ReleaseRow): BackupRelease {
  return {
    id: row.id,
    packageKey: row.package_key,
    sha256: row.sha256,
    iconKeys: [row.icon_key, row.icon57_key, row.icon512_key].filter((k): k is string => k !== null),
  };
}

/** The releases in a database file (a snapshot or the live one) and the blobs each uses. */
export async function sqliteReleases(path: string): Promise<BackupRelease[]> {
  // Not read-only: the live database is in WAL mode, whose readers may need to create its -shm file.
  const db = await open(path, false);
  try {
    return (db.prepare(RELEASE_BLOBS_SQL).all() as ReleaseRow[]).map(toBackupRelease);
  } catch (err) {
    throw new OtashipError('STORAGE', `cannot read the releases of the SQLite database ${path} (is it an otaship database?): ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
}

/**
 * Edits a snapshot file: deletes releases (with their counters, by cascade) and, when asked, the
 * signing key that versions before the key file kept in the settings table.
 */
export async function editSnapshot(path: string, edits: { dropReleases: readonly string[]; dropLegacySecret: boolean }): Promise<void> {
  const db = await open(path, false);
  try {
    db.pragma('foreign_keys = ON');
    const del = db.prepare('delete from releases where id = ?');
    db.transaction(() => {
      for (const id of edits.dropReleases) del.run(id);
      if (edits.dropLegacySecret) db.prepare('delete from settings where key = ?').run(LEGACY_SECRET_SETTING);
    })();
    // Deleted rows must not linger in free pages of a file meant to leave the machine.
    if (edits.dropLegacySecret) db.exec('vacuum');
  } finally {
    db.close();
  }
}

export async function hasLegacySecret(path: string): Promise<boolean> {
  const db = await open(path, true);
  try {
    return db.prepare('select 1 from settings where key = ?').get(LEGACY_SECRET_SETTING) !== undefined;
  } finally {
    db.close();
  }
}
