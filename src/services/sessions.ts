// Admin web sessions: signing in with an API token yields a signed, expiring cookie value that
// carries a random session id (never the token or its secret). The session is also a row in the
// database, shared by every instance: signing out deletes it, so the cookie stops working
// everywhere at once even though its signature and expiry are still good. Each request also
// re-checks the token the session was opened with, so revoking it ends its sessions, and so does
// changing OTASHIP_ADMIN_TOKEN for sessions signed in with it.
import { createHash, randomBytes } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import type { Repositories } from '../ports/repositories.js';
import type { ApiTokenService } from './api-tokens.js';
import type { Clock } from './clock.js';
import { personTokenId, type Principal } from './principal.js';
import type { PeopleService } from './people.js';
import type { Signer } from './signing.js';

export const SESSION_COOKIE = 'otaship_session';

export interface Session {
  value: string;
  expiresAt: Date;
  principal: Principal;
}

/** The row is keyed by a hash of the id, so the database alone holds nothing to build a cookie from. */
function idHash(id: string): string {
  return createHash('sha256').update(`otaship session ${id}`).digest('hex');
}

export class SessionService {
  constructor(
    private readonly signer: Signer,
    private readonly tokens: ApiTokenService,
    private readonly repos: Pick<Repositories, 'sessions'>,
    private readonly clock: Clock,
    readonly ttlSeconds: number,
    /** Secure cookies when the public URL is https. */
    readonly secureCookies: boolean,
    /** Sessions of people (e-mail link, single sign-on) resolve through here, roles read afresh. */
    private readonly people?: Pick<PeopleService, 'principalFor'>,
  ) {}

  /** Sign in with an API or bootstrap token. Throws UNAUTHENTICATED when the token is not accepted. */
  async signIn(token: string): Promise<Session> {
    const principal = await this.tokens.authenticate(token);
    return this.#start({ subject: this.tokens.sessionSubject(principal) }, { ...principal, via: 'session' });
  }

  /** A session for a person who proved who they are (single sign-on, e-mail link). */
  async signInPerson(personId: string, idToken: string | null = null): Promise<Session> {
    if (!this.people) throw new OtashipError('INTERNAL', 'people are not set up on this server');
    const principal = await this.people.principalFor(personId, 'session');
    return this.#start({ subject: personTokenId(personId), personId, idToken }, principal);
  }

  /** Stores a new session for the principal and answers its signed cookie value. */
  async #start(who: { subject: string; personId?: string; idToken?: string | null }, principal: Principal): Promise<Session> {
    const now = this.clock();
    const exp = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    const id = randomBytes(18).toString('base64url');
    const expiresAt = new Date(exp * 1000);
    // Sessions that ran out are never read again; sweeping them here keeps the table small without
    // a scheduler. Best effort: a failed sweep must not fail the sign-in.
    await this.repos.sessions.deleteExpired(now).catch(() => undefined);
    await this.repos.sessions.create({ idHash: idHash(id), ...who, createdAt: now, expiresAt });
    const value = this.signer.sign({ sub: id, scope: 'session', exp });
    return { value, expiresAt, principal };
  }

  /** Cookie value → principal; UNAUTHENTICATED when forged, expired, signed out or its token was revoked. */
  async resolve(value: string): Promise<Principal> {
    const invalid = () => new OtashipError('UNAUTHENTICATED', 'the admin session is not valid, has ended or has expired: sign in again');
    const id = this.#verifiedId(value);
    if (id === null) throw invalid();
    const session = await this.repos.sessions.getLive(idHash(id), this.clock());
    if (!session) throw invalid();
    if (session.personId) {
      if (!this.people) throw invalid();
      return this.people.principalFor(session.personId, 'session');
    }
    return this.tokens.principalForId(session.subject, 'session');
  }

  /**
   * Ends the session this cookie names, on every instance. A forged or unknown cookie ends nothing.
   * Returns what the session was (a person's, and the ID token of single sign-on) so the caller can
   * also sign out at the identity provider; null when there was no live session.
   */
  async signOut(value: string): Promise<{ personId: string | null; idToken: string | null } | null> {
    const id = this.#verifiedId(value);
    if (id === null) return null;
    const session = await this.repos.sessions.getLive(idHash(id), this.clock());
    await this.repos.sessions.delete(idHash(id));
    return session ? { personId: session.personId ?? null, idToken: session.idToken ?? null } : null;
  }

  /** The session id of an authentic, unexpired cookie value; null otherwise. */
  #verifiedId(value: string): string | null {
    try {
      const payload = this.signer.verify(value, this.clock().getTime());
      return payload.scope === 'session' ? payload.sub : null;
    } catch {
      return null;
    }
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
