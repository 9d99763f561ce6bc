// The JSON shapes of apps and releases (src/services/views.ts builds them), shared by the catalogue,
// publish and upload routes.
import { arrayOf, bool, dateTime, int, nullable, nullableDateTime, nullableStr, nullableUri, obj, oneOfValues, str, uri, type Schema } from './common.js';

export const Platform = oneOfValues(['ios', 'android']);

export const App = obj({
  id: str(),
  platform: Platform,
  bundleId: str('Bundle id (iOS) or package name (Android)'),
  name: str(),
  isPublic: bool('Public apps and their releases open without a link token'),
  createdAt: dateTime(),
  updatedAt: dateTime(),
});

export const ReleaseLinks = obj(
  {
    installPageUrl: uri('The install page to share with testers'),
    installLink: str('iOS: the itms-services:// link; Android: the APK download URL'),
    manifestUrl: nullableUri('iOS only: the manifest the install link points at'),
    downloadUrl: uri('The package itself'),
    iconUrl: nullableUri(),
    latestPageUrl: nullableUri("The app's page that always shows its newest release"),
    expiresAt: nullableDateTime('When the tokens in these links expire (null: public, no token)'),
  },
  [],
  'Share links, with a fresh link token for private releases',
);

export const Counts = obj({
  pageViews: int(),
  manifestFetches: int(),
  downloadsStarted: int(),
  downloadsCompleted: int(),
});

const InstallReason = obj({
  code: str('Stable code, e.g. APP_STORE_PROFILE, PROFILE_EXPIRED, UNSIGNED'),
  message: str(),
  severity: oneOfValues(['error', 'warning'], 'error blocks every OTA install; warning may work for some devices'),
});

const Source = obj(
  { ci: str('The CI system'), branch: str(), commit: str(), buildUrl: uri() },
  ['branch', 'commit', 'buildUrl'],
  'Where the build came from, as its publisher said',
);

const Profile = obj({
  type: oneOfValues(['development', 'ad-hoc', 'enterprise', 'app-store']),
  name: str(),
  teamName: nullableStr(),
  expiresAt: nullableDateTime(),
  expired: bool(),
  deviceCount: int('Devices the profile names (ad-hoc and development)'),
});

/** A bundle's conversion into the universal APK (services/bundle/worker.ts). */
export const Conversion = obj(
  {
    state: oneOfValues(['queued', 'running', 'done', 'failed'], 'failed: see error; the release never installs (publish a fixed bundle)'),
    attempts: int('Attempts so far (an instance that stopped mid-way counts one)'),
    error: nullableStr('Why the last attempt failed'),
    updatedAt: dateTime(),
  },
  [],
  'The App Bundle → APK conversion',
);

/** A release; `conversion`, `counts` and `links` are present where the operation says so. */
export const Release = obj(
  {
    id: str(),
    appId: str(),
    platform: Platform,
    bundleId: str(),
    name: str(),
    version: nullableStr('CFBundleShortVersionString / versionName'),
    build: str('CFBundleVersion / versionCode'),
    size: int('Package size in bytes'),
    sha256: str('SHA-256 of the package, hex'),
    notes: str('Release notes (Markdown)'),
    isPublic: bool('Effective visibility (its own setting, else the app’s)'),
    isPublicOverride: { type: ['boolean', 'null'], description: 'The release’s own setting; null inherits the app’s' },
    createdAt: dateTime(),
    source: nullable(Source),
    minOsVersion: nullableStr(),
    deviceFamilies: arrayOf(str()),
    hasIcon: bool(),
    profile: nullable(Profile),
    installable: obj({ ok: bool(), reasons: arrayOf(InstallReason) }),
    bundle: nullable(
      obj(
        { size: int('Bundle size in bytes'), sha256: str('SHA-256 of the .aab, hex'), apkReady: bool('Whether the universal APK testers install is built') },
        [],
        'Published as an Android App Bundle (null: an .apk or .ipa). Until apkReady, size and sha256 above are the bundle’s and nothing installs',
      ),
    ),
    conversion: nullable(Conversion),
    counts: Counts,
    links: ReleaseLinks,
  },
  ['conversion', 'counts', 'links'],
);

/** An app in lists and reads: with its newest release and its latest-release page. */
export const AppWithLatest = obj({
  ...(App.properties as Record<string, Schema>),
  latestRelease: nullable(Release),
  latestPageUrl: uri(),
});

/** What publishing answers (POST /api/v1/releases and POST /api/v1/uploads/{id}/publish). */
export const Published = obj({
  release: Release,
  app: App,
  installPageUrl: uri(),
  installLink: str(),
  manifestUrl: nullableUri(),
  downloadUrl: uri(),
  warnings: arrayOf(str(), 'Problems that did not stop the publish'),
  overridden: arrayOf(InstallReason, 'The refusals `force` overrode'),
});
