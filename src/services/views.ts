// The API's JSON shapes for apps and releases (documented in docs/server.md).
import type { InstallReason, PackageInfo, ProfileType } from '../core/types.js';
import type { AppRecord, BundleJobRecord, BundleJobState, Platform, ReleaseCounts, ReleaseRecord, ReleaseSource } from '../ports/repositories.js';
import { effectivePublic } from './link-tokens.js';
import type { ReleaseLinks } from './urls.js';

export interface AppJson {
  id: string;
  platform: Platform;
  bundleId: string;
  name: string;
  isPublic: boolean;
  createdAt: string;
  updatedAt: string;
  latestRelease?: ReleaseJson | null;
  latestPageUrl?: string;
}

export interface ReleaseJson {
  id: string;
  appId: string;
  platform: Platform;
  bundleId: string;
  name: string;
  version: string | null;
  build: string;
  size: number;
  sha256: string;
  notes: string;
  /** Effective visibility. */
  isPublic: boolean;
  /** The release's own setting; null inherits the app's. */
  isPublicOverride: boolean | null;
  createdAt: string;
  /** Where the build came from, as its publisher reported it; null when not said. */
  source: ReleaseSource | null;
  minOsVersion: string | null;
  deviceFamilies: string[];
  hasIcon: boolean;
  profile: { type: ProfileType; name: string; teamName: string | null; expiresAt: string | null; expired: boolean; deviceCount: number } | null;
  installable: { ok: boolean; reasons: InstallReason[] };
  /** Published as an Android App Bundle: the bundle's size and hash, and whether its APK is ready (null: an .apk or .ipa). */
  bundle: { size: number; sha256: string; apkReady: boolean } | null;
  /** A bundle's conversion, where the operation reads it (a release's own read). */
  conversion?: ConversionJson | null;
  counts?: ReleaseCounts;
  links?: ReleaseLinks;
}

export interface ConversionJson {
  state: BundleJobState;
  attempts: number;
  /** Why the last attempt failed. */
  error: string | null;
  updatedAt: string;
}

export function conversionJson(job: BundleJobRecord | null): ConversionJson | null {
  return job ? { state: job.state, attempts: job.attempts, error: job.error, updatedAt: job.updatedAt.toISOString() } : null;
}

export function appJson(app: AppRecord): AppJson {
  return {
    id: app.id,
    platform: app.platform,
    bundleId: app.bundleId,
    name: app.name,
    isPublic: app.isPublic,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

export function releaseJson(release: ReleaseRecord, app: AppRecord): ReleaseJson {
  const info: PackageInfo = release.info;
  const profile = info.profile;
  return {
    id: release.id,
    appId: release.appId,
    platform: app.platform,
    bundleId: app.bundleId,
    name: release.name,
    version: release.version,
    build: release.build,
    size: release.size,
    sha256: release.sha256,
    notes: release.notes,
    isPublic: effectivePublic(release, app),
    isPublicOverride: release.isPublic,
    createdAt: release.createdAt.toISOString(),
    source: release.source,
    minOsVersion: info.minOsVersion,
    deviceFamilies: info.deviceFamilies,
    hasIcon: release.iconKey !== null,
    profile: profile
      ? {
          type: profile.type,
          name: profile.name,
          teamName: profile.teamName,
          expiresAt: profile.expiresAt,
          expired: profile.expired,
          deviceCount: profile.devices.length,
        }
      : null,
    installable: info.installable,
    bundle: release.bundle ? { size: release.bundle.size, sha256: release.bundle.sha256, apkReady: release.bundle.apkReady } : null,
  };
}
