// Every absolute URL the server hands out, built from the configured public URL — never from
// request headers (Host / X-Forwarded-*), which is the classic "http link on an https site" bug.
// Private releases get `?t=<signed token>` on every URL.
//   release()/latestPage(): for callers already authorised for the whole app (API, admin, publish);
//   forViewer()/latestPageFor(): for page visitors, never granting more than the visitor holds;
//   forPerson(): for a signed-in person who may install the app (person tokens, see person-links.ts).
import { buildInstallLink } from '../core/link/index.js';
import type { AppRecord, ReleaseRecord } from '../ports/repositories.js';
import { effectivePublic, grantExpiry, opensApp, opensRelease, viaApp, type Grant, type LinkTokens } from './link-tokens.js';

export interface ReleaseLinks {
  installPageUrl: string;
  /** iOS: itms-services link; Android: the APK download URL (Android installs by download). */
  installLink: string;
  manifestUrl: string | null;
  downloadUrl: string;
  iconUrl: string | null;
  /** The stable latest-release page of the app (null: the viewer may not open it). */
  latestPageUrl: string | null;
  /** When the embedded tokens expire (null: public, no token). */
  expiresAt: string | null;
}

/**
 * A release's links under `base`: the manifest, package and icon with `assetQuery` appended, and
 * the rest as given (PublicUrls, and a share link's page in services/share-links.ts).
 */
export function releaseLinksAt(
  base: string,
  release: ReleaseRecord,
  app: AppRecord,
  links: { assetQuery: string; installPageUrl: string; latestPageUrl: string | null; expiresAt: string | null },
): ReleaseLinks {
  const root = `${base}/i/${release.id}`;
  const downloadUrl = `${root}/package.${app.platform === 'ios' ? 'ipa' : 'apk'}${links.assetQuery}`;
  const manifestUrl = app.platform === 'ios' ? `${root}/manifest.plist${links.assetQuery}` : null;
  return {
    installPageUrl: links.installPageUrl,
    installLink: manifestUrl ? installLinkFor(manifestUrl) : downloadUrl,
    manifestUrl,
    downloadUrl,
    iconUrl: release.iconKey ? `${root}/icon.png${links.assetQuery}` : null,
    latestPageUrl: links.latestPageUrl,
    expiresAt: links.expiresAt,
  };
}

export interface UrlSettings {
  publicUrl: string;
  linkTtlSeconds: number;
  assetTtlSeconds: number;
}

export class PublicUrls {
  constructor(
    private readonly settings: UrlSettings,
    private readonly tokens: LinkTokens,
    private readonly now: () => Date,
  ) {}

  get base(): string {
    return this.settings.publicUrl;
  }

  /** Share links for a release, each with a fresh token of the link lifetime. */
  release(release: ReleaseRecord, app: AppRecord, ttlSeconds = this.settings.linkTtlSeconds): ReleaseLinks {
    return this.#links(release, app, { ttlSeconds, notAfter: null, viaApp: false }, this.latestPage(app, ttlSeconds));
  }

