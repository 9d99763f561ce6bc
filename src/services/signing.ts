// Signed, expiring tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256). Used for install
// links (bound to a release or an app) and admin sessions. Verification compares MACs in constant
// time and distinguishes forged (TOKEN_INVALID) from expired (TOKEN_EXPIRED).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { OtashipError } from '../core/errors.js';

export type TokenScope =
  | 'release'
  | 'app'
  | 'session'
  | 'udid-nonce'
  | 'udid-done'
  | 'app-release'
  | 'asset'
  | 'app-asset'
  // A signed-in person's install links (see link-tokens.ts and person-links.ts).
  | 'person'
  | 'person-asset'
  | 'notice-opt-out'
  | 'share'
  | 'share-asset';

const SCOPES: readonly string[] = [
  'release',
  'app',
  'session',
  'udid-nonce',
  'udid-done',
  // Install links derived from an app link, and manifest asset links (see link-tokens.ts).
  'app-release',
  'asset',
  'app-asset',
  // The opt-out link in "new build" notices (services/build-notices.ts): its subject is a person id.
  'notice-opt-out',
  // A signed-in person's manifest, package and icon links, and the package links a manifest names.
  'person',
  'person-asset',
  // Share links (records): the link's own page token, and its asset tokens (share-link-tokens.ts).
  'share',
  'share-asset',
] satisfies TokenScope[];

export interface SignedPayload {
  /** Subject: a release id, an app id, a session id, a registration nonce or a device id (udid-*). */
  sub: string;
  scope: TokenScope;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export class Signer {
  readonly #key: Buffer;

  constructor(secret: string) {
    // Derive a purpose-bound key so the configured secret is never used directly as a MAC key for
    // anything else that might be added later.
    this.#key = createHmac('sha256', secret).update('otaship signed tokens v1').digest();
  }

  sign(payload: SignedPayload): string {
    const body = Buffer.from(JSON.stringify({ sub: payload.sub, scope: payload.scope, exp: payload.exp })).toString(
      'base64url',
    );
    return `${body}.${this.#mac(body).toString('base64url')}`;
  }

  /**
   * Returns the payload of a well-formed, authentic token, or throws TOKEN_INVALID / TOKEN_EXPIRED.
   * `now` in milliseconds.
   */
  verify(token: string, now: number): SignedPayload {
    const invalid = () => new OtashipError('TOKEN_INVALID', 'the access token in this link is not valid');
    if (token.length > 1024) throw invalid();
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) throw invalid();
    const body = token.slice(0, dot);
    const macText = token.slice(dot + 1);
    const mac = Buffer.from(macText, 'base64url');
    const expected = this.#mac(body);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
    // base64url decoding ignores stray characters and unused trailing bits: accept only the one
    // canonical spelling, so a token has exactly one valid form.
    if (mac.toString('base64url') !== macText || Buffer.from(body, 'base64url').toString('base64url') !== body) throw invalid();
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!isPayload(payload)) throw invalid();
    if (payload.exp * 1000 <= now) {
      throw new OtashipError('TOKEN_EXPIRED', `the link expired on ${new Date(payload.exp * 1000).toISOString()}`);
    }
    return payload;
  }

  #mac(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest();
  }
}

function isPayload(v: unknown): v is SignedPayload {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.sub === 'string' &&
    typeof p.scope === 'string' &&
    SCOPES.includes(p.scope) &&
    typeof p.exp === 'number' &&
    Number.isFinite(p.exp)
  );
}
