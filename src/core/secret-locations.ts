// Where the server keeps what lets its holder act as the server. One list, read by the code that
// makes and uses these secrets (server/signing-key.ts, tls/self-signed.ts) and by the backup that
// carries them apart from everything else (backup/secrets.ts, backup/sqlite-snapshot.ts), so the
// two cannot drift apart and leave a secret out of a backup or in a backup that claims it is not.

/** The generated token-signing key, in the data folder (mode 0600). */
export const SIGNING_KEY_FILE = 'signing.key';
/** The data folder's subfolder holding the self-signed TLS certificate authority and its key. */
export const TLS_DIR = 'tls';
/** The settings row where versions before the key file kept the generated signing key. */
export const LEGACY_SECRET_SETTING = 'link_signing_secret';
