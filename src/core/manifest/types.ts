// The OTA manifest as a typed object. Keys are the plist keys themselves (Apple's schema,
// apple/device-management other/manifesturl.yaml), so the object and the XML read the same and no
// mapping layer can drift.

export const ASSET_KINDS = ['software-package', 'display-image', 'full-size-image', 'asset-pack-manifest'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const PLATFORM_IPHONEOS = 'com.apple.platform.iphoneos';

export interface ManifestAsset {
  /** `software-package` (the .ipa), `display-image` (57×57 PNG), `full-size-image` (512×512 PNG)… */
  kind: string;
  /** Absolute https URL. */
  url: string;
  /** Whole-file MD5 (hex). When present the device ignores md5-size/md5s. */
  md5?: string;
  'md5-size'?: number;
  md5s?: string[];
  /** Whole-file SHA-256 (hex). When present the device ignores sha256-size/sha256s; SHA-256 wins over MD5. */
  sha256?: string;
  'sha256-size'?: number;
  sha256s?: string[];
  /** Obsolete (removed by Apple), harmless. */
  'needs-shine'?: boolean;
}

export interface ManifestMetadata {
  /** MUST equal the IPA's CFBundleIdentifier: since iOS 9 a mismatch fails after the download. */
  'bundle-identifier': string;
  'bundle-version'?: string;
  /** Always `software` for an app. */
  kind: string;
  title: string;
  /** Apple: "the name of the app or package developer". */
  subtitle?: string;
  /** Xcode writes `com.apple.platform.iphoneos`; not in Apple's schema. */
  'platform-identifier'?: string;
}

export interface ManifestItem {
  assets: ManifestAsset[];
  metadata: ManifestMetadata;
}

export interface Manifest {
  items: ManifestItem[];
}

export type ProblemSeverity = 'error' | 'warning';

export interface ManifestProblem {
  code: string;
  severity: ProblemSeverity;
  message: string;
  /** Where in the manifest, e.g. `items[0].assets[1].url`; absent for document-level problems. */
  path?: string;
}
