// "New build" notices: when a build is published, the members of every group that has a role on
// its app and notices switched on are mailed once each (services never send from inside the
// publish: published() is called after the release's transaction committed, returns at once, and
// whatever the mail server does is logged, never thrown at the publisher).
//
// The mail links to My apps, which needs a sign-in: a forwarded notice gives nobody an install.
// Each mail carries a signed, expiring opt-out link for its person; the opt-out page asks before it
// changes anything (mail scanners open links), and the person can turn notices back on there.
//
// Delivery is in process and best effort: an instance that stops while sending finishes or loses
// the notices of that one publish (close() waits for them); nothing is retried or stored.
import { OtashipError } from '../core/errors.js';
import type { NoticeMailer } from '../ports/mailer.js';
import type { PersonRecord } from '../ports/people.js';
import type { AppRecord, ReleaseRecord, Repositories } from '../ports/repositories.js';
import type { Clock } from './clock.js';
import type { Signer } from './signing.js';

export const NOTICE_OPT_OUT_PATH = '/notices/opt-out';
/** Opt-out links keep working this long after their mail (old mails are still read). */
const OPT_OUT_TTL_SECONDS = 365 * 86_400;
/** Characters of the release notes quoted in the mail. */
const NOTES_EXCERPT_CHARS = 400;

export class BuildNoticeService {
  readonly #sending = new Set<Promise<void>>();

  constructor(
    private readonly repos: Pick<Repositories, 'people'>,
    private readonly signer: Signer,
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly mailer: NoticeMailer | null,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Whether notices can be sent at all (they need OTASHIP_SMTP_URL). */
  get enabled(): boolean {
    return this.mailer !== null;
  }

  /** A release was published (its transaction committed): mail the notified groups' members, in the background. */
  published(app: AppRecord, release: ReleaseRecord): void {
    if (!this.mailer) return;
    const task: Promise<void> = this.#send(this.mailer, app, release)
      .catch((err: unknown) => this.onError(err))
      .finally(() => this.#sending.delete(task));
    this.#sending.add(task);
  }

  /** Resolves when the notices being sent now are done (shutdown waits for them). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#sending]);
  }

  /** The person behind an opt-out link, and whether notices are off for them. TOKEN_INVALID / TOKEN_EXPIRED. */
  async optOutState(token: string): Promise<{ email: string; off: boolean }> {
    const person = await this.#personOf(token);
    return { email: person.email, off: await this.repos.people.noticesOff(person.id) };
  }

  /** Turns the link's person's notices off (or back on). */
  async setOptOut(token: string, off: boolean): Promise<{ email: string; off: boolean }> {
    const person = await this.#personOf(token);
    await this.repos.people.setNoticesOff(person.id, off ? this.clock() : null);
    return { email: person.email, off };
  }

  optOutLink(personId: string): string {
    const exp = Math.floor(this.clock().getTime() / 1000) + OPT_OUT_TTL_SECONDS;
    return `${this.publicUrl}${NOTICE_OPT_OUT_PATH}?t=${this.signer.sign({ sub: personId, scope: 'notice-opt-out', exp })}`;
  }

  async #send(mailer: NoticeMailer, app: AppRecord, release: ReleaseRecord): Promise<void> {
    // Off the publish's path: the first database read waits until the publish has answered.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const recipients = await this.repos.people.noticeRecipients(app.id);
    for (const person of recipients) {
      try {
        await mailer.newBuild({
          to: person.email,
          appName: app.name,
          platform: app.platform,
          version: release.version,
          build: release.build,
          notesExcerpt: excerpt(release.notes),
          link: `${this.publicUrl}/my#app-${app.id}`,
          optOutLink: this.optOutLink(person.id),
        });
      } catch (err) {
        // One address the mail server refuses must not keep the others from their notice.
        this.onError(err);
      }
    }
  }

  async #personOf(token: string): Promise<PersonRecord> {
    const payload = this.signer.verify(token, this.clock().getTime());
    if (payload.scope !== 'notice-opt-out') throw new OtashipError('TOKEN_INVALID', 'this is not a link to stop "new build" mails');
    const person = await this.repos.people.getPerson(payload.sub);
    if (!person) throw new OtashipError('NOT_FOUND', 'the person this link was sent to is no longer on this server: no mails are sent to them');
    return person;
  }
}

function excerpt(notes: string): string {
  const text = notes.trim();
  return text.length <= NOTES_EXCERPT_CHARS ? text : `${text.slice(0, NOTES_EXCERPT_CHARS).trimEnd()}…`;
}
