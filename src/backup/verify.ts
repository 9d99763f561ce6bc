// `otaship verify`: every release's blobs checked against the SHA-256 recorded for them — in a
// backup folder (against its manifest and the database in it) or in a live data folder (against
// the server's database, reading each blob back from its storage). Problems are collected, not
// thrown, so one run names every missing or damaged blob.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { OtashipError } from '../core/errors.js';
import { hashFile } from '../core/hash/index.js';
import { parseDatabaseUrl } from '../db/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import { forEachLimited, hashBackupBlob, hashStoredBlob } from './blob-files.js';
import { readManifest, SECRETS_DIR, type BackupRelease } from './manifest.js';
import { sqliteReleases } from './sqlite-snapshot.js';

export interface VerifyProblem {
  /** The blob key, or the backup file, at fault. */
  key: string;
  releaseId: string | null;
  kind: 'missing' | 'damaged' | 'unlisted';
  detail: string;
}

export interface VerifyReport {
  releases: number;
  blobs: number;
  problems: VerifyProblem[];
}

/** One line per problem, as the CLI prints them. */
export function describeProblem(p: VerifyProblem): string {
  return `${p.kind.padEnd(8)} ${p.key}${p.releaseId ? ` (release ${p.releaseId})` : ''}: ${p.detail}`;
}

/** The error a verify with problems ends with: it names each bad blob (the first few, then a count). */
export function verifyFailure(where: string, report: VerifyReport): OtashipError {
  const names = report.problems.slice(0, 10).map((p) => `${p.key} (${p.kind})`);
  const more = report.problems.length > 10 ? ` and ${report.problems.length - 10} more` : '';
  return new OtashipError('STORAGE', `${where} failed verification: ${report.problems.length} problem(s): ${names.join(', ')}${more}`);
}

export async function verifyBackup(dir: string, concurrency = 2): Promise<VerifyReport> {
  const m = await readManifest(dir);
  const problems: VerifyProblem[] = [];
  const dbPath = join(dir, m.database.file);
  const dbHash = existsSync(dbPath) ? await hashFile(dbPath) : null;
  let dbIntact = false;
  if (!dbHash) problems.push({ key: m.database.file, releaseId: null, kind: 'missing', detail: 'the database file is not in the backup' });
  else if (dbHash.sha256 !== m.database.sha256 || dbHash.size !== m.database.size) {
    problems.push({ key: m.database.file, releaseId: null, kind: 'damaged', detail: 'the database file differs from the one the backup recorded' });
  } else dbIntact = true;

  const blobs = new Map(m.blobs.map((b) => [b.key, b]));
  await forEachLimited(m.blobs, concurrency, async (b) => {
    const actual = await hashBackupBlob(dir, b.key);
    if (!actual) problems.push({ key: b.key, releaseId: null, kind: 'missing', detail: 'its copy is not in the backup' });
    else if (actual.sha256 !== b.sha256 || actual.size !== b.size) {
      problems.push({ key: b.key, releaseId: null, kind: 'damaged', detail: `SHA-256 ${actual.sha256} (${actual.size} bytes) differs from the recorded ${b.sha256} (${b.size} bytes)` });
    }
  });

  const dropped = new Set(m.droppedReleases);
  const releases = m.releases.filter((r) => !dropped.has(r.id));
  for (const r of releases) {
    const pkg = blobs.get(r.packageKey);
    if (!pkg) problems.push({ key: r.packageKey, releaseId: r.id, kind: 'unlisted', detail: 'the release\'s package is not in the backup' });
    else if (pkg.sha256 !== r.sha256) problems.push({ key: r.packageKey, releaseId: r.id, kind: 'damaged', detail: `the backup's copy differs from the SHA-256 recorded at publish (${r.sha256})` });
    for (const icon of r.iconKeys) {
      if (!blobs.has(icon)) problems.push({ key: icon, releaseId: r.id, kind: 'unlisted', detail: 'the release\'s icon is not in the backup' });
    }
  }
  // The manifest's release list must be the database's: a release the list does not know would be
  // restored without its blobs ever being checked.
  if (dbIntact && m.database.dialect === 'sqlite') {
    const listed = new Set(m.releases.map((r) => r.id));
    for (const r of await sqliteReleases(dbPath)) {
      if (!listed.has(r.id)) problems.push({ key: r.packageKey, releaseId: r.id, kind: 'unlisted', detail: 'the release is in the database but not in the manifest' });
    }
  }
  for (const s of m.secrets) {
    if (!existsSync(join(dir, SECRETS_DIR, ...s.split('/')))) problems.push({ key: `${SECRETS_DIR}/${s}`, releaseId: null, kind: 'missing', detail: 'a secret the backup recorded is not in it' });
  }
  return { releases: releases.length, blobs: m.blobs.length, problems: sortProblems(problems) };
}

/** The releases of a live database (SQLite file or PostgreSQL). */
export async function liveReleases(config: Config): Promise<BackupRelease[]> {
  const db = parseDatabaseUrl(config.databaseUrl);
  if (db.dialect === 'postgres') {
    const { postgresReleases } = await import('./postgres-dump.js');
    return postgresReleases(db.url);
  }
  assertLiveDatabase(config);
  return sqliteReleases(db.path);
}

/** Refuses a SQLite database that is not there (before anything, such as fs storage, creates folders). */
export function assertLiveDatabase(config: Config): void {
  const db = parseDatabaseUrl(config.databaseUrl);
  if (db.dialect === 'sqlite' && !existsSync(db.path)) {
    throw new OtashipError('USAGE', `there is no otaship database at ${db.path}: give the server's --config, --data-dir or --database-url (or its OTASHIP_* settings), or a backup folder`);
  }
}

export async function verifyLive(config: Config, store: BlobStore, concurrency = 2): Promise<VerifyReport> {
  const releases = await liveReleases(config);
  const problems: VerifyProblem[] = [];
  const seen = new Set<string>();
  await forEachLimited(releases, concurrency, async (r) => {
    seen.add(r.packageKey);
    const pkg = await hashStoredBlob(store, r.packageKey);
    if (!pkg) problems.push({ key: r.packageKey, releaseId: r.id, kind: 'missing', detail: 'the package is not in storage' });
    else if (pkg.sha256 !== r.sha256) problems.push({ key: r.packageKey, releaseId: r.id, kind: 'damaged', detail: `SHA-256 ${pkg.sha256} differs from the ${r.sha256} recorded at publish` });
    for (const icon of r.iconKeys) {
      seen.add(icon);
      // No SHA-256 is recorded for icons at publish; the store's own record (fs sidecar, S3
      // metadata) is checked when it has one.
      const stat = await store.stat(icon);
      if (!stat) {
        problems.push({ key: icon, releaseId: r.id, kind: 'missing', detail: 'the icon is not in storage' });
      } else if (stat.sha256) {
        const actual = await hashStoredBlob(store, icon);
        if (actual && actual.sha256 !== stat.sha256) problems.push({ key: icon, releaseId: r.id, kind: 'damaged', detail: `SHA-256 ${actual.sha256} differs from the ${stat.sha256} stored with it` });
      }
    }
  });
  return { releases: releases.length, blobs: seen.size, problems: sortProblems(problems) };
}

function sortProblems(p: VerifyProblem[]): VerifyProblem[] {
  return p.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
