// Changing OTASHIP_ADMIN_TOKEN ends the admin sessions signed in with the old one. Two servers share
// the signing key (OTASHIP_SECRET) and the database (where sessions live), as a restarted server
// does; only the admin token differs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

test('a bootstrap admin session stops working once the admin token is changed', async () => {
  const secret = randomBytes(32).toString('hex');
  const oldToken = `old-admin-${randomBytes(12).toString('hex')}`;
  const before = await startTestServer({ settings: { secret, adminToken: oldToken } });
  const databaseUrl = before.config.databaseUrl;
  const sameToken = await startTestServer({ settings: { secret, databaseUrl, adminToken: oldToken } });
  const changed = await startTestServer({
    settings: { secret, databaseUrl, adminToken: `new-admin-${randomBytes(12).toString('hex')}` },
  });
  servers.push(before, sameToken, changed);

  const session = await before.services.sessions.signIn(oldToken);
  const apps = (srv: TestServer) => fetch(`${srv.baseUrl}/api/v1/apps`, { headers: { cookie: `otaship_session=${session.value}` } });

  assert.equal((await apps(before)).status, 200);
  assert.equal((await apps(sameToken)).status, 200, 'same admin token (a restart): the session goes on');
  const res = await apps(changed);
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'UNAUTHENTICATED');
  assert.match(body.error.message, /admin token .* has changed/);
  // The cookie says which token without revealing its hash.
  const payload = Buffer.from(session.value.split('.')[0]!, 'base64url').toString('utf8');
  assert.ok(!payload.includes(before.config.adminTokenSha256!.slice(0, 8)));
});
