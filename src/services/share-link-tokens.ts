// The signed tokens of share links (services/share-links.ts). Unlike the other install links, a
// share-link token is only a pointer: it names the link's record, and the record decides (revoked,
// expired, out of installs) at every use. Two scopes:
//   'share'        → sub = the link id: the link's own page (/s/:linkId?t=…), what the manager hands out;
//   'share-asset'  → sub = "<linkId>.<releaseId>.<install key>": the manifest, package and icons of
//                    one release, minted by the link's page. The iOS installer sends no cookies, so
//                    the token itself must name the link for a revocation to stop the manifest and
//                    package fetches too. The install key is fresh per page view: retries and Range
//                    requests of one install carry the same key and count once against the limit.
import { randomBytes } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import type { Clock } from './clock.js';
import { isId } from './ids.js';
import type { Signer } from './signing.js';

/** What an asset token of a share link grants (a member of link-tokens.ts's Grant). */
export interface ShareAssetGrant {
  scope: 'share';
  linkId: string;
  releaseId: string;
  /** Identifies one install: see the top. */
  installKey: string;
  exp: number;
}

/** A page token still needs an `exp`: the last second of year 9999 (see forPage). */
export const NO_EXPIRY = 253_402_300_799;

const INSTALL_KEY = /^[A-Za-z0-9_-]{16}$/;

/** The asset grant of a 'share-asset' token's subject, or null when it is not one. */
export function shareAssetGrant(sub: string, exp: number): ShareAssetGrant | null {
  const [linkId, releaseId, installKey, ...rest] = sub.split('.');
  if (rest.length > 0 || !linkId || !releaseId || !installKey) return null;
  if (!isId(linkId) || !isId(releaseId) || !INSTALL_KEY.test(installKey)) return null;
  return { scope: 'share', linkId, releaseId, installKey, exp };
}

export class ShareLinkTokens {
  constructor(
    private readonly signer: Signer,
    private readonly clock: Clock,
  ) {}

  /**
   * The token of the link's page URL. It does not expire by itself: the record alone says when the
   * link expires, is revoked or used up (one authority, read at each use).
   */
  forPage(linkId: string): string {
    return this.signer.sign({ sub: linkId, scope: 'share', exp: NO_EXPIRY });
  }

  /** Throws TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED unless `token` is this link's page token. */
  checkPage(linkId: string, token: string | undefined): void {
    if (!token) throw new OtashipError('TOKEN_MISSING', 'this share link has no access token: open the whole link you were sent');
    const { sub, scope } = this.signer.verify(token, this.clock().getTime());
    if (scope !== 'share' || sub !== linkId) {
      throw new OtashipError('TOKEN_INVALID', 'the access token in this link does not belong to this share link');
    }
  }

  /**
   * An asset token for one release, with a fresh install key. It expires after `ttlSeconds` (a page
   * kept open for days must not install for ever); the link's own expiry is the record's to check.
   */
  forAssets(linkId: string, releaseId: string, ttlSeconds: number): string {
    const exp = Math.floor(this.clock().getTime() / 1000) + ttlSeconds;
    const installKey = randomBytes(12).toString('base64url');
    return this.signer.sign({ sub: `${linkId}.${releaseId}.${installKey}`, scope: 'share-asset', exp });
  }
}
