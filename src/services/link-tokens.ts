// Install links for private releases carry `?t=<signed token>` bound to one release (or to an app,
// for its latest-release page). Tokens are reusable until they expire: the iOS install daemon
// retries, and a tester may open the page twice.
//
// The access rule lives here and nowhere else (opensRelease / opensApp / opensAssets). A page
// visitor's links are minted from what the visitor holds (their Grant), so a page never hands out
// more than its viewer could already open — nor for longer: links minted for a visitor expire no
// later than the visitor's own link, so holding a link never renews it.
//   no token      → public releases, and the latest page of a public app;
//   release token → that release (plus whatever is public);
//   app token     → the app's latest page and its releases, except releases explicitly set private
//                   (isPublic false): "private" on a release means only its own link opens it, even
//                   for holders of the app's link, and even inside a public app. Release links minted
//                   for an app-link holder ('app-release') stay under that rule: setting the release
//                   private later closes them too, as it closes the app link.
//   asset token   → only the manifest, package and icons of one release (what a manifest points to),
//                   never a page: it outlives the page link by a day for slow downloads, so a page
//                   that accepted it would hand out fresh links for ever. Minted from an app link it
//                   is 'app-asset', under the app rule like 'app-release'.
//   person token  → only the manifest, package and icons of one release, for the signed-in person
//                   it names (minted on their install page or My apps; the iOS installer sends no
//                   cookies). The signature is half the rule: every manifest and package fetch also
//                   asks the database whether that person still may install the app (person-links.ts),
//                   so removing them from a group or revoking their role stops the link at once.
//                   Like an asset token it never opens a page (the page opens with their session).
//   share token   → ('share-asset', share-link-tokens.ts) like an asset token, for one release; its
//                   share link's record is checked at each use by services/share-links.ts.
import { OtashipError } from '../core/errors.js';
import type { AppRecord, ReleaseRecord } from '../ports/repositories.js';
import type { Clock } from './clock.js';
import { shareAssetGrant, type ShareAssetGrant } from './share-link-tokens.js';
import type { Signer, TokenScope } from './signing.js';

/** What a visitor of the install surface holds; `exp` is when their token expires (unix seconds). */
export type Grant =
  | { scope: 'public' }
  | { scope: 'release'; releaseId: string; exp: number; viaApp: boolean }
  | { scope: 'app'; appId: string; exp: number }
  | { scope: 'asset'; releaseId: string; exp: number; viaApp: boolean }
  | PersonGrant
  | ShareAssetGrant;

/**
 * A signed-in person's install link (see the top). `asset`: minted by a manifest for its package
 * and icons (it may outlive the page's link by the asset lifetime, so it renews nothing).
 */
export interface PersonGrant {
  scope: 'person';
  releaseId: string;
  personId: string;
  exp: number;
  asset: boolean;
}

export const PUBLIC_GRANT: Grant = Object.freeze({ scope: 'public' });

/** The one rule for pages: may a visitor holding `grant` open this release's install page? */
export function opensRelease(grant: Grant, release: ReleaseRecord, app: AppRecord): boolean {
  if (effectivePublic(release, app)) return true;
  if (grant.scope === 'release') return grant.releaseId === release.id && (!grant.viaApp || appRuleAllows(release, app));
  if (grant.scope === 'app') return grant.appId === app.id && release.appId === app.id && appRuleAllows(release, app);
  return false;
}

/** May a visitor holding `grant` fetch this release's manifest, package and icons? */
export function opensAssets(grant: Grant, release: ReleaseRecord, app: AppRecord): boolean {
  if (grant.scope === 'asset') {
    return effectivePublic(release, app) || (grant.releaseId === release.id && (!grant.viaApp || appRuleAllows(release, app)));
  }
  // Only the signature's half: the caller must also confirm the person (PersonLinks.holder).
  if (grant.scope === 'person') return effectivePublic(release, app) || grant.releaseId === release.id;
  // A share link opens its release whatever its visibility (a manager made it for that build).
  if (grant.scope === 'share') return grant.releaseId === release.id;
  return opensRelease(grant, release, app);
}

/** May a visitor holding `grant` open the app's latest-release page? */
export function opensApp(grant: Grant, app: AppRecord): boolean {
  return app.isPublic || (grant.scope === 'app' && grant.appId === app.id);
}

/** What an app link opens: the app's releases, except one set private (explicitly, isPublic false). */
function appRuleAllows(release: ReleaseRecord, app: AppRecord): boolean {
  return release.appId === app.id && release.isPublic !== false;
}

/** Whether the grant came from (or through) an app link: links minted from it stay under the app rule. */
export function viaApp(grant: Grant): boolean {
  return grant.scope === 'app' || ((grant.scope === 'release' || grant.scope === 'asset') && grant.viaApp);
}

/** The expiry of what the visitor holds (unix seconds), or null for no token. */
export function grantExpiry(grant: Grant): number | null {
  return grant.scope === 'public' ? null : grant.exp;
}

export class LinkTokens {
  constructor(
    private readonly signer: Signer,
    private readonly clock: Clock,
  ) {}

  /** A release link; `notAfter` (unix seconds) caps its expiry, `viaApp` keeps it under the app rule. */
  forRelease(releaseId: string, ttlSeconds: number, options: { notAfter?: number | null; viaApp?: boolean } = {}): string {
    return this.#sign(releaseId, options.viaApp ? 'app-release' : 'release', this.expiry(ttlSeconds, options.notAfter));
  }

  forApp(appId: string, ttlSeconds: number, notAfter: number | null = null): string {
    return this.#sign(appId, 'app', this.expiry(ttlSeconds, notAfter));
  }

