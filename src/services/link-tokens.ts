// Install links for private releases carry `?t=<signed token>` bound to one release (or to an app,
// for its latest-release page). Tokens are reusable until they expire: the iOS install daemon
// retries, and a tester may open the page twice.
import { OtashipError } from '../core/errors.js';
import type { AppRecord, ReleaseRecord } from '../ports/repositories.js';
import type { Clock } from './clock.js';
import type { Signer } from './signing.js';

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
   * Allows access to a release when it (or its app) is public, or when the token is valid for this
   * release or its app. Throws TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED.
   */
  checkRelease(release: ReleaseRecord, app: AppRecord, token: string | undefined): void {
    if (effectivePublic(release, app)) return;
    const payload = this.#verify(token);
    if (payload.scope === 'release' && payload.sub === release.id) return;
    if (payload.scope === 'app' && payload.sub === app.id) return;
    throw new OtashipError('TOKEN_INVALID', 'the access token in this link belongs to another release');
  }

  /** Access to an app's latest-release page: public app, or an app-bound token. */
  checkApp(app: AppRecord, token: string | undefined): void {
    if (app.isPublic) return;
    const payload = this.#verify(token);
    if (payload.scope === 'app' && payload.sub === app.id) return;
    throw new OtashipError('TOKEN_INVALID', 'the access token in this link belongs to another app');
  }

  #verify(token: string | undefined) {
    if (!token) {
      throw new OtashipError('TOKEN_MISSING', 'this build is private and the link has no access token');
    }
    const payload = this.signer.verify(token, this.clock().getTime());
    if (payload.scope === 'session') throw new OtashipError('TOKEN_INVALID', 'the access token in this link is not valid');
    return payload;
  }

  #exp(ttlSeconds: number): number {
    return Math.floor(this.clock().getTime() / 1000) + ttlSeconds;
  }
}

/** A release's own setting wins; null inherits the app's. */
export function effectivePublic(release: ReleaseRecord, app: AppRecord): boolean {
  return release.isPublic ?? app.isPublic;
}
