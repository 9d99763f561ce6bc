// Sealing app signing keys for the database: AES-256-GCM under a key derived (HKDF-SHA256) from the
// instance's signing secret, which is never in the database (server/signing-key.ts). A stolen
// database, dump or backup of it therefore does not give the power to sign as an app, while every
// instance (holding the same secret) can open what another sealed. The app id is the associated
// data: a sealed key copied onto another app's row does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { OtashipError } from '../../core/errors.js';

const VERSION = 'v1';

export class KeySealer {
  readonly #key: Buffer;

  constructor(signingSecret: string) {
    this.#key = Buffer.from(hkdfSync('sha256', signingSecret, 'otaship', 'otaship app signing keys v1', 32));
  }

  seal(plain: Buffer | string, appId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(appId, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string, appId: string): Buffer {
    const [version, data] = sealed.split('.');
    const raw = data ? Buffer.from(data, 'base64url') : Buffer.alloc(0);
    try {
      if (version !== VERSION || raw.length < 28) throw new Error('unknown format');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(appId, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    } catch (err) {
      throw new OtashipError(
        'CONFIG',
        `the signing key of app ${appId} cannot be opened with this server's secret: it was stored by an instance with another OTASHIP_SECRET or signing.key (restore that secret, or upload the app's keystore again)`,
        { cause: err },
      );
    }
  }
}
