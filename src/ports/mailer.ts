// Mail the sign-in service sends. The port knows the kinds of mail, not their wording: the web layer
// writes them (web/mails.ts: plain text plus escaped HTML) and mail/smtp.ts delivers them.

export interface SignInMail {
  to: string;
  /** The link to follow (single use, expiring). */
  link: string;
  expiresAt: Date;
}

export interface InvitationMail extends SignInMail {
  /** Who invited them, as the admin shows it. */
  inviter: string;
  /** Invited to sign in with single sign-on rather than with this link. */
  sso: string | null;
}

export interface SignInMailer {
  signInLink(mail: SignInMail): Promise<void>;
  invitation(mail: InvitationMail): Promise<void>;
}

/** A "new build" notice to one member of a notified group (services/build-notices.ts). */
export interface NewBuildMail {
  to: string;
  appName: string;
  platform: string;
  version: string | null;
  build: string;
  /** The start of the release notes (plain text, may be empty). */
  notesExcerpt: string;
  /** My apps, behind sign-in: never a bearer link that works for whoever the mail is forwarded to. */
  link: string;
  /** Signed, expiring: stops these notices for this person. */
  optOutLink: string;
}

export interface NoticeMailer {
  newBuild(mail: NewBuildMail): Promise<void>;
}

/** One composed message, as the transport sends it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}
