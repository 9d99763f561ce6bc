// Single sign-on against a REAL OpenID provider (oidc-provider, the certified implementation) on
// loopback, and a real otaship server: the browser's hops are made over HTTP by a cookie-keeping
// client. Sign-in, the groups claim mapped to an otaship group (whose role on an app the person then
// has), logout, SSO-only domains, and the refusals: a tampered state, a replayed callback, an ID
// token whose nonce is not the one this attempt sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import Provider from 'oidc-provider';
import { CookieBrowser, type Hop } from '../helpers/browser-jar.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ACCOUNTS: Record<string, Record<string, unknown>> = {
  ann: { email: 'Ann@Corp.example', email_verified: true, name: 'Ann Corp', groups: ['mobile-qa', 'unmapped'] },
  bob: { email: 'bob@corp.example', email_verified: true, name: 'Bob', groups: [] },
  unverified: { email: 'eve@corp.example', email_verified: false, name: 'Eve' },
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let srv: TestServer;
let idp: Server;
let issuer: string;

before(async () => {
  const idpPort = await freePort();
  issuer = `http://127.0.0.1:${idpPort}`;
  srv = await startTestServer({
    settings: {
      oidcIssuer: issuer,
      oidcClientId: 'otaship',
      oidcClientSecret: 'a-client-secret-for-tests',
      oidcName: 'Corp SSO',
      oidcGroupMap: 'mobile-qa=QA',
      ssoOnlyDomains: 'corp.example',
    },
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'otaship',
        client_secret: 'a-client-secret-for-tests',
        redirect_uris: [`${srv.publicUrl}/auth/oidc/callback`],
        post_logout_redirect_uris: [`${srv.publicUrl}/sign-in`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    async findAccount(_ctx, sub) {
      const claims = ACCOUNTS[sub];
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
  });
  idp = provider.listen(idpPort, '127.0.0.1');
  await new Promise<void>((resolve) => idp.once('listening', () => resolve()));
});

after(async () => {
  await srv?.stop();
  await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
});

/** Signs in at the provider (its development login and consent forms) until the browser is sent back to otaship. */
async function toCallback(browser: CookieBrowser, account: string): Promise<string> {
  let hop: Hop = await browser.follow(`${srv.baseUrl}/auth/oidc/start?next=%2Fmy`);
  for (let i = 0; i < 6; i++) {
    const action = /<form[^>]*action="([^"]+)"/.exec(hop.body)?.[1];
    assert.ok(action, `the provider's page has no form: ${hop.status} ${hop.body.slice(0, 300)}`);
    const form: Record<string, string> = /name="prompt" value="login"/.test(hop.body)
      ? { prompt: 'login', login: account, password: 'any' }
      : { prompt: 'consent' };
    hop = await browser.follow(new URL(action, hop.url).href, (next) => next.startsWith(`${srv.publicUrl}/auth/oidc/callback`), { form });
    if (hop.location?.startsWith(`${srv.publicUrl}/auth/oidc/callback`)) return hop.location;
  }
  throw new Error('the provider never sent the browser back');
}

