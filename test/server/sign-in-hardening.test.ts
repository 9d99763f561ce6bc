// Sessions and sign-in: server-side sign-out, login CSRF, throttled guessing, HSTS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function signIn(srv: TestServer, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${srv.baseUrl}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, next: '/admin' }).toString(),
  });
}
const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

describe('admin sessions end on the server', () => {
  let srv: TestServer;
  let other: TestServer;
  const secret = randomBytes(32).toString('hex');
  before(async () => {
    srv = await startTestServer({ settings: { secret } });
    // A second instance on the same database and signing key, as behind a load balancer.
    other = await startTestServer({ settings: { databaseUrl: srv.config.databaseUrl, secret } });
  });
  after(async () => {
    await other?.stop();
    await srv?.stop();
  });

  test('after sign-out the same cookie no longer works, on this instance or another', async () => {
    // An API token: both instances know it (the bootstrap tokens of the two test servers differ).
    const created = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'web admin', admin: true }),
    });
    const { token } = (await created.json()) as { token: string };
    const cookie = cookieOf(await signIn(other, token));
    assert.match(cookie, /^otaship_session=./);
    assert.equal((await fetch(`${other.baseUrl}/api/v1/apps`, { headers: { cookie } })).status, 200);

    const out = await fetch(`${other.baseUrl}/admin/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    assert.equal(out.status, 303);
    // A copy of the cookie (stolen, or kept by another tab) is refused everywhere.
    assert.equal((await fetch(`${other.baseUrl}/api/v1/apps`, { headers: { cookie } })).status, 401);
    const page = await fetch(`${other.baseUrl}/admin`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/admin/login');
  });

  test('a session opened on one instance is ended by signing out on the other', async () => {
    const created = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'web admin 2', admin: true }),
    });
    const { token } = (await created.json()) as { token: string };
    const cookie = cookieOf(await signIn(srv, token));
    const again = cookieOf(await signIn(srv, token));
    assert.equal((await fetch(`${other.baseUrl}/api/v1/apps`, { headers: { cookie } })).status, 200, 'one session, both instances');
    await fetch(`${other.baseUrl}/admin/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie } })).status, 401);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie: again } })).status, 200, 'other sessions live on');
  });
  test('sign-out is a POST from our own pages: a cross-site form or a plain link ends no session', async () => {
    const created = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'web admin 3', admin: true }),
    });
    const { token } = (await created.json()) as { token: string };
    const cookie = cookieOf(await signIn(srv, token));
    const forged = await fetch(`${srv.baseUrl}/admin/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
      redirect: 'manual',
    });
    assert.equal(forged.status, 403);
    const linked = await fetch(`${srv.baseUrl}/admin/logout`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(linked.status, 200);
    assert.match(await linked.text(), /<form method="post" action="\/admin\/logout">/);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie } })).status, 200, 'the session lives on');
    const ours = await fetch(`${srv.baseUrl}/admin/logout`, {
      method: 'POST',
      headers: { cookie, origin: new URL(srv.baseUrl).origin },
      redirect: 'manual',
    });
    assert.equal(ours.status, 303);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie } })).status, 401);
  });
});

describe('the sign-in form refuses other sites (login CSRF)', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => srv?.stop());

  test('a foreign or null Origin, or a foreign Referer, is refused with 403 and no cookie', async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { referer: 'https://evil.example/login.html' },
      { origin: srv.publicUrl.replace('127.0.0.1', 'localhost') },
    ]) {
      const res = await signIn(srv, srv.adminToken, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.headers.get('set-cookie'), null);
    }
  });

  test('the origin the browser is on (its Host) is ours too: another name for this server', async () => {
    const { port } = new URL(srv.baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams({ token: srv.adminToken, next: '/admin' }).toString();
      const req = httpRequest(
        srv.baseUrl + '/admin/login',
        {
          method: 'POST',
          headers: {
            host: `buildbox.local:${port}`,
            origin: `http://buildbox.local:${port}`,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': String(body.length),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 303);
  });

  test('our own Origin or Referer signs in; so does a tool that sends neither', async () => {
    for (const headers of <Record<string, string>[]>[{ origin: srv.publicUrl }, { referer: `${srv.publicUrl}/admin/login` }, {}]) {
      const res = await signIn(srv, srv.adminToken, headers);
      assert.equal(res.status, 303, JSON.stringify(headers));
      assert.match(cookieOf(res), /^otaship_session=./);
    }
  });
});

describe('failed sign-ins and rejected bearer tokens are throttled per address', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ settings: { authFailureLimit: 3 } });
  });
  after(async () => srv?.stop());

  test('after the allowance: 429 with Retry-After, even for the right token, until the window ends', async () => {
    const bad = { authorization: 'Bearer ota_0000000000000000000000000a_wrong' };
    // Good calls never count.
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).status, 200);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bad })).status, 401);
    assert.equal((await signIn(srv, 'ota_nope_nope')).status, 401);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { authorization: 'Basic eDp5' } })).status, 401);

    const refused = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bad });
    assert.equal(refused.status, 429);
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'TOO_MANY_REQUESTS');
    // The guesser learns nothing: the right token is not even looked at.
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).status, 429);
    const form = await signIn(srv, srv.adminToken);
    assert.equal(form.status, 429);
    assert.ok(form.headers.get('retry-after'));
    assert.equal(form.headers.get('set-cookie'), null);

    srv.clock.advance(15 * 60_000);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).status, 200);
  });
});

describe('behind a trusted proxy, clients are told apart by X-Forwarded-For', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ settings: { authFailureLimit: 2, trustProxy: '127.0.0.1' } });
  });
  after(async () => srv?.stop());

  test('one client over its allowance does not lock out another behind the same proxy', async () => {
    const bad = (client: string) => ({ authorization: 'Bearer ota_0000000000000000000000000a_wrong', 'x-forwarded-for': client });
    for (let i = 0; i < 2; i++) assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bad('203.0.113.7') })).status, 401);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bad('203.0.113.7') })).status, 429);
    assert.equal(
      (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth({ 'x-forwarded-for': '198.51.100.9' }) })).status,
      200,
    );
  });
});

describe('HSTS', () => {
  test('sent over https (self-signed TLS), not over plain http', async () => {
    const plain = await startTestServer();
    try {
      const res = await fetch(`${plain.baseUrl}/api/v1/health`);
      assert.equal(res.headers.get('strict-transport-security'), null);
    } finally {
      await plain.stop();
    }
    const tls = await startTestServer({ tls: true });
    try {
      const header = await new Promise<string | undefined>((resolve, reject) => {
        const req = httpsRequest(`${tls.baseUrl}/api/v1/health`, { ca: tls.ca ?? undefined }, (res) => {
          res.resume();
          resolve(res.headers['strict-transport-security']);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(header, 'max-age=15552000');
    } finally {
      await tls.stop();
    }
  });
});
