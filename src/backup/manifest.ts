// The backup folder's table of contents (manifest.json): what the database file is, every blob with
// its size and SHA-256, the releases the database holds and which of their blobs they use, and
// whether the signing secrets came along. `otaship verify` and `otaship restore` trust nothing in a
// backup that this file does not vouch for, and they check the file itself before trusting it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OtashipError } from '../core/errors.js';
import { assertValidKey } from '../storage/keys.js';

export const BACKUP_FORMAT = 'otaship-backup';
/** Raised when the layout changes; restore refuses versions it does not know. */
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
/** The folder of blob copies, one file per key (keys are checked, relative, '/'-separated names). */
export const BLOBS_DIR = 'blobs';
/** The folder of secrets (signing key, local TLS CA), apart from the rest so it is easy to see and strip. */
export const SECRETS_DIR = 'secrets';
export const SQLITE_FILE = 'otaship.db';
export const PG_DUMP_FILE = 'otaship.pgdump';

export interface BackupBlob {
  key: string;
  size: number;
  sha256: string;
}

export interface BackupRelease {
  id: string;
  /** The package's key and the SHA-256 recorded for it at publish. */
  packageKey: string;
  sha256: string;
  /** Icon keys (no SHA-256 is recorded for icons at publish; the blob entry holds the copy's). */
  iconKeys: string[];
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_FORMAT_VERSION;
  createdAt: string;
  otashipVersion: string;
  database: { dialect: 'sqlite' | 'postgres'; file: string; size: number; sha256: string };
  releases: BackupRelease[];
  blobs: BackupBlob[];
  /**
   * Releases in the database dump that were deleted while the backup ran (their blobs went with
   * them); restore deletes them again. Always empty for SQLite, whose snapshot is edited instead.
   */
  droppedReleases: string[];
  /** Files under secrets/ (relative to it). Empty with --without-secrets. */
  secrets: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads and checks <dir>/manifest.json; a missing or malformed one is a clear error, not a crash. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OtashipError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'STORAGE',
      code === 'ENOENT'
        ? `${dir} is not an otaship backup (no ${MANIFEST_FILE}); a backup folder without it was not finished`
        : `cannot read ${path}: ${(err as Error).message}`,
    );
  }
  const bad = (what: string) => new OtashipError('VALIDATION', `${path} is damaged: ${what}; use another backup`);
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  const o = m as Partial<BackupManifest> | null;
  if (typeof o !== 'object' || o === null || o.format !== BACKUP_FORMAT) throw bad(`not an ${BACKUP_FORMAT} manifest`);
  if (o.version !== BACKUP_FORMAT_VERSION) {
    throw new OtashipError('VALIDATION', `${path} is backup format version ${String(o.version)}; this otaship reads version ${BACKUP_FORMAT_VERSION}: use the otaship version that made it`);
  }
  const db = o.database;
  if (!db || (db.dialect !== 'sqlite' && db.dialect !== 'postgres') || (db.file !== SQLITE_FILE && db.file !== PG_DUMP_FILE) || !HEX64.test(String(db.sha256)) || !Number.isSafeInteger(db.size)) {
    throw bad('its database entry is malformed');
  }
  if (!Array.isArray(o.blobs) || !Array.isArray(o.releases) || !Array.isArray(o.droppedReleases) || !Array.isArray(o.secrets)) throw bad('a list is missing');
  for (const b of o.blobs) {
    if (typeof b !== 'object' || b === null || !HEX64.test(String(b.sha256)) || !Number.isSafeInteger(b.size) || b.size < 0) throw bad('a blob entry is malformed');
    try {
      assertValidKey(b.key);
    } catch {
      throw bad(`blob key ${JSON.stringify(b.key)} is not allowed`);
    }
  }
  for (const r of o.releases) {
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || typeof r.packageKey !== 'string' || !HEX64.test(String(r.sha256)) || !Array.isArray(r.iconKeys)) {
      throw bad('a release entry is malformed');
    }
  }
  for (const s of o.secrets) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/.test(s)) throw bad('a secrets entry is malformed');
  }
  return o as BackupManifest;
}
