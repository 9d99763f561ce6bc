// The first admin's one-time sign-in link (src/services/first-run.ts, src/server/routes/entry.ts),
// over real HTTP against a real server with a SQLite database and no OTASHIP_ADMIN_TOKEN.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function newServer(): Promise<TestServer> {
  const srv = await startTestServer({ settings: { adminToken: undefined } });
  servers.push(srv);
  return srv;
}

/** The link as the server would print it, pointed at where the test server listens. */
async function issue(srv: TestServer): Promise<string> {
  const link = await srv.services.firstRun.issue();
  assert.ok(link, 'a new server without an admin prints a sign-in link');
  return link.url.replace(srv.publicUrl, srv.baseUrl);
}

const visit = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });
/** What the page's Sign in button does: post the code back (the link itself only shows the page). */
const signIn = (url: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', redirect: 'manual', headers });

function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('otaship_session='));
  assert.ok(cookie, 'the link sets the admin session cookie');
  return cookie.split(';')[0]!;
}

test('the sign-in link signs the first admin in once, backed by a real admin token', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  assert.match(url, /\/admin\/first-run\?code=[A-Za-z0-9_-]{43}$/);

  const res = await signIn(url);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  const cookie = sessionCookie(res);
  assert.match(res.headers.getSetCookie()[0]!, /HttpOnly/i);

  const admin = await visit(`${srv.baseUrl}/admin`, { cookie });
  assert.equal(admin.status, 200, 'the session opens the admin');
  const tokens = await fetch(`${srv.baseUrl}/api/v1/tokens`, { headers: { cookie } });
  assert.equal(tokens.status, 200, 'the session is an admin one');
  const list = JSON.stringify(await tokens.json());
  assert.match(list, /first admin \(sign-in link\)/);

  const again = await signIn(url);
  assert.equal(again.status, 401, 'the link works once');
  assert.equal(again.headers.getSetCookie().length, 0);
  assert.match(again.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await again.text(), /used already/);
  // The audit log: the sign-in by link (as the admin token it made), then the refused second use.
  const reader = { tokenId: 'bootstrap', name: 'admin', admin: true, appId: null, via: 'bearer' } as const;
  const [refused, first] = (await srv.services.audit.list(reader, { action: 'sign-in' })).items;
  assert.deepEqual([first?.outcome, first?.actorKind, first?.actorLabel, first?.details.method], ['success', 'token', 'first admin (sign-in link)', 'first-run link']);
  assert.deepEqual([refused?.outcome, refused?.actorKind, refused?.details.method], ['refused', 'anonymous', 'first-run link']);

  assert.equal(await srv.services.firstRun.issue(), null, 'once an admin signed in, no link is printed again');
});

test('the Sign in button works as a browser posts it (application/x-www-form-urlencoded, empty body)', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: new URL(srv.publicUrl).origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  assert.equal(res.status, 303, 'signed in');
  assert.equal(res.headers.get('location'), '/admin');
  sessionCookie(res);
});

test('the code is stored only as a hash', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  const code = new URL(url).searchParams.get('code')!;
  const stored = await srv.services.repos.settings.get('first_run_sign_in');
  assert.ok(stored && !stored.includes(code));
});

test('a wrong or missing code is refused; the real one still works afterwards', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  const wrong = url.replace(/code=./, (m) => (m.endsWith('A') ? `${m.slice(0, -1)}B` : `${m.slice(0, -1)}A`));
  assert.equal((await signIn(wrong)).status, 401);
  assert.equal((await signIn(`${srv.baseUrl}/admin/first-run`)).status, 401);
  assert.equal((await signIn(url)).status, 303);
});

test('the link expires after an hour', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  srv.clock.advance(3600_000 + 1000);
  const res = await signIn(url);
  assert.equal(res.status, 401);
  assert.match(await res.text(), /expired/);
});

test('a link printed at a later start replaces the earlier one', async () => {
  const srv = await newServer();
  const first = await issue(srv);
  const second = await issue(srv);
  assert.equal((await signIn(first)).status, 401);
  assert.equal((await signIn(second)).status, 303);
});

test('of visitors racing with the same link, exactly one is signed in', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  const answers = await Promise.all(Array.from({ length: 8 }, () => signIn(url)));
  assert.deepEqual(answers.map((r) => r.status).sort(), [303, 401, 401, 401, 401, 401, 401, 401]);
  const tokens = await srv.services.repos.tokens.list();
  assert.equal(tokens.filter((t) => t.admin).length, 1, 'one admin token made');
});

test('no link when OTASHIP_ADMIN_TOKEN is set or an admin token exists', async () => {
  const configured = await startTestServer();
  servers.push(configured);
  assert.equal(await configured.services.firstRun.issue(), null);

  const srv = await newServer();
  await srv.services.tokens.create({ tokenId: 'test', name: 'test', admin: true, appId: null, via: 'bearer' }, { name: 'ci admin', admin: true });
  assert.equal(await srv.services.firstRun.issue(), null);
});

test('/ leads to the admin, never a 404', async () => {
  const srv = await newServer();
  const res = await visit(`${srv.baseUrl}/`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/admin');
  const admin = await visit(new URL('/admin', srv.baseUrl).href);
  assert.equal(admin.status, 303, 'signed out: on to the sign-in page');
  assert.equal(admin.headers.get('location'), '/admin/login');
});

test('opening the link only shows a Sign in button: previewers that fetch it neither use it up nor get a session', async () => {
  const srv = await newServer();
  const url = await issue(srv);
  for (let i = 0; i < 2; i++) {
    const page = await visit(url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.getSetCookie().length, 0, 'no session from a GET');
    const body = await page.text();
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(action, 'the page holds the sign-in form');
    assert.equal(new URL(action, srv.baseUrl).href, url, 'the form posts the code back to the link');
  }
  const foreign = await signIn(url, { origin: 'https://evil.example' });
  assert.equal(foreign.status, 403, 'a post from another site is refused');
  assert.equal(foreign.headers.getSetCookie().length, 0);
  assert.equal((await signIn(url, { origin: new URL(srv.publicUrl).origin })).status, 303, 'the link still works after all that');
});
