// The install surface: what a tester's browser and the iOS install daemon reach through links.
// Access is checked here (public release/app, or a signed token bound to the release or its app);
// the manifest is generated from stored facts with absolute URLs from the public origin.
import { OtashipError } from '../core/errors.js';
import type { IpaInfo } from '../core/types.js';
import type { AppRecord, Repositories, ReleaseRecord } from '../ports/repositories.js';
import type { CounterService } from './counters.js';
import { isId } from './ids.js';
import { effectivePublic, type LinkTokens } from './link-tokens.js';
import { renderManifest } from './manifest.js';
import type { PublicUrls, ReleaseLinks } from './urls.js';
import { CONTENT_TYPES } from './publish/publish.js';

export type IconVariant = 'original' | '57' | '512';

export interface ResolvedRelease {
  app: AppRecord;
  release: ReleaseRecord;
  /** Fresh links (new tokens) for the page to show. */
  links: ReleaseLinks;
}

export interface PackageTarget {
  app: AppRecord;
  release: ReleaseRecord;
  key: string;
  contentType: string;
  /** Suggested download name, e.g. "My App 1.2 (45).ipa" (may be unicode: encode per RFC 5987). */
  filename: string;
  /** Reachable without a token (decides whether a CDN URL may be handed out). */
  isPublic: boolean;
}

export interface IconTarget {
  key: string;
  isPublic: boolean;
}

export class InstallService {
  constructor(
    private readonly repos: Repositories,
    private readonly tokens: LinkTokens,
    private readonly urls: PublicUrls,
    private readonly counters: CounterService,
  ) {}

  /** Install page of one release (/i/:releaseId). Counting the view is the page route's job. */
  async release(releaseId: string, token: string | undefined): Promise<ResolvedRelease> {
    const { app, release } = await this.#find(releaseId);
    this.tokens.checkRelease(release, app, token);
    return { app, release, links: this.urls.release(release, app) };
  }

  /**
   * Latest-release page of an app (/apps/:appId): the newest release with fresh links, plus older
   * releases (newest first) with their own links.
   */
  async latest(
    appId: string,
    token: string | undefined,
    olderLimit = 20,
  ): Promise<{ app: AppRecord; latest: ResolvedRelease | null; older: ResolvedRelease[]; latestPageUrl: string }> {
    const app = isId(appId) ? await this.repos.apps.get(appId) : null;
    if (!app) throw new OtashipError('NOT_FOUND', `app ${appId.slice(0, 64)} does not exist`);
    this.tokens.checkApp(app, token);
    const page = await this.repos.releases.listByApp(app.id, { limit: olderLimit + 1 });
    const resolved = page.items.map((release) => ({ app, release, links: this.urls.release(release, app) }));
    return { app, latest: resolved[0] ?? null, older: resolved.slice(1), latestPageUrl: this.urls.latestPage(app) };
  }

  /** The manifest plist (iOS), counted as a manifest fetch unless `count` is false (HEAD). */
  async manifest(releaseId: string, token: string | undefined, count = true): Promise<string> {
    const { app, release } = await this.#find(releaseId);
    this.tokens.checkRelease(release, app, token);
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
    const xml = renderManifest(release.info as IpaInfo, release, this.urls.manifestAssets(release, app));
    if (count) void this.counters.count(release.id, 'manifest_fetch');
    return xml;
  }

  /** The package blob of a release; `ext` is the extension in the URL (ipa | apk). */
  async package(releaseId: string, ext: string, token: string | undefined): Promise<PackageTarget> {
    const { app, release } = await this.#find(releaseId);
    const expected = app.platform === 'ios' ? 'ipa' : 'apk';
    if (ext !== expected) {
      throw new OtashipError('NOT_FOUND', `release ${release.id} has no .${ext.slice(0, 8)} package (it is an .${expected})`);
    }
    this.tokens.checkRelease(release, app, token);
    const version = release.version ? `${release.version} (${release.build})` : release.build;
    return {
      app,
      release,
      key: release.packageKey,
      contentType: CONTENT_TYPES[app.platform],
      filename: `${release.name} ${version}.${expected}`,
      isPublic: effectivePublic(release, app),
    };
  }

  async icon(releaseId: string, variant: IconVariant, token: string | undefined): Promise<IconTarget> {
    const { app, release } = await this.#find(releaseId);
    this.tokens.checkRelease(release, app, token);
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
