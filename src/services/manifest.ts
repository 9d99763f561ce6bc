// The manifest for a stored release, built by the pure core from the facts recorded at publish time
// (bundle id and version come from the package, never from user input).
import { buildManifestForPackage } from '../core/manifest/index.js';
import type { IpaInfo } from '../core/types.js';
import type { ReleaseRecord } from '../ports/repositories.js';

export function renderManifest(
  info: IpaInfo,
  release: Pick<ReleaseRecord, 'sha256'>,
  urls: { packageUrl: string; displayImageUrl: string | null; fullSizeImageUrl: string | null },
): string {
  return buildManifestForPackage(info, {
    softwarePackage: urls.packageUrl,
    displayImage: urls.displayImageUrl ?? undefined,
    fullSizeImage: urls.fullSizeImageUrl ?? undefined,
  }, { hashes: { sha256: release.sha256 } });
}
