// Startup settings that only the machine can judge (directories, TLS files, the listening address),
// checked so that a wrong one stops the server with one CONFIG line naming the setting and what to
// do — never "unexpected error", never a hang.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { OtashipError } from '../core/errors.js';
import { certificateName } from '../core/inspect/profile/certificate-name.js';

const DATA_DIR = 'the data directory (OTASHIP_DATA_DIR / --data-dir)';

/**
 * Creates a directory and its missing parents, one level at a time. Node's recursive mkdir loops
 * forever where the kernel answers ENOENT for a parent that exists (e.g. /proc/nope).
 */
export async function ensureDataDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    const st = await stat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw dirError(path, err);
    });
    if (st) {
      if (!st.isDirectory()) {
        const what = p === resolve(path) ? 'is a file, not a directory' : `cannot be made: ${p} is a file, not a directory`;
        throw new OtashipError('CONFIG', `${DATA_DIR} ${path} ${what}: choose another path`);
      }
      break;
    }
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const dir of missing.reverse()) {
    try {
      // Private: the data folder holds the database, packages and keys (see tightenDataDirectory).
      await mkdir(dir, { mode: 0o700 });
    } catch (err) {
      // Another instance sharing the data dir may create it at the same moment.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir).catch(() => null))?.isDirectory()) continue;
      throw dirError(path, err as NodeJS.ErrnoException);
    }
  }
}

/**
 * Makes an existing data folder private (0700) if it is open to others, as folders made by older
 * versions were (0755). With the folder closed, nothing below it can be reached by other users,
 * whatever the modes of the files inside. A folder this user does not own is left as it is.
 */
export async function tightenDataDirectory(path: string): Promise<void> {
  const st = await stat(path);
  if ((st.mode & 0o077) === 0 || (typeof process.getuid === 'function' && st.uid !== process.getuid())) return;
  try {
    await chmod(path, 0o700);
  } catch (err) {
    throw dirError(path, err as NodeJS.ErrnoException);
  }
}

function dirError(path: string, err: NodeJS.ErrnoException): OtashipError {
  return new OtashipError(
    'CONFIG',
    `${DATA_DIR} ${path} cannot be created or used (${err.code ?? err.message}): point it at a directory this user may write to`,
    { cause: err },
  );
}

/** The certificate and key files of OTASHIP_TLS_CERT / OTASHIP_TLS_KEY: PEM, and one pair. */
export function checkTlsPair(certPem: string, keyPem: string, certFile: string, keyFile: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new OtashipError(
      'CONFIG',
      `OTASHIP_TLS_CERT ${certFile} is not a PEM certificate (${reason(err)}): give the certificate (or full chain) file, which starts with -----BEGIN CERTIFICATE-----`,
      { cause: err },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    const encrypted = /ENCRYPTED/.test(keyPem);
    throw new OtashipError(
      'CONFIG',
      `OTASHIP_TLS_KEY ${keyFile} is not ${encrypted ? 'an unencrypted' : 'a PEM'} private key (${reason(err)}): ` +
        (encrypted
          ? 'decrypt it first (openssl pkey -in key.pem -out key-plain.pem)'
          : 'give the private key file, which starts with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)'),
      { cause: err },
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new OtashipError(
      'CONFIG',
      `OTASHIP_TLS_KEY ${keyFile} does not belong to the certificate in OTASHIP_TLS_CERT ${certFile} (${certificateName(cert).subject}): give the key the certificate was issued for`,
    );
  }
}

/** Maps a failed listen() to a CONFIG error naming the setting; other errors are returned as they are. */
export function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const config = (message: string) => new OtashipError('CONFIG', message, { cause: err, details: { errno: code } });
  switch (code) {
    case 'EADDRINUSE':
      return config(`port ${port} is already in use on ${where} (another otaship or another program): stop it, or set OTASHIP_PORT / --port to a free port`);
    case 'EACCES':
      return config(`this user may not listen on ${where}: use a port from 1024 up (OTASHIP_PORT / --port), or grant the privilege`);
    case 'EADDRNOTAVAIL':
      return config(`OTASHIP_HOST ${host} is not an address of this machine: use one of its addresses, or 0.0.0.0 for all`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return config(`OTASHIP_HOST ${host} cannot be resolved to an address (${code}): give an address of this machine, or 0.0.0.0 for all`);
    default:
      return err;
  }
}

function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // "error:0480006C:PEM routines::no start line" → "no start line"
  return message.replace(/^error:[0-9A-F]+:[^:]*::?/i, '');
}
