// A signing key per app for the APKs otaship builds from bundles, made by the JRE's keytool. The
// password is random and lives in a file beside the keystore (both 0600): it is handed to keytool
// and bundletool as `file:`/`:file` arguments, never on a command line other users could read (ps).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OtashipError } from '../core/errors.js';
import { runTool } from './run-tool.js';
import type { BundleTools } from './tools.js';

export interface Keystore {
  /** A PKCS#12 keystore. */
  path: string;
  alias: string;
  /** File holding the store password (and the key's, unless keyPasswordFile says otherwise). */
  passwordFile: string;
  /** An uploaded keystore whose key has its own password. */
  keyPasswordFile?: string;
}

export const KEY_ALIAS = 'otaship';

/**
 * Creates `dir` (0700) holding keystore.p12 and keystore.pass for the app `packageName`. The
 * certificate is self-signed, RSA 3072, valid ~27 years: Android checks the signer, not the dates.
 */
export async function generateKeystore(tools: BundleTools, dir: string, packageName: string): Promise<Keystore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dir, 'keystore.pass');
  const path = join(dir, 'keystore.p12');
  await writeFile(passwordFile, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  // Package names are [A-Za-z0-9_.]; anything else is left out rather than escaped into the DN.
  const cn = packageName.replace(/[^A-Za-z0-9_.]/g, '') || 'app';
  await runTool(
    {
      label: 'keytool',
      command: tools.keytool,
      args: ['-genkeypair', '-keystore', path, '-storetype', 'PKCS12', '-alias', KEY_ALIAS, '-keyalg', 'RSA', '-keysize', '3072',
        '-validity', '10000', '-dname', `CN=${cn}, O=otaship test builds`, '-storepass:file', passwordFile, '-keypass:file', passwordFile],
      missing: `keytool (part of the Java runtime) is not on PATH: install a Java runtime (e.g. apt install openjdk-17-jre-headless)`,
    },
    (out) => new OtashipError('UNAVAILABLE', `keytool could not create a signing key in ${dir}: ${out.trim().split('\n').slice(-1)[0] ?? ''}`),
  );
  await chmod(path, 0o600);
  return { path, alias: KEY_ALIAS, passwordFile };
}
