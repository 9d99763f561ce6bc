// Install links for private releases carry `?t=<signed token>` bound to one release (or to an app,
// for its latest-release page). Tokens are reusable until they expire: the iOS install daemon
// retries, and a tester may open the page twice.
//
// The access rule lives here and nowhere else (opensRelease / opensApp). A page visitor's links are
// minted from what the visitor holds (their Grant), so a page never hands out more than its viewer
// could already open:
//   no token      → public releases, and the latest page of a public app;
//   release token → that release (plus whatever is public);
//   app token     → the app's latest page and its releases, except releases explicitly set private
//                   (isPublic false): "private" on a release means only its own link opens it, even
//                   for holders of the app's link, and even inside a public app.
import { OtashipError } from '../core/errors.js';
import type { AppRecord, ReleaseRecord } from '../ports/repositories.js';
import type { Clock } from './clock.js';
import type { Signer } from './signing.js';

/** What a visitor of the install surface holds. */
export type Grant = { scope: 'public' } | { scope: 'release'; releaseId: string } | { scope: 'app'; appId: string };

export const PUBLIC_GRANT: Grant = Object.freeze({ scope: 'public' });

/** The one rule: may a visitor holding `grant` open this release? */
export function opensRelease(grant: Grant, release: ReleaseRecord, app: AppRecord): boolean {
  if (effectivePublic(release, app)) return true;
  if (grant.scope === 'release') return grant.releaseId === release.id;
  if (grant.scope === 'app') return grant.appId === app.id && release.appId === app.id && release.isPublic !== false;
  return false;
}

/** May a visitor holding `grant` open the app's latest-release page? */
export function opensApp(grant: Grant, app: AppRecord): boolean {
  return app.isPublic || (grant.scope === 'app' && grant.appId === app.id);
}

export class LinkTokens {
  constructor(
    private readonly signer: Signer,
    private readonly clock: Clock,
  ) {}

  forRelease(releaseId: string, ttlSeconds: number): string {
    return this.signer.sign({ sub: releaseId, scope: 'release', exp: this.#exp(ttlSeconds) });
  }

  forApp(appId: string, ttlSeconds: number): string {
    return this.signer.sign({ sub: appId, scope: 'app', exp: this.#exp(ttlSeconds) });
  }

  /**
   * Allows access to a release (see opensRelease) and returns what the visitor holds, to mint the
   * page's other links from. Throws TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED.
   */
  checkRelease(release: ReleaseRecord, app: AppRecord, token: string | undefined): Grant {
    // A public release opens with any token, even a stale one: the token then grants nothing more.
    if (effectivePublic(release, app)) return this.#tryGrant(token);
    const grant = this.#grant(token);
    if (opensRelease(grant, release, app)) return grant;
    if (grant.scope === 'app' && grant.appId === app.id) {
      throw new OtashipError(
        'TOKEN_INVALID',
        "this release is set private: only its own install link opens it, not the app's latest-release link",
      );
    }
    throw new OtashipError('TOKEN_INVALID', 'the access token in this link belongs to another release');
  }

  /** Access to an app's latest-release page (see opensApp); returns what the visitor holds. */
  checkApp(app: AppRecord, token: string | undefined): Grant {
    if (app.isPublic) return this.#tryGrant(token);
    const grant = this.#grant(token);
    if (opensApp(grant, app)) return grant;
    throw new OtashipError('TOKEN_INVALID', 'the access token in this link belongs to another app');
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
    const payload = this.signer.verify(token, this.clock().getTime());
    if (payload.scope === 'release') return { scope: 'release', releaseId: payload.sub };
    if (payload.scope === 'app') return { scope: 'app', appId: payload.sub };
    throw new OtashipError('TOKEN_INVALID', 'the access token in this link is not valid');
  }

  #exp(ttlSeconds: number): number {
    return Math.floor(this.clock().getTime() / 1000) + ttlSeconds;
  }
}

/** A release's own setting wins; null inherits the app's. */
export function effectivePublic(release: ReleaseRecord, app: AppRecord): boolean {
  return release.isPublic ?? app.isPublic;
}
