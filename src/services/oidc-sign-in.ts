// Sign-in with any OpenID Connect provider (Google Workspace, Microsoft Entra ID, Okta, Keycloak,
// GitLab, Authentik…). The protocol (discovery, authorization code with PKCE, state, nonce, ID token
// checks) is the IdentityProvider port's, done by openid-client in sso/openid-client.ts.
//
// Each attempt is a single-use ticket in the database (auth_tickets, purpose 'oidc'): its id is a
// random secret held by the browser in a short-lived HttpOnly cookie, and the ticket keeps the PKCE
// verifier, state, nonce and where to go after. The callback consumes the ticket first, so a
// replayed callback finds nothing, on any instance; a state that is not the one issued, an ID token
// whose nonce is not ours, or a code not made for our verifier are refused by the provider adapter.
// People are matched by their verified e-mail and created at their first sign-in (they then see
// only what their groups and grants allow); the groups claim is mapped to otaship groups
// (OTASHIP_OIDC_GROUP_MAP) and re-synced at every sign-in.
import { createHash, randomBytes } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import type { IdentityProvider, OidcAttempt } from '../ports/identity-provider.js';
import type { OidcSettings } from '../config/people.js';
import type { Repositories } from '../ports/repositories.js';
import type { Clock } from './clock.js';
import { checkEmail } from './people.js';
import type { Session, SessionService } from './sessions.js';

export const OIDC_START_PATH = '/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
export const OIDC_COOKIE = 'otaship_oidc';
/** Long enough to type a password and a second factor at the provider. */
const ATTEMPT_TTL_SECONDS = 600;

interface Attempt extends OidcAttempt {
  next: string;
}

function hash(secret: string): string {
  return createHash('sha256').update(`otaship oidc ${secret}`).digest('hex');
}

export class OidcSignInService {
  constructor(
    private readonly provider: IdentityProvider,
    private readonly repos: Pick<Repositories, 'people'>,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    readonly settings: OidcSettings,
    private readonly publicUrl: string,
  ) {}

  get callbackUrl(): string {
    return `${this.publicUrl}${OIDC_CALLBACK_PATH}`;
  }

  /** Starts an attempt: the provider's URL to send the browser to, and the cookie value binding it. */
  async start(next: string): Promise<{ redirectTo: string; cookie: string; maxAgeSeconds: number }> {
    const { attempt, url } = await this.provider.begin(this.callbackUrl, this.settings.scopes);
    const id = randomBytes(32).toString('base64url');
    const now = this.clock();
    // Attempts abandoned at the provider are never consumed: sweep them here (best effort).
    await this.repos.people.deleteExpiredTickets(now).catch(() => undefined);
    await this.repos.people.createTicket({
      idHash: hash(id),
      purpose: 'oidc',
      emailKey: null,
      personId: null,
      data: JSON.stringify({ ...attempt, next } satisfies Attempt),
      clientKey: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ATTEMPT_TTL_SECONDS * 1000),
      usedAt: null,
    });
    return { redirectTo: url, cookie: id, maxAgeSeconds: ATTEMPT_TTL_SECONDS };
  }

  /**
   * The provider sent the browser back: `callbackQuery` is the query string it came with, `cookie`
   * the attempt's id. Returns a session and where to go.
   */
  async finish(callbackQuery: string, cookie: string | undefined): Promise<{ session: Session; next: string }> {
    const failed = (why: string, cause?: unknown) =>
      new OtashipError('UNAUTHENTICATED', `single sign-on failed: ${why}. Start again from the sign-in page`, cause ? { cause } : undefined);
    if (!cookie) throw failed('this browser did not start a sign-in here (or it took longer than 10 minutes)');
    const ticket = await this.repos.people.consumeTicket(hash(cookie), 'oidc', this.clock());
    if (!ticket?.data) throw failed('this sign-in was already used, has expired or was not started here');
    const attempt = JSON.parse(ticket.data) as Attempt;
    const { claims, idToken } = await this.provider.finish(new URL(`${this.callbackUrl}?${callbackQuery}`), attempt, ['email', 'email_verified', 'name', this.settings.groupsClaim]);
    if (claims.email_verified === false) throw failed('the identity provider has not verified this account’s e-mail address');
    let email: string;
    try {
      email = checkEmail(claims.email);
    } catch {
      throw failed('the identity provider sent no e-mail address (add the "email" scope or claim for otaship)');
    }
    const name = typeof claims.name === 'string' ? claims.name.slice(0, 200) : '';
    const now = this.clock();
    let person = await this.repos.people.getPersonByEmail(email);
    if (!person) {
      try {
        person = await this.repos.people.createPerson({ email, name, admin: false, createdAt: now });
      } catch (err) {
        // Another instance created them a moment ago (both signed in at once).
        person = await this.repos.people.getPersonByEmail(email);
        if (!person) throw err;
      }
    }
    await this.repos.people.syncClaimMemberships(person.id, await this.#groupIds(claims[this.settings.groupsClaim]), now);
    // The ID token stays with the session: signing out hands it back to the provider (logoutUrl).
    const session = await this.sessions.signInPerson(person.id, idToken); // refuses a disabled person
    await this.repos.people.updatePerson(person.id, { lastSignInAt: now, ...(name && !person.name ? { name } : {}) });
    return { session, next: attempt.next };
  }

  /**
   * After otaship's own session ended: the provider's logout URL for a session that single sign-on
   * opened (its ID token), coming back to our sign-in page; null when the provider has none.
   */
  async logoutUrl(idToken: string): Promise<string | null> {
    return this.provider.endSessionUrl(idToken, this.postLogoutUrl);
  }

  /** Register it at the provider as the client's post-logout redirect URI. */
  get postLogoutUrl(): string {
    return `${this.publicUrl}/sign-in`;
  }

  /** otaship group ids for the claim's values that the mapping names (groups are created as needed). */
  async #groupIds(claim: unknown): Promise<string[]> {
    const values = Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : typeof claim === 'string' ? [claim] : [];
    const ids = new Set<string>();
    for (const value of values) {
      const groupName = this.settings.groupMap.get(value);
      if (!groupName) continue;
      const group =
        (await this.repos.people.getGroupByName(groupName)) ??
        (await this.repos.people.createGroup({ name: groupName, createdAt: this.clock() }).catch(async (err: unknown) => {
          const existing = await this.repos.people.getGroupByName(groupName);
          if (!existing) throw err;
          return existing;
        }));
      ids.add(group.id);
    }
    return [...ids];
  }
}