async function me(browser: CookieBrowser): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/me`, { headers: { cookie: browser.cookieHeader(srv.baseUrl) } });
  return { status: res.status, json: res.status === 200 ? ((await res.json()) as Record<string, unknown>) : null };
}

test('sign-in: code + PKCE at a real provider, the person is created, the groups claim maps to a group and its role', async () => {
  const browser = new CookieBrowser();
  // The app the QA group tests; ann gets her role on it through the claim, not a grant of her own.
  const app = await srv.services.repos.apps.create({ platform: 'ios', bundleId: 'com.example.sso', name: 'SSO', isPublic: false });
  const qa = await srv.services.repos.people.createGroup({ name: 'QA', createdAt: new Date() });
  await srv.services.repos.people.setGrant(app.id, { groupId: qa.id }, 'tester', new Date());

  const callback = await toCallback(browser, 'ann');
  const params = new URL(callback).searchParams;
  assert.ok(params.get('code') && params.get('state'));
  const back = await browser.request(callback);
  assert.equal(back.status, 303, back.body);
  assert.equal(back.location, `${srv.baseUrl}/my`);
  assert.equal(browser.cookie(srv.baseUrl, 'otaship_oidc'), undefined, 'the attempt cookie is cleared');
  const who = await me(browser);
  assert.equal(who.status, 200);
  assert.equal(who.json?.email, 'Ann@Corp.example');
  assert.deepEqual(who.json?.roles, { [app.id]: 'tester' });
  const person = await srv.services.repos.people.getPersonByEmail('ann@corp.example');
  assert.equal(person?.name, 'Ann Corp');
  assert.deepEqual((await srv.services.repos.people.groupsOf(person!.id)).map((g) => `${g.group.name}:${g.via}`), ['QA:claim']);
  // My apps lists the app.
  const my = await browser.request(`${srv.baseUrl}/my`);
  assert.equal(my.status, 200);
  assert.match(my.body, /SSO/);

  // Logout ends the session on the server: the cookie no longer works.
  const cookie = browser.cookieHeader(srv.baseUrl);
  const out = await browser.request(`${srv.baseUrl}/admin/logout`, { method: 'POST' });
  assert.equal(out.status, 303);
  const stale = await fetch(`${srv.baseUrl}/api/v1/me`, { headers: { cookie } });
  assert.equal(stale.status, 401);
  // The audit log: her single sign-on, then her sign-out.
  const [signOut, signIn] = (await srv.services.audit.list(AUDIT_READER, { actor: 'ann@corp.example' })).items;
  assert.deepEqual([signIn?.action, signIn?.outcome, signIn?.details.method, signIn?.actorId], ['sign-in', 'success', 'single sign-on', person!.id]);
  assert.deepEqual([signOut?.action, signOut?.actorLabel], ['sign-out', 'Ann@Corp.example']);
});

/** The provider's first page when a sign-in starts: its login form, unless it still knows the browser. */
async function providerAsksForCredentials(browser: CookieBrowser): Promise<boolean> {
  const hop = await browser.follow(`${srv.baseUrl}/auth/oidc/start?next=%2Fmy`, (next) => next.startsWith(`${srv.publicUrl}/auth/oidc/callback`));
  return /name="prompt" value="login"/.test(hop.body);
}

test('sign-out after single sign-on ends the session at the provider too (RP-initiated logout)', async () => {
  const browser = new CookieBrowser();
  assert.equal((await browser.request(await toCallback(browser, 'bob'))).status, 303);
  const cookie = browser.cookieHeader(srv.baseUrl);
  assert.equal((await me(browser)).status, 200);
  // Signed in at the provider: a second sign-in would not ask for credentials.
  const probe = new CookieBrowser();
  for (const [host, jar] of browser.jar) if (host === new URL(issuer).host) probe.jar.set(host, new Map(jar));
  assert.equal(await providerAsksForCredentials(probe), false, 'the provider remembers the browser before sign-out');

  const out = await browser.request(`${srv.baseUrl}/admin/logout`, { method: 'POST' });
  assert.equal(out.status, 303);
  const endSession = new URL(out.location!);
  assert.equal(endSession.origin, issuer, 'sent to the provider to sign out there');
  assert.ok(endSession.searchParams.get('id_token_hint'), 'with the ID token as a hint');
  assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${srv.publicUrl}/sign-in`);
  // The old otaship cookie is refused at once.
  assert.equal((await fetch(`${srv.baseUrl}/api/v1/me`, { headers: { cookie } })).status, 401);

  // The provider asks to confirm (its own page); yes: it ends its session and sends the browser back.
  const confirm = await browser.follow(endSession.href);
  const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"/.exec(confirm.body);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1];
  assert.ok(action && xsrf, `the provider's logout page: ${confirm.body.slice(0, 300)}`);
  const back = await browser.follow(new URL(action[1] ?? action[2]!, confirm.url).href, (next) => next.startsWith(srv.publicUrl), { form: { xsrf, logout: 'yes' } });
  assert.equal(back.location, `${srv.publicUrl}/sign-in`);
  // The provider forgot the browser: signing in again asks for credentials.
  assert.equal(await providerAsksForCredentials(browser), true);
});

