// Settings of people's sign-in: single sign-on (OpenID Connect), e-mail (SMTP) and the lifetimes of
// e-mailed links. Parsed here and merged into the Config by load.ts (documented in docs/people.md).
import { OtashipError } from '../core/errors.js';
import { bad, parseBaseUrl, parseDuration } from './parse.js';

export interface OidcSettings {
  /** Issuer URL; its /.well-known/openid-configuration is read at start (discovery). */
  readonly issuer: string;
  readonly clientId: string;
  /** Null: a public client (PKCE only). */
  readonly clientSecret: string | null;
  /** What the sign-in button says, e.g. "Google" or "Okta". */
  readonly name: string;
  readonly scopes: string;
  /** The ID token / userinfo claim that lists the person's groups (e.g. "groups", "roles"). */
  readonly groupsClaim: string;
  /** Claim value → otaship group name. Values not listed are ignored. */
  readonly groupMap: ReadonlyMap<string, string>;
}

export interface PeopleSettings {
  readonly oidc: OidcSettings | null;
  /** E-mail domains whose people must use single sign-on: no e-mail sign-in links for them. */
  readonly ssoOnlyDomains: readonly string[];
  /** smtp:// or smtps:// URL (nodemailer's); null: no mail, the admin copies invitation links. */
  readonly smtpUrl: string | null;
  /** From: of the mails otaship sends. */
  readonly mailFrom: string;
  readonly signInLinkTtlSeconds: number;
  readonly invitationTtlSeconds: number;
}

export type PeopleKey =
  | 'oidcIssuer'
  | 'oidcClientId'
  | 'oidcClientSecret'
  | 'oidcName'
  | 'oidcScopes'
  | 'oidcGroupsClaim'
  | 'oidcGroupMap'
  | 'ssoOnlyDomains'
  | 'smtpUrl'
  | 'mailFrom'
  | 'signInLinkTtl'
  | 'invitationTtl';

export const PEOPLE_SETTINGS: Readonly<Record<PeopleKey, string>> = {
  oidcIssuer: 'OTASHIP_OIDC_ISSUER',
  oidcClientId: 'OTASHIP_OIDC_CLIENT_ID',
  oidcClientSecret: 'OTASHIP_OIDC_CLIENT_SECRET',
  oidcName: 'OTASHIP_OIDC_NAME',
  oidcScopes: 'OTASHIP_OIDC_SCOPES',
  oidcGroupsClaim: 'OTASHIP_OIDC_GROUPS_CLAIM',
  oidcGroupMap: 'OTASHIP_OIDC_GROUP_MAP',
  ssoOnlyDomains: 'OTASHIP_SSO_ONLY_DOMAINS',
  smtpUrl: 'OTASHIP_SMTP_URL',
  mailFrom: 'OTASHIP_MAIL_FROM',
  signInLinkTtl: 'OTASHIP_SIGN_IN_LINK_TTL',
  invitationTtl: 'OTASHIP_INVITATION_TTL',
};

export function peopleSettings(
  str: (k: PeopleKey) => string | undefined,
  raw: (k: PeopleKey) => unknown,
  name: (k: PeopleKey) => string,
  publicUrl: string,
): PeopleSettings {
  const issuer = str('oidcIssuer');
  const clientId = str('oidcClientId');
  if ((issuer === undefined) !== (clientId === undefined)) {
    const missing = issuer === undefined ? name('oidcIssuer') : name('oidcClientId');
    throw new OtashipError('CONFIG', `${missing} is missing: single sign-on needs both the issuer URL and the client id`);
  }
  let oidc: OidcSettings | null = null;
  if (issuer !== undefined && clientId !== undefined) {
    oidc = {
      issuer: parseBaseUrl(issuer, name('oidcIssuer')),
      clientId,
      clientSecret: str('oidcClientSecret') ?? null,
      name: str('oidcName') ?? 'single sign-on',
      scopes: str('oidcScopes') ?? 'openid email profile',
      groupsClaim: str('oidcGroupsClaim') ?? 'groups',
      groupMap: groupMap(str('oidcGroupMap'), name('oidcGroupMap')),
    };
    if (!/(^|\s)openid(\s|$)/.test(oidc.scopes)) throw bad(name('oidcScopes'), oidc.scopes, 'space-separated scopes including openid');
  }
  const ssoOnlyDomains = (str('ssoOnlyDomains') ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
    .filter((d) => d !== '');
  for (const d of ssoOnlyDomains) {
    if (!/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(d)) throw bad(name('ssoOnlyDomains'), d, 'comma-separated e-mail domains, e.g. example.com,example.org');
  }
  if (ssoOnlyDomains.length > 0 && !oidc) {
    throw new OtashipError('CONFIG', `${name('ssoOnlyDomains')} needs single sign-on (${name('oidcIssuer')}): otherwise those people could not sign in at all`);
  }
  const smtpUrl = str('smtpUrl') ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s]+$/i.test(smtpUrl)) throw bad(name('smtpUrl'), '(hidden)', 'smtp://user:pass@host:587 or smtps://user:pass@host:465');
  const host = new URL(publicUrl).hostname;
  const dur = (k: PeopleKey, fallback: number) => {
    const v = raw(k);
    return v === undefined ? fallback : parseDuration(v as string | number, name(k));
  };
  return {
    oidc,
    ssoOnlyDomains,
    smtpUrl,
    mailFrom: str('mailFrom') ?? `otaship <otaship@${host.includes('.') && !/^[\d.]+$/.test(host) ? host : 'localhost'}>`,
    signInLinkTtlSeconds: dur('signInLinkTtl', 15 * 60),
    invitationTtlSeconds: dur('invitationTtl', 7 * 86400),
  };
}

/** "claim=Group,other claim=Other group" → map. */
function groupMap(value: string | undefined, name: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const entry of (value ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.lastIndexOf('=');
    const claim = entry.slice(0, at).trim();
    const group = entry.slice(at + 1).trim();
    if (at < 1 || !claim || !group) throw bad(name, entry, 'comma-separated claimValue=otaship group, e.g. mobile-qa=Testers,mobile-dev=Developers');
    map.set(claim, group);
  }
  return map;
}
