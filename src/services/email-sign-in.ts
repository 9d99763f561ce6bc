// Passwordless sign-in by e-mail, and invitations. A link carries a random 256-bit secret; the
// database keeps only its SHA-256 (auth_tickets), with an expiry, and the link works once (a
// conditional update decides between racing clicks, on every instance). Requests for links are
// throttled per address (counted in the database, so across instances) and per client (in memory).
// An address nobody was invited with gets the same answer and no mail: the form tells no one who
// has an account. Staff domains under "SSO only" get no links at all: they sign in with single sign-on.
import { createHash, randomBytes } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import { emailKey, type PersonRecord, type TicketPurpose } from '../ports/people.js';
import type { SignInMailer } from '../ports/mailer.js';
import type { Repositories } from '../ports/repositories.js';
import type { PeopleSettings } from '../config/people.js';
import { authorize } from './authz.js';
import type { Clock } from './clock.js';
import { ClientThrottle, clientKey } from './client-throttle.js';
import { checkEmail, personView, type PeopleService, type PersonView } from './people.js';
import type { Principal } from './principal.js';
import type { Session, SessionService } from './sessions.js';

export const EMAIL_LINK_PATH = '/auth/link';
/** Links mailed to one address per hour, over all instances. */
export const LINKS_PER_ADDRESS_PER_HOUR = 5;
/** Link requests one client may make per hour (per instance). */
export const LINKS_PER_CLIENT_PER_HOUR = 20;
const HOUR = 3600_000;

export interface InviteResult {
  person: PersonView;
  invitation: {
    /** Mailed to the person; false without a mail server (or when the mail server refused it). */
    sent: boolean;
    /** The link for the admin to hand over, when it was not mailed. */
    link: string | null;
    expiresAt: string;
    error?: string;
  };
}

function hash(secret: string): string {
  return createHash('sha256').update(`otaship ticket ${secret}`).digest('hex');
}

export class EmailSignInService {
  readonly #perClient = new ClientThrottle(LINKS_PER_CLIENT_PER_HOUR, HOUR);

  constructor(
    private readonly repos: Pick<Repositories, 'people'>,
    private readonly people: PeopleService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly settings: PeopleSettings,
    private readonly publicUrl: string,
    private readonly mailer: SignInMailer | null,
  ) {}

  /** Whether e-mail sign-in links can be asked for (they need a mail server to reach the person). */
  get enabled(): boolean {
    return this.mailer !== null;
  }

  /** True when the address must sign in with single sign-on (OTASHIP_SSO_ONLY_DOMAINS). */
  ssoOnly(email: string): boolean {
    const domain = emailKey(email).split('@').pop() ?? '';
    return this.settings.ssoOnlyDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  }

  /** An admin adds a person and invites them (again, when they exist already). */
  async invite(principal: Principal, input: { email?: unknown; name?: unknown; admin?: unknown }, clientAddress: string): Promise<InviteResult> {
    authorize(principal, 'people:manage');
    const email = checkEmail(input.email);
    const person = (await this.repos.people.getPersonByEmail(email)) ?? (await this.people.create(principal, { ...input, email }));
    const now = this.clock();
    const sso = this.ssoOnly(email) && this.settings.oidc ? this.settings.oidc.name : null;
    // People of SSO-only domains are invited to the sign-in page: a link of their own would be a
    // second way in that their company's identity provider does not control.
    const { link, expiresAt } = sso
      ? { link: `${this.publicUrl}/sign-in`, expiresAt: new Date(now.getTime() + this.settings.invitationTtlSeconds * 1000) }
      : await this.#ticket('invitation', person, clientAddress, this.settings.invitationTtlSeconds);
    const result: InviteResult = { person: personView(person), invitation: { sent: false, link, expiresAt: expiresAt.toISOString() } };
    if (!this.mailer) return result;
    try {
      await this.mailer.invitation({ to: person.email, link, expiresAt, inviter: principal.person?.email ?? 'An otaship admin', sso });
      return { ...result, invitation: { sent: true, link: null, expiresAt: expiresAt.toISOString() } };
    } catch (err) {
      return { ...result, invitation: { ...result.invitation, error: err instanceof Error ? err.message : String(err) } };
    }
  }

