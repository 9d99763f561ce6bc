// The install surface: what a tester's browser and the iOS install daemon reach through links.
// Access is checked here (the rule itself is in link-tokens.ts; a person token's holder is confirmed
// by person-links.ts), and every link handed to a visitor is minted from what the visitor holds (a
// signed-in person who may install the app: their own person links); the manifest is generated
// from stored facts with absolute URLs from the public origin.
import { OtashipError } from '../core/errors.js';
import type { IpaInfo } from '../core/types.js';
import type { AppRecord, Page, Repositories, ReleaseRecord } from '../ports/repositories.js';
import type { CounterService } from './counters.js';
import { isId } from './ids.js';
import { effectivePublic, type Grant, type LinkTokens } from './link-tokens.js';
import { renderManifest } from './manifest.js';
import type { PersonLinks } from './person-links.js';
import type { Principal } from './principal.js';
import type { ShareAssetGrant } from './share-link-tokens.js';
import type { PublicUrls, ReleaseLinks } from './urls.js';
import { CONTENT_TYPES } from './publish/publish.js';

export type IconVariant = 'original' | '57' | '512';

/** A page visitor's links for one release of the app, or null when they may not open it. */
type LinksFor = (release: ReleaseRecord) => ReleaseLinks | null;

export interface ResolvedRelease {
  app: AppRecord;
  release: ReleaseRecord;
  /** Fresh links (new tokens) for the page to show. */
  links: ReleaseLinks;
}

/** An install page: the release, the visitor's links, and the app's other releases the visitor may open. */
export interface ReleasePage extends ResolvedRelease {
  others: ResolvedRelease[];
}

/** Releases read per page, and at most, when looking for the ones a visitor may open. */
const PAGE_SIZE = 50;
const MAX_SCANNED = 500;

export interface PackageTarget {
  app: AppRecord;
  release: ReleaseRecord;
  key: string;
  contentType: string;
  /** Suggested download name, e.g. "My App 1.2 (45).ipa" (may be unicode: encode per RFC 5987). */
  filename: string;
  /** Reachable without a token (decides whether a CDN URL may be handed out). */
  isPublic: boolean;
  /** The signed-in person whose link fetched it (counted as theirs), or null. */
  personId: string | null;
}

export interface IconTarget {
  key: string;
  isPublic: boolean;
}

export class InstallService {
  /**
   * The last manifest built per release record. Records come from a short-lived cache
   * (db/record-cache.ts) as the same frozen objects, and asset tokens are minted per second, so a
   * burst of installs of one build rebuilds the XML once a second instead of once a request.
   */
  readonly #manifests = new WeakMap<ReleaseRecord, { app: AppRecord; packageUrl: string; xml: string }>();

  constructor(
    private readonly repos: Repositories,
    private readonly tokens: LinkTokens,
    private readonly urls: PublicUrls,
    private readonly counters: CounterService,
    private readonly personLinks: PersonLinks,
    /** The record check of share links' asset tokens (services/share-links.ts). */
    private readonly shareLinks: ShareLinkGate,
  ) {}

