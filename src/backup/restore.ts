// `otaship restore`: a backup back into a data folder (and the configured database and storage).
// The backup is verified first; a damaged one is refused before anything is written. Blobs and
// secrets go in before the database, so a restore cut short never leaves releases pointing at
// blobs that are not there; the database file is renamed into place last. Afterwards the restored
// data is verified as `otaship verify` would.
import { randomBytes } from 'node:crypto';
import { copyFile, chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../config/types.js';
import { OtashipError } from '../core/errors.js';
import { SIGNING_KEY_FILE } from '../core/secret-locations.js';
import { parseDatabaseUrl } from '../db/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import { copyBlobIn, forEachLimited } from './blob-files.js';
import { readManifest, SECRETS_DIR, type BackupManifest } from './manifest.js';
import { syncPath } from './durable.js';
import { verifyBackup, verifyFailure, verifyLive, type VerifyReport } from './verify.js';

export interface RestoreOptions {
  /** Restore into a data folder, database or storage that already holds something. */
  force: boolean;
  concurrency: number;
  onProgress?: (line: string) => void;
}

export interface RestoreSummary {
  manifest: BackupManifest;
  verified: VerifyReport;
  /** Whether the backup brought the signing key (as a key file). */
  signingKeyRestored: boolean;
}

export async function restoreBackup(config: Config, openStore: () => Promise<BlobStore>, dir: string, options: RestoreOptions): Promise<RestoreSummary> {
  const checked = await verifyBackup(dir, options.concurrency);
  if (checked.problems.length > 0) throw verifyFailure(`the backup ${dir}`, checked);
  const m = await readManifest(dir);
  const db = parseDatabaseUrl(config.databaseUrl);
  if (m.database.dialect !== db.dialect) {
    throw new OtashipError(
      'USAGE',
      `this backup holds a ${m.database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database but the target is ${db.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (OTASHIP_DATABASE_URL / --database-url): restore into the same kind, then move with your database's own tools`,
    );
  }
  const refuse = (what: string) =>
    new OtashipError('USAGE', `${what}, and restore replaces what it holds: restore into a new data folder, or add --force to overwrite`);
  // Checked before the store is opened: opening fs storage creates <data dir>/blobs.
  if (!options.force && (await readdir(config.dataDir).catch(() => [])).length > 0) throw refuse(`the data folder ${config.dataDir} is not empty`);
  if (db.dialect === 'postgres' && !options.force) {
    const { postgresIsEmpty } = await import('./postgres-dump.js');
    if (!(await postgresIsEmpty(db.url))) throw refuse('the PostgreSQL database already holds otaship tables');
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore();
  // What this restore wrote into an empty target, taken back if it fails (a full disk, a storage
  // that went away): a half-restored folder would be refused as "not empty" by the next attempt
  // and could be mistaken for a working one. With --force the target held data before: kept as is.
  const written = { files: [] as string[], blobs: [] as string[] };
  let checkedEmpty = false;
  // Once the database is in place the restore is done but for its check: a failed check leaves the
  // data for inspection (verify says what is wrong) rather than taking back half of it.
  let databaseRestored = false;
  try {
    if (!options.force) {
      for await (const key of store.list('')) throw refuse(`the ${store.kind} storage already holds blobs (${key}…)`);
      checkedEmpty = true;
    }
    for (const rel of m.secrets) {
      const to = join(config.dataDir, ...rel.split('/'));
      await mkdir(dirname(to), { recursive: true, mode: 0o700 });
      written.files.push(to);
      await copyFile(join(dir, SECRETS_DIR, ...rel.split('/')), to);
      await chmod(to, 0o600);
      options.onProgress?.(`secret    ${rel}`);
    }
    await forEachLimited(m.blobs, options.concurrency, async (b) => {
      written.blobs.push(b.key);
      await copyBlobIn(store, b, dir);
      options.onProgress?.(`restored  ${b.key} (${b.size} bytes)`);
    });
    const dbFile = join(dir, m.database.file);
    if (db.dialect === 'sqlite') {
      // A stale -wal next to the new file would be replayed into it: clear them with the old file.
      for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${db.path}${suffix}`, { force: true });
      const tmp = `${db.path}.restoring-${randomBytes(4).toString('hex')}`;
      await mkdir(dirname(db.path), { recursive: true, mode: 0o700 });
      try {
        await copyFile(dbFile, tmp);
        await chmod(tmp, 0o600);
        await syncPath(tmp);
        await rename(tmp, db.path);
      } finally {
        await rm(tmp, { force: true });
      }
      await syncPath(dirname(db.path));
    } else {
      const { restorePostgres } = await import('./postgres-dump.js');
      await restorePostgres(db.url, dbFile, options.force, m.droppedReleases);
    }
    databaseRestored = true;
    options.onProgress?.(`database  ${db.dialect === 'sqlite' ? db.path : 'PostgreSQL (pg_restore)'}`);
    const verified = await verifyLive(config, store, options.concurrency);
    if (verified.problems.length > 0) throw verifyFailure(`the restored data in ${config.dataDir}`, verified);
    return { manifest: m, verified, signingKeyRestored: m.secrets.includes(SIGNING_KEY_FILE) };
  } catch (err) {
    if (checkedEmpty && !databaseRestored) await takeBack(written, store, config.dataDir);
    throw err;
  } finally {
    await store.close?.();
  }
}

/**
 * Best effort: what failed to be removed stays, and the original error is what the caller hears.
 * The data folder was empty when the restore began (it is checked), so all it holds now is ours.
 */
async function takeBack(written: { files: string[]; blobs: string[] }, store: BlobStore, dataDir: string): Promise<void> {
  await Promise.all(written.blobs.map((key) => store.delete(key).catch(() => undefined)));
  for (const file of written.files) await rm(file, { force: true }).catch(() => undefined);
  for (const name of await readdir(dataDir).catch(() => [] as string[])) {
    await rm(join(dataDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