  /**
   * Mails a sign-in link to the address when it belongs to an active person. The answer is the same
   * whether or not it does; only the throttles and SSO-only domains answer otherwise.
   */
  /**
   * Records a sign-in link for the address and starts mailing it. The answer is the same, and comes
   * as fast, whether the address belongs to someone or not: the mail is sent after it (`delivery`
   * settles when the mail server took the message or refused it; the caller logs a refusal), so
   * neither the time taken nor a mail server's failure tells a prober who has an account here.
   */
  async requestLink(emailInput: unknown, clientAddress: string): Promise<{ delivery: Promise<void> }> {
    const email = checkEmail(emailInput);
    if (this.ssoOnly(email)) {
      throw new OtashipError('FORBIDDEN', `addresses at ${email.split('@').pop()} sign in with ${this.settings.oidc?.name ?? 'single sign-on'}, not with e-mail links`);
    }
    if (!this.mailer) {
      throw new OtashipError('UNAVAILABLE', 'this server sends no e-mail (OTASHIP_SMTP_URL is not set): ask an admin for an invitation link');
    }
    const now = this.clock();
    const wait = this.#perClient.hit(clientAddress, now.getTime());
    if (wait > 0) throw new OtashipError('TOO_MANY_REQUESTS', `too many sign-in links asked for from this address: try again in ${wait} seconds`, { details: { retryAfterSeconds: wait } });
    const sent = await this.repos.people.countTickets({ purpose: 'email-sign-in', emailKey: emailKey(email), since: new Date(now.getTime() - HOUR) });
    if (sent >= LINKS_PER_ADDRESS_PER_HOUR) {
      throw new OtashipError('TOO_MANY_REQUESTS', `${LINKS_PER_ADDRESS_PER_HOUR} sign-in links were sent to this address in the last hour: use one of them, or try again later`, { details: { retryAfterSeconds: 3600 } });
    }
    const person = await this.repos.people.getPersonByEmail(email);
    if (!person || person.disabledAt) {
      // Counted like a real one, so probing addresses costs the same and the count cannot tell.
      await this.#ticket('email-sign-in', { id: null, email }, clientAddress, 60);
      return { delivery: Promise.resolve() };
    }
    const { link, expiresAt } = await this.#ticket('email-sign-in', person, clientAddress, this.settings.signInLinkTtlSeconds);
    return { delivery: this.mailer.signInLink({ to: person.email, link, expiresAt }) };
  }

  /** Uses a mailed link's secret (sign-in or invitation): a session for its person, once. */
  async redeem(secret: string): Promise<Session> {
    const invalid = new OtashipError('UNAUTHENTICATED', 'this sign-in link is not valid: it was used already, has expired or was never sent. Ask for a new one on the sign-in page');
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) throw invalid;
    const now = this.clock();
    const idHash = hash(secret);
    const ticket =
      (await this.repos.people.consumeTicket(idHash, 'email-sign-in', now)) ?? (await this.repos.people.consumeTicket(idHash, 'invitation', now));
    if (!ticket?.personId) throw invalid;
    const person = await this.repos.people.getPerson(ticket.personId);
    if (!person) throw invalid;
    // The domain may have become SSO-only since the link was sent.
    if (this.ssoOnly(person.email)) throw new OtashipError('FORBIDDEN', `addresses at ${person.email.split('@').pop()} sign in with single sign-on`);
    const session = await this.sessions.signInPerson(person.id); // refuses a disabled person
    await this.repos.people.updatePerson(person.id, { lastSignInAt: now });
    await this.repos.people.deleteExpiredTickets(now).catch(() => undefined);
    return session;
  }

  async #ticket(
    purpose: TicketPurpose,
    person: Pick<PersonRecord, 'email'> & { id: string | null },
    clientAddress: string,
    ttlSeconds: number,
  ): Promise<{ link: string; expiresAt: Date }> {
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.repos.people.createTicket({
      idHash: hash(secret),
      purpose,
      emailKey: emailKey(person.email),
      personId: person.id,
      data: null,
      clientKey: clientKey(clientAddress),
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    return { link: `${this.publicUrl}${EMAIL_LINK_PATH}?t=${secret}`, expiresAt };
  }
}
