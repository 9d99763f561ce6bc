// API tokens and admin sessions against a real server: create (secret shown once, stored hashed),
// list, revoke; app-limited tokens; forged and revoked tokens; session cookies and CSRF.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ErrorJson } from './support/http.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

interface TokenJson {
  id: string;
  name: string;
  token: string;
  appId: string | null;
  admin: boolean;
  revokedAt: string | null;
}

async function createToken(body: Record<string, unknown>, auth = srv.auth()): Promise<Response> {
  return fetch(`${srv.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function publish(token: string, opts: Parameters<typeof buildIpa>[0]): Promise<Response> {
  return fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: await readFile(await buildIpa(opts)),
  });
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('API tokens', () => {
  test('create shows the secret once, stores only its hash; list hides it; revoke stops it', async () => {
    const res = await createToken({ name: 'ci' });
    assert.equal(res.status, 201);
    const t = (await res.json()) as TokenJson;
    assert.match(t.token, /^ota_[0-9a-z]{26}_[A-Za-z0-9_-]+$/);
    assert.equal(t.admin, false);
    const record = await srv.services.repos.tokens.get(t.id);
    const secret = t.token.slice(`ota_${t.id}_`.length);
    assert.equal(record?.secretHash, createHash('sha256').update(secret).digest('hex'));

    const list = await fetch(`${srv.baseUrl}/api/v1/tokens`, { headers: srv.auth() });
    const text = await list.text();
    assert.ok(!text.includes(secret), 'the list never shows secrets');
    assert.ok((JSON.parse(text) as { items: TokenJson[] }).items.some((i) => i.id === t.id));

    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bearer(t.token) })).status, 200);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/tokens/${t.id}`, { method: 'DELETE', headers: srv.auth() })).status, 204);
    const after = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bearer(t.token) });
    assert.equal(after.status, 401);
    assert.match(((await after.json()) as ErrorJson).error.message, /revoked/);
    // Revoking is idempotent; an unknown id is a 404.
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/tokens/${t.id}`, { method: 'DELETE', headers: srv.auth() })).status, 204);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/tokens/01m85xe9tjnesg94nw3syqh9yx`, { method: 'DELETE', headers: srv.auth() })).status, 404);
  });

  test('forged, malformed and wrong-secret tokens are refused with 401', async () => {
    const t = (await (await createToken({ name: 'real' })).json()) as TokenJson;
    const forged = `ota_${t.id}_${'A'.repeat(43)}`;
    for (const token of [forged, 'ota_nope', 'not-a-token', `${srv.adminToken}x`]) {
      const res = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bearer(token) });
      assert.equal(res.status, 401, token);
      assert.equal(((await res.json()) as ErrorJson).error.code, 'UNAUTHENTICATED');
    }
    const malformedHeader = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { authorization: 'Basic abc' } });
    assert.equal(malformedHeader.status, 401);
  });

  test('expired tokens stop working', async () => {
    const t = (await (await createToken({ name: 'short', expiresInDays: 1 })).json()) as TokenJson;
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bearer(t.token) })).status, 200);
    srv.clock.advance(2 * 86400_000);
    try {
      const res = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bearer(t.token) });
      assert.equal(res.status, 401);
      assert.match(((await res.json()) as ErrorJson).error.message, /expired/);
    } finally {
      srv.clock.reset();
    }
  });

  test('only admin tokens manage tokens', async () => {
    const plain = (await (await createToken({ name: 'plain' })).json()) as TokenJson;
    const res = await createToken({ name: 'escalate', admin: true }, bearer(plain.token));
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as ErrorJson).error.code, 'FORBIDDEN');
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/tokens`, { headers: bearer(plain.token) })).status, 403);
    const admin = (await (await createToken({ name: 'second admin', admin: true })).json()) as TokenJson;
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/tokens`, { headers: bearer(admin.token) })).status, 200);
    assert.equal((await createToken({ name: '' })).status, 400);
    assert.equal((await createToken({ name: 'x', appId: '01m85xe9tjnesg94nw3syqh9yx' })).status, 404);
  });

  test('an app-limited token publishes and manages only its own app', async () => {
    const first = await publish(srv.adminToken, { bundleId: 'com.example.limited' });
    assert.equal(first.status, 201);
    const { app } = (await first.json()) as { app: { id: string } };
    const other = (await (await publish(srv.adminToken, { bundleId: 'com.example.other' })).json()) as { app: { id: string }; release: { id: string } };
    const limited = (await (await createToken({ name: 'limited', appId: app.id })).json()) as TokenJson;
    assert.equal(limited.appId, app.id);

    assert.equal((await publish(limited.token, { bundleId: 'com.example.limited', build: '2' })).status, 201);
    const foreign = await publish(limited.token, { bundleId: 'com.example.other', build: '3' });
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as ErrorJson).error.message, /com\.example\.other/);
    const brandNew = await publish(limited.token, { bundleId: 'com.example.brand-new' });
    assert.equal(brandNew.status, 403);

    const apps = (await (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: bearer(limited.token) })).json()) as { items: { id: string }[] };
    assert.deepEqual(apps.items.map((a) => a.id), [app.id]);
    // Another app's resources look exactly like unknown ids: 404, same message, no bundle id.
    const unknownApp = '01m85xe9tjnesg94nw3syqh9yx';
    const unknownRelease = '01m85xe9tjnesg94nw3syqh9yz';
    const asLimited = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${srv.baseUrl}/api/v1/${path}`, {
        method,
        headers: { ...bearer(limited.token), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, error: ((await res.json()) as ErrorJson).error };
    };
    for (const [method, kind, id, missing, body] of [
      ['GET', 'apps', other.app.id, unknownApp],
      ['PATCH', 'apps', other.app.id, unknownApp, { name: 'Mine now' }],
      ['DELETE', 'apps', other.app.id, unknownApp],
      ['GET', 'apps', `${other.app.id}/releases`, `${unknownApp}/releases`],
      ['GET', 'releases', other.release.id, unknownRelease],
      ['PATCH', 'releases', other.release.id, unknownRelease, { notes: 'x' }],
      ['DELETE', 'releases', other.release.id, unknownRelease],
    ] as const) {
      const hidden = await asLimited(method, `${kind}/${id}`, body);
      const absent = await asLimited(method, `${kind}/${missing}`, body);
      assert.equal(hidden.status, 404, `${method} ${kind}/${id}`);
      assert.equal(hidden.error.code, 'NOT_FOUND');
      assert.equal(hidden.error.message, absent.error.message.replace(missing.split('/')[0]!, id.split('/')[0]!));
      assert.doesNotMatch(hidden.error.message, /com\.example\.other/);
    }
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/releases/${other.release.id}`, { headers: srv.auth() })).status, 200);
    const patch = await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}`, {
      method: 'PATCH',
      headers: { ...bearer(limited.token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Mine' }),
    });
    assert.equal(patch.status, 200);
    assert.equal((await createToken({ name: 'x', admin: true, appId: app.id })).status, 400);
  });
});

describe('admin sessions', () => {
  test('a signed session cookie authenticates; state changes need the CSRF header or our Origin', async () => {
    const session = await srv.services.sessions.signIn(srv.adminToken);
    const cookie = `otaship_session=${session.value}`;
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/tokens`, { headers: { cookie } })).status, 200);

    const body = JSON.stringify({ name: 'from-admin' });
    const noHeader = await fetch(`${srv.baseUrl}/api/v1/tokens`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
    assert.equal(noHeader.status, 403);
    const foreignOrigin = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    assert.equal(foreignOrigin.status, 403);
    const withHeader = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'otaship' },
      body,
    });
    assert.equal(withHeader.status, 201);
    const sameOrigin = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: srv.baseUrl },
      body,
    });
    assert.equal(sameOrigin.status, 201);
  });

  test('forged, expired and revoked sessions are refused', async () => {
    const t = (await (await createToken({ name: 'session-user' })).json()) as TokenJson;
    const session = await srv.services.sessions.signIn(t.token);
    const ok = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie: `otaship_session=${session.value}` } });
    assert.equal(ok.status, 200);
    const [body, mac] = session.value.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ sub: 'bootstrap', scope: 'session', exp: 9999999999 })).toString('base64url');
    for (const value of [`${forgedBody}.${mac}`, `${body}.${'x'.repeat(43)}`, 'garbage']) {
      const res = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie: `otaship_session=${value}` } });
      assert.equal(res.status, 401, value);
    }
    srv.clock.advance(srv.config.sessionTtlSeconds * 1000 + 1000);
    try {
      assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie: `otaship_session=${session.value}` } })).status, 401);
    } finally {
      srv.clock.reset();
    }
    await fetch(`${srv.baseUrl}/api/v1/tokens/${t.id}`, { method: 'DELETE', headers: srv.auth() });
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie: `otaship_session=${session.value}` } })).status, 401);
  });

  test('session cookies are HttpOnly, SameSite=Lax, not Secure on http', () => {
    const opts = srv.services.sessions.cookieOptions(new Date());
    assert.equal(opts.httpOnly, true);
    assert.equal(opts.sameSite, 'lax');
    assert.equal(opts.secure, false);
  });
});
