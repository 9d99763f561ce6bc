// Records and service results → the pages' view models. Pure: the routes fetch, this maps, the
// renderers render. Kept out of the renderers so they stay independent of the storage shapes.
import type { PackageInfo } from '../core/types.js';
import type { ApiTokenRecord, AppRecord, BundleJobRecord, ReleaseCounts, ReleaseRecord } from '../ports/repositories.js';
import type { DeviceJson } from '../services/devices.js';
import type { DeliveryView, WebhookView } from '../services/webhooks.js';
import type { ReleaseLinks } from '../services/urls.js';
import type {
  AdminAppView,
  AdminDeviceView,
  AdminReleaseView,
  AdminTokenView,
  AdminWebhookView,
  InstallPageView,
  OlderReleaseView,
  ProfileView,
} from './view-models.js';

export interface PresentContext {
  now: Date;
  /** False when the public URL is http. */
  secure: boolean;
  caPageUrl: string | null;
  /** The device registration page, when registration is open. */
  udidPageUrl?: string | null;
}

export function presentContext(
  status: { https: boolean; caPageUrl: string | null; udidPageUrl?: string | null },
  clock: () => Date,
): PresentContext {
  return { now: clock(), secure: status.https, caPageUrl: status.caPageUrl, udidPageUrl: status.udidPageUrl ?? null };
}

export function profileView(info: PackageInfo): ProfileView | null {
  const p = info.profile;
  if (!p) return null;
  return {
    type: p.type,
    name: p.name,
    teamName: p.teamName,
    expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
    deviceCount: p.devices.length,
    provisionsAllDevices: p.provisionsAllDevices,
  };
}

/** Codes the page already explains in its own words (profile notices and the "Trouble installing?" hints). */
const EXPLAINED = new Set(['PROFILE_EXPIRED', 'APP_STORE_PROFILE', 'DEVELOPER_MODE', 'REGISTERED_DEVICES_ONLY', 'ENTERPRISE_TRUST']);

/**
 * Blocking problems found at inspection that the page does not explain otherwise (a build published
 * with force, e.g. an expired signing certificate). Developer-facing warnings stay in the admin.
 */
function testerWarnings(info: PackageInfo): string[] {
  return info.installable.reasons.filter((r) => r.severity === 'error' && !EXPLAINED.has(r.code)).map((r) => r.message);
}

export function olderReleaseView(release: ReleaseRecord, links: ReleaseLinks): OlderReleaseView {
  return {
    id: release.id,
    version: release.version,
    build: release.build,
    createdAt: release.createdAt,
    size: release.size,
    pageUrl: links.installPageUrl,
  };
}

export function installPageView(
  kind: InstallPageView['kind'],
  app: AppRecord,
  release: ReleaseRecord,
  links: ReleaseLinks,
  older: OlderReleaseView[],
  ctx: PresentContext,
  /** The URL the QR code encodes: this page (release page) or the stable latest page. */
  pageUrl: string,
): InstallPageView {
  const info = release.info;
  return {
    kind,
    platform: app.platform,
    appId: app.id,
    releaseId: release.id,
    appName: release.name || app.name,
    bundleId: app.bundleId,
    version: release.version,
    build: release.build,
    size: release.size,
    createdAt: release.createdAt,
    notes: release.notes,
    source: release.source,
    minOsVersion: info.minOsVersion,
    deviceFamilies: info.deviceFamilies,
    iconUrl: links.iconUrl,
    pageUrl,
    installHref: links.installLink,
    downloadUrl: links.downloadUrl,
    manifestUrl: links.manifestUrl,
    profile: profileView(info),
    warnings: testerWarnings(info),
    secure: ctx.secure,
    caPageUrl: ctx.caPageUrl,
    registerDeviceUrl: ctx.udidPageUrl ?? null,
    latestPageUrl: kind === 'release' ? links.latestPageUrl : null,
    older,
    now: ctx.now,
  };
}

/** The install page's view of a bundle release: `job` is read only while its APK is not ready. */
export function bundlePageState(release: ReleaseRecord, job: BundleJobRecord | null): InstallPageView['bundle'] {
  const bundle = release.bundle;
  if (!bundle) return null;
  if (bundle.apkReady) return { state: 'ready', otashipSigned: bundle.signer !== 'uploaded' };
  return { state: job?.state === 'failed' ? 'failed' : 'converting', otashipSigned: false };
}

