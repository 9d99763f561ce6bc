// Each Android app's APK signing key, for the APKs otaship builds from bundles. By default otaship
// generates one per app the first time it converts one of its bundles (so every build of the app
// updates the previous one); the app's manager may upload the app's own keystore instead (e.g. the
// upload key, so that builds from otaship and from the Play Store come from the same signer...
// as far as Play App Signing allows: see docs/apk.md). Stored sealed (seal.ts), never returned.
import { OtashipError } from '../../core/errors.js';
import type { BundleConverter, SigningKeyMaterial } from '../../ports/bundle-converter.js';
import type { AppRecord, Repositories, SealedSigningKey } from '../../ports/repositories.js';
import { authorize } from '../authz.js';
import type { Clock } from '../clock.js';
import type { Principal } from '../principal.js';
import type { KeySealer } from './seal.js';

/** Keystores are small (a few KB); anything bigger is not one. */
export const MAX_KEYSTORE_BYTES = 256 * 1024;

export interface KeystoreUpload {
  keystore: Buffer;
  storePassword: string;
  /** Defaults to the store password (as PKCS#12 keystores made by keytool have it). */
  keyPassword?: string;
  alias: string;
}

/** What may be shown about an app's key: never the key or its passwords. */
export interface SigningKeySummary {
  origin: 'generated' | 'uploaded';
  alias: string;
  certificateSha256: string;
  createdAt: Date;
}

export class AppSigningKeys {
  constructor(
    private readonly repos: Pick<Repositories, 'apps' | 'signingKeys'>,
    private readonly converter: BundleConverter,
    private readonly sealer: KeySealer,
    private readonly clock: Clock,
  ) {}

  /** The app's key for a conversion: the stored one, or a new one generated and stored now. */
  async forConversion(app: AppRecord): Promise<SigningKeyMaterial & { origin: SealedSigningKey['origin'] }> {
    let sealed = await this.repos.signingKeys.get(app.id);
    if (!sealed) {
      const fresh = await this.converter.generateKey(app.bundleId);
      const certificateSha256 = await this.converter.certificateSha256(fresh);
      // Two instances converting the app's first bundles at once: the first key stored wins.
      sealed = await this.repos.signingKeys.putIfAbsent(this.#seal(app.id, 'generated', fresh, certificateSha256));
    }
    return { ...this.#open(sealed), origin: sealed.origin };
  }

  async describe(principal: Principal, appId: string): Promise<SigningKeySummary | null> {
    const app = await this.#app(principal, appId);
    const key = await this.repos.signingKeys.get(app.id);
    return key ? summary(key) : null;
  }

  /** Replaces the app's key with the manager's keystore, once it opened with the passwords given. */
  async upload(principal: Principal, appId: string, input: KeystoreUpload): Promise<SigningKeySummary> {
    const app = await this.#app(principal, appId);
    if (app.platform !== 'android') throw new OtashipError('VALIDATION', `app ${app.bundleId} is an iOS app: only Android apps have an APK signing key`);
    const refusal = await this.converter.refusal();
    if (refusal) throw refusal;
    if (input.keystore.length === 0 || input.keystore.length > MAX_KEYSTORE_BYTES) {
      throw new OtashipError('VALIDATION', `keystore must be a keystore file (PKCS#12 or JKS) of at most ${MAX_KEYSTORE_BYTES / 1024} KiB`);
    }
    const material: SigningKeyMaterial = {
      keystore: input.keystore,
      storePassword: input.storePassword,
      keyPassword: input.keyPassword ?? input.storePassword,
      alias: input.alias,
    };
    const certificateSha256 = await this.converter.certificateSha256(material);
    const sealed = this.#seal(app.id, 'uploaded', material, certificateSha256);
    await this.repos.signingKeys.put(sealed);
    return summary(sealed);
  }

  /** Forgets the app's key: the next conversion generates a new one (whose APKs do not update the old ones). */
  async remove(principal: Principal, appId: string): Promise<boolean> {
    const app = await this.#app(principal, appId);
    return this.repos.signingKeys.delete(app.id);
  }

  async #app(principal: Principal, appId: string): Promise<AppRecord> {
    const app = await this.repos.apps.get(appId);
    authorize(principal, 'app:signing', { appId: app?.id ?? appId, label: `app ${app?.bundleId ?? appId.slice(0, 64)}`, ref: `app ${appId.slice(0, 64)}` });
    if (!app) throw new OtashipError('NOT_FOUND', `app ${appId.slice(0, 64)} does not exist`);
    return app;
  }

  #seal(appId: string, origin: SealedSigningKey['origin'], key: SigningKeyMaterial, certificateSha256: string): SealedSigningKey {
    return {
      appId,
      origin,
      keystore: this.sealer.seal(key.keystore, appId),
      storePassword: this.sealer.seal(key.storePassword, appId),
      keyPassword: this.sealer.seal(key.keyPassword, appId),
      alias: key.alias,
      certificateSha256,
      createdAt: this.clock(),
    };
  }

  #open(sealed: SealedSigningKey): SigningKeyMaterial {
    return {
      keystore: this.sealer.open(sealed.keystore, sealed.appId),
      storePassword: this.sealer.open(sealed.storePassword, sealed.appId).toString('utf8'),
      keyPassword: this.sealer.open(sealed.keyPassword, sealed.appId).toString('utf8'),
      alias: sealed.alias,
    };
  }
}

function summary(key: SealedSigningKey): SigningKeySummary {
  return { origin: key.origin, alias: key.alias, certificateSha256: key.certificateSha256, createdAt: key.createdAt };
}
