// Admin web sessions: signing in with an API token yields a signed, expiring cookie value that
// names the token (never contains its secret). Each request re-checks the token, so revoking it
// ends its sessions, and so does changing OTASHIP_ADMIN_TOKEN for sessions signed in with it.
import { OtashipError } from '../core/errors.js';
import type { ApiTokenService } from './api-tokens.js';
import type { Clock } from './clock.js';
import type { Principal } from './principal.js';
import type { Signer } from './signing.js';

export const SESSION_COOKIE = 'otaship_session';

export interface Session {
  value: string;
  expiresAt: Date;
  principal: Principal;
}

export class SessionService {
  constructor(
    private readonly signer: Signer,
    private readonly tokens: ApiTokenService,
    private readonly clock: Clock,
    readonly ttlSeconds: number,
    /** Secure cookies when the public URL is https. */
    readonly secureCookies: boolean,
  ) {}

  /** Sign in with an API or bootstrap token. Throws UNAUTHENTICATED when the token is not accepted. */
  async signIn(token: string): Promise<Session> {
    const principal = await this.tokens.authenticate(token);
    const now = this.clock().getTime();
    const exp = Math.floor(now / 1000) + this.ttlSeconds;
    const value = this.signer.sign({ sub: this.tokens.sessionSubject(principal), scope: 'session', exp });
    return { value, expiresAt: new Date(exp * 1000), principal: { ...principal, via: 'session' } };
  }

  /** Cookie value → principal; UNAUTHENTICATED when forged, expired or its token was revoked. */
  async resolve(value: string): Promise<Principal> {
    let sub: string;
    try {
      const payload = this.signer.verify(value, this.clock().getTime());
      if (payload.scope !== 'session') throw new Error('wrong scope');
      sub = payload.sub;
    } catch {
      throw new OtashipError('UNAUTHENTICATED', 'the admin session is not valid or has expired: sign in again');
    }
    return this.tokens.principalForId(sub, 'session');
  }

  /** Options for @fastify/cookie's setCookie (HttpOnly, SameSite=Lax, Secure on https). */
  cookieOptions(expiresAt: Date): {
    httpOnly: true;
    sameSite: 'lax';
    secure: boolean;
    path: '/';
    expires: Date;
  } {
    return { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', expires: expiresAt };
  }
}