  #links(release: ReleaseRecord, app: AppRecord, mint: Mint, latestPageUrl: string | null): ReleaseLinks {
    const isPublic = effectivePublic(release, app);
    const exp = this.tokens.expiry(mint.ttlSeconds, mint.notAfter);
    const q = isPublic ? '' : `?t=${this.tokens.forRelease(release.id, mint.ttlSeconds, mint)}`;
    return this.#assemble(release, app, { page: q, assets: q }, latestPageUrl, isPublic ? null : exp);
  }

  #assemble(release: ReleaseRecord, app: AppRecord, q: { page: string; assets: string }, latestPageUrl: string | null, exp: number | null): ReleaseLinks {
    return releaseLinksAt(this.base, release, app, {
      assetQuery: q.assets,
      installPageUrl: `${this.base}/i/${release.id}${q.page}`,
      latestPageUrl,
      expiresAt: exp === null ? null : new Date(exp * 1000).toISOString(),
    });
  }

  /**
   * Links for a signed-in person who may install the app (PersonLinks.viewerFor): the manifest,
   * package and icon carry their person token (checked against the database at every fetch, and
   * counted as theirs, public releases too); the pages carry no token, they open with the session.
   */
  forPerson(release: ReleaseRecord, app: AppRecord, personId: string): ReleaseLinks {
    const ttl = this.settings.linkTtlSeconds;
    const q = `?t=${this.tokens.forPerson(release.id, personId, ttl)}`;
    return this.#assemble(release, app, { page: '', assets: q }, `${this.base}/apps/${app.id}`, this.tokens.expiry(ttl));
  }

  latestPage(app: AppRecord, ttlSeconds = this.settings.linkTtlSeconds, notAfter: number | null = null): string {
    const q = app.isPublic ? '' : `?t=${this.tokens.forApp(app.id, ttlSeconds, notAfter)}`;
    return `${this.base}/apps/${app.id}${q}`;
  }

  /**
   * Links for a page visitor holding `grant`: null when the grant does not open the release. The
   * tokens minted are release tokens (never wider than the grant, and kept under the app rule when
   * the grant came from an app link), they expire no later than the visitor's own token (holding a
   * link never renews it), and the latest-page link is given only to a visitor who may open that page.
   */
  forViewer(grant: Grant, release: ReleaseRecord, app: AppRecord): ReleaseLinks | null {
    if (!opensRelease(grant, release, app)) return null;
    const mint = { ttlSeconds: this.settings.linkTtlSeconds, notAfter: grantExpiry(grant), viaApp: viaApp(grant) };
    return this.#links(release, app, mint, this.latestPageFor(grant, app));
  }

  /** The latest-page link for a visitor holding `grant`, or null when they may not open it. */
  latestPageFor(grant: Grant, app: AppRecord): string | null {
    return opensApp(grant, app) ? this.latestPage(app, this.settings.linkTtlSeconds, grantExpiry(grant)) : null;
  }

  /**
   * URLs inside a manifest, for a visitor holding `grant`: asset tokens (package and icons only),
   * which must outlive a slow download, so they may outlive a page link by the asset lifetime; but
   * a manifest fetched with an asset token mints none that outlive it (no renewal).
   */
  manifestAssets(release: ReleaseRecord, app: AppRecord, grant: Grant): {
    packageUrl: string;
    displayImageUrl: string | null;
    fullSizeImageUrl: string | null;
  } {
    const notAfter = grant.scope === 'asset' || (grant.scope === 'person' && grant.asset) ? grant.exp : null;
    const ttl = this.settings.assetTtlSeconds;
    // A person's manifest names them in its package and icon links too (checked and counted there).
    const token =
      grant.scope === 'person'
        ? this.tokens.forPerson(release.id, grant.personId, ttl, { notAfter, asset: true })
        : effectivePublic(release, app)
          ? null
          : this.tokens.forAssets(release.id, ttl, { notAfter, viaApp: viaApp(grant) });
    return this.assetsWith(release, token);
  }

  /**
   * Manifest URLs carrying `token` as it is. A share link's asset token is passed on unchanged
   * (services/share-links.ts): it names the link and the install, so the package fetch is checked
   * against the link's record and a retried install counts once.
   */
  assetsWith(release: ReleaseRecord, token: string | null): { packageUrl: string; displayImageUrl: string | null; fullSizeImageUrl: string | null } {
    const q = token === null ? '' : `?t=${token}`;
    const root = `${this.base}/i/${release.id}`;
    return {
      packageUrl: `${root}/package.ipa${q}`,
      displayImageUrl: release.icon57Key ? `${root}/icon-57.png${q}` : null,
      fullSizeImageUrl: release.icon512Key ? `${root}/icon-512.png${q}` : null,
    };
  }
}

/** How a link's token is minted: its lifetime, a cap (unix seconds) and whether the app rule applies. */
interface Mint {
  ttlSeconds: number;
  notAfter: number | null;
  viaApp: boolean;
}

/**
 * iOS refuses non-https manifests; on an http server (local testing) we still hand out the link
 * (the server warns loudly at start, in /api/v1/health and on the pages) rather than none at all.
 */
export function installLinkFor(manifestUrl: string): string {
  return buildInstallLink(manifestUrl, { allowHttp: true });
}
