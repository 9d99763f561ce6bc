// Facts otaship reads from packages and profiles. These shapes are the public JSON of
// `otaship inspect --json` and what the server stores for every release, so change them with care.

export type PackageKind = 'ipa' | 'apk' | 'aab' | 'profile';

/** UIDeviceFamily 1,2,3,4,7 → iphone, ipad, tv, watch, vision; Android form factors → phone, tv, watch. */
export type DeviceFamily = 'iphone' | 'ipad' | 'tv' | 'watch' | 'vision' | 'mac' | 'phone';

export type ProfileType = 'development' | 'ad-hoc' | 'enterprise' | 'app-store';

export interface CertificateInfo {
  subject: string;
  /** Common name, e.g. "iPhone Distribution: Example Inc (ABCDE12345)". */
  commonName: string | null;
  serialNumber: string;
  sha1: string;
  notBefore: string; // ISO 8601 UTC
  notAfter: string; // ISO 8601 UTC
  expired: boolean;
}

export interface EntitlementsSummary {
  applicationIdentifier: string | null;
  getTaskAllow: boolean | null;
  apsEnvironment: string | null;
  teamIdentifier: string | null;
  keychainAccessGroups: string[];
}

export interface ProfileInfo {
  type: ProfileType;
  name: string;
  teamId: string | null;
  teamName: string | null;
  uuid: string;
  appIdName: string | null;
  createdAt: string | null; // ISO 8601 UTC, seconds precision: 2024-02-23T19:02:50Z
  expiresAt: string | null;
  expired: boolean;
  devices: string[];
  provisionsAllDevices: boolean;
  platforms: string[];
  entitlements: EntitlementsSummary;
  certificates: CertificateInfo[];
}

export interface IconInfo {
  /** Zip entry the icon came from. */
  entry: string;
  width: number;
  height: number;
}

export interface InstallReason {
  code: string; // stable, e.g. APP_STORE_PROFILE, PROFILE_EXPIRED, UNSIGNED, SIMULATOR_BUILD
  message: string;
  /** 'error' blocks every OTA install; 'warning' may work for some devices or be forced. */
  severity: 'error' | 'warning';
}

export interface Installability {
  ok: boolean;
  reasons: InstallReason[];
}

interface PackageCommon {
  bundleId: string;
  version: string | null;
  build: string;
  name: string;
  minOsVersion: string | null;
  deviceFamilies: DeviceFamily[];
  icon: IconInfo | null;
  installable: Installability;
  /** Size of the package file in bytes. */
  size: number;
}

export interface IpaInfo extends PackageCommon {
  kind: 'ipa';
  appPath: string;
  /** CFBundleSupportedPlatforms, e.g. ["iPhoneOS"] or ["iPhoneSimulator"]. */
  platforms: string[];
  /** Nested bundles: PlugIns/*.appex, Watch/*.app, AppClips/*.app, Extensions/*.appex. */
  extensions: string[];
  infoPlistFormat: 'xml' | 'binary';
  profile: ProfileInfo | null;
  signed: boolean;
}

export interface ApkInfo extends PackageCommon {
  kind: 'apk';
  targetSdk: string | null;
  /** APK signature schemes present: 1 (JAR), 2, 3 (APK Signing Block). */
  signatureSchemes: number[];
  extensions: string[];
  profile: null;
}

/**
 * An Android App Bundle (.aab): what Google Play takes and what bundletool turns into APKs. Not
 * installable as it is; the fields shared with ApkInfo mean the same (bundleId is the package,
 * build the long versionCode, version the versionName, name the label).
 */
export interface AabInfo {
  kind: 'aab';
  bundleId: string;
  version: string | null;
  build: string;
  name: string;
  minOsVersion: string | null;
  targetSdk: string | null;
  /** The base module's best raster icon, an entry of the bundle (base/res/...). */
  icon: IconInfo | null;
  /** Feature modules: top-level directories holding manifest/AndroidManifest.xml (base first). */
  modules: string[];
  /** ABIs with native code (lib/<abi>/) in any module, sorted. */
  abis: string[];
  size: number;
}

export type ProfileFileInfo = ProfileInfo & { kind: 'profile'; container: 'cms' | 'xml' | 'binary' };

export type InspectResult = IpaInfo | ApkInfo | AabInfo | ProfileFileInfo;
export type PackageInfo = IpaInfo | ApkInfo;
