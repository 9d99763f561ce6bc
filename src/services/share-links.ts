// Share links as records: named links to one release or to an app's latest build, made by the
// app's managers (authz action 'share-link:manage'), each with an expiry (or none), an optional
// install limit, an optional passcode and its own counts, and revocable one by one.
//
// The URL (/s/<linkId>?t=<token>) carries a signed token naming the record (share-link-tokens.ts);
// the record is read from the database at EVERY use — the page, the manifest, the package and the
// icons — with no cache, so a revocation, an expiry or a used-up limit takes effect at once on
// every instance. The page mints asset tokens that name the link too (the iOS installer sends no
// cookies), so revoking the link stops a manifest or package fetch already handed out.
//
// Installs: the limit counts package downloads, once per install key. Each page view (after the
// passcode, if any) mints a fresh key into its asset links; the manifest passes the same token on
// to the package URL, so the install daemon's retries and a resumed download (Range requests) of
// that install count once. A HEAD request counts nothing. A new page view is a new install.
import { OtashipError } from '../core/errors.js';
import type { AppRecord, Repositories, ReleaseRecord } from '../ports/repositories.js';
import type { ShareLinkRecord } from '../ports/share-links.js';
import type { AuthThrottle } from './auth-throttle.js';
import { authorize } from './authz.js';
import type { Clock } from './clock.js';
import { isId } from './ids.js';
import { hashPasscode, verifyPasscode } from './passcode.js';
import type { Principal } from './principal.js';
import type { ShareAssetGrant, ShareLinkTokens } from './share-link-tokens.js';
import { releaseLinksAt, type ReleaseLinks } from './urls.js';

const MAX_NAME = 200;
const MAX_DAYS = 3650;
const MAX_LIMIT = 1_000_000;
const PASSCODE_LENGTH = { min: 4, max: 128 } as const;

export type ShareLinkState = 'active' | 'revoked' | 'expired' | 'used-up';

export interface ShareLinkJson {
  id: string;
  appId: string;
  releaseId: string | null;
  name: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  installLimit: number | null;
  hasPasscode: boolean;
  views: number;
  installs: number;
  revokedAt: string | null;
  state: ShareLinkState;
}

export interface NewShareLinkInput {
  name?: unknown;
  releaseId?: unknown;
  expiresInDays?: unknown;
  installLimit?: unknown;
  passcode?: unknown;
}

/** An opened link: what its page shows. */
export interface SharePage {
  link: ShareLinkRecord;
  app: AppRecord;
  release: ReleaseRecord;
  links: ReleaseLinks;
}

export interface ShareLinkSettings {
  publicUrl: string;
  assetTtlSeconds: number;
}

export class ShareLinkService {
  constructor(
    private readonly repos: Repositories,
    private readonly tokens: ShareLinkTokens,
    private readonly clock: Clock,
    private readonly settings: ShareLinkSettings,
    private readonly throttle: AuthThrottle,
  ) {}

  // --- managing links (the app's managers) --------------------------------------------------------

  async create(principal: Principal, appId: string, input: NewShareLinkInput): Promise<{ link: ShareLinkJson; url: string }> {
    const app = await this.#manageable(principal, appId);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > MAX_NAME) throw new OtashipError('VALIDATION', `name must be 1-${MAX_NAME} characters of text`);
    const releaseId = await this.#releaseOf(app, input.releaseId);
    const days = optionalWhole(input.expiresInDays, 'expiresInDays', MAX_DAYS);
    const installLimit = optionalWhole(input.installLimit, 'installLimit', MAX_LIMIT);
    let passcodeHash: string | null = null;
    if (input.passcode !== undefined && input.passcode !== null && input.passcode !== '') {
      const p = input.passcode;
      if (typeof p !== 'string' || p.length < PASSCODE_LENGTH.min || p.length > PASSCODE_LENGTH.max) {
        throw new OtashipError('VALIDATION', `passcode must be ${PASSCODE_LENGTH.min}-${PASSCODE_LENGTH.max} characters`);
      }
      passcodeHash = await hashPasscode(p);
    }
    const now = this.clock();
    const record = await this.repos.shareLinks.create({
      appId: app.id,
      releaseId,
      name,
      createdAt: now,
      createdBy: principal.person?.email ?? principal.name,
      expiresAt: days === null ? null : new Date(now.getTime() + days * 86_400_000),
      installLimit,
      passcodeHash,
    });
    return { link: this.json(record), url: this.urlOf(record) };
  }

