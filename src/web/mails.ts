// The wording of the mails otaship sends: plain text, and the same as HTML in which every value is
// escaped (html``). Links are the only thing a reader must act on, so they stand alone on a line.
import type { InvitationMail, MailMessage, NewBuildMail, NoticeMailer, SignInMail, SignInMailer } from '../ports/mailer.js';
import { formatDateTime } from './format.js';
import { html } from './html.js';
import { versionLabel } from './pages/install.js';

export function signInMessage(m: SignInMail): MailMessage {
  const text = [
    'Someone (hopefully you) asked to sign in to otaship with this address.',
    '',
    'Open this link to sign in. It works once, until ' + formatDateTime(m.expiresAt) + ':',
    m.link,
    '',
    'If you did not ask for it, ignore this mail: nothing happens without the link.',
  ].join('\n');
  const body = html`<p>Someone (hopefully you) asked to sign in to otaship with this address.</p>
<p><a href="${m.link}">Sign in to otaship</a></p>
<p>The link works once, until ${formatDateTime(m.expiresAt)}. If you did not ask for it, ignore this mail.</p>`;
  return { to: m.to, subject: 'Your otaship sign-in link', text, html: String(body) };
}

export function invitationMessage(m: InvitationMail): MailMessage {
  const how = m.sso ? `Sign in with ${m.sso} here:` : `Open this link to accept. It works once, until ${formatDateTime(m.expiresAt)}:`;
  const text = [`${m.inviter} invited you to otaship, where your team shares test builds of its apps.`, '', how, m.link].join('\n');
  const body = html`<p>${m.inviter} invited you to otaship, where your team shares test builds of its apps.</p>
<p><a href="${m.link}">${m.sso ? `Sign in with ${m.sso}` : 'Accept the invitation'}</a></p>
${m.sso ? '' : html`<p>The link works once, until ${formatDateTime(m.expiresAt)}.</p>`}`;
  return { to: m.to, subject: `${m.inviter} invited you to otaship`, text, html: String(body) };
}

export function newBuildMessage(m: NewBuildMail): MailMessage {
  const platform = m.platform === 'ios' ? 'iOS' : 'Android';
  const title = `${m.appName} ${versionLabel(m.version, m.build)} (${platform})`;
  const text = [
    `A new build of ${title} is ready to install.`,
    ...(m.notesExcerpt ? ['', m.notesExcerpt] : []),
    '',
    'Sign in and install it from My apps:',
    m.link,
    '',
    'You get this mail because a group you are in is told about new builds. To stop these mails:',
    m.optOutLink,
  ].join('\n');
  const body = html`<p>A new build of <strong>${title}</strong> is ready to install.</p>
${m.notesExcerpt ? html`<p style="white-space: pre-line">${m.notesExcerpt}</p>` : ''}
<p><a href="${m.link}">Sign in and install it from My apps</a></p>
<p style="font-size: smaller">You get this mail because a group you are in is told about new builds. <a href="${m.optOutLink}">Stop these mails</a></p>`;
  return { to: m.to, subject: `New build: ${title}`, text, html: String(body) };
}

/** The ports, on top of a transport that sends composed messages. */
export function signInMailer(send: (message: MailMessage) => Promise<void>): SignInMailer & NoticeMailer {
  return {
    signInLink: (m) => send(signInMessage(m)),
    invitation: (m) => send(invitationMessage(m)),
    newBuild: (m) => send(newBuildMessage(m)),
  };
}