  /** A manifest's package and icon token (see the top: assets only). */
  forAssets(releaseId: string, ttlSeconds: number, options: { notAfter?: number | null; viaApp?: boolean } = {}): string {
    return this.#sign(releaseId, options.viaApp ? 'app-asset' : 'asset', this.expiry(ttlSeconds, options.notAfter));
  }

  /** now + ttl, but never after `notAfter` (unix seconds). */
  expiry(ttlSeconds: number, notAfter: number | null = null): number {
    const exp = Math.floor(this.clock().getTime() / 1000) + ttlSeconds;
    return notAfter === null ? exp : Math.min(exp, notAfter);
  }

  /**
   * Allows access to a release's install page (see opensRelease) and returns what the visitor holds,
   * to mint the page's other links from. Throws TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED.
   */
  checkRelease(release: ReleaseRecord, app: AppRecord, token: string | undefined): Grant {
    // A public release opens with any token, even a stale one: the token then grants nothing more
    // (and an asset token nothing at all on a page).
    if (effectivePublic(release, app)) return pageGrant(this.#tryGrant(token));
    const grant = this.#grant(token);
    if (opensRelease(grant, release, app)) return grant;
    throw this.#refusal(grant, release, app);
  }

  /** Access to a release's manifest, package or icons (see opensAssets). */
  checkAssets(release: ReleaseRecord, app: AppRecord, token: string | undefined): Grant {
    if (effectivePublic(release, app)) return this.#tryGrant(token);
    const grant = this.#grant(token);
    if (opensAssets(grant, release, app)) return grant;
    throw this.#refusal(grant, release, app);
  }

  /** Access to an app's latest-release page (see opensApp); returns what the visitor holds. */
  checkApp(app: AppRecord, token: string | undefined): Grant {
    if (app.isPublic) return pageGrant(this.#tryGrant(token));
    const grant = this.#grant(token);
    if (opensApp(grant, app)) return grant;
    if (assetOnly(grant)) throw assetOnPage();
    throw new OtashipError('TOKEN_INVALID', 'the access token in this link belongs to another app');
  }

  #refusal(grant: Grant, release: ReleaseRecord, app: AppRecord): OtashipError {
    const forThis = grant.scope === 'app' ? grant.appId === app.id : grant.scope !== 'public' && grant.releaseId === release.id;
    if (forThis && viaApp(grant) && !appRuleAllows(release, app)) {
      return new OtashipError(
        'TOKEN_INVALID',
        "this release is set private: only its own install link opens it, not the app's latest-release link",
      );
    }
    if (forThis && assetOnly(grant)) return assetOnPage();
    return new OtashipError('TOKEN_INVALID', 'the access token in this link belongs to another release');
  }

  #tryGrant(token: string | undefined): Grant {
    if (!token) return PUBLIC_GRANT;
    try {
      return this.#grant(token);
    } catch {
      return PUBLIC_GRANT;
    }
  }

  #grant(token: string | undefined): Grant {
    if (!token) {
      throw new OtashipError('TOKEN_MISSING', 'this build is private and the link has no access token');
    }
    const { sub, scope, exp } = this.signer.verify(token, this.clock().getTime());
    switch (scope) {
      case 'release':
      case 'app-release':
        return { scope: 'release', releaseId: sub, exp, viaApp: scope === 'app-release' };
      case 'app':
        return { scope: 'app', appId: sub, exp };
      case 'asset':
      case 'app-asset':
        return { scope: 'asset', releaseId: sub, exp, viaApp: scope === 'app-asset' };
      case 'person':
      case 'person-asset':
        return personGrant(sub, exp, scope === 'person-asset');
      case 'share-asset': {
        const grant = shareAssetGrant(sub, exp);
        if (grant) return grant;
        throw new OtashipError('TOKEN_INVALID', 'the access token in this link is not valid');
      }
      default:
        throw new OtashipError('TOKEN_INVALID', 'the access token in this link is not valid');
    }
  }

  /** A signed-in person's manifest/package/icon token for one release (see the top). */
  forPerson(releaseId: string, personId: string, ttlSeconds: number, options: { notAfter?: number | null; asset?: boolean } = {}): string {
    return this.#sign(`${releaseId}${PERSON_SEP}${personId}`, options.asset ? 'person-asset' : 'person', this.expiry(ttlSeconds, options.notAfter));
  }

  #sign(sub: string, scope: TokenScope, exp: number): string {
    return this.signer.sign({ sub, scope, exp });
  }
}

/** On a page, an asset, person or share-asset token counts for nothing (see the top). */
function pageGrant(grant: Grant): Grant {
  return assetOnly(grant) ? PUBLIC_GRANT : grant;
}

/** Tokens for a manifest, package and icons only, never a page. */
function assetOnly(grant: Grant): boolean {
  return grant.scope === 'asset' || grant.scope === 'person' || grant.scope === 'share';
}

/** Separates the release and the person in a person token's subject (ids never contain it). */
const PERSON_SEP = ':';

function personGrant(sub: string, exp: number, asset: boolean): PersonGrant {
  const [releaseId, personId, extra] = sub.split(PERSON_SEP);
  if (!releaseId || !personId || extra !== undefined) throw new OtashipError('TOKEN_INVALID', 'the access token in this link is not valid');
  return { scope: 'person', releaseId, personId, exp, asset };
}

function assetOnPage(): OtashipError {
  return new OtashipError(
    'TOKEN_INVALID',
    "this link's token opens the app's download only (it comes from a manifest), not an install page: ask for a new install link",
  );
}

/** A release's own setting wins; null inherits the app's. */
export function effectivePublic(release: ReleaseRecord, app: AppRecord): boolean {
  return release.isPublic ?? app.isPublic;
}