  async list(principal: Principal, appId: string): Promise<ShareLinkJson[]> {
    const app = await this.#manageable(principal, appId);
    return (await this.repos.shareLinks.listByApp(app.id)).map((l) => this.json(l));
  }

  async revoke(principal: Principal, appId: string, linkId: string): Promise<ShareLinkJson> {
    const app = await this.#manageable(principal, appId);
    const link = isId(linkId) ? await this.repos.shareLinks.get(linkId) : null;
    if (!link || link.appId !== app.id) throw new OtashipError('NOT_FOUND', `share link ${linkId.slice(0, 64)} does not exist`);
    const revoked = await this.repos.shareLinks.revoke(link.id, this.clock());
    return this.json(revoked ?? link);
  }

  /** The link's URL: its page, with the token naming it (no passcode ever goes in a URL). */
  urlOf(link: ShareLinkRecord): string {
    return `${this.settings.publicUrl}/s/${link.id}?t=${this.tokens.forPage(link.id)}`;
  }

  json(link: ShareLinkRecord): ShareLinkJson {
    return {
      id: link.id,
      appId: link.appId,
      releaseId: link.releaseId,
      name: link.name,
      createdAt: link.createdAt.toISOString(),
      createdBy: link.createdBy,
      expiresAt: link.expiresAt?.toISOString() ?? null,
      installLimit: link.installLimit,
      hasPasscode: link.passcodeHash !== null,
      views: link.views,
      installs: link.installs,
      revokedAt: link.revokedAt?.toISOString() ?? null,
      state: this.#state(link),
    };
  }

  // --- using links (testers, the iOS installer) ---------------------------------------------------

  /**
   * The link behind a page URL, when it may be used: throws for a bad token, and for a link that
   * is revoked, expired or used up. Whether a passcode is asked is the caller's (see page/unlock).
   */
  async open(linkId: string, token: string | undefined): Promise<ShareLinkRecord> {
    // The token first: it names the link, so nothing is read for a forged or foreign one.
    this.tokens.checkPage(linkId, token);
    const link = isId(linkId) ? await this.repos.shareLinks.get(linkId) : null;
    if (!link) throw new OtashipError('NOT_FOUND', `share link ${linkId.slice(0, 64)} does not exist`);
    this.#usable(link);
    if (link.installLimit !== null && link.installs >= link.installLimit) throw usedUp(link);
    return link;
  }

  /** The page of an opened link; 'passcode' when it has one: the page then comes from `unlock`. */
  async page(link: ShareLinkRecord, count: boolean): Promise<SharePage | 'passcode'> {
    if (link.passcodeHash !== null) return 'passcode';
    return this.#page(link, count);
  }

  /**
   * The page after the passcode form: guesses are throttled per client address (the same allowance
   * as failed sign-ins), checked before the passcode is looked at so a throttled guesser learns
   * nothing. Each guess counts as a failure BEFORE the slow hash and is forgiven when right: guesses
   * sent all at once would otherwise all pass the check while the first hash runs (as many guesses,
   * and 32 MiB scrypt runs queued on the thread pool, as a client can send). Answers null for a
   * wrong passcode (the form is shown again).
   */
  async unlock(link: ShareLinkRecord, passcode: string, clientAddress: string): Promise<SharePage | null> {
    if (link.passcodeHash === null) return this.#page(link, true);
    this.throttle.check(clientAddress);
    this.throttle.fail(clientAddress);
    let right: boolean;
    try {
      right = await verifyPasscode(passcode, link.passcodeHash);
    } catch (err) {
      this.throttle.forgive(clientAddress); // refused unchecked (too many checks at once): no guess
      throw err;
    }
    if (!right) return null;
    this.throttle.forgive(clientAddress);
    return this.#page(link, true);
  }