  /** Grants from a share link are checked against its record at every use (see share-links.ts). */
  async #checkShare(grant: Grant, claim: boolean): Promise<void> {
    if (grant.scope !== 'share') return;
    await this.shareLinks.checkAsset(grant, claim);
  }

  /**
   * Install page of one release (/i/:releaseId). Counting the view is the page route's job. A
   * signed-in `viewer` who may install the app gets their own person links (no token needed).
   */
  async release(releaseId: string, token: string | undefined, otherLimit = 20, viewer: Principal | null = null): Promise<ReleasePage> {
    const { app, release } = await this.#find(releaseId);
    const { linksFor } = this.#visitor(app, viewer, () => this.tokens.checkRelease(release, app, token));
    const links = linksFor(release)!;
    const others = (await this.#openable(app, linksFor, otherLimit + 1)).filter((r) => r.release.id !== release.id);
    return { app, release, links, others: others.slice(0, otherLimit) };
  }

  /**
   * How a page visitor's links are minted: a signed-in person who may install the app gets person
   * links for every release of it; anyone else what their token opens (`check` refuses the rest).
   */
  #visitor(app: AppRecord, viewer: Principal | null, check: () => Grant): { grant: Grant | null; linksFor: LinksFor } {
    const personId = this.personLinks.viewerFor(viewer, app);
    if (personId !== null) return { grant: null, linksFor: (release) => this.urls.forPerson(release, app, personId) };
    const grant = check();
    return { grant, linksFor: (release) => this.urls.forViewer(grant, release, app) };
  }

  /**
   * Latest-release page of an app (/apps/:appId): the newest release the visitor may open, with
   * fresh links, plus older ones (newest first) with their own links. Releases the visitor may not
   * open (set private inside the app) are left out, not listed without links: even their versions
   * are not the visitor's business.
   */
  async latest(
    appId: string,
    token: string | undefined,
    olderLimit = 20,
    viewer: Principal | null = null,
  ): Promise<{ app: AppRecord; latest: ResolvedRelease | null; older: ResolvedRelease[]; latestPageUrl: string }> {
    const app = isId(appId) ? await this.repos.apps.get(appId) : null;
    if (!app) throw new OtashipError('NOT_FOUND', `app ${appId.slice(0, 64)} does not exist`);
    const { grant, linksFor } = this.#visitor(app, viewer, () => this.tokens.checkApp(app, token));
    const resolved = await this.#openable(app, linksFor, olderLimit + 1);
    // checkApp passed, so the grant opens this page: latestPageFor is never null here. A person
    // opens it with their session: the plain address.
    const latestPageUrl = grant ? this.urls.latestPageFor(grant, app)! : `${this.urls.base}/apps/${app.id}`;
    return { app, latest: resolved[0] ?? null, older: resolved.slice(1), latestPageUrl };
  }

  /** The app's newest releases the visitor may open (up to `limit`), each with the visitor's links. */
  async #openable(app: AppRecord, linksFor: LinksFor, limit: number): Promise<ResolvedRelease[]> {
    const out: ResolvedRelease[] = [];
    let cursor: string | null = null;
    // Bounded: a public page must not walk an app's whole history because its newest releases are private.
    for (let scanned = 0; scanned < MAX_SCANNED && out.length < limit; ) {
      const page: Page<ReleaseRecord> = await this.repos.releases.listByApp(app.id, { limit: PAGE_SIZE, cursor });
      for (const release of page.items) {
        const links = linksFor(release);
        if (links && out.length < limit) out.push({ app, release, links });
      }
      scanned += page.items.length;
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  /** The manifest plist (iOS), counted as a manifest fetch unless `count` is false (HEAD). */
  async manifest(releaseId: string, token: string | undefined, count = true): Promise<string> {
    const { app, release } = await this.#find(releaseId);
    const grant = this.tokens.checkAssets(release, app, token);
    const personId = await this.personLinks.holder(grant, release, app);
    if (app.platform !== 'ios' || release.info.kind !== 'ipa') {
      throw new OtashipError('NOT_FOUND', `release ${release.id} is an Android build: it installs by direct download, not a manifest`);
    }
    if (!this.urls.base.startsWith('https:')) {
      throw new OtashipError(
        'BAD_URL',
        `this server's public URL ${this.urls.base} is http, and iOS installs only from https manifests and packages: ` +
          'the server administrator must set OTASHIP_PUBLIC_URL to an https origin (or run with --tls self-signed)',
      );
    }
    await this.#checkShare(grant, false);
    const assets = grant.scope === 'share' ? this.urls.assetsWith(release, token ?? null) : this.urls.manifestAssets(release, app, grant);
    const memo = this.#manifests.get(release);
    // Same record objects and the same package URL (which carries the token) → the same manifest.
    let xml = memo && memo.app === app && memo.packageUrl === assets.packageUrl ? memo.xml : null;
    if (xml === null) {
      xml = renderManifest(release.info as IpaInfo, release, assets);
      this.#manifests.set(release, { app, packageUrl: assets.packageUrl, xml });
    }
    if (count) {
      void this.counters.count(release.id, 'manifest_fetch');
      await this.personLinks.count(personId, release.id, 'manifest');
    }
    return xml;
  }

  /**
   * The package blob of a release; `ext` is the extension in the URL (ipa | apk). `claim` (a GET,
   * not a HEAD) counts a share link's install against its limit.
   */
  async package(releaseId: string, ext: string, token: string | undefined, claim = true): Promise<PackageTarget> {
    const { app, release } = await this.#find(releaseId);
    const expected = app.platform === 'ios' ? 'ipa' : 'apk';
    if (ext !== expected) {
      throw new OtashipError('NOT_FOUND', `release ${release.id} has no .${ext.slice(0, 8)} package (it is an .${expected})`);
    }
    const grant = this.tokens.checkAssets(release, app, token);
    const personId = await this.personLinks.holder(grant, release, app);
    if (release.bundle && !release.bundle.apkReady) {
      throw new OtashipError('CONFLICT', `release ${release.id} was published as an App Bundle and its APK is not built yet (or could not be built)`, {
        hint: 'Open the install page: it says when the APK is ready, or why it could not be built.',
      });
    }
    // Last: a share link's install is counted only for a download that is about to start.
    await this.#checkShare(grant, claim);
    const version = release.version ? `${release.version} (${release.build})` : release.build;
    return {
      app,
      release,
      key: release.packageKey,
      contentType: CONTENT_TYPES[app.platform],
      filename: `${release.name} ${version}.${expected}`,
      isPublic: effectivePublic(release, app),
      personId,
    };
  }

  async icon(releaseId: string, variant: IconVariant, token: string | undefined): Promise<IconTarget> {
    const { app, release } = await this.#find(releaseId);
    const grant = this.tokens.checkAssets(release, app, token);
    await this.#checkShare(grant, false);
    await this.personLinks.holder(grant, release, app);
    const key = variant === '57' ? release.icon57Key : variant === '512' ? release.icon512Key : release.iconKey;
    if (!key) throw new OtashipError('NOT_FOUND', `release ${release.id} has no icon`);
    return { key, isPublic: effectivePublic(release, app) };
  }

  async #find(releaseId: string): Promise<{ app: AppRecord; release: ReleaseRecord }> {
    const release = isId(releaseId) ? await this.repos.releases.get(releaseId) : null;
    const app = release ? await this.repos.apps.get(release.appId) : null;
    if (!release || !app) throw new OtashipError('NOT_FOUND', `release ${releaseId.slice(0, 64)} does not exist`);
    return { app, release };
  }
}

/** What the install surface needs of the share links: their record check (services/share-links.ts). */
export interface ShareLinkGate {
  checkAsset(grant: ShareAssetGrant, claim: boolean): Promise<void>;
}
