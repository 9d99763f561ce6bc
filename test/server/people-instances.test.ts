// Two server instances on one database (SQLite file, and PostgreSQL): a person signed in on one is
// signed in on the other, and a role taken back, a group membership ended, a person disabled or
// removed, a sign-out or a personal token revoked on one is seen by the other at the next request —
// roles, people, sessions and tokens are read per request, never cached.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-people-instances-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let pg: Promise<PostgresServer> | null = null;
after(async () => {
  if (pg) await (await pg).stop();
});

const backends: Array<{ name: string; url: () => Promise<string>; skip: string | false }> = [
  { name: 'SQLite', url: async () => `sqlite:${join(dir, 'shared.db')}`, skip: false },
  { name: 'PostgreSQL', url: async () => (await (pg ??= startPostgres())).createDatabase(), skip: postgresSkipReason() },
];

for (const backend of backends) {
  describe(`people across instances: ${backend.name}`, { skip: backend.skip }, () => {
    test('sessions, role changes and removals are seen by the other instance at once', async () => {
      const databaseUrl = await backend.url();
      const secret = randomBytes(32).toString('hex');
      const a: TestServer = await startTestServer({ settings: { databaseUrl, secret } });
      const b: TestServer = await startTestServer({ settings: { databaseUrl, secret } });
      try {
        const app = await a.services.repos.apps.create({ platform: 'android', bundleId: 'com.example.shared', name: 'Shared', isPublic: false });
        const person = await a.services.repos.people.createPerson({ email: 'pat@example.com', name: 'Pat', admin: false, createdAt: new Date() });
        await a.services.repos.people.setGrant(app.id, { personId: person.id }, 'tester', new Date());
        const cookie = `otaship_session=${(await a.services.sessions.signInPerson(person.id)).value}`;
        const onB = async (path: string) => fetch(`${b.baseUrl}${path}`, { headers: { cookie } });

        assert.equal((await onB(`/api/v1/apps/${app.id}`)).status, 200);
        // The role is taken back through instance A's API; B answers as if the app did not exist.
        const revoke = await fetch(`${a.baseUrl}/api/v1/apps/${app.id}/grants?personId=${person.id}`, { method: 'DELETE', headers: a.auth() });
        assert.equal(revoke.status, 204);
        assert.equal((await onB(`/api/v1/apps/${app.id}`)).status, 404);
        // Removed on A: the session ends on B too.
        assert.equal((await fetch(`${a.baseUrl}/api/v1/people/${person.id}`, { method: 'DELETE', headers: a.auth() })).status, 204);
        assert.equal((await onB('/api/v1/me')).status, 401);
      } finally {
        await b.stop();
        await a.stop();
      }
    });

    test('sign-out, revoked personal tokens, ended memberships and disabled people are seen by the other instance at once', async () => {
      const databaseUrl = await backend.url();
      const secret = randomBytes(32).toString('hex');
      const a: TestServer = await startTestServer({ settings: { databaseUrl, secret } });
      const b: TestServer = await startTestServer({ settings: { databaseUrl, secret } });
      try {
        const app = await a.services.repos.apps.create({ platform: 'ios', bundleId: 'com.example.seen', name: 'Seen', isPublic: false });
        const person = await a.services.repos.people.createPerson({ email: 'sam@example.com', name: 'Sam', admin: false, createdAt: new Date() });
        const group = await a.services.repos.people.createGroup({ name: 'Seen QA', createdAt: new Date() });
        await a.services.repos.people.addMember(group.id, person.id, 'admin', new Date());
        await a.services.repos.people.setGrant(app.id, { groupId: group.id }, 'tester', new Date());
        const cookieA = `otaship_session=${(await a.services.sessions.signInPerson(person.id)).value}`;
        const cookieB = `otaship_session=${(await a.services.sessions.signInPerson(person.id)).value}`;

        // A personal token made on A works on B until it is revoked on A.
        const created = await fetch(`${a.baseUrl}/api/v1/me/tokens`, {
          method: 'POST',
          headers: { cookie: cookieA, 'content-type': 'application/json', 'x-requested-with': 'otaship', origin: a.publicUrl },
          body: JSON.stringify({ name: 'laptop' }),
        });
        assert.equal(created.status, 201, await created.clone().text());
        const { id, token } = (await created.json()) as { id: string; token: string };
        const bearerOnB = () => fetch(`${b.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal((await bearerOnB()).status, 200);
        const revoke = await fetch(`${a.baseUrl}/api/v1/me/tokens/${id}`, { method: 'DELETE', headers: { cookie: cookieA, 'x-requested-with': 'otaship', origin: a.publicUrl } });
        assert.equal(revoke.status, 204);
        assert.equal((await bearerOnB()).status, 401);

        // Signing out on A ends that session on B.
        assert.equal((await fetch(`${b.baseUrl}/api/v1/me`, { headers: { cookie: cookieA } })).status, 200);
        assert.equal((await fetch(`${a.baseUrl}/admin/logout`, { method: 'POST', headers: { cookie: cookieA }, redirect: 'manual' })).status, 303);
        assert.equal((await fetch(`${b.baseUrl}/api/v1/me`, { headers: { cookie: cookieA } })).status, 401);

        // The membership that gave the role ends on A: B hides the app at once.
        const onB = (path: string) => fetch(`${b.baseUrl}${path}`, { headers: { cookie: cookieB } });
        assert.equal((await onB(`/api/v1/apps/${app.id}`)).status, 200);
        assert.equal((await fetch(`${a.baseUrl}/api/v1/groups/${group.id}/members/${person.id}`, { method: 'DELETE', headers: a.auth() })).status, 204);
        assert.equal((await onB(`/api/v1/apps/${app.id}`)).status, 404);

        // Disabled on A: the other session ends on B.
        assert.equal((await onB('/api/v1/me')).status, 200);
        const disable = await fetch(`${a.baseUrl}/api/v1/people/${person.id}`, {
          method: 'PATCH',
          headers: a.auth({ 'content-type': 'application/json' }),
          body: JSON.stringify({ disabled: true }),
        });
        assert.equal(disable.status, 200);
        assert.equal((await onB('/api/v1/me')).status, 401);
      } finally {
        await b.stop();
        await a.stop();
      }
    });
  });
}
