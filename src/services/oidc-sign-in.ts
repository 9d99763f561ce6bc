// Sign-in with any OpenID Connect provider (Google Workspace, Microsoft Entra ID, Okta, Keycloak,
// GitLab, Authentik…) through openid-client, the certified relying-party library: issuer discovery,
// the authorization code flow with PKCE (S256), state and nonce.
//
// Each attempt is a single-use ticket in the database (auth_tickets, purpose 'oidc'): its id is a
// random secret held by the browser in a short-lived HttpOnly cookie, and the ticket keeps the PKCE
// verifier, state, nonce and where to go after. The callback consumes the ticket first, so a
// replayed callback finds nothing, on any instance; a state that is not the one issued, an ID token
// whose nonce is not ours, or a code not made for our verifier are refused by openid-client.
// People are matched by their verified e-mail and created at their first sign-in (they then see
// only what their groups and grants allow); the groups claim is mapped to otaship groups
// (OTASHIP_OIDC_GROUP_MAP) and re-synced at every sign-in.
import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { OtashipError, isOtashipError } from '../core/errors.js';
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

interface Attempt {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
}

function hash(secret: string): string {
  return createHash('sha256').update(`otaship oidc ${secret}`).digest('hex');
}

/** http issuers are accepted only on loopback (a provider run beside otaship for tests or development). */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || /^127\./.test(host) || host === '::1';
}

export class OidcSignInService {
  #configuration: Promise<client.Configuration> | null = null;

  constructor(
    private readonly repos: Pick<Repositories, 'people'>,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    readonly settings: OidcSettings,
    private readonly publicUrl: string,
  ) {}

  get callbackUrl(): string {
    return `${this.publicUrl}${OIDC_CALLBACK_PATH}`;
  }

  /** Discovery, once; a failure is retried at the next sign-in (the provider may have been down). */
  #config(): Promise<client.Configuration> {
    this.#configuration ??= client
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        this.settings.clientSecret ?? undefined,
        this.settings.clientSecret ? undefined : client.None(),
        { timeout: 10, ...(this.settings.issuer.startsWith('http:') && isLoopback(this.settings.issuer) ? { execute: [client.allowInsecureRequests] } : {}) },
      )
      .catch((err: unknown) => {
        this.#configuration = null;
        throw new OtashipError('UNAVAILABLE', `the identity provider ${this.settings.issuer} could not be reached or its discovery document is not valid (${describe(err)}): try again, or check OTASHIP_OIDC_ISSUER`, { cause: err });
      });
    return this.#configuration;
  }

  /** Starts an attempt: the provider's URL to send the browser to, and the cookie value binding it. */
  async start(next: string): Promise<{ redirectTo: string; cookie: string; maxAgeSeconds: number }> {
    const config = await this.#config();
    const attempt: Attempt = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce(), next };
    const id = randomBytes(32).toString('base64url');
    const now = this.clock();
    // Attempts abandoned at the provider are never consumed: sweep them here (best effort).
    await this.repos.people.deleteExpiredTickets(now).catch(() => undefined);
    await this.repos.people.createTicket({
      idHash: hash(id),
      purpose: 'oidc',
      emailKey: null,
      personId: null,
      data: JSON.stringify(attempt),
      clientKey: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ATTEMPT_TTL_SECONDS * 1000),
      usedAt: null,
    });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.callbackUrl,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { redirectTo: url.href, cookie: id, maxAgeSeconds: ATTEMPT_TTL_SECONDS };
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
    const config = await this.#config();
    const current = new URL(`${this.callbackUrl}?${callbackQuery}`);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: attempt.verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      // Many providers put e-mail and groups only in userinfo; the ID token's subject must match it.
      if (typeof claims.sub === 'string' && (claims.email === undefined || claims[this.settings.groupsClaim] === undefined)) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => null);
        if (info) claims = { ...info, ...claims, [this.settings.groupsClaim]: claims[this.settings.groupsClaim] ?? info[this.settings.groupsClaim] };
      }
    } catch (err) {
      if (isOtashipError(err)) throw err;
      throw failed(`the identity provider's answer was refused (${describe(err)})`, err);
    }
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
    const session = await this.sessions.signInPerson(person.id); // refuses a disabled person
    await this.repos.people.updatePerson(person.id, { lastSignInAt: now, ...(name && !person.name ? { name } : {}) });
    return { session, next: attempt.next };
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

function describe(err: unknown): string {
  const e = err as { code?: unknown; error?: unknown; message?: unknown };
  const code = typeof e.error === 'string' ? e.error : typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  // openid-client names the claim that failed its check (nonce, iss, aud…) down its cause chain.
  let claim = '';
  for (let c: unknown = err, depth = 0; c && typeof c === 'object' && depth < 5 && !claim; c = (c as { cause?: unknown }).cause, depth++) {
    const named = (c as { claim?: unknown }).claim;
    if (typeof named === 'string') claim = ` (claim ${named})`;
  }
  return `${code ? `${code}: ` : ''}${message}${claim}`.slice(0, 300);
}