export function countsView(c: ReleaseCounts): AdminReleaseView['counts'] {
  return {
    pageViews: c.pageViews,
    manifestFetches: c.manifestFetches,
    downloadsStarted: c.downloadsStarted,
    downloadsCompleted: c.downloadsCompleted,
  };
}

export function adminAppView(
  app: AppRecord,
  latest: { release: ReleaseRecord; links: ReleaseLinks; counts: ReleaseCounts } | null,
  latestPageUrl: string,
): AdminAppView {
  return {
    id: app.id,
    platform: app.platform,
    name: app.name,
    bundleId: app.bundleId,
    isPublic: app.isPublic,
    iconUrl: latest?.links.iconUrl ?? null,
    latestVersion: latest?.release.version ?? null,
    latestBuild: latest?.release.build ?? null,
    latestAt: latest?.release.createdAt ?? null,
    releaseCount: null,
    counts: latest ? countsView(latest.counts) : null,
    profileExpiresAt: latest?.release.info.profile?.expiresAt ? new Date(latest.release.info.profile.expiresAt) : null,
    adminUrl: `/admin/apps/${encodeURIComponent(app.id)}`,
    latestPageUrl,
  };
}

export function adminReleaseView(
  app: AppRecord,
  release: ReleaseRecord,
  links: ReleaseLinks,
  counts: ReleaseCounts,
  /** A bundle release's job, and whether the viewer may download bundles. */
  bundle?: { job: BundleJobRecord | null; mayDownload: boolean },
): AdminReleaseView {
  const profile = release.info.profile;
  return {
    bundle: release.bundle
      ? {
          size: release.bundle.size,
          state: release.bundle.apkReady ? 'done' : (bundle?.job?.state ?? 'queued'),
          attempts: bundle?.job?.attempts ?? 0,
          error: bundle?.job?.error ?? null,
          downloadUrl: bundle?.mayDownload ? `/api/v1/releases/${encodeURIComponent(release.id)}/bundle` : null,
        }
      : null,
    id: release.id,
    version: release.version,
    build: release.build,
    createdAt: release.createdAt,
    size: release.size,
    notes: release.notes,
    source: release.source,
    isPublic: release.isPublic ?? app.isPublic,
    inherited: release.isPublic === null,
    counts: countsView(counts),
    installPageUrl: links.installPageUrl,
    installLink: links.installLink,
    downloadUrl: links.downloadUrl,
    profileType: profile?.type ?? null,
    profileExpiresAt: profile?.expiresAt ? new Date(profile.expiresAt) : null,
  };
}

/** Token listing rows; accepts the API's TokenView (ISO strings) or repository records (Dates). */
export function adminTokenView(
  t: Pick<ApiTokenRecord, 'id' | 'name' | 'appId' | 'admin'> & {
    createdAt: Date | string;
    lastUsedAt: Date | string | null;
    expiresAt: Date | string | null;
    revokedAt: Date | string | null;
  },
  appNames: ReadonlyMap<string, string>,
): AdminTokenView {
  const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));
  return {
    id: t.id,
    name: t.name,
    appId: t.appId,
    appName: t.appId ? (appNames.get(t.appId) ?? null) : null,
    admin: t.admin,
    createdAt: new Date(t.createdAt),
    lastUsedAt: date(t.lastUsedAt),
    expiresAt: date(t.expiresAt),
    revokedAt: date(t.revokedAt),
  };
}

export function adminDeviceView(d: DeviceJson): AdminDeviceView {
  return {
    ...d,
    firstRegisteredAt: new Date(d.firstRegisteredAt),
    lastRegisteredAt: new Date(d.lastRegisteredAt),
    pendingClaim: d.pendingClaim ? { ...d.pendingClaim, at: new Date(d.pendingClaim.at) } : null,
  };
}

/** A webhook row with its recent deliveries (the API's views, dates as Dates). */
export function adminWebhookView(hook: WebhookView, deliveries: DeliveryView[], appNames: ReadonlyMap<string, string>): AdminWebhookView {
  return {
    id: hook.id,
    url: hook.url,
    events: hook.events,
    appId: hook.appId,
    appName: hook.appId ? (appNames.get(hook.appId) ?? null) : null,
    description: hook.description,
    createdAt: new Date(hook.createdAt),
    deliveries: deliveries.map((d) => {
      const last = d.attempts[d.attempts.length - 1];
      return {
        event: d.event,
        state: d.state,
        createdAt: new Date(d.createdAt),
        attemptCount: d.attemptCount,
        lastStatus: last?.statusCode ?? null,
        lastError: last?.error ?? null,
      };
    }),
  };
}
