// Where the token-signing key lives. Whoever holds it can sign admin sessions and install links and
// derive every webhook secret, so it is never kept in the database: a database, a dump or a backup
// alone must not give the power to sign. It is OTASHIP_SECRET when set, else a random key generated
// once into <data dir>/signing.key (mode 0600, in the 0700 data folder).
//
// Older versions kept the generated key in the settings table. On start that key is moved into the
// key file (so links, sessions and webhook secrets made with it stay valid) and deleted from the
// database. The database keeps only a fingerprint of the key file's key, so an instance whose data
// folder holds a different key (a second machine on the same PostgreSQL) is stopped with a clear
// message instead of signing links the other instances reject.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { OtashipError } from '../core/errors.js';
import { LEGACY_SECRET_SETTING, SIGNING_KEY_FILE } from '../core/secret-locations.js';
import type { SettingsRepository } from '../ports/repositories.js';
import { readIfExists, writeIfAbsent } from '../tls/pem-files.js';

/** A fingerprint (not the key): lets instances tell that they hold the same key file. */
export const KEY_FINGERPRINT_SETTING = 'signing_key_fingerprint';

/**
 * A fingerprint of OTASHIP_SECRET as the last instance to start had it. Instances of one database
 * with different secrets refuse each other's links, sessions and webhook signatures at random (the
 * instance a request reaches decides), so a start with another value is reported. It is a warning,
 * not a refusal: rotating the secret means restarting every instance with the new value, one after
 * the other, and the first to restart must still start.
 */
export const SECRET_FINGERPRINT_SETTING = 'configured_secret_fingerprint';

/** A warning when OTASHIP_SECRET differs from the one the last instance started with (then this one's is recorded). */
export async function configuredSecretWarning(config: Config, settings: SettingsRepository): Promise<string | null> {
  if (config.secret === null) return null; // a key file: resolveSigningSecret compares it
  const ours = fingerprint(`configured ${config.secret}`);
  const recorded = await settings.putIfAbsent(SECRET_FINGERPRINT_SETTING, ours);
  if (recorded === ours) return null;
  await settings.put(SECRET_FINGERPRINT_SETTING, ours);
  return (
    'OTASHIP_SECRET differs from the value the last instance of this database started with: install links, sessions ' +
    'and webhook signatures made by one instance are refused by the other. Set the same OTASHIP_SECRET on every ' +
    'instance; if you changed it on purpose, restart every instance with the new value (this warning then stops)'
  );
}

function fingerprint(key: string): string {
  return createHash('sha256').update(`otaship signing key fingerprint ${key}`).digest('hex');
}

export async function resolveSigningSecret(config: Config, settings: SettingsRepository): Promise<string> {
  const path = join(config.dataDir, SIGNING_KEY_FILE);
  const legacy = await settings.get(LEGACY_SECRET_SETTING);
  let key = await readKeyFile(path);
  let wroteKeyFile = false;
  if (key === null && (legacy !== null || config.secret === null)) {
    const recorded = await settings.get(KEY_FINGERPRINT_SETTING);
    if (legacy === null && recorded !== null) throw elsewhere(path);
    // Two instances sharing this folder may start together: the first file written wins.
    wroteKeyFile = await writeIfAbsent(path, `${legacy ?? randomBytes(32).toString('base64url')}\n`, 0o600);
    key = await readKeyFile(path);
    if (key === null) throw new OtashipError('CONFIG', `the signing key file ${path} could not be written: check the data folder's permissions`);
  }
  if (key !== null) {
    const stored = await settings.putIfAbsent(KEY_FINGERPRINT_SETTING, fingerprint(key));
    if (stored !== fingerprint(key) && config.secret === null) {
      // Only a key this start made up is taken back; an operator's file is left for them to judge.
      if (wroteKeyFile && legacy === null) await rm(path, { force: true });
      throw elsewhere(path);
    }
  }
  if (legacy !== null) await settings.delete(LEGACY_SECRET_SETTING);
  return config.secret ?? key!;
}

/** The key in the file, null when there is none; a key readable by others is made private first. */
async function readKeyFile(path: string): Promise<string | null> {
  let text: string | null;
  try {
    text = await readIfExists(path);
  } catch (err) {
    // Owned by another user (a command once run as root), a folder in its place, a failing disk.
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new OtashipError(
      'CONFIG',
      `the signing key file ${path} cannot be read (${code}): it must be a file the server's user can read (chown it to that user, mode 600)`,
      { cause: err },
    );
  }
  if (text === null) return null;
  const key = text.trim();
  if (key.length < 32) {
    throw new OtashipError(
      'CONFIG',
      `the signing key file ${path} is damaged (fewer than 32 characters): restore it from a backup, or delete it to make a new key (every install link, session and webhook secret then changes)`,
    );
  }
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return key;
}

function elsewhere(path: string): OtashipError {
  return new OtashipError(
    'CONFIG',
    `this database is used with a signing key kept in another data folder, and ${path} is missing or different: ` +
      'copy signing.key from the first instance\'s data folder here, or set the same OTASHIP_SECRET on every instance',
  );
}