  /**
   * The record check of a share-link asset token, for the manifest, the package and the icons:
   * revoked, expired or deleted links refuse at once; past the install limit only an install
   * already counted (a retry) continues. With `claim` (a package GET), counts the install.
   */
  async checkAsset(grant: ShareAssetGrant, claim: boolean): Promise<void> {
    const link = await this.repos.shareLinks.get(grant.linkId);
    if (!link) throw new OtashipError('TOKEN_INVALID', 'this share link no longer exists');
    this.#usable(link);
    if (claim) {
      const outcome = await this.repos.shareLinks.claimInstall(link.id, grant.installKey, this.clock());
      if (outcome === 'limit') throw usedUp(link);
      return;
    }
    if (link.installLimit !== null && link.installs >= link.installLimit && !(await this.repos.shareLinks.hasInstall(link.id, grant.installKey))) {
      throw usedUp(link);
    }
  }

  async #page(link: ShareLinkRecord, count: boolean): Promise<SharePage> {
    const app = await this.repos.apps.get(link.appId);
    const release = link.releaseId ? await this.repos.releases.get(link.releaseId) : await this.repos.releases.latest(link.appId);
    if (!app || !release || release.appId !== app.id) {
      throw new OtashipError('NOT_FOUND', link.releaseId ? 'the build this share link opens was deleted' : 'this app has no builds yet');
    }
    if (count) await this.repos.shareLinks.countView(link.id);
    return { link, app, release, links: this.#links(link, app, release) };
  }

  /** The page's links: its own URL for the QR code, and asset links with a fresh install key. */
  #links(link: ShareLinkRecord, app: AppRecord, release: ReleaseRecord): ReleaseLinks {
    const token = this.tokens.forAssets(link.id, release.id, this.settings.assetTtlSeconds);
    return releaseLinksAt(this.settings.publicUrl, release, app, {
      assetQuery: `?t=${token}`,
      installPageUrl: this.urlOf(link),
      latestPageUrl: null,
      expiresAt: link.expiresAt?.toISOString() ?? null,
    });
  }

  /** Throws for a revoked or expired link. */
  #usable(link: ShareLinkRecord): void {
    if (link.revokedAt) throw new OtashipError('TOKEN_INVALID', `the share link "${link.name}" was revoked: ask its sender for a new link`);
    if (link.expiresAt && link.expiresAt.getTime() <= this.clock().getTime()) {
      throw new OtashipError('TOKEN_EXPIRED', `the share link "${link.name}" expired on ${link.expiresAt.toISOString()}: ask its sender for a new link`);
    }
  }

  #state(link: ShareLinkRecord): ShareLinkState {
    if (link.revokedAt) return 'revoked';
    if (link.expiresAt && link.expiresAt.getTime() <= this.clock().getTime()) return 'expired';
    if (link.installLimit !== null && link.installs >= link.installLimit) return 'used-up';
    return 'active';
  }

  async #manageable(principal: Principal, appId: string): Promise<AppRecord> {
    const app = isId(appId) ? await this.repos.apps.get(appId) : null;
    const ref = `app ${appId.slice(0, 64)}`;
    authorize(principal, 'share-link:manage', { appId: app?.id ?? appId, label: app ? `app ${app.bundleId}` : ref, ref });
    if (!app) throw new OtashipError('NOT_FOUND', `${ref} does not exist`);
    return app;
  }

  async #releaseOf(app: AppRecord, releaseId: unknown): Promise<string | null> {
    if (releaseId === undefined || releaseId === null || releaseId === '') return null;
    if (typeof releaseId !== 'string') throw new OtashipError('VALIDATION', 'releaseId must be a release id, or absent for the latest build');
    const release = isId(releaseId) ? await this.repos.releases.get(releaseId) : null;
    if (!release || release.appId !== app.id) throw new OtashipError('NOT_FOUND', `release ${releaseId.slice(0, 64)} of this app does not exist`);
    return release.id;
  }
}

function usedUp(link: ShareLinkRecord): OtashipError {
  return new OtashipError('TOKEN_INVALID', `the share link "${link.name}" has been used for all its ${link.installLimit ?? 0} installs: ask its sender for a new link`);
}

/** A whole number from 1 to max, or null when absent (no limit, no expiry). */
function optionalWhole(value: unknown, name: string, max: number): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'string' && /^\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new OtashipError('VALIDATION', `${name} must be a whole number from 1 to ${max}, or absent for none`);
  }
  return n;
}
