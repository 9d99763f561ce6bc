// `otaship backup`: a consistent copy of a serving otaship. First the database, as one committed
// state (SQLite online backup, or pg_dump on an exported snapshot); then every blob the releases of
// THAT state use. Blobs are written before their release row is committed and removed only after the
// row is deleted, so each blob of the snapshot still exists unless its release was deleted meanwhile
// — such a release is dropped from the backup (as if deleted a moment earlier), anything else
// missing fails the backup. Everything is written into <dir>.partial-… and renamed to <dir> last: a
// folder named <dir> is always a finished backup.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { OtashipError, isOtashipError } from '../core/errors.js';
import { hashFile } from '../core/hash/index.js';
import { openRepositories, parseDatabaseUrl } from '../db/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import { VERSION } from '../version.js';
import { copyBlobOut, forEachLimited } from './blob-files.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  MANIFEST_FILE,
  PG_DUMP_FILE,
  SECRETS_DIR,
  SQLITE_FILE,
  type BackupBlob,
  type BackupManifest,
  type BackupRelease,
} from './manifest.js';
import { syncPath, syncTree } from './durable.js';
import { dataFolderSecrets } from './secrets.js';
import { editSnapshot, hasLegacySecret, snapshotSqlite, sqliteReleases } from './sqlite-snapshot.js';

export interface BackupOptions {
  /** Include the signing key and the local TLS CA (default). */
  withSecrets: boolean;
  /** Blobs copied in parallel. */
  concurrency: number;
  onProgress?: (line: string) => void;
}

/** Where the signing key is, as the backup's output and summary say it. */
export type SigningKeyInBackup = 'key-file' | 'database' | 'configured' | 'left-out';

export interface BackupSummary {
  dir: string;
  manifest: BackupManifest;
  bytes: number;
  signingKey: SigningKeyInBackup;
}

export async function createBackup(config: Config, blobs: BlobStore, dir: string, options: BackupOptions): Promise<BackupSummary> {
  const target = resolve(dir);
  if (existsSync(target)) {
    throw new OtashipError('USAGE', `${target} already exists: a backup never overwrites a folder; name a new one (e.g. with the date in it)`);
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const work = join(dirname(target), `.${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(work, { mode: 0o700 });
  try {
    const db = parseDatabaseUrl(config.databaseUrl);
    let releases: BackupRelease[];
    let legacySecret: boolean;
    const dbFile = join(work, db.dialect === 'sqlite' ? SQLITE_FILE : PG_DUMP_FILE);
    options.onProgress?.(`database  ${db.dialect === 'sqlite' ? db.path : 'PostgreSQL (pg_dump)'}`);
    if (db.dialect === 'sqlite') {
      await snapshotSqlite(db.path, dbFile);
      releases = await sqliteReleases(dbFile);
      legacySecret = await hasLegacySecret(dbFile);
    } else {
      const { dumpPostgres } = await import('./postgres-dump.js');
      ({ releases, legacySecret } = await dumpPostgres(db.url, dbFile, options.withSecrets));
    }

    const { copied, dropped } = await copyReleaseBlobs(config, blobs, releases, work, options);
    const kept = releases.filter((r) => !dropped.includes(r.id));
    if (db.dialect === 'sqlite' && (dropped.length > 0 || (legacySecret && !options.withSecrets))) {
      await editSnapshot(dbFile, { dropReleases: dropped, dropLegacySecret: legacySecret && !options.withSecrets });
    }

    const secrets = options.withSecrets ? await copySecrets(config.dataDir, join(work, SECRETS_DIR)) : [];
    const signingKey: SigningKeyInBackup = config.secret !== null
      ? 'configured'
      : secrets.includes('signing.key')
        ? 'key-file'
        : legacySecret && options.withSecrets
          ? 'database'
          : 'left-out';

    const dbHash = await hashFile(dbFile);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      otashipVersion: VERSION,
      database: { dialect: db.dialect, file: basename(dbFile), size: dbHash.size, sha256: dbHash.sha256! },
      releases: kept,
      blobs: [...copied.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
      // SQLite's snapshot was edited; a pg dump cannot be, so restore deletes these again.
      droppedReleases: db.dialect === 'sqlite' ? [] : dropped,
      secrets,
    };
    await writeFile(join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await syncTree(work);
    await rename(work, target);
    await syncPath(dirname(target));
    const bytes = dbHash.size + manifest.blobs.reduce((n, b) => n + b.size, 0);
    return { dir: target, manifest, bytes, signingKey };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

async function copyReleaseBlobs(
  config: Config,
  blobs: BlobStore,
  releases: readonly BackupRelease[],
  work: string,
  options: BackupOptions,
): Promise<{ copied: Map<string, BackupBlob>; dropped: string[] }> {
  const copied = new Map<string, BackupBlob>();
  const dropped: string[] = [];
  const problems: string[] = [];
  await forEachLimited(releases, options.concurrency, async (release) => {
    for (const key of [release.packageKey, ...release.iconKeys]) {
      if (copied.has(key)) continue;
      let blob: BackupBlob;
      try {
        blob = await copyBlobOut(blobs, key, work);
      } catch (err) {
        if (!(isOtashipError(err) && err.code === 'NOT_FOUND')) throw err;
        if (!(await releaseStillExists(config, release.id))) {
          dropped.push(release.id);
          options.onProgress?.(`dropped   release ${release.id} (deleted while the backup ran)`);
          return;
        }
        problems.push(`${key} of release ${release.id} is missing from storage`);
        continue;
      }
      if (key === release.packageKey && blob.sha256 !== release.sha256) {
        problems.push(`${key} of release ${release.id} differs from the SHA-256 recorded at publish`);
      }
      copied.set(key, blob);
      options.onProgress?.(`copied    ${key} (${blob.size} bytes)`);
    }
  });
  if (problems.length > 0) {
    throw new OtashipError(
      'STORAGE',
      `the live storage is damaged, so no backup was made: ${problems.join('; ')}. Run \`otaship verify\` for the full list, and restore those blobs (or delete those releases) first`,
    );
  }
  // A dropped release's blobs copied before its deletion was noticed are not in the backup's list.
  for (const id of dropped) {
    const release = releases.find((r) => r.id === id)!;
    for (const key of [release.packageKey, ...release.iconKeys]) {
      if (!releases.some((r) => r.id !== id && !dropped.includes(r.id) && (r.packageKey === key || r.iconKeys.includes(key)))) {
        if (copied.delete(key)) await rm(join(work, 'blobs', ...key.split('/')), { force: true });
      }
    }
  }
  return { copied, dropped };
}

/** Whether the LIVE database still has the release (its blob vanished: deleted meanwhile, or lost). */
async function releaseStillExists(config: Config, id: string): Promise<boolean> {
  const repos = await openRepositories(config.databaseUrl);
  try {
    return (await repos.releases.get(id)) !== null;
  } finally {
    await repos.close();
  }
}

/** Copies the data folder's secrets (secrets.ts names them) into `dest`; returns their relative paths. */
async function copySecrets(dataDir: string, dest: string): Promise<string[]> {
  const found = await dataFolderSecrets(dataDir);
  for (const rel of found) {
    const to = join(dest, ...rel.split('/'));
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    await copyFile(join(dataDir, ...rel.split('/')), to);
    await chmod(to, 0o600);
  }
  return found;
}
