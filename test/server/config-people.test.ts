// People's sign-in settings (config/people.ts): parsed from OTASHIP_* variables, each mistake a
// CONFIG error naming the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, SETTINGS } from '../../src/config/index.js';
import { OtashipError } from '../../src/core/errors.js';

function configError(env: Record<string, string>, pattern: RegExp): void {
  assert.throws(
    () => loadConfig({ env }),
    (err: unknown) => err instanceof OtashipError && err.code === 'CONFIG' && pattern.test(err.message),
  );
}

test('defaults: no single sign-on, no mail, 15-minute links, 7-day invitations', () => {
  const p = loadConfig({ env: { OTASHIP_PUBLIC_URL: 'https://ota.example.com' } }).people;
  assert.equal(p.oidc, null);
  assert.equal(p.smtpUrl, null);
  assert.equal(p.mailFrom, 'otaship <otaship@ota.example.com>');
  assert.equal(p.signInLinkTtlSeconds, 900);
  assert.equal(p.invitationTtlSeconds, 7 * 86400);
  assert.deepEqual(p.ssoOnlyDomains, []);
  for (const v of ['OTASHIP_OIDC_ISSUER', 'OTASHIP_SMTP_URL', 'OTASHIP_SSO_ONLY_DOMAINS']) assert.ok(Object.values(SETTINGS).includes(v), v);
});

test('single sign-on settings and the group map', () => {
  const p = loadConfig({
    env: {
      OTASHIP_OIDC_ISSUER: 'https://login.example.com/realms/corp',
      OTASHIP_OIDC_CLIENT_ID: 'otaship',
      OTASHIP_OIDC_GROUP_MAP: 'mobile-qa=Testers, a=b=Odd',
      OTASHIP_SSO_ONLY_DOMAINS: '@Example.com, corp.example.org',
      OTASHIP_SMTP_URL: 'smtps://u:p@mail.example.com:465',
    },
  }).people;
  assert.equal(p.oidc?.issuer, 'https://login.example.com/realms/corp');
  assert.equal(p.oidc?.clientSecret, null);
  assert.equal(p.oidc?.groupsClaim, 'groups');
  assert.deepEqual([...(p.oidc?.groupMap ?? [])], [['mobile-qa', 'Testers'], ['a=b', 'Odd']]);
  assert.deepEqual(p.ssoOnlyDomains, ['example.com', 'corp.example.org']);
  assert.equal(p.smtpUrl, 'smtps://u:p@mail.example.com:465');
});

test('mistakes name the variable', () => {
  configError({ OTASHIP_OIDC_ISSUER: 'https://login.example.com' }, /OTASHIP_OIDC_CLIENT_ID is missing/);
  configError({ OTASHIP_OIDC_CLIENT_ID: 'x' }, /OTASHIP_OIDC_ISSUER is missing/);
  configError({ OTASHIP_OIDC_ISSUER: 'https://l.example.com', OTASHIP_OIDC_CLIENT_ID: 'x', OTASHIP_OIDC_GROUP_MAP: 'novalue' }, /OTASHIP_OIDC_GROUP_MAP/);
  configError({ OTASHIP_OIDC_ISSUER: 'https://l.example.com', OTASHIP_OIDC_CLIENT_ID: 'x', OTASHIP_OIDC_SCOPES: 'email' }, /OTASHIP_OIDC_SCOPES/);
  configError({ OTASHIP_SSO_ONLY_DOMAINS: 'example.com' }, /OTASHIP_SSO_ONLY_DOMAINS needs single sign-on/);
  configError({ OTASHIP_SMTP_URL: 'http://mail.example.com' }, /OTASHIP_SMTP_URL/);
  configError({ OTASHIP_SIGN_IN_LINK_TTL: 'soon' }, /OTASHIP_SIGN_IN_LINK_TTL/);
});
