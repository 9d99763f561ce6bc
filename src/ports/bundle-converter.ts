// What the server needs from the Android bundle tools (src/bundle, chosen by the composition root):
// whether bundles can be taken here at all, signing keys, and bundle → universal APK. Key material
// crosses this boundary in memory only; the adapter writes it to private files for the tools'
// lifetime and removes them.
import type { OtashipError } from '../core/errors.js';

export interface SigningKeyMaterial {
  /** The keystore file's bytes (PKCS#12 or JKS). */
  keystore: Buffer;
  storePassword: string;
  keyPassword: string;
  alias: string;
}

export interface BundleConverter {
  /**
   * Null when bundles can be converted here; else the refusal (AAB_NOT_SUPPORTED) naming what to
   * install. The tools are checked once, in the background from the server's start.
   */
  refusal(): Promise<OtashipError | null>;
  /** A new self-signed key for the app `packageName`, with a random password. */
  generateKey(packageName: string): Promise<SigningKeyMaterial>;
  /** Opens the keystore with its password and alias; the SHA-256 of its certificate (keytool's spelling). Refuses one that does not open. */
  certificateSha256(key: SigningKeyMaterial): Promise<string>;
  /** Builds the universal APK of the .aab at `bundle` into `output` (written only on success), signed with `key`. */
  universalApk(bundle: string, output: string, key: SigningKeyMaterial, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
