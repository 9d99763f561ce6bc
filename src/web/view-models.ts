// What the pages need to know, decoupled from the database records and the services: routes build these
// from service results, the renderers turn them into HTML. Every URL here is absolute or root-relative
// and already carries whatever token it needs; renderers never build URLs or sign anything.
import type { DeviceFamily, ProfileType } from '../core/types.js';
import type { DeviceRecord, Platform, ReleaseSource } from '../ports/repositories.js';
import type { AppActions } from '../services/authz.js';
import type { PersonInstallJson } from '../services/person-links.js';
import type { MissingDevicesJson } from '../services/tester-devices.js';

export interface ProfileView {
  type: ProfileType;
  name: string;
  teamName: string | null;
  expiresAt: Date | null;
  /** Number of provisioned devices (0 for enterprise and app-store). */
  deviceCount: number;
  provisionsAllDevices: boolean;
}

export interface OlderReleaseView {
  id: string;
  version: string | null;
  build: string;
  createdAt: Date;
  size: number;
  /** Install page of that release, with its own token when private. */
  pageUrl: string;
}

export interface InstallPageView {
  /** 'release': /i/:releaseId; 'latest': /apps/:appId (always shows the newest release). */
  kind: 'release' | 'latest';
  platform: Platform;
  appId: string;
  releaseId: string;
  appName: string;
  bundleId: string;
  version: string | null;
  build: string;
  size: number;
  createdAt: Date;
  /** Markdown. */
  notes: string;
  /** Where the build came from, when its publisher said (optional: older callers build views without it). */
  source?: ReleaseSource | null;
  minOsVersion: string | null;
  deviceFamilies: DeviceFamily[];
  iconUrl: string | null;
  /** The URL of this very page (with token): what the QR code encodes. */
  pageUrl: string;
  /** iOS: the itms-services link (built by buildInstallLink); Android: the APK URL. */
  installHref: string;
  /** Direct package URL (.ipa / .apk), with token. */
  downloadUrl: string;
  /** iOS only. */
  manifestUrl: string | null;
  profile: ProfileView | null;
  /** Blocking problems found at inspection that the page does not otherwise explain (forced publishes). */
  warnings: string[];
  /** False when the public URL is http: iOS refuses to install over plain http. */
  secure: boolean;
  /** The CA trust page, when the server runs with a self-signed certificate. */
  caPageUrl: string | null;
  /** The device registration page (/udid), when registration is open: offered for ad-hoc/development builds. */
  registerDeviceUrl?: string | null;
  /** Stable latest-release page of the app (with token), for the release page to link to. */
  latestPageUrl: string | null;
  older: OlderReleaseView[];
  now: Date;
  /**
   * Published as an Android App Bundle: whether its APK is still being made, could not be made, or
   * is ready (and signed by otaship's own key for the app, which Google Play's copies do not share).
   */
  bundle?: { state: 'converting' | 'failed' | 'ready'; otashipSigned: boolean } | null;
}

export interface ErrorPageView {
  status: number;
  code: string;
  message: string;
  hint: string;
}

export interface CaPageView {
  publicUrl: string;
  caCertUrl: string;
  mobileconfigUrl: string;
  /** SHA-256 fingerprint of the CA certificate, "AB:CD:…". */
  fingerprint: string;
}

// --- admin ---------------------------------------------------------------------------------------

export interface CountsView {
  pageViews: number;
  manifestFetches: number;
  downloadsStarted: number;
  downloadsCompleted: number;
}

export interface AdminAppView {
  id: string;
  platform: Platform;
  name: string;
  bundleId: string;
  isPublic: boolean;
  iconUrl: string | null;
  latestVersion: string | null;
  latestBuild: string | null;
  latestAt: Date | null;
  releaseCount: number | null;
  counts: CountsView | null;
  /** The latest release's provisioning profile expiry (iOS), for the list's expiry flag. */
  profileExpiresAt?: Date | null;
  /** Admin detail page. */
  adminUrl: string;
  /** Public latest-release page (with token). */
  latestPageUrl: string;
}

export interface AdminReleaseView {
  id: string;
  version: string | null;
  build: string;
  createdAt: Date;
  size: number;
  notes: string;
  /** Where the build came from, when its publisher said. */
  source?: ReleaseSource | null;
  /** Effective visibility, and whether it is inherited from the app (isPublic null). */
  isPublic: boolean;
  inherited: boolean;
  counts: CountsView;
  installPageUrl: string;
  /** The link to share: itms-services for iOS, the page URL for Android. */
  installLink: string;
  downloadUrl: string;
  profileType: ProfileType | null;
  profileExpiresAt: Date | null;
  /** Published as an Android App Bundle: its conversion, and the bundle's link for those who may download it. */
  bundle?: AdminBundleView | null;
}