const AUDIT_READER = { tokenId: 'bootstrap', name: 'admin', admin: true, appId: null, via: 'bearer' } as const;

test('a replayed callback (same URL, same browser) is refused and gives no session', async () => {
  const browser = new CookieBrowser();
  const callback = await toCallback(browser, 'bob');
  const attempt = browser.cookie(srv.baseUrl, 'otaship_oidc');
  assert.ok(attempt);
  assert.equal((await browser.request(callback)).status, 303);
  // An attacker (or a double-click) replays the callback with the attempt's cookie.
  const replay = await fetch(callback, { headers: { cookie: `otaship_oidc=${attempt}` }, redirect: 'manual' });
  const text = await replay.text();
  assert.equal(replay.status, 401, text);
  // Refused by otaship's single-use attempt before the code even reaches the provider again.
  assert.match(text, /already used/);
  assert.equal(replay.headers.getSetCookie().some((c) => c.startsWith('otaship_session=') && !c.startsWith('otaship_session=;')), false);
  // Recorded as a refused single sign-on, from nobody signed in.
  const [refused] = (await srv.services.audit.list(AUDIT_READER, { action: 'sign-in' })).items;
  assert.deepEqual([refused?.outcome, refused?.actorKind, refused?.details.method, refused?.details.status], ['refused', 'anonymous', 'single sign-on', 401]);
});

test('a tampered state is refused', async () => {
  const browser = new CookieBrowser();
  const callback = new URL(await toCallback(browser, 'bob'));
  callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
  const res = await browser.request(callback.href);
  assert.equal(res.status, 401, res.body);
  assert.match(res.body, /single sign-on failed/);
  assert.equal(browser.cookie(srv.baseUrl, 'otaship_session'), undefined);
});

test('an ID token whose nonce is not the one this attempt sent is refused', async () => {
  const browser = new CookieBrowser();
  const callback = await toCallback(browser, 'bob');
  // The attempt now expects another nonce than the provider put in the ID token (as when a token
  // minted for another attempt is injected).
  const db = new Database(srv.config.databaseUrl.replace(/^sqlite:/, ''));
  try {
    const changed = db.prepare(`update auth_tickets set data = json_set(data, '$.nonce', 'not-the-nonce-sent') where purpose = 'oidc' and used_at is null`).run();
    assert.ok(changed.changes >= 1);
  } finally {
    db.close();
  }
  const res = await browser.request(callback);
  assert.equal(res.status, 401, res.body);
  assert.match(res.body, /nonce/i);
  assert.equal(browser.cookie(srv.baseUrl, 'otaship_session'), undefined);
});

test('a callback without the attempt cookie (another browser) is refused', async () => {
  const browser = new CookieBrowser();
  const callback = await toCallback(browser, 'bob');
  const res = await fetch(callback, { redirect: 'manual' });
  assert.equal(res.status, 401);
});

test('an account whose e-mail the provider has not verified is refused', async () => {
  const browser = new CookieBrowser();
  const res = await browser.request(await toCallback(browser, 'unverified'));
  assert.equal(res.status, 401);
  assert.match(res.body, /not verified/);
  assert.equal(await srv.services.repos.people.getPersonByEmail('eve@corp.example'), null);
});

test('SSO only: no e-mail sign-in link for a staff domain; the sign-in page offers the provider', async () => {
  const page = await fetch(`${srv.baseUrl}/sign-in`);
  assert.match(await page.text(), /Sign in with Corp SSO/);
  const res = await fetch(`${srv.baseUrl}/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'email=bob%40corp.example',
  });
  assert.equal(res.status, 403);
  assert.match(await res.text(), /sign in with Corp SSO, not with e-mail links/);
});
