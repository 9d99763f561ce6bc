// Redirect mode (OTASHIP_DOWNLOAD_MODE=redirect): where to send a phone instead of streaming a
// blob through otaship. A CDN URL carries no token and no expiry, so it is only ever used for
// public releases; a private release gets a presigned URL (time-limited, signed by the storage),
// and when the storage cannot presign it is proxied like in proxy mode.
import type { Config } from '../config/types.js';
import type { BlobStore } from '../ports/blob-store.js';

export interface RedirectAsset {
  key: string;
  /** effectivePublic(release, app): only public releases may go to the CDN. */
  isPublic: boolean;
  /** Presigned URLs can set Content-Disposition / Content-Type for the download. */
  filename?: string;
  contentType?: string;
}

type RedirectSettings = Pick<Config, 'downloadMode' | 'cdnUrl' | 'presignTtlSeconds' | 'storage'>;

export class DownloadRedirects {
  constructor(
    private readonly settings: RedirectSettings,
    private readonly blobs: Pick<BlobStore, 'capabilities' | 'presignGet'>,
  ) {}

  /** Where to send a package download, or null: stream it from otaship. */
  async package(asset: RedirectAsset): Promise<string | null> {
    if (this.settings.downloadMode !== 'redirect') return null;
    const cdn = this.#cdn(asset);
    if (cdn) return cdn;
    const { presignTtlSeconds } = this.settings;
    if (this.blobs.capabilities.presign && this.blobs.presignGet) {
      return this.blobs.presignGet(asset.key, {
        expiresInSeconds: presignTtlSeconds,
        ...(asset.filename ? { filename: asset.filename } : {}),
        ...(asset.contentType ? { contentType: asset.contentType } : {}),
      });
    }
    return null;
  }

  /**
   * Where to send an icon, or null. Private icons are not presigned: they are a few kilobytes, and
   * served by otaship they keep their day-long private caching.
   */
  icon(asset: Pick<RedirectAsset, 'key' | 'isPublic'>): string | null {
    return this.settings.downloadMode === 'redirect' ? this.#cdn(asset) : null;
  }

  #cdn(asset: Pick<RedirectAsset, 'key' | 'isPublic'>): string | null {
    const { cdnUrl } = this.settings;
    if (!asset.isPublic || !cdnUrl) return null;
    return `${cdnUrl}/${this.#objectKey(asset.key).split('/').map(encodeURIComponent).join('/')}`;
  }

  /**
   * The CDN fronts the bucket (or the blobs folder), where S3 objects live under the key prefix
   * (normalised by loadConfig to '' or 'a/b/').
   */
  #objectKey(key: string): string {
    const { storage } = this.settings;
    return storage.kind === 's3' ? `${storage.prefix}${key}` : key;
  }
}