export interface AdminBundleView {
  size: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  /** Why the last attempt failed. */
  error: string | null;
  /** The .aab (the app's managers); null for others. */
  downloadUrl: string | null;
}

/** An Android app's APK signing key as its managers see it (never the key itself). */
export interface AdminSigningKeyView {
  origin: 'generated' | 'uploaded';
  alias: string;
  certificateSha256: string;
  createdAt: Date;
}

export interface AdminUser {
  /** Token name or "admin token". */
  name: string;
  admin: boolean;
}

/** The apps list's search, as the query string gave it (already checked). */
export interface AdminAppSearchView {
  text: string;
  platform: Platform | null;
  /** Apps the signed-in token may see, before the search. */
  totalApps: number;
}

/** An app's release filter, as the query string gave it (already checked). */
export interface AdminReleaseFilterView {
  text: string;
  profile: string | null;
  /** The profile kinds offered in the filter (value, label). */
  profileOptions: ReadonlyArray<readonly [string, string]>;
  active: boolean;
}

export interface AdminAppsPageView {
  user: AdminUser;
  apps: AdminAppView[];
  /** Optional: pages rendered without a search show none. */
  search?: AdminAppSearchView;
  /** Why this server refuses App Bundles (null or absent: it takes them). */
  bundleRefusal?: string | null;
  secure: boolean;
  maxUploadBytes: number;
  now: Date;
}

/** The controls the app page shows: services/authz.ts appActions decides (the API refuses the rest anyway). */
export type AdminAppActions = AppActions;

export interface AdminAppPageView {
  user: AdminUser;
  app: AdminAppView;
  may: AdminAppActions;
  releases: AdminReleaseView[];
  /** Who installed each listed release through their own links (managers only; by release id). */
  installs?: ReadonlyMap<string, PersonInstallJson[]>;
  /** The testers' devices missing from the latest build (managers of iOS apps only). */
  missingDevices?: MissingDevicesJson | null;
  /** Android apps, for their managers: the APK signing key (null: none yet). Absent: not shown. */
  signingKey?: AdminSigningKeyView | null;
  /** Why this server refuses App Bundles (null: it takes them); the upload zone says it before any byte is sent. */
  bundleRefusal?: string | null;
  filter?: AdminReleaseFilterView;
  /** Next page link (cursor), if any. */
  nextPageUrl: string | null;
  secure: boolean;
  maxUploadBytes: number;
  now: Date;
}

export interface AdminTokenView {
  id: string;
  name: string;
  appId: string | null;
  appName: string | null;
  admin: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface AdminTokensPageView {
  user: AdminUser;
  /** The server's public URL, for the CLI snippets; none: no snippets. */
  publicUrl?: string;
  tokens: AdminTokenView[];
  apps: { id: string; name: string; platform: Platform }[];
  now: Date;
}

export interface AdminWebhookDeliveryView {
  event: string;
  state: 'pending' | 'delivered' | 'failed';
  createdAt: Date;
  attemptCount: number;
  /** The last attempt's HTTP status, or its error when no answer came. */
  lastStatus: number | null;
  lastError: string | null;
}

export interface AdminWebhookView {
  id: string;
  url: string;
  events: string[];
  appId: string | null;
  appName: string | null;
  description: string;
  createdAt: Date;
  /** Most recent first. */
  deliveries: AdminWebhookDeliveryView[];
}

export interface AdminWebhooksPageView {
  user: AdminUser;
  webhooks: AdminWebhookView[];
  apps: { id: string; name: string; platform: Platform }[];
  events: readonly string[];
}

export interface LoginPageView {
  /** Shown above the form after a failed attempt. */
  error: string | null;
  /** Where to go after signing in (validated, same-origin path). */
  next: string;
  secure: boolean;
}

// --- device registration (UDID) --------------------------------------------------------------------

export interface UdidPageView {
  /** The Profile Service .mobileconfig (a fresh nonce per download). */
  profileUrl: string;
  /** Host name the profile registers with, as testers see it in Settings. */
  host: string;
}

export interface UdidDonePageView {
  udid: string;
  /** Model identifier, e.g. iPhone16,1. */
  product: string;
  version: string;
  deviceName: string | null;
}

/**
 * The admin page's device row: the stored record, whether an admin reviewed it, and what a later
 * anonymous registration of the same UDID reported (applied only when the admin accepts it).
 */
export type AdminDeviceView = Omit<DeviceRecord, 'reviewedAt' | 'claim' | 'personId'> & {
  reviewed: boolean;
  pendingClaim: { product: string; version: string; serial: string | null; deviceName: string | null; at: Date } | null;
};

export interface AdminDevicesPageView {
  user: AdminUser;
  devices: AdminDeviceView[];
  /** Apple's bulk device upload file (tab-separated). */
  exportUrl: string;
  /** The tester page, or null when registration is turned off. */
  udidPageUrl: string | null;
}
